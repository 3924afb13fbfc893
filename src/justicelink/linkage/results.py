"""What a linkage run reads from and writes to the warehouse, and how links become persons.

Models (saved files and the latest run's), reviewers' decisions, the links they make or
break, person ids, and the result tables ``person``, ``record_person``, ``link_pair`` and
``link_run``, written in one transaction (a failed write leaves the warehouse as it was).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import sqlglot.expressions as exp

from justicelink.errors import LinkageError, SourceFileNotFoundError, WarehouseError
from justicelink.linkage.prepare import name_frequencies
from justicelink.warehouse.port import Warehouse


def load_model(path: Path) -> dict[str, Any]:
    """A saved model (Splink settings JSON)."""
    if not path.is_file():
        raise SourceFileNotFoundError(f"{path}: no such model file")
    try:
        model = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LinkageError(f"{path}: not a JSON model file ({exc})") from None
    if not isinstance(model, dict) or "comparisons" not in model:
        raise LinkageError(f"{path}: not a linkage model (no 'comparisons')")
    return model


def stored_model(warehouse: Warehouse) -> tuple[str, dict[str, Any]]:
    """The model of the warehouse's latest linkage run, and that run's id."""
    rows = warehouse.fetch(
        exp.select("link_run_id", "model_json")
        .from_("link_run")
        .order_by(exp.column("finished_at").desc())
        .limit(1)
    )
    if not rows:
        raise LinkageError(
            f"{getattr(warehouse, 'path', 'the warehouse')}: no linkage run yet; "
            "run `justicelink link` first"
        )
    model: dict[str, Any] = json.loads(rows[0][1])
    return str(rows[0][0]), model


def read_decisions(warehouse: Warehouse) -> dict[tuple[str, str], str]:
    """(record id, record id) in sorted order -> the latest decision on that pair."""
    rows = warehouse.fetch(
        exp.select("record_id_l", "record_id_r", "decision")
        .from_("link_decision")
        .order_by("decided_at")
    )
    return {(min(a, b), max(a, b)): str(d) for a, b, d in rows}


def person_id(cluster_key: str) -> str:
    """A stable, opaque person id: the same group of records keeps the same id."""
    return "PN" + hashlib.sha256(cluster_key.encode()).hexdigest()[:16]


def apply_decisions(
    pairs: pa.Table, decisions: Mapping[tuple[str, str], str], threshold: float
) -> tuple[pa.Table, dict[str, int]]:
    """The links: scored pairs at or above the threshold, as corrected by reviewers.

    A pair decided ``different`` is never a link, whatever its score; a pair decided ``same``
    is always one (probability 1), even if blocking never compared it.
    """
    left = pairs.column("unique_id_l").to_pylist()
    right = pairs.column("unique_id_r").to_pylist()
    prob = pairs.column("match_probability").to_pylist()
    keep_l: list[str] = []
    keep_r: list[str] = []
    keep_p: list[float] = []
    applied = {"same": 0, "different": 0}
    seen: set[tuple[str, str]] = set()
    for a, b, p in zip(left, right, prob, strict=True):
        key = (min(a, b), max(a, b))
        decision = decisions.get(key)
        if decision is not None:
            seen.add(key)
        if decision == "different":
            applied["different"] += 1
            continue
        if decision == "same":
            applied["same"] += 1
            p = 1.0
        if p >= threshold:
            keep_l.append(key[0])
            keep_r.append(key[1])
            keep_p.append(p)
    for key, decision in decisions.items():
        if decision == "same" and key not in seen:
            applied["same"] += 1
            keep_l.append(key[0])
            keep_r.append(key[1])
            keep_p.append(1.0)
    table = pa.table(
        {"unique_id_l": keep_l, "unique_id_r": keep_r, "match_probability": keep_p},
        schema=pa.schema(
            [
                ("unique_id_l", pa.string()),
                ("unique_id_r", pa.string()),
                ("match_probability", pa.float64()),
            ]
        ),
    )
    return table, applied


def assign(clusters: pa.Table, edges: pa.Table, records: pa.Table) -> pa.Table:
    """record_person rows: each record's person, the strongest link that placed it, the
    normalised name the model compared and how common it is among persons (the term
    frequency the model used, for when a pair is explained)."""
    frequency = dict(
        zip(
            *(c.to_pylist() for c in name_frequencies(records).columns),
            strict=True,
        )
    )
    names = dict(
        zip(
            records.column("unique_id").to_pylist(),
            records.column("name_key").to_pylist(),
            strict=True,
        )
    )
    strongest: dict[str, float] = {}
    for a, b, p in zip(
        edges.column("unique_id_l").to_pylist(),
        edges.column("unique_id_r").to_pylist(),
        edges.column("match_probability").to_pylist(),
        strict=True,
    ):
        for rid in (a, b):
            if p > strongest.get(rid, -1.0):
                strongest[rid] = p
    record_ids = clusters.column("unique_id").to_pylist()
    return pa.table(
        {
            "record_id": record_ids,
            "person_id": [person_id(c) for c in clusters.column("cluster_id").to_pylist()],
            "match_probability": pa.array([strongest.get(r) for r in record_ids], pa.float64()),
            "name_key": pa.array([names.get(r) for r in record_ids], pa.string()),
            "name_frequency": pa.array(
                [frequency.get(names.get(r)) for r in record_ids], pa.float64()
            ),
        }
    )


def persons_table(assignment: pa.Table) -> pa.Table:
    counts = assignment.group_by("person_id").aggregate([("record_id", "count")])
    return pa.table(
        {
            "person_id": counts["person_id"],
            "records": pc.cast(counts["record_id_count"], pa.int32()),
        }
    )


def write_results(
    warehouse: Warehouse,
    run_id: str,
    assignment: pa.Table,
    persons: pa.Table,
    link_pairs: pa.Table,
    run_row: pa.Table,
) -> None:
    """Replace the linkage tables with this run's, all in one transaction."""

    def stamped(rows: pa.Table) -> pa.Table:
        return rows.append_column("link_run_id", pa.array([run_id] * rows.num_rows, pa.string()))

    try:
        with warehouse.transaction():
            warehouse.replace_table("person", stamped(persons))
            warehouse.replace_table("record_person", stamped(assignment))
            warehouse.replace_table("link_pair", stamped(link_pairs))
            warehouse.append_rows("link_run", run_row)
    except Exception as exc:
        raise WarehouseError(f"could not write the linkage results: {exc}") from exc
