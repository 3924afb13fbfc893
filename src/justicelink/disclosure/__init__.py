"""Statistical disclosure control: the stage between computed and published tables.

Every published table (CSV, workbook, SDMX, report, dashboard, API) reads the protected rows
this stage returns, never the computed ones. Methods:

- ``suppression`` (default): primary suppression of rows with a small person count (fewer
  than ``threshold`` persons in a count, a numerator, a denominator or a denominator minus its
  numerator), then complementary suppression so that no hidden count can be recovered from
  the published cells and their totals, across all tables that share cells
  (:mod:`.suppress`);
- ``rounding``: random rounding of every person count to a base (:mod:`.rounding`);
- ``none``: nothing hidden (for analysts inside the statistics office, never for publication).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from justicelink.disclosure.cells import Cells, build
from justicelink.disclosure.rounding import rounded
from justicelink.disclosure.suppress import Pattern, intervals, suppress
from justicelink.errors import MeasureError
from justicelink.measures.definition import Count, Measure, Median, Rate, Share
from justicelink.measures.engine import Result

METHODS = ("suppression", "rounding", "none")
DEFAULT_THRESHOLD = 5
# Columns blanked in a hidden row (whichever the measure has).
DISCLOSIVE = ("value", "numerator", "denominator", "reoffences", "reoffences_per_reoffender")

__all__ = ["DEFAULT_THRESHOLD", "METHODS", "Protected", "ProtectedTable", "protect"]


@dataclass(frozen=True)
class ProtectedTable:
    """A measure's rows as published: hidden values are None, with ``suppressed`` and
    ``protection`` (``suppressed``, ``rounded`` or empty) on every row.

    Whether a hidden row was small itself or hides another is not published: knowing that a
    count is below the threshold would narrow what an attacker can infer about it.
    """

    measure: Measure
    rows: list[dict[str, Any]]


@dataclass
class Protected:
    """The published tables and what protecting them cost.

    Attributes:
        loss: Rows and persons hidden: ``primary_rows``, ``secondary_rows``,
            ``primary_persons``, ``secondary_persons``, ``rows`` (all rows of person counts).
        intervals: For suppression, each small count's attacker interval (value, low, high).
    """

    method: str
    threshold: int
    tables: list[ProtectedTable]
    base: int = 0
    loss: dict[str, int] = field(default_factory=dict)
    intervals: list[tuple[int, float, float]] = field(default_factory=list)

    def table(self, name: str) -> ProtectedTable:
        return next(t for t in self.tables if t.measure.name == name)


def _persons(measure: Measure, row: dict[str, Any]) -> int:
    if isinstance(measure.statistic, Count):
        return int(row["value"])
    if isinstance(measure.statistic, Rate):
        return int(row["numerator"])
    return int(row["denominator"])


def _hide(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: (None if k in DISCLOSIVE else v) for k, v in row.items()}
    return {**out, "suppressed": True, "protection": "suppressed"}


def _suppressed(
    results: Sequence[Result], cells: Cells, pattern: Pattern
) -> tuple[list[ProtectedTable], dict[str, int]]:
    reason: dict[tuple[int, int], str] = {}
    for row in cells.rows:
        if row.group in pattern.primary:
            reason[(row.table, row.index)] = "primary"
        elif row.group in pattern.secondary:
            reason[(row.table, row.index)] = "secondary"
    loss = {"rows": len(cells.rows)} | dict.fromkeys(
        ("primary_rows", "secondary_rows", "primary_persons", "secondary_persons"), 0
    )
    tables = []
    for t, result in enumerate(results):
        rows = []
        for i, row in enumerate(result.table.to_pylist()):
            why = reason.get((t, i))
            if why is None:
                rows.append({**row, "suppressed": False, "protection": ""})
                continue
            loss[f"{why}_rows"] += 1
            loss[f"{why}_persons"] += _persons(result.measure, row)
            rows.append(_hide(row))
        tables.append(ProtectedTable(result.measure, rows))
    return tables, loss


def _rounded(
    results: Sequence[Result], cells: Cells, base: int, threshold: int, seed: str
) -> list[ProtectedTable]:
    new = rounded(cells, base, seed)
    by_row = {(r.table, r.index): r for r in cells.rows}
    tables = []
    for t, result in enumerate(results):
        rows = []
        for i, row in enumerate(result.table.to_pylist()):
            cell = by_row.get((t, i))
            statistic = result.measure.statistic
            if cell is None:
                rows.append({**row, "suppressed": False, "protection": ""})
                continue
            if isinstance(statistic, Median):
                if row["denominator"] < threshold:
                    rows.append(_hide(row))
                    continue
                row = {**row, "denominator": new[cell.variables[0]]}
            elif isinstance(statistic, Count):
                row = {**row, "value": new[cell.variables[0]]}
            elif isinstance(statistic, Share):
                num, den = (new[v] for v in cell.variables)
                row = {**row, "numerator": num, "denominator": den}
                row["value"] = num / den if den else None
                for extra in result.measure.extras:
                    row[extra.name] = None  # sums of offences are not rounded: not shown
                    if extra.per_numerator:
                        row[extra.per_numerator] = None
            elif isinstance(statistic, Rate):
                num = new[cell.variables[0]]
                per = statistic.per
                row = {**row, "numerator": num}
                row["value"] = num * per / row["denominator"] if row["denominator"] else None
            rows.append({**row, "suppressed": False, "protection": "rounded"})
        tables.append(ProtectedTable(result.measure, rows))
    return tables


def protect(
    results: Sequence[Result],
    *,
    method: str = "suppression",
    threshold: int = DEFAULT_THRESHOLD,
    base: int = 5,
    seed: str = "justicelink",
) -> Protected:
    """Apply disclosure control to computed measures.

    Args:
        results: The computed measures (every table published together: cells they share
            are protected together).
        method: ``suppression``, ``rounding`` or ``none``.
        threshold: Fewer persons than this in a count is a small count.
        base: The rounding base (3 or 5 are usual).
        seed: Keys the rounding draws (same seed, same rounding).

    Raises:
        MeasureError: An unknown method, or a threshold below 1 with suppression.
    """
    if method not in METHODS:
        raise MeasureError(f"disclosure method {method!r}: choose one of {', '.join(METHODS)}")
    if method == "none" or threshold <= 0:
        tables = [
            ProtectedTable(
                r.measure,
                [{**row, "suppressed": False, "protection": ""} for row in r.table.to_pylist()],
            )
            for r in results
        ]
        return Protected("none", 0, tables)
    try:
        cells = build([(r.measure, r.table.to_pylist()) for r in results], threshold)
    except ValueError as exc:
        raise MeasureError(f"the tables cannot be protected together: {exc}") from None
    if method == "rounding":
        if base < 2:
            raise MeasureError(f"rounding base {base}: must be 2 or more")
        return Protected(
            "rounding", threshold, _rounded(results, cells, base, threshold, seed), base=base
        )
    pattern = suppress(cells)
    tables, loss = _suppressed(results, cells, pattern)
    found = [(s.value, low, high) for s, low, high in intervals(cells, pattern)]
    return Protected("suppression", threshold, tables, loss=loss, intervals=found)
