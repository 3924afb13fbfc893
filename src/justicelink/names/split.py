"""Splitting a one-column name into family name and given names.

Agencies that keep one name column write it in several orders, sometimes in one column:
"NGUYEN Van An" (family name first, in capitals), "Van An Nguyen", "Nguyen, Van An",
"Juan Dela Cruz". :func:`split_name` takes the declared order (``family_first``,
``given_first``) or finds it per row (``auto``), and keeps family names of several words
whole: particles ("Dela Cruz", "de los Santos", "van der Berg"), patronymics ("bin Ismail",
"a/l Rajan") and the Vietnamese "Nguyen Thi" when the given name was moved to the front.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from justicelink.names.fold import raw_words, word_key
from justicelink.names.knowledge import NameKnowledge, knowledge

ORDERS = ("family_first", "given_first", "auto")


@dataclass(frozen=True, slots=True)
class SplitName:
    """A name split into parts.

    Attributes:
        family: The family name (for a one-word name: that word), or None when the order
            could not be told (``auto`` without a clue): the name is then kept whole.
        given: The given names, or None.
        order: How the split was decided: ``comma``, ``capitals``, ``family_first``,
            ``given_first``, ``patronymic`` or ``mononym``; None when it was not split.
    """

    family: str | None
    given: str | None
    order: str | None


_WHOLE = SplitName(None, None, None)


def _is_caps(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _particle_run_before(keys: list[str], end: int, k: NameKnowledge) -> int:
    """Start of the family particles right before position ``end`` (``end``: none)."""
    start = end
    while start > 0:
        two = " ".join(keys[start - 2 : start]) if start >= 2 else ""
        if two and "family_particle" in k.kinds(two):
            start -= 2
        elif "family_particle" in k.kinds(keys[start - 1]):
            start -= 1
        else:
            break
    return start


def _family_from_end(keys: list[str], k: NameKnowledge) -> int:
    """Index where the family name starts when it comes last."""
    n = len(keys)
    # "Lan Nguyen Thi": a Vietnamese name whose given name was moved to the front.
    if (
        n >= 3
        and "viet_middle" in k.kinds(keys[-1])
        and "vietnamese" in k.traditions.get(keys[-2], frozenset())
    ):
        return n - 2
    return max(1, _particle_run_before(keys, n - 1, k))


def _family_from_start(keys: list[str], k: NameKnowledge) -> int:
    """Index just past the family name when it comes first."""
    n = len(keys)
    end = 0
    while end < n - 1:
        two = " ".join(keys[end : end + 2])
        if end + 2 < n and "family_particle" in k.kinds(two):
            end += 2
        elif "family_particle" in k.kinds(keys[end]):
            end += 1
        else:
            break
    return min(end + 1, n - 1) if n > 1 else 1


def _detect(words: list[str], keys: list[str], k: NameKnowledge) -> str | None:
    """The order of an ``auto`` row from the family-name lists and particles, or None."""
    n = len(keys)
    if (
        n >= 3
        and "viet_middle" in k.kinds(keys[-1])
        and "vietnamese" in k.traditions.get(keys[-2], frozenset())
    ):
        return "given_first"
    if _particle_run_before(keys, n - 1, k) < n - 1:
        return "given_first"  # "Juan Dela Cruz": particles before the last word
    first = k.family_first_rank.get(keys[0])
    last = k.family_rank.get(keys[-1])
    if first is not None and last is None:
        return "family_first"
    if last is not None and first is None:
        return "given_first"
    if first is not None and last is not None and first != last:
        # Both could be family names ("Lee Min Ho", "Wei Chen"): the commoner one is.
        return "family_first" if first < last else "given_first"
    return None


def _join(words: list[str]) -> str | None:
    return " ".join(words) or None


@lru_cache(maxsize=500_000)
def split_name(text: str | None, order: str) -> SplitName:
    """Split ``text`` into family name and given names.

    Args:
        text: The name as written.
        order: ``family_first``, ``given_first`` or ``auto`` (decided per row: a comma
            form "FAMILY, GIVEN"; a family name in capitals at either end; a Vietnamese
            middle particle after a family name at the end; family-name particles before
            the last word; or a known family name at one end only, the commoner one when
            both ends are family names).

    Returns:
        The parts. A comma form and a patronymic connector in the middle ("Ahmad bin
        Ismail", "Kumar a/l Rajan") decide the split whatever the declared order. A name
        ``auto`` cannot place is kept whole (family and given None).

    >>> split_name("Juan Dela Cruz", "given_first")
    SplitName(family='Dela Cruz', given='Juan', order='given_first')
    >>> split_name("NGUYEN THI Lan", "auto")
    SplitName(family='NGUYEN THI', given='Lan', order='capitals')
    """
    if not text or not text.strip():
        return _WHOLE
    k = knowledge()
    if text.count(",") == 1:
        family, given = (part.strip() for part in text.split(","))
        if family and given:
            return SplitName(" ".join(family.split()), " ".join(given.split()), "comma")
    words = raw_words(text.replace(",", " "))
    if len(words) == 1:
        return SplitName(words[0], None, "mononym")
    keys = [word_key(w) for w in words]
    # A patronymic connector between two words starts the family part (not after a Chinese,
    # Vietnamese or Korean family name: "Tan Bin Seng", "Chen Bin" keep their given name Bin).
    if not k.is_east_asian_family(keys[0]):
        for i in range(1, len(words) - 1):
            if "patronymic" in k.kinds(keys[i]):
                return SplitName(_join(words[i:]), _join(words[:i]), "patronymic")
    caps = [_is_caps(w) for w in words]
    if any(caps) and not all(caps):
        lead = next(i for i, c in enumerate(caps) if not c)
        trail = len(caps) - next(i for i, c in enumerate(reversed(caps)) if not c)
        if lead > 0 and not any(caps[lead:]):
            return SplitName(_join(words[:lead]), _join(words[lead:]), "capitals")
        if trail < len(words) and not any(caps[:trail]):
            return SplitName(_join(words[trail:]), _join(words[:trail]), "capitals")
    chosen = _detect(words, keys, k) if order == "auto" else order
    if chosen == "family_first":
        end = _family_from_start(keys, k)
        return SplitName(_join(words[:end]), _join(words[end:]), "family_first")
    if chosen == "given_first":
        start = _family_from_end(keys, k)
        return SplitName(_join(words[start:]), _join(words[:start]), "given_first")
    return _WHOLE
