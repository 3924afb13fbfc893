"""One measure on the dashboard: check the request, filter the published rows, draw them,
tabulate them.

Filters name a concept (age, offence section); each measure calls it by its own column
(``age_band`` or ``age_group``, ``iccs_section`` or ``index_offence_section``). A column not
filtered keeps its ``total`` rows when the measure has them; otherwise it becomes the chart's
series (the first such column) or, for counts, is summed over.

Honesty rules: a suppressed value is shown as suppressed, with the rule, never as zero and
never left out; a sum over a suppressed cell is itself suppressed (it is unknown, not
smaller); counts print as integers; a parameter the dashboard does not know, a measure not
in the catalogue, or a filter value the measure does not have is refused with a message
(:class:`DashboardRequestError`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from justicelink.errors import InputError
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
# Every query parameter the dashboard page takes.
PARAMETERS = frozenset({"measure", "quarter", *FILTER_COLUMNS})
_MAX_SERIES = 6
# Shown in place of a hidden value.
SUPPRESSED = "suppressed"


class DashboardRequestError(InputError):
    """The dashboard was asked for something it does not have (answered 400)."""


def rule(threshold: int) -> str:
    """The suppression rule, in words, for a note beside suppressed values."""
    return (
        f"a cell counting 1 to {threshold - 1} persons is suppressed, and so are other "
        "cells where needed so that it cannot be worked out from the totals (complementary "
        "suppression); a sum that includes a suppressed cell is suppressed too"
    )


@dataclass(frozen=True)
class View:
    """What the dashboard shows for one measure.

    Attributes:
        suppressed: The chart's points that are suppressed, as ``series, period`` (or the
            period alone when there is one series), in the order drawn.
        ignored: Filters that do not apply to this measure (left out, and said so).
    """

    chart: str
    columns: list[str]
    rows: list[tuple[list[Any], bool]]  # cells (integral values as int), suppressed
    options: dict[str, list[str]]  # filter -> values offered
    time_column: str
    suppressed: list[str]
    ignored: list[str]


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


def quarters(measure: Measure, rows: list[dict[str, Any]]) -> list[str]:
    """The cohort periods a measure with a ``quarter`` column publishes (total first)."""
    if "quarter" not in measure.dimensions:
        return []
    total = measure.total_label("quarter")
    return sorted({str(r["quarter"]) for r in rows}, key=lambda q: (q != total, q))


def choose_measure(measures: Iterable[Measure], name: str) -> Measure:
    """The catalogue's measure called ``name``.

    Raises:
        DashboardRequestError: no measure has this name (the message lists them).
    """
    known = list(measures)
    found = next((m for m in known if m.name == name), None)
    if found is None:
        raise DashboardRequestError(
            f"no measure {name!r}; the dashboard has: {', '.join(m.name for m in known)}"
        )
    return found


def check_request(
    measure: Measure, rows: list[dict[str, Any]], params: Mapping[str, str]
) -> tuple[dict[str, str], list[str]]:
    """The filters asked for, checked against what the measure publishes.

    Args:
        params: The request's query parameters (all of them).

    Returns:
        The filters to apply (name -> value; ``quarter`` included when the measure has
        one) and the filters left out because the measure has no such breakdown.

    Raises:
        DashboardRequestError: an unknown parameter, or a value the measure does not have.
    """
    unknown = sorted(set(params) - PARAMETERS)
    if unknown:
        raise DashboardRequestError(
            f"unknown parameter {', '.join(map(repr, unknown))}; the dashboard takes: "
            f"{', '.join(sorted(PARAMETERS))}"
        )
    offered = options(measure, rows)
    chosen: dict[str, str] = {}
    ignored: list[str] = []
    for name in FILTER_COLUMNS:
        value = params.get(name, "")
        if not value:
            continue
        if name not in offered:
            ignored.append(name)
        elif value not in offered[name]:
            raise DashboardRequestError(
                f"the measure {measure.name} has no {name} {value!r}; it has: "
                f"{', '.join(offered[name])}"
            )
        else:
            chosen[name] = value
    quarter = params.get("quarter", "")
    periods = quarters(measure, rows)
    if quarter and quarter not in periods:
        raise DashboardRequestError(
            f"the measure {measure.name} has no cohort period {quarter!r}; it has: "
            f"{', '.join(periods) or 'none'}"
        )
    if periods:
        chosen["quarter"] = quarter or periods[0]
    return chosen, ignored


def _add(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a + b


def plain(value: float | None) -> float | None:
    """An integral value as an int (a count of 40 is 40, not 40.0)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _cells(measure: Measure, row: dict[str, Any], columns: list[str]) -> list[Any]:
    """A table row: breakdowns as text (a year is not a number to group), values plain."""
    return [str(row[c]) if c in measure.dimensions else plain(row[c]) for c in columns]


def view(
    measure: Measure,
    rows: list[dict[str, Any]],
    filters: dict[str, str],
    *,
    labels: dict[str, str] | None = None,
    ignored: list[str] | None = None,
) -> View:
    """Filter, chart and tabulate a measure's (already suppressed) rows.

    ``filters`` are checked ones (:func:`check_request`).
    """
    time = _time_column(measure)
    offered = options(measure, rows)
    if filters.get("quarter"):
        rows = [r for r in rows if r["quarter"] == filters["quarter"]]
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
    # series -> period -> value; None is suppressed (or a sum over a suppressed cell).
    series: dict[str, dict[str, float | None]] = defaultdict(dict)
    for r in rows:
        key = label.get(str(r[series_column]), str(r[series_column])) if series_column else "all"
        period = str(r[time])
        cell: float | None = None if r.get("suppressed") else r["value"]
        if summed and measure.unit == "count" and period in series[key]:
            series[key][period] = _add(series[key][period], cell)
        else:
            series[key][period] = cell
    biggest = sorted(series, key=lambda k: -sum(v or 0 for v in series[k].values()))
    biggest = biggest[:_MAX_SERIES]
    percent = measure.unit == "share"
    title = measure.title
    hidden: list[str] = []
    if filters.get("year"):
        year = filters["year"]
        bars = [(k, plain(series[k][year])) for k in biggest if year in series[k]]
        chart = bar_chart(bars, title=f"{title}, {year}", percent=percent)
        hidden = [k for k, v in bars if v is None]
    else:
        shown = {k: {p: plain(v) for p, v in series[k].items()} for k in biggest}
        chart = line_chart(
            shown, title=title, percent=percent, width=720, integer=measure.unit == "count"
        )
        many = len(shown) > 1
        hidden = [
            f"{k}, {p}" if many else p
            for k in shown
            for p, v in sorted(shown[k].items())
            if v is None
        ]
    skip = ("quarter", "protection", "suppressed")
    columns = [c for c in rows[0] if c not in skip] if rows else []
    return View(
        chart,
        columns,
        [(_cells(measure, r, columns), bool(r.get("suppressed"))) for r in rows[:500]],
        offered,
        time,
        hidden,
        list(ignored or []),
    )
