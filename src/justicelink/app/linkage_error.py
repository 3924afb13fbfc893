"""How linkage error moves proven reoffending: against the truth, and from the model.

:func:`linkage_effect` compares the published rate with the rate on a synthetic country's
true persons. :func:`linkage_uncertainty` needs no truth: it redraws the persons from the
linkage model (:mod:`justicelink.linkage.uncertainty`) and recomputes the rate. A draw
changes only the persons whose records it splits or merges, so each draw recomputes the
cohort of those persons alone and corrects the published totals by the difference: a draw
costs the few persons it touches, not the whole country.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import sqlglot.expressions as exp

from justicelink.disclosure import protect
from justicelink.linkage.evaluate import read_truth, true_persons
from justicelink.linkage.uncertainty import changed, draw_labels, interval
from justicelink.measures.catalogue import proven_reoffending_rate
from justicelink.measures.engine import compute
from justicelink.publication import headline
from justicelink.publication.headline import HEADLINES
from justicelink.warehouse.port import Warehouse

Progress = Callable[[str], Any]
REOFFENDING = (
    "proven_reoffending_rate",
    "proven_reoffending_rate_adult",
    "proven_reoffending_rate_juvenile",
)
_SUBSET = "record_person_subset"
_TRUE = "record_person_truth"

# headline -> period -> (reoffenders, cohort)
Totals = dict[str, dict[str, tuple[int, int]]]


def _totals(warehouse: Warehouse, person_table: str) -> Totals:
    """The reoffending headlines' numerators and denominators with these persons."""
    rows = compute(warehouse, [proven_reoffending_rate], person_table=person_table)[0]
    table = rows.table.to_pylist()
    out: Totals = {}
    for name in REOFFENDING:
        _, keep, key = HEADLINES[name]
        out[name] = {
            str(r[key]): (int(r["numerator"]), int(r["denominator"])) for r in table if keep(r)
        }
    return out


def _rates(totals: Totals) -> dict[str, dict[str, float | None]]:
    return {
        name: {p: (n / d if d else None) for p, (n, d) in periods.items()}
        for name, periods in totals.items()
    }


def _true_person_table(warehouse: Warehouse, truth_dir: Path) -> pa.Table:
    rows = warehouse.fetch(
        exp.select("record_id", "source_file", "source_row").from_("person_record")
    )
    truth = true_persons(read_truth(truth_dir), {r: (f, int(n)) for r, f, n in rows})
    return pa.table({"record_id": list(truth), "person_id": list(truth.values())})


def linkage_effect(
    warehouse: Warehouse, truth_dir: Path, measured: dict[str, float | None]
) -> dict[str, dict[str, float]]:
    """Proven reoffending with the run's linkage beside the rate with perfect linkage.

    Args:
        measured: Annual cohort -> rate with the warehouse's own linkage (unprotected).

    Returns:
        cohort -> measured, perfect_linkage and their difference in percentage points.
    """
    warehouse.register(_TRUE, _true_person_table(warehouse, truth_dir))
    try:
        results = compute(warehouse, [proven_reoffending_rate], person_table=_TRUE)
        perfect = headline(protect(results, method="none").tables).figures
    finally:
        warehouse.unregister(_TRUE)
    out = {}
    for cohort, value in measured.items():
        truth = perfect.get("proven_reoffending_rate", {}).get(cohort)
        if value is None or truth is None:
            continue
        out[cohort] = {
            "measured": value,
            "perfect_linkage": truth,
            "difference_pp": round(100 * (value - truth), 3),
        }
    return out


def _scored_pairs(warehouse: Warehouse) -> tuple[pa.Table, list[str], list[str], np.ndarray]:
    """The published persons (record_id, person_id, by record), and the scored pairs with the
    probability a draw keeps them (reviewers' decisions as made)."""
    persons = warehouse.fetch_arrow(
        exp.select("record_id", "person_id").from_("record_person").order_by("record_id")
    )
    pairs = warehouse.fetch_arrow(
        exp.select("record_id_l", "record_id_r", "match_probability")
        .from_("link_pair")
        .order_by("record_id_l", "record_id_r")
    )
    decided = warehouse.fetch(
        exp.select("record_id_l", "record_id_r", "decision")
        .from_("link_decision")
        .order_by("decided_at", "record_id_l", "record_id_r")
    )
    latest = {(min(a, b), max(a, b)): d for a, b, d in decided}
    left = pairs.column("record_id_l").to_pylist()
    right = pairs.column("record_id_r").to_pylist()
    probability = pairs.column("match_probability").to_pylist()
    seen = set()
    for i, (a, b) in enumerate(zip(left, right, strict=True)):
        key = (min(a, b), max(a, b))
        seen.add(key)
        if key in latest:
            probability[i] = 1.0 if latest[key] == "same" else 0.0
    known = set(persons.column("record_id").to_pylist())
    for (a, b), decision in latest.items():
        if decision == "same" and (a, b) not in seen and a in known and b in known:
            left.append(a)
            right.append(b)
            probability.append(1.0)
    return persons, left, right, np.array(probability, dtype=np.float64)


def _subset_totals(warehouse: Warehouse, records: list[str], persons: list[str]) -> Totals:
    warehouse.register(_SUBSET, pa.table({"record_id": records, "person_id": persons}))
    try:
        return _totals(warehouse, _SUBSET)
    finally:
        warehouse.unregister(_SUBSET)


def linkage_uncertainty(
    warehouse: Warehouse,
    figures: dict[str, dict[str, float | None]],
    draws: int,
    progress: Progress | None = None,
) -> dict[str, dict[str, tuple[float, float]]]:
    """Each reoffending headline's interval over clusterings drawn from the model.

    Args:
        figures: The unprotected headline figures the intervals are centred on.
    """
    persons, left, right, probability = _scored_pairs(warehouse)
    if not persons.num_rows:
        return {}
    records = persons.column("record_id").to_pylist()
    published = persons.column("person_id").to_pylist()
    codes = {p: i for i, p in enumerate(sorted(set(published)))}
    base = np.array([codes[p] for p in published], dtype=np.int64)
    totals = _totals(warehouse, "record_person")
    values: dict[str, dict[str, list[float]]] = {n: {} for n in REOFFENDING}
    labels = draw_labels(records, left, right, probability, draws)
    for i, drawn in enumerate(labels):
        if progress is not None:
            progress(f"linkage uncertainty: draw {i + 1} of {draws}")
        mask = changed(base, drawn)
        touched = [records[j] for j in np.flatnonzero(mask)]
        before = _subset_totals(warehouse, touched, [published[j] for j in np.flatnonzero(mask)])
        after = _subset_totals(warehouse, touched, [f"d{drawn[j]}" for j in np.flatnonzero(mask)])
        for name, periods in totals.items():
            for period, (n, d) in periods.items():
                n0, d0 = before.get(name, {}).get(period, (0, 0))
                n1, d1 = after.get(name, {}).get(period, (0, 0))
                if d - d0 + d1 > 0:
                    rate = (n - n0 + n1) / (d - d0 + d1)
                    values[name].setdefault(period, []).append(rate)
    out: dict[str, dict[str, tuple[float, float]]] = {}
    for name, by_period in values.items():
        for period, spread in by_period.items():
            figure = figures.get(name, {}).get(period)
            if figure is not None:
                out.setdefault(name, {})[period] = interval(figure, spread)
    return out
