"""The ICCS v1.0 hierarchy: categories, their levels and roll-ups.

Source: UNODC, International Classification of Crime for Statistical Purposes, version 1.0
(March 2015). Codes are zero-padded strings ("01", "0101", "01011", "010111") and are kept as
text. Roll-ups follow each category's declared parent, not the length of its code.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

_DATA = "iccs_v1_categories.csv"


@dataclass(frozen=True, slots=True)
class IccsCategory:
    """One ICCS category.

    Attributes:
        code: The ICCS code, e.g. ``"0101"``.
        level: 1 (section) to 4.
        parent: The parent's code, or None for a section.
        section: The level-1 code this category belongs to.
        label: The category's name in ICCS.
    """

    code: str
    level: int
    parent: str | None
    section: str
    label: str


class IccsClassification:
    """The ICCS categories, indexed by code, with roll-up to any higher level."""

    def __init__(self, categories: list[IccsCategory]) -> None:
        self._by_code = {c.code: c for c in categories}

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __len__(self) -> int:
        return len(self._by_code)

    def categories(self) -> list[IccsCategory]:
        """All categories in classification order."""
        return list(self._by_code.values())

    def get(self, code: str) -> IccsCategory:
        """The category with this code.

        Raises:
            KeyError: when ICCS has no such code.
        """
        return self._by_code[code]

    def ancestor(self, code: str, level: int) -> str | None:
        """The code of the ancestor of ``code`` at ``level`` (itself when at that level).

        Returns None when ``code`` sits above ``level`` (a section has no level-2 ancestor).
        """
        category = self._by_code[code]
        while category.level > level:
            if category.parent is None:  # pragma: no cover - the data has no such orphans
                return None
            category = self._by_code[category.parent]
        return category.code if category.level == level else None


@cache
def load_iccs() -> IccsClassification:
    """Load ICCS v1.0 from the package data (read once per process)."""
    text = (
        resources.files("justicelink.classification")
        .joinpath("data", _DATA)
        .read_text(encoding="utf-8")
    )
    rows = csv.DictReader(text.splitlines())
    return IccsClassification(
        [
            IccsCategory(
                code=row["code"],
                level=int(row["level"]),
                parent=row["parent"] or None,
                section=row["section"],
                label=row["label"],
            )
            for row in rows
        ]
    )
