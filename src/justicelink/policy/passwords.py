"""Password rules after NIST SP 800-63B section 3.1.1.2 (memorized secrets).

At least 12 characters (NIST asks at least 8 of a single-factor password; a second factor is
always required here, 12 is the CJIS advanced-authentication length), up to 1,000 of any
printable characters including spaces, no composition rules, and refusal of passwords that
are known to be common or breached, or derived from the context (the user's name, the
service's name, repetitions such as ``aaaaaaaaaaaa``). The blocklist ships as package data
(``data/common-passwords.txt``; its header names its source).
"""

from __future__ import annotations

import string
from functools import cache
from importlib import resources

from justicelink.errors import InputError
from justicelink.policy.inputs import printable

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1000
SERVICE = "justicelink"
_ENDS = string.digits + string.punctuation + " "


@cache
def blocklist() -> frozenset[str]:
    """The common and breached passwords, lowercased (read once)."""
    text = (resources.files("justicelink.policy") / "data" / "common-passwords.txt").read_text(
        encoding="utf-8"
    )
    _header, _, body = text.partition("\n\n")
    return frozenset(line for line in body.splitlines() if line)


def check_password(password: str, *, user_name: str = "") -> None:
    """Refuse a password NIST SP 800-63B says a verifier must refuse.

    Args:
        password: The new password, exactly as typed.
        user_name: The account's name: a password containing it is refused.

    Raises:
        InputError: too short or too long, holding control characters, on the blocklist
            (also once digits and punctuation at its ends are stripped, so
            ``Password2024!`` counts as ``password``), containing the user's or the
            service's name, or made of at most three distinct characters.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InputError(f"the password has at most {MAX_PASSWORD_LENGTH} characters")
    if not printable(password):
        raise InputError("the password may not hold control characters")
    lowered = password.lower()
    common = blocklist()
    if lowered in common or lowered.strip(_ENDS) in common or lowered.replace(" ", "") in common:
        raise InputError("this password is on a list of common or breached passwords")
    name = user_name.strip().lower()
    if (len(name) >= 3 and name in lowered) or SERVICE in lowered.replace(" ", ""):
        raise InputError("the password may not contain the user name or the service's name")
    if len(set(lowered)) <= 3:
        raise InputError("the password repeats too few characters (e.g. aaaa or abab)")
