"""Name pools of Examplia and the spelling variants agencies produce.

Pools are read once from the attributes of Faker locale providers (never by calling Faker per
row) and completed with small hand-written lists (Pacific names, Muslim given names, Filipino and
Korean family names). Every name is an index into one string table, so that drawing names,
stripping diacritics, upper-casing and switching to a transliteration variant are all numpy
fancy-indexing operations.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from justicelink.synth.name_lists import (
    FILIPINO_FAMILY,
    KOREAN_FAMILY,
    KOREAN_FEMALE,
    KOREAN_MALE,
    MUSLIM_FAMILY,
    MUSLIM_FEMALE,
    MUSLIM_MALE,
    NICKNAMES,
    PACIFIC_FAMILY,
    PACIFIC_FEMALE,
    PACIFIC_MALE,
    TRANSLITERATIONS,
    VIET_FAMILY_EXTRA,
)

IntArray = npt.NDArray[np.int64]
ObjArray = npt.NDArray[np.object_]

#: Ethnic groups and their share of the true persons.
GROUPS: tuple[str, ...] = ("South Asian", "South-East Asian", "East Asian", "Pacific")
GROUP_SHARES: tuple[float, ...] = (0.35, 0.35, 0.20, 0.10)


def _latin(name: str) -> bool:
    return all(
        ch in " -'." or unicodedata.name(ch, "").startswith("LATIN") for ch in name
    ) and bool(name.strip())


def strip_diacritics(name: str) -> str:
    """Return ``name`` without diacritics (``Nguyễn`` -> ``Nguyen``, ``Đặng`` -> ``Dang``)."""
    name = name.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _provider(locale: str) -> Any:
    from faker import Faker

    return Faker(locale).provider("faker.providers.person")


def _attr(provider: Any, name: str) -> list[str]:
    value = getattr(provider, name)
    items = list(value.keys()) if isinstance(value, dict) else list(value)
    # Faker pools may repeat names (weighted by repetition) and contain non-Latin script.
    seen: dict[str, None] = {}
    for item in items:
        if _latin(item):
            seen.setdefault(item, None)
    return list(seen)


@dataclass(frozen=True)
class Subgroup:
    """A naming tradition inside an ethnic group.

    Attributes:
        name: Label (e.g. ``vietnamese``).
        group: Index into :data:`GROUPS`.
        share: Share of the group's persons.
        family: Family-name pool (string-table indices).
        given: Given-name pools for males and females.
        middle: Middle-name pools for males and females (Vietnamese), empty when unused.
        second_given: Probability of a second given name.
        mononym: Probability that a person has a single name only.
        nationality: Nationality written by courts and prisons when not Examplian.
    """

    name: str
    group: int
    share: float
    family: IntArray
    given: tuple[IntArray, IntArray]
    middle: tuple[IntArray, IntArray]
    second_given: float
    mononym: float
    nationality: str


@dataclass(frozen=True)
class NamePools:
    """All names as one string table plus the per-subgroup pools and variant maps.

    Attributes:
        strings: The string table; index 0 is the empty string.
        subgroups: Naming traditions in a fixed order.
        stripped: Index of each name without diacritics (itself when it has none).
        upper: Index of each name in upper case.
        variant_start: Offset of each name's transliteration variants in ``variant_flat``.
        variant_count: Number of variants of each name (0 when it has none).
        variant_flat: Concatenated variant indices.
        mohammed: Index of "Mohammed" (commonest first given name of Muslim men).
        nickname: Index of each name's nickname (0 when it has none).
    """

    strings: ObjArray
    subgroups: tuple[Subgroup, ...]
    stripped: IntArray
    upper: IntArray
    variant_start: IntArray
    variant_count: IntArray
    variant_flat: IntArray
    mohammed: int
    nickname: IntArray


class _Table:
    def __init__(self) -> None:
        self.strings: list[str] = [""]
        self.index: dict[str, int] = {"": 0}

    def add(self, name: str) -> int:
        if name not in self.index:
            self.index[name] = len(self.strings)
            self.strings.append(name)
        return self.index[name]

    def pool(self, names: list[str] | tuple[str, ...]) -> IntArray:
        return np.array([self.add(n) for n in names], dtype=np.int64)


def build_pools() -> NamePools:
    """Build the name pools (about 0.2 s; called once per country)."""
    t = _Table()
    vi, idn, pk, ind = (_provider(x) for x in ("vi_VN", "id_ID", "en_PK", "en_IN"))
    ph, zh, ja = (_provider(x) for x in ("fil_PH", "zh_CN", "ja_JP"))
    vi_middle_m = [m for m in _attr(vi, "middle_names") if m != "Thị"]
    empty = t.pool([])
    subgroups = (
        Subgroup(
            "hindu",
            0,
            0.45,
            t.pool(_attr(ind, "last_names")),
            (t.pool(_attr(ind, "first_names_male")), t.pool(_attr(ind, "first_names_female"))),
            (empty, empty),
            0.15,
            0.01,
            "Indian",
        ),
        Subgroup(
            "muslim",
            0,
            0.55,
            t.pool(list(MUSLIM_FAMILY) + _attr(pk, "last_names")[:80]),
            (t.pool(list(MUSLIM_MALE) + _attr(pk, "first_names")[:120]), t.pool(MUSLIM_FEMALE)),
            (empty, empty),
            0.35,
            0.01,
            "Pakistani",
        ),
        Subgroup(
            "vietnamese",
            1,
            0.45,
            t.pool(_attr(vi, "last_names") + list(VIET_FAMILY_EXTRA)),
            (
                t.pool(_attr(vi, "first_names_male") + _attr(vi, "first_names_unisex")),
                t.pool(_attr(vi, "first_names_female") + _attr(vi, "first_names_unisex")),
            ),
            (t.pool(vi_middle_m), t.pool(["Thị", "Thị", "Thị", "Ngọc", "Thu", "Kim"])),
            0.0,
            0.0,
            "Vietnamese",
        ),
        Subgroup(
            "indonesian",
            1,
            0.35,
            t.pool(_attr(idn, "last_names")),
            (t.pool(_attr(idn, "first_names_male")), t.pool(_attr(idn, "first_names_female"))),
            (empty, empty),
            0.2,
            0.35,
            "Indonesian",
        ),
        Subgroup(
            "filipino",
            1,
            0.20,
            t.pool(FILIPINO_FAMILY),
            (t.pool(_attr(ph, "first_names_male")), t.pool(_attr(ph, "first_names_female"))),
            (empty, empty),
            0.25,
            0.0,
            "Filipino",
        ),
        Subgroup(
            "chinese",
            2,
            0.6,
            t.pool(_attr(zh, "last_romanized_names")),
            (
                t.pool(_attr(zh, "first_romanized_names")),
                t.pool(_attr(zh, "first_romanized_names")),
            ),
            (empty, empty),
            0.0,
            0.0,
            "Chinese",
        ),
        Subgroup(
            "japanese",
            2,
            0.2,
            t.pool(_attr(ja, "last_romanized_names")),
            (
                t.pool(_attr(ja, "first_romanized_names_male")),
                t.pool(_attr(ja, "first_romanized_names_female")),
            ),
            (empty, empty),
            0.0,
            0.0,
            "Japanese",
        ),
        Subgroup(
            "korean",
            2,
            0.2,
            t.pool(KOREAN_FAMILY),
            (t.pool(KOREAN_MALE), t.pool(KOREAN_FEMALE)),
            (empty, empty),
            0.0,
            0.0,
            "Korean",
        ),
        Subgroup(
            "pacific",
            3,
            1.0,
            t.pool(PACIFIC_FAMILY),
            (t.pool(PACIFIC_MALE), t.pool(PACIFIC_FEMALE)),
            (empty, empty),
            0.2,
            0.02,
            "Samoan",
        ),
    )
    groups_of_variants = [[t.add(v) for v in grp] for grp in TRANSLITERATIONS]
    mohammed = t.add("Mohammed")
    # Only nicknames of names in the pools (added here, before the derived spellings, so
    # that every index the default noise profile draws stays where it was).
    nicknames = {t.index[k]: t.add(v) for k, v in NICKNAMES.items() if k in t.index}
    # Derived spellings are added to the table before the maps are sized.
    base = list(t.strings)
    stripped_of = [t.add(strip_diacritics(s)) for s in base]
    upper_of = [t.add(s.upper()) for s in list(t.strings)]
    n = len(t.strings)
    stripped = np.arange(n, dtype=np.int64)
    stripped[: len(stripped_of)] = stripped_of
    upper = np.arange(n, dtype=np.int64)
    upper[: len(upper_of)] = upper_of
    variants: list[list[int]] = [[] for _ in range(n)]
    for grp in groups_of_variants:
        for member in grp:
            variants[member].extend(v for v in grp if v != member and v not in variants[member])
    for i in range(len(base)):
        if stripped_of[i] != i:
            variants[i].append(stripped_of[i])
    count = np.array([len(v) for v in variants], dtype=np.int64)
    start = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
    flat = np.array([x for v in variants for x in v], dtype=np.int64)
    strings = np.empty(n, dtype=object)
    strings[:] = t.strings
    nickname = np.zeros(n, dtype=np.int64)
    for name, short in nicknames.items():
        nickname[name] = short
    return NamePools(strings, subgroups, stripped, upper, start, count, flat, mohammed, nickname)
