"""Compute the catalogue's measures on a warehouse, through the warehouse port."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import sqlglot.expressions as exp

from justicelink.errors import MeasureError
from justicelink.measures.catalogue import FOLLOW_UP_DAYS, MEASURES, WAITING_DAYS
from justicelink.measures.compile import compile_measure, compile_view, views_of
from justicelink.measures.definition import Count, Measure, Rate
from justicelink.warehouse.port import Warehouse


@dataclass(frozen=True)
class Result:
    """A measure and the table it computed (before disclosure control)."""

    measure: Measure
    table: pa.Table


def _span(warehouse: Warehouse, events: Iterable[str] | None) -> tuple[dt.date, dt.date] | None:
    date = exp.column("event_date")
    query = exp.select(exp.func("min", date), exp.func("max", date)).from_("case_event")
    kinds = list(events or ())
    if kinds:
        query = query.where(exp.column("event_type").isin(*[exp.Placeholder() for _ in kinds]))
    first, last = warehouse.fetch(query, kinds)[0]
    return None if first is None else (first, last)


def census_years(warehouse: Warehouse) -> pa.Table:
    """31 December of every year with custody movements."""
    span = _span(warehouse, ("custody_start", "custody_end"))
    years = [] if span is None else list(range(span[0].year, span[1].year + 1))
    return pa.table(
        {
            "year": pa.array(years, pa.int32()),
            "census_date": pa.array([dt.date(y, 12, 31) for y in years], pa.date32()),
        }
    )


def _quarters(year: int) -> list[tuple[str, dt.date, dt.date]]:
    starts = [dt.date(year, month, 1) for month in (1, 4, 7, 10)]
    ends = [s - dt.timedelta(days=1) for s in starts[1:]] + [dt.date(year, 12, 31)]
    return [(f"Q{i + 1}", s, e) for i, (s, e) in enumerate(zip(starts, ends, strict=True))]


def cohort_periods(first: dt.date, data_end: dt.date) -> pa.Table:
    """The proven-reoffending cohorts whose follow-up and waiting period end by ``data_end``.

    One row per 3-month cohort (``quarter`` Q1..Q4) and per calendar-year cohort (``quarter``
    ``year``); ``complete`` is 1 when all four 3-month cohorts of the year are published, so
    that the pooled annual figure may be.
    """
    wait = dt.timedelta(days=FOLLOW_UP_DAYS + WAITING_DAYS)
    rows: list[tuple[int, str, dt.date, dt.date, int]] = []
    for year in range(first.year, data_end.year + 1):
        complete = int(dt.date(year, 12, 31) + wait <= data_end)
        for quarter, start, stop in _quarters(year):
            if stop + wait <= data_end:
                rows.append((year, quarter, start, stop, complete))
        if complete:
            rows.append((year, "year", dt.date(year, 1, 1), dt.date(year, 12, 31), complete))
    columns: list[tuple[Any, ...]] = list(zip(*rows, strict=True)) if rows else [()] * 5
    return pa.table(
        {
            "cohort": pa.array(columns[0], pa.int32()),
            "quarter": pa.array(columns[1], pa.string()),
            "start_date": pa.array(columns[2], pa.date32()),
            "end_date": pa.array(columns[3], pa.date32()),
            "complete": pa.array(columns[4], pa.int32()),
            "follow_up_days": pa.array([FOLLOW_UP_DAYS] * len(rows), pa.int32()),
            "waiting_days": pa.array([WAITING_DAYS] * len(rows), pa.int32()),
        }
    )


def reoffending_window(warehouse: Warehouse) -> tuple[dt.date, dt.date] | None:
    """The first event date and the end of the data (31 December of the last year seen)."""
    span = _span(warehouse, None)
    return None if span is None else (span[0], dt.date(span[1].year, 12, 31))


def helper_tables(warehouse: Warehouse) -> dict[str, pa.Table]:
    """The small tables the unit queries read besides the canonical ones."""
    window = reoffending_window(warehouse)
    periods = cohort_periods(*window) if window else cohort_periods(dt.date.max, dt.date.min)
    return {"census_year": census_years(warehouse), "cohort_period": periods}


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

    Raises:
        MeasureError: The warehouse holds no linked persons.
    """
    say = progress or (lambda _name: None)
    linked = warehouse.fetch(exp.select("count(*)").from_(person_table))[0][0]
    if not linked:
        raise MeasureError(
            "no linked persons in the warehouse: run `justicelink link` before the measures"
        )
    chosen = list(measures)
    helpers = helper_tables(warehouse)
    for name, table in helpers.items():
        warehouse.register(name, table)
    try:
        # The views several measures share are built once, as tables of the session.
        built: frozenset[str] = frozenset()
        for view in views_of(chosen):
            say(f"preparing {view}")
            warehouse.cache(view, _with_persons(compile_view(view, built), person_table))
            built = built | {view}
        results = []
        for measure in chosen:
            say(measure.name)
            tree = _with_persons(compile_measure(measure, built), person_table)
            results.append(Result(measure, complete(measure, warehouse.fetch_arrow(tree))))
        return results
    finally:
        for name in helpers:
            warehouse.unregister(name)


