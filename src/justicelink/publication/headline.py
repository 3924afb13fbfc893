"""The headline figures, read from the protected tables (a hidden figure stays hidden)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from justicelink.disclosure import ProtectedTable

Row = dict[str, Any]


def _totals(*dims: str) -> Callable[[Row], bool]:
    return lambda row: all(row.get(d) == "total" for d in dims)


_REOFFENDING_DIMS = ("sex", "age_band", "index_offence_section", "previous_offences")

# headline name -> (measure, the rows it reads, the key of each figure)
HEADLINES: dict[str, tuple[str, Callable[[Row], bool], str]] = {
    "homicide_rate_per_100k": ("homicide_rate_per_100k", _totals("sex", "age_band"), "year"),
    "unsentenced_share": ("unsentenced_share", _totals("sex"), "year"),
    "proven_reoffending_rate": (
        "proven_reoffending_rate",
        lambda r: r["quarter"] == "annual" and _totals("age_group", *_REOFFENDING_DIMS)(r),
        "cohort",
    ),
    "proven_reoffending_rate_adult": (
        "proven_reoffending_rate",
        lambda r: (
            r["quarter"] == "annual"
            and r["age_group"] == "adult"
            and _totals(*_REOFFENDING_DIMS)(r)
        ),
        "cohort",
    ),
    "proven_reoffending_rate_juvenile": (
        "proven_reoffending_rate",
        lambda r: (
            r["quarter"] == "annual"
            and r["age_group"] == "juvenile"
            and _totals(*_REOFFENDING_DIMS)(r)
        ),
        "cohort",
    ),
}


@dataclass
class Headline:
    """Headline figures by period, with the periods whose figure is hidden.

    Attributes:
        figures: headline -> period -> value (None where the figure is suppressed).
        suppressed: headline -> the periods whose figure is suppressed.
    """

    figures: dict[str, dict[str, float | None]] = field(default_factory=dict)
    suppressed: dict[str, list[str]] = field(default_factory=dict)

    def latest(self) -> dict[str, tuple[str, float | None]]:
        """Each headline's latest period and its figure."""
        return {
            name: (max(values), values[max(values)])
            for name, values in self.figures.items()
            if values
        }


def headline(tables: Iterable[ProtectedTable]) -> Headline:
    """The headline figures of the published tables (same shape as the synthetic truth)."""
    by_name = {t.measure.name: t.rows for t in tables}
    out = Headline()
    for name, (measure, keep, key) in HEADLINES.items():
        rows = by_name.get(measure)
        if rows is None:
            continue
        figures: dict[str, float | None] = {}
        hidden: list[str] = []
        for row in rows:
            if not keep(row):
                continue
            period = str(row[key])
            value = row["value"]
            figures[period] = None if value is None else float(value)
            if row["suppressed"]:
                hidden.append(period)
        out.figures[name] = dict(sorted(figures.items()))
        out.suppressed[name] = sorted(hidden)
    return out
