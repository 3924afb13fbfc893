"""Rules about what people type: passwords (NIST SP 800-63B) and stated purposes.

Kept in one place so the sign-in pages, the API, the command line and the store apply the
same rules: a purpose refused by a page is refused by the API too.
"""

from __future__ import annotations

from justicelink.policy.inputs import MIN_PURPOSE, clean_purpose, printable, visible
from justicelink.policy.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, check_password

__all__ = [
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "MIN_PURPOSE",
    "check_password",
    "clean_purpose",
    "printable",
    "visible",
]
