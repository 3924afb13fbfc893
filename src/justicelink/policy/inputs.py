"""Free text from users: a purpose for every look-up, and no control characters anywhere.

A stated purpose is what EU Directive 2016/680 Art. 25 asks the consultation log to show as
the justification; blanks, a few letters or terminal escape sequences justify nothing.
"""

from __future__ import annotations

import unicodedata

from justicelink.errors import InputError

MIN_PURPOSE = 10
MAX_PURPOSE = 500
# Unicode categories never allowed in typed text: controls (tab, newline, ESC, DEL, C1),
# line and paragraph separators, unassigned and private-use code points, and lone
# surrogates. Format characters (Cf) stay: zero-width joiners are part of several scripts.
_REFUSED = frozenset({"Cc", "Zl", "Zp", "Cn", "Co", "Cs"})


def printable(text: str) -> bool:
    """Whether ``text`` holds no control, separator, unassigned or private-use character."""
    return not any(unicodedata.category(c) in _REFUSED for c in text)


def visible(text: str) -> str:
    """``text`` with every character :func:`printable` refuses written as an escape (``\\x1b``).

    The audit log stores what it is given through this: a tab, newline or ESC sent by a
    client is kept as the four characters ``\\x09``, never replayed to a terminal or page.
    """
    return "".join(
        c
        if unicodedata.category(c) not in _REFUSED
        else f"\\x{ord(c):02x}"
        if ord(c) < 0x100
        else f"\\u{ord(c):04x}"
        for c in text
    )


def clean_purpose(purpose: str | None) -> str:
    """The purpose of a look-up, trimmed; refused unless printable and long enough.

    Args:
        purpose: As typed (query parameter or form field).

    Returns:
        The purpose without leading or trailing blanks.

    Raises:
        InputError: missing, shorter than :data:`MIN_PURPOSE` characters once trimmed,
            longer than :data:`MAX_PURPOSE`, or holding a control character.
    """
    trimmed = (purpose or "").strip()
    if not printable(trimmed):
        raise InputError("the purpose may not hold control characters (tab, newline, escape)")
    if len(trimmed) < MIN_PURPOSE:
        raise InputError(f"state the purpose of this look-up (at least {MIN_PURPOSE} characters)")
    if len(trimmed) > MAX_PURPOSE:
        raise InputError(f"the purpose has at most {MAX_PURPOSE} characters")
    return trimmed
