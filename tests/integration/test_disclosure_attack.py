"""The attack test: no suppressed count can be narrowed to fewer than K possible values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _attack import Table, attack

from justicelink.disclosure import protect
from justicelink.measures import compute
from justicelink.measures.definition import Count, Median, Rate, Share
from justicelink.warehouse.port import open_warehouse

K = 5


def _counts(statistic: Any) -> tuple[str, ...]:
    if isinstance(statistic, Share):
        return ("numerator", "denominator")
    if isinstance(statistic, Rate):
        return ("numerator",)  # the denominator is the public population
    if isinstance(statistic, Median):
        return ("denominator",)
    return ("value",)


@pytest.fixture(scope="module")
def tables(linked_country: Path) -> tuple[list[Table], dict[tuple[str, int], dict[str, Any]]]:
    """The published tables of the linked test country, and the true values of each row."""
    with open_warehouse(linked_country / "w.duckdb", read_only=True) as w:
        results = compute(w)
    published = protect(results, threshold=K)
    out, truth = [], {}
    for result, table in zip(results, published.tables, strict=True):
        measure = result.measure
        if isinstance(measure.statistic, Count) and not measure.statistic.persons:
            continue
        out.append(
            Table(
                measure.name,
                measure.dimensions,
                {d: measure.total_label(d) for d in measure.dimensions},
                _counts(measure.statistic),
                table.rows,
            )
        )
        for i, row in enumerate(result.table.to_pylist()):
            truth[(measure.name, i)] = row
    return out, truth


def _true(row: dict[str, Any], quantity: str) -> int:
    if quantity == "complement":
        return int(row["denominator"]) - int(row["numerator"])
    return int(row[quantity])


def test_some_cells_are_suppressed_for_the_test_to_mean_something(
    tables: tuple[list[Table], dict[tuple[str, int], dict[str, Any]]],
) -> None:
    published, _ = tables
    hidden = sum(1 for t in published for r in t.rows if r["suppressed"])
    assert hidden >= 50


def test_every_small_suppressed_count_keeps_an_interval_at_least_k_wide(
    tables: tuple[list[Table], dict[tuple[str, int], dict[str, Any]]],
) -> None:
    published, truth = tables

    def wanted(table: str, row: int, quantity: str) -> bool:
        true = _true(truth[(table, row)], quantity)
        return true < K + 2  # the small counts, and a few above them to check soundness

    bounds = attack(published, wanted)
    small = 0
    for b in bounds:
        true = _true(truth[(b.table, b.row)], b.quantity)
        assert b.low - 1e-6 <= true <= b.high + 1e-6, b  # the attacker's model is sound
        zero_counts = b.quantity != "value" and not (
            b.table == "homicide_rate_per_100k" and b.quantity == "numerator"
        )
        if true < K and (zero_counts or true > 0):
            small += 1
            assert b.high - b.low >= K - 1e-6, (b, true)
    assert small >= 20


def test_primary_suppression_alone_would_be_attackable(
    tables: tuple[list[Table], dict[tuple[str, int], dict[str, Any]]],
) -> None:
    """Without complementary suppression the same attack recovers small counts exactly."""
    published, truth = tables
    primary_only = []
    for t in published:
        rows = []
        for i in range(len(t.rows)):
            true = truth[(t.name, i)]
            small = any(
                0 < int(true[c]) < K if c == "value" else int(true[c]) < K for c in t.counts
            )
            rows.append(
                {**true, "suppressed": small} | ({c: None for c in t.counts} if small else {})
            )
        primary_only.append(Table(t.name, t.dimensions, t.totals, t.counts, rows))
    exact = [
        b for b in attack(primary_only) if b.high - b.low < 1e-6 and b.quantity != "complement"
    ]
    assert exact, "the attack should recover some cells hidden by primary suppression only"
