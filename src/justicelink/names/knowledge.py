"""The name tables of ``names/data``, loaded once.

``family_names.csv``: common family names by naming tradition with their frequency rank;
``particles.csv``: family-name particles, patronymic connectors, Vietnamese middle particles
and titles; ``name_variants.csv``: nicknames, abbreviations and romanisation variants of one
name. Sources are listed in ``names/data/SOURCES.md``; docs/linkage.md says how each is used.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from justicelink.names.fold import fold

# Traditions that write the family name first in their own order (and often in records).
FAMILY_FIRST_TRADITIONS = frozenset({"chinese", "chinese_dialect", "vietnamese", "korean"})
# Traditions whose romanisations the Chinese syllable folding applies to.
CHINESE_TRADITIONS = frozenset({"chinese", "chinese_dialect"})


@dataclass(frozen=True)
class NameKnowledge:
    """What the tables say about folded (lower-case ASCII) name words.

    Attributes:
        family_rank: Family name -> its best frequency rank in any tradition (1: commonest).
        family_first_rank: The same, for traditions that write the family name first.
        traditions: Family name -> the traditions that list it.
        particles: Particle words (one or two, space-separated) -> ``family_particle``,
            ``patronymic``, ``viet_middle`` or ``title``.
        variants: A variant spelling or short form -> the name it stands for.
    """

    family_rank: dict[str, int]
    family_first_rank: dict[str, int]
    traditions: dict[str, frozenset[str]]
    particles: dict[str, frozenset[str]]
    variants: dict[str, str]

    def kinds(self, words: str) -> frozenset[str]:
        """The particle kinds of a folded word or two-word sequence (empty: not a particle)."""
        return self.particles.get(words, frozenset())

    def is_east_asian_family(self, word: str) -> bool:
        """A family name of a tradition that writes it first (Chinese, Vietnamese, Korean)."""
        return word in self.family_first_rank

    def is_chinese(self, word: str) -> bool:
        """A Chinese family name, in pinyin or a southern-dialect romanisation."""
        return bool(self.traditions.get(word, frozenset()) & CHINESE_TRADITIONS)


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("justicelink.names").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@lru_cache(maxsize=1)
def knowledge() -> NameKnowledge:
    """The tables, read once per process."""
    rank: dict[str, int] = {}
    first: dict[str, int] = {}
    traditions: dict[str, set[str]] = {}
    for row in _rows("family_names.csv"):
        name, tradition, r = fold(row["name"]), row["tradition"], int(row["rank"])
        rank[name] = min(r, rank.get(name, r))
        traditions.setdefault(name, set()).add(tradition)
        if tradition in FAMILY_FIRST_TRADITIONS:
            first[name] = min(r, first.get(name, r))
    particles: dict[str, set[str]] = {}
    for row in _rows("particles.csv"):
        # "a/l" folds to "a l": the slash forms are matched before folding (see fold.words).
        particles.setdefault(row["particle"].lower(), set()).add(row["kind"])
    variants: dict[str, str] = {}
    for row in _rows("name_variants.csv"):
        # The first row for a variant wins: a variant stands for one name only.
        variants.setdefault(row["variant"], row["canonical"])
    return NameKnowledge(
        family_rank=rank,
        family_first_rank=first,
        traditions={k: frozenset(v) for k, v in traditions.items()},
        particles={k: frozenset(v) for k, v in particles.items()},
        variants=variants,
    )
