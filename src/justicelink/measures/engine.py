"""Compute the catalogue's measures on a warehouse, through the warehouse port."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import sqlglot.expressions as exp

from justicelink.errors import MeasureError
from justicelink.measures.catalogue import FOLLOW_UP_DAYS, MEASURES, WAITING_DAYS
from justicelink.measures.definition import Measure
from justicelink.warehouse.port import Warehouse

# The reoffending cohorts: annual (named by year) and 3-month (named 2021-Q1).
COHORT_TYPES = ("annual", "quarter")


@dataclass(frozen=True)
class Result:
    """A measure and the table it computed."""

    measure: Measure
    table: pa.Table


def _years_of(warehouse: Warehouse, events: Iterable[str]) -> tuple[dt.date, dt.date] | None:
    kinds = list(events)
    date = exp.column("event_date")
    query = (
        exp.select(exp.func("min", date), exp.func("max", date))
        .from_("case_event")
        .where(exp.column("event_type").isin(*[exp.Placeholder() for _ in kinds]))
    )
    first, last = warehouse.fetch(query, kinds)[0]
    return None if first is None else (first, last)


def census_years(warehouse: Warehouse) -> pa.Table:
    """31 December of every year with custody movements."""
    span = _years_of(warehouse, ("custody_start", "custody_end"))
    years = [] if span is None else list(range(span[0].year, span[1].year + 1))
    return pa.table(
        {
            "year": pa.array(years, pa.int32()),
            "census_date": pa.array([dt.date(y, 12, 31) for y in years], pa.date32()),
        }
    )


def cohort_periods(first: dt.date, data_end: dt.date) -> pa.Table:
    """Cohorts whose follow-up and waiting period end on or before ``data_end``."""
    rows: list[tuple[str, str, dt.date, dt.date]] = []
    for year in range(first.year, data_end.year + 1):
        end = dt.date(year, 12, 31)
        if end + dt.timedelta(days=FOLLOW_UP_DAYS + WAITING_DAYS) <= data_end:
            rows.append(("annual", str(year), dt.date(year, 1, 1), end))
        for quarter in range(4):
            start = dt.date(year, 3 * quarter + 1, 1)
            stop = (
                dt.date(year, 3 * quarter + 4, 1) - dt.timedelta(days=1)
                if quarter < 3
                else dt.date(year, 12, 31)
            )
            if stop + dt.timedelta(days=FOLLOW_UP_DAYS + WAITING_DAYS) <= data_end:
                rows.append(("quarter", f"{year}-Q{quarter + 1}", start, stop))
    columns: list[tuple[Any, ...]] = list(zip(*rows, strict=True)) if rows else [()] * 4
    return pa.table(
        {
            "cohort_type": pa.array(columns[0], pa.string()),
            "cohort": pa.array(columns[1], pa.string()),
            "start_date": pa.array(columns[2], pa.date32()),
            "end_date": pa.array(columns[3], pa.date32()),
        }
    )


def _reoffending_window(warehouse: Warehouse) -> tuple[dt.date, dt.date] | None:
    date = exp.column("event_date")
    first, last = warehouse.fetch(
        exp.select(exp.func("min", date), exp.func("max", date)).from_("case_event")
    )[0]
    if first is None:
        return None
    # The extract covers whole years: its window ends on 31 December of the last year seen.
    return first, dt.date(last.year, 12, 31)


def _with_persons(tree: exp.Expr, person_table: str) -> exp.Expr:
    """The query with ``record_person`` read from ``person_table`` instead."""
    if person_table == "record_person":
        return tree

    def swap(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Table) and node.name == "record_person":
            return exp.to_table(person_table).as_(node.alias or "record_person")
        return node

    return tree.transform(swap)


def compute(
    warehouse: Warehouse,
    measures: Iterable[Measure] = MEASURES,
    *,
    person_table: str = "record_person",
    progress: Callable[[str], Any] | None = None,
) -> list[Result]:
    """Compute measures. Needs a linked warehouse (``justicelink link``).

    Args:
        warehouse: The warehouse, after ingest and link.
        measures: Which measures (default: the whole catalogue).
        person_table: Where records find their person: ``record_person`` (the linkage), or
            a table registered under another name (e.g. the true persons, to measure the
            effect of linkage error).
        progress: Called with each measure's name as it starts.
    """
    say = progress or (lambda _name: None)
    linked = warehouse.fetch(exp.select("count(*)").from_(person_table))[0][0]
    if not linked:
        raise MeasureError(
            "no linked persons in the warehouse: run `justicelink link` before the measures"
        )
    window = _reoffending_window(warehouse)
    periods = cohort_periods(*window) if window else cohort_periods(dt.date.max, dt.date.min)
    helpers = {"census_year": census_years(warehouse), "cohort_period": periods}
    for name, table in helpers.items():
        warehouse.register(name, table)
    try:
        results = []
        for measure in measures:
            say(measure.name)
            tree = _with_persons(measure.query(), person_table)
            results.append(Result(measure, warehouse.fetch_arrow(tree)))
        return results
    finally:
        for name in helpers:
            warehouse.unregister(name)


def headline(results: Iterable[Result]) -> dict[str, dict[str, float]]:
    """The headline figures (same shape as the synthetic truth's ``measures.json``)."""
    by_name = {r.measure.name: r.table.to_pylist() for r in results}
    out: dict[str, dict[str, float]] = {}
    homicide = by_name.get("homicide_rate_per_100k", [])
    out["homicide_rate_per_100k"] = {
        str(r["year"]): round(float(r["value"]), 6)
        for r in homicide
        if r["sex"] == "total" and r["age_band"] == "total"
    }
    unsentenced = by_name.get("unsentenced_share", [])
    out["unsentenced_share"] = {
        str(r["year"]): round(float(r["value"]), 6) for r in unsentenced if r["sex"] == "total"
    }
    reoffending = by_name.get("proven_reoffending_rate", [])
    dims = ("sex", "age_band", "index_offence_section", "previous_offences")
    out["proven_reoffending_rate"] = {
        str(r["cohort"]): round(float(r["value"]), 6)
        for r in reoffending
        if r["cohort_type"] == "annual" and all(r[d] == "total" for d in dims)
    }
    return out
