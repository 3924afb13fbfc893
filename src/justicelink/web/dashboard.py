"""One measure on the dashboard: filter its published rows, draw them, tabulate them.

Filters name a concept (age, offence section); each measure calls it by its own column
(``age_band`` or ``age_group``, ``iccs_section`` or ``index_offence_section``). A column not
filtered keeps its ``total`` rows when the measure has them; otherwise it becomes the chart's
series (the first such column) or, for counts, is summed over.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from justicelink.measures.definition import Measure
from justicelink.report.svg import bar_chart, line_chart

TOTAL = "total"
# Filter name -> the columns that carry it, in the measures that have it.
FILTER_COLUMNS: dict[str, tuple[str, ...]] = {
    "year": ("year", "cohort"),
    "sex": ("sex",),
    "age": ("age_band", "age_group"),
    "section": ("iccs_section", "index_offence_section"),
    "area": ("area",),
}
_MAX_SERIES = 6


@dataclass(frozen=True)
class View:
    """What the dashboard shows for one measure."""

    chart: str
    columns: list[str]
    rows: list[list[Any]]
    options: dict[str, list[str]]  # filter -> values offered
    time_column: str


def _time_column(measure: Measure) -> str:
    return "cohort" if "cohort" in measure.dimensions else "year"


def _column_for(measure: Measure, name: str) -> str | None:
    return next((c for c in FILTER_COLUMNS[name] if c in measure.dimensions), None)


def options(measure: Measure, rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    """The values each filter can take for this measure."""
    out: dict[str, list[str]] = {}
    for name in FILTER_COLUMNS:
        column = _column_for(measure, name)
        if column:
            values = {str(r[column]) for r in rows if r.get(column) not in (None, TOTAL)}
            out[name] = sorted(values)
    return out


def view(
    measure: Measure,
    rows: list[dict[str, Any]],
    filters: dict[str, str],
    *,
    labels: dict[str, str] | None = None,
) -> View:
    """Filter, chart and tabulate a measure's (already suppressed) rows."""
    time = _time_column(measure)
    offered = options(measure, rows)
    if "quarter" in measure.dimensions:
        wanted = filters.get("quarter", measure.total_label("quarter"))
        rows = [r for r in rows if r["quarter"] == wanted]
    for name, value in filters.items():
        column = _column_for(measure, name) if name in FILTER_COLUMNS else None
        if column and value:
            rows = [r for r in rows if str(r[column]) == value]
    series_column = None
    summed: list[str] = []
    for column in measure.dimensions:
        if column in (time, "quarter"):
            continue
        chosen = any(
            filters.get(name) and column == _column_for(measure, name) for name in FILTER_COLUMNS
        )
        if chosen:
            continue
        if any(r[column] == TOTAL for r in rows):
            rows_total = [r for r in rows if r[column] == TOTAL]
            if series_column is None and len({r[column] for r in rows}) > 1 and column == "sex":
                series_column = column  # sex is worth seeing side by side
                continue
            rows = rows_total
        elif series_column is None:
            series_column = column
        else:
            summed.append(column)
    label = labels or {}
    series: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for r in rows:
        if r["value"] is None:
            continue
        key = label.get(str(r[series_column]), str(r[series_column])) if series_column else "all"
        if summed and measure.unit == "count":
            series[key][str(r[time])] += float(r["value"])
        else:
            series[key][str(r[time])] = float(r["value"])
    biggest = sorted(series, key=lambda k: -sum(series[k].values()))[:_MAX_SERIES]
    percent = measure.unit == "share"
    title = measure.title
    if filters.get("year"):
        year = filters["year"]
        bars = [(k, series[k][year]) for k in biggest if year in series[k]]
        chart = bar_chart(bars, title=f"{title}, {year}", percent=percent)
    else:
        chart = line_chart(
            {k: dict(series[k]) for k in biggest}, title=title, percent=percent, width=720
        )
    columns = [c for c in rows[0] if c != "quarter"] if rows else []
    return View(
        chart,
        columns,
        [[r[c] for c in columns] for r in rows[:500]],
        offered,
        time,
    )
