"""Linkage uncertainty: a draw recomputed for the persons it touches equals a full recompute."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

from justicelink.app import linkage_error
from justicelink.linkage.uncertainty import FLOOR, changed, draw_labels, interval
from justicelink.warehouse.port import open_warehouse


def test_changed_marks_every_record_of_a_split_or_merged_person() -> None:
    base = np.array([0, 0, 1, 1, 2, 3])
    # Person 0 split; persons 2 and 3 merged; person 1 untouched.
    drawn = np.array([5, 6, 7, 7, 8, 8])
    assert changed(base, drawn).tolist() == [True, True, False, False, True, True]


def test_draws_never_link_pairs_below_the_floor() -> None:
    records = ["a", "b", "c"]
    labels = list(draw_labels(records, ["a", "b"], ["b", "c"], np.array([FLOOR - 0.01, 1.0]), 5))
    for drawn in labels:
        assert drawn[0] != drawn[1] and drawn[1] == drawn[2]


def test_the_interval_is_centred_on_the_figure() -> None:
    low, high = interval(0.20, [0.21, 0.19, 0.22])
    assert low < 0.20 < high and abs((high - 0.20) - (0.20 - low)) < 1e-12


def test_a_draw_corrected_on_the_persons_it_touches_equals_a_full_recompute(
    linked_country: Path,
) -> None:
    with open_warehouse(linked_country / "w.duckdb", read_only=True) as w:
        persons, left, right, probability = linkage_error._scored_pairs(w)
        records = persons.column("record_id").to_pylist()
        published = persons.column("person_id").to_pylist()
        codes = {p: i for i, p in enumerate(sorted(set(published)))}
        base = np.array([codes[p] for p in published])
        drawn = next(draw_labels(records, left, right, probability, 1, seed=3))
        mask = changed(base, drawn)
        assert 0 < mask.sum() < len(records)  # the draw touches some persons, not all
        touched = np.flatnonzero(mask)
        totals = linkage_error._totals(w, "record_person")
        before = linkage_error._subset_totals(
            w, [records[j] for j in touched], [published[j] for j in touched]
        )
        after = linkage_error._subset_totals(
            w, [records[j] for j in touched], [f"d{drawn[j]}" for j in touched]
        )
        w.register(
            "whole_draw",
            pa.table({"record_id": records, "person_id": [f"d{x}" for x in drawn.tolist()]}),
        )
        full = linkage_error._totals(w, "whole_draw")
    for name, periods in totals.items():
        for period, (n, d) in periods.items():
            n0, d0 = before.get(name, {}).get(period, (0, 0))
            n1, d1 = after.get(name, {}).get(period, (0, 0))
            assert (n - n0 + n1, d - d0 + d1) == full[name][period], (name, period)
