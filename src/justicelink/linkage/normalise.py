"""Names and dates of birth in the form in which records are compared.

Agencies in the region write the same person differently: with or without diacritics
(Nguyễn / Nguyen), in several romanisations (Mohammed / Muhammad / Mohd), family name first
or last, with connectors (bin, binti) or as a single name. Normalisation removes differences
that carry no information about identity, and nothing else: a typo or an alias is left for
the probabilistic comparison to weigh.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

# Letters that Unicode decomposition does not reduce to an ASCII base letter.
_SPECIAL_LETTERS = str.maketrans(
    {"đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "ß": "ss", "æ": "ae", "ı": "i"}
)
_NOT_LETTER = re.compile(r"[^a-z]+")

# Romanisations of one name, folded onto one spelling: spellings that agencies in South and
# South-East Asia use for the same name (common transliteration variants of Arabic-origin and
# South Asian names; Vietnamese names lose only their diacritics, which folding removes).
# Dialect romanisations of one Chinese surname (Tan, Chan, Chen) are not folded: each is a
# family name in its own right that a person keeps across agencies, so folding them would
# only join strangers.
TRANSLITERATION_FAMILIES: dict[str, tuple[str, ...]] = {
    "muhammad": (
        "mohammed",
        "mohammad",
        "mohamed",
        "mohamad",
        "muhammed",
        "muhamad",
        "mohd",
        "md",
        "mohamud",
        "muhamed",
    ),
    "ahmad": ("ahmed", "ahmet", "ahamed"),
    "abdul": ("abdol", "abd", "abdel"),
    "hussain": ("hussein", "husain", "hossain", "husein", "hosain"),
    "chowdhury": ("choudhury", "chaudhary", "chaudhry", "choudhary", "chowdhary", "chaudhari"),
    "siddiqui": ("siddiqi", "siddique", "siddiki"),
    "rahman": ("rehman", "rahmaan"),
    "khan": ("kahn",),
    "singh": ("sing",),
    "yusuf": ("yousuf", "yousef", "yusof", "yousaf"),
    "ibrahim": ("ebrahim", "ibraheem"),
    "li": ("lee",),
}
_CANONICAL = {
    variant: name for name, variants in TRANSLITERATION_FAMILIES.items() for variant in variants
}

# Words that join or title a name rather than name the person.
# "a/l" and "a/p" (anak lelaki, anak perempuan) fold to single letters and go with them.
CONNECTORS = frozenset({"bin", "binti", "bte", "bt", "a", "l", "p", "mr", "mrs", "ms"})


def fold(text: str | None) -> str:
    """Lower-case ASCII letters and single spaces: diacritics, punctuation and case removed.

    >>> fold("  NGUYỄN Văn-Đức ")
    'nguyen van duc'
    """
    if not text:
        return ""
    letters = unicodedata.normalize("NFKD", text.translate(_SPECIAL_LETTERS))
    stripped = "".join(ch for ch in letters if not unicodedata.combining(ch))
    return _NOT_LETTER.sub(" ", stripped.lower()).strip()


def name_tokens(*parts: str | None) -> tuple[str, ...]:
    """The name's words, folded, romanisations unified, connectors dropped, sorted.

    Sorting makes the comparison order-free, so that "NGUYEN Van An" (family name first)
    and "Van An Nguyen" meet. A mononym gives one token.

    >>> name_tokens("Mohd Ali bin Hassan")
    ('ali', 'hassan', 'muhammad')
    >>> name_tokens("Nguyễn", "Văn An") == name_tokens("Van An NGUYEN")
    True
    """
    words = " ".join(fold(part) for part in parts if part).split()
    return tuple(sorted(_CANONICAL.get(w, w) for w in words if w not in CONNECTORS))


def name_key(*parts: str | None) -> str:
    """The name tokens joined by one space: equal keys mean names equal after normalisation."""
    return " ".join(name_tokens(*parts))


@dataclass(frozen=True, slots=True)
class LinkageDob:
    """A date of birth as evidence for a match.

    Attributes:
        exact: The full date, only when it is trustworthy to the day: recorded with day
            precision and not 1 January (the usual default when only the year was known).
        year: The year, whenever one is known.
        month: The month, when recorded and not a defaulted 1 January.
        day: The day, under the same condition as ``exact``.
    """

    exact: dt.date | None
    year: int | None
    month: int | None
    day: int | None

    @property
    def swapped(self) -> dt.date | None:
        """The date with day and month exchanged, when both are 12 or less (a common slip)."""
        if self.exact is None or self.exact.day > 12 or self.exact.day == self.exact.month:
            return None
        return self.exact.replace(month=self.exact.day, day=self.exact.month)


def linkage_dob(date: dt.date | None, precision: str | None) -> LinkageDob:
    """Decide how much of a recorded date of birth may count as evidence.

    A year-only date counts only as a year; a 1 January date counts only as a year too,
    since agencies default unknown days to it, and treating it as a full date would join
    different people born in the same year.
    """
    if date is None:
        return LinkageDob(None, None, None, None)
    defaulted = date.month == 1 and date.day == 1
    if precision == "day" and not defaulted:
        return LinkageDob(date, date.year, date.month, date.day)
    if precision in ("day", "month") and not defaulted:
        return LinkageDob(None, date.year, date.month, None)
    return LinkageDob(None, date.year, None, None)
