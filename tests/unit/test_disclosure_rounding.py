"""Random rounding: multiples of the base, unbiased, and the same cell rounded the same way."""

from __future__ import annotations

import pyarrow as pa

from justicelink.disclosure import protect
from justicelink.disclosure.rounding import round_value
from justicelink.measures.definition import Count, Measure, Share
from justicelink.measures.engine import Result


def test_a_rounded_count_is_a_neighbouring_multiple_of_the_base() -> None:
    for value in range(0, 60):
        rounded = round_value(value, 5, f"cell {value}", "seed")
        assert rounded % 5 == 0 and abs(rounded - value) < 5


def test_rounding_is_unbiased_over_many_cells() -> None:
    # 7 = 5 + 2: rounded up to 10 with probability 2/5, down to 5 otherwise; mean 7.
    draws = [round_value(7, 5, f"cell {i}", "seed") for i in range(20_000)]
    assert abs(sum(draws) / len(draws) - 7) < 0.05


def test_the_same_key_and_seed_round_alike_and_another_seed_may_not() -> None:
    assert round_value(7, 5, "x", "a") == round_value(7, 5, "x", "a")
    assert {round_value(7, 5, "x", str(s)) for s in range(50)} == {5, 10}


def _measure(name: str, statistic: Count | Share, dims: tuple[str, ...]) -> Measure:
    return Measure(
        name=name, title=name, counting_unit="a person", period="a year", inclusions="all",
        exclusions="none", units="held_person", dimensions=dims, statistic=statistic,
        unit="count" if isinstance(statistic, Count) else "share",
    )  # fmt: skip


def test_a_cell_two_tables_share_is_rounded_once() -> None:
    # persons held in 2020 in total (a count) is the unsentenced share's denominator in 2020.
    held = _measure("held", Count(), ("year",))
    share = _measure("share", Share("unsentenced", ("legal_status", "unsentenced")), ("year",))
    results = [
        Result(held, pa.table({"year": [2020], "value": [23]})),
        Result(
            share,
            pa.table({"year": [2020], "numerator": [7], "denominator": [23], "value": [7 / 23]}),
        ),
    ]
    out = protect(results, method="rounding", base=5)
    count = out.tables[0].rows[0]["value"]
    row = out.tables[1].rows[0]
    assert count == row["denominator"] and count % 5 == 0
    assert row["value"] == row["numerator"] / row["denominator"]
    assert all(r["protection"] == "rounded" for t in out.tables for r in t.rows)