def _with_persons(tree: exp.Expr, person_table: str) -> exp.Expr:
    """The query with ``record_person`` read from ``person_table`` instead."""
    if person_table == "record_person":
        return tree

    def swap(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Table) and node.name == "record_person":
            return exp.to_table(person_table).as_(node.alias or "record_person")
        return node

    return tree.transform(swap)


def complete(measure: Measure, table: pa.Table) -> pa.Table:
    """The table with a row, counting zero, for every combination of the values seen.

    A breakdown published without its empty cells says by their absence that they are zero,
    and disclosure control could not hide such a zero (that no woman held is unsentenced, say).
    Every published combination therefore lists all its cells: within each value of the
    dimensions present in every combination, every value any row shows for the others. Rows
    are ordered by the dimensions (numbers before text), whatever the engine.

    Left as they are: rates (their cells are the population's), and measures whose cells are
    filtered after summing (``having``), where a missing cell is unpublished, not zero.
    """
    if measure.having is not None or isinstance(measure.statistic, Rate) or not table.num_rows:
        return table
    rows = table.to_pylist()
    fixed = measure.fixed
    domains = {
        d: sorted({r[d] for r in rows if r[d] != measure.total_label(d)}, key=str)
        for d in measure.dimensions
        if d not in fixed
    }
    anchors = sorted({tuple(r[d] for d in fixed) for r in rows}, key=str)
    seen = {tuple(r[d] for d in measure.dimensions) for r in rows}
    for combo in measure.grouping_sets:
        free = [d for d in measure.dimensions if d in combo and d not in fixed]
        for anchor, values in itertools.product(
            anchors, itertools.product(*(domains[d] for d in free))
        ):
            cell = dict(zip(fixed, anchor, strict=True)) | dict(zip(free, values, strict=True))
            key = tuple(cell.get(d, measure.total_label(d)) for d in measure.dimensions)
            if key not in seen:
                seen.add(key)
                rows.append(_zero_row(measure, table.column_names, key))
    rows.sort(key=lambda r: tuple(_order(r[d]) for d in measure.dimensions))
    return pa.Table.from_pylist(rows, schema=table.schema)


def _order(value: Any) -> tuple[int, Any]:
    return (0, value) if isinstance(value, int) else (1, str(value))


def _zero_row(measure: Measure, names: list[str], key: tuple[Any, ...]) -> dict[str, Any]:
    """A cell no unit falls in: counts of zero; a share or median of nothing is undefined."""
    row: dict[str, Any] = dict.fromkeys(names)
    row.update(zip(measure.dimensions, key, strict=True))
    for column in ("numerator", "denominator", *(e.name for e in measure.extras)):
        if column in row:
            row[column] = 0
    if isinstance(measure.statistic, Count):
        row["value"] = 0
    return row
