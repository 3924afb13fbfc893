"""Names and dates of birth in the form in which records are compared.

Agencies in the region write the same person differently: with or without diacritics
(Nguyễn / Nguyen), in several romanisations (Mohammed / Muhammad / Mohd), family name first
or last, with connectors (bin, binti) or as a single name. Normalisation removes differences
that carry no information about identity, and nothing else: a typo or an alias is left for
the probabilistic comparison to weigh.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from justicelink.names import fold, knowledge, raw_words
from justicelink.names.fold import SLASH_CONNECTOR

__all__ = [
    "TRANSLITERATION_FAMILIES",
    "LinkageDob",
    "fold",
    "linkage_dob",
    "name_key",
    "name_tokens",
]

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


def name_tokens(*parts: str | None) -> tuple[str, ...]:
    """The name's words, folded, romanisations unified, connectors and titles dropped,
    particles joined to the family name they introduce, sorted.

    Give the parts in reading order (given names, middle names, family name) or the whole
    name. Sorting makes the comparison order-free, so that "NGUYEN Van An" (family name
    first) and "Van An Nguyen" meet. A mononym gives one token. Connectors are treated by
    culture, not everywhere: a patronymic connector (bin, binti, a/l, s/o) is dropped only
    between two words and not after or before a Chinese, Vietnamese or Korean family name,
    so "Chen Bin" keeps its given name; family-name particles are joined to the next word
    ("De la Cruz", "Dela Cruz" and "Delacruz" give "delacruz"), except in such names, where
    "Da" or "De" may be a given name.

    >>> name_tokens("Mohd Ali bin Hassan")
    ('ali', 'hassan', 'muhammad')
    >>> name_tokens("Nguyễn", "Văn An") == name_tokens("Van An NGUYEN")
    True
    >>> name_tokens("Chen Bin"), name_tokens("Juan de la Cruz")
    (('bin', 'chen'), ('delacruz', 'juan'))
    """
    k = knowledge()
    keys: list[str] = []
    for part in parts:
        for word in raw_words(part or ""):
            if SLASH_CONNECTOR.fullmatch(word):
                keys.append(word.lower())
            else:
                keys.extend(fold(word).split())
    n = len(keys)
    east_asian = n > 0 and (k.is_east_asian_family(keys[0]) or k.is_east_asian_family(keys[-1]))
    out: list[str] = []
    i = 0
    while i < n:
        word = keys[i]
        kinds = k.kinds(word)
        if "title" in kinds or "/" in word:
            i += 1
            continue
        if "patronymic" in kinds and 0 < i < n - 1 and not east_asian:
            i += 1
            continue
        end = i
        while not east_asian and end < n - 1:
            if end < n - 2 and "family_particle" in k.kinds(f"{keys[end]} {keys[end + 1]}"):
                end += 2
            elif "family_particle" in k.kinds(keys[end]):
                end += 1
            else:
                break
        out.append("".join(keys[i : end + 1]))
        i = end + 1
    return tuple(sorted(_CANONICAL.get(w, w) for w in out))


def canonical_spelling(word: str) -> str:
    """The spelling a folded word takes in name tokens (Mohd -> muhammad, Lee -> li)."""
    return _CANONICAL.get(word, word)


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
        defaulted: The date was recorded as 1 January (to the day or the month), which
            counts only as its year but is weighed apart from a year-only date.
    """

    exact: dt.date | None
    year: int | None
    month: int | None
    day: int | None
    defaulted: bool = False

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
    return LinkageDob(None, date.year, None, None, defaulted and precision in ("day", "month"))
