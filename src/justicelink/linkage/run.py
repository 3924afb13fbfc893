"""One linkage run: records in the warehouse -> persons in the warehouse.

read and normalise person records -> train the model (or reuse one) -> score blocked pairs
-> apply clerical decisions -> cluster at the threshold -> write ``person``,
``record_person``, ``link_pair`` and ``link_run`` in one transaction (a failed run leaves the
warehouse as it was).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import sqlglot.expressions as exp
from splink.clustering import cluster_pairwise_predictions_at_threshold

from justicelink.errors import LinkageError, SourceFileNotFoundError, WarehouseError
from justicelink.linkage.evaluate import Evaluation, evaluate, read_truth, true_persons
from justicelink.linkage.model import DEFAULT_THRESHOLD, LinkageEngine
from justicelink.linkage.prepare import prepare_rows, read_case_refs, read_records
from justicelink.warehouse.port import (
    Engine,
    LinkageBackend,
    Warehouse,
    open_warehouse,
    warehouse_exists,
)

# Pairs scored below this probability are not kept: they are neither links nor worth a
# reviewer's time. Pairs at or above it are kept in ``link_pair`` for review and explanation.
KEEP_FLOOR = 0.01

Progress = Callable[[str], None]


@dataclass
class LinkReport:
    """What a linkage run did.

    Attributes:
        seconds: Wall-clock seconds per stage (prepare, train, predict, cluster, write).
        model_source: ``trained`` (estimated on these records), or the file or run the model
            was taken from.
    """

    run_id: str
    warehouse: Path
    threshold: float
    model_source: str
    records: int
    incomparable_records: int
    pairs_scored: int
    links: int
    persons: int
    persons_with_several_records: int
    decisions_applied: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)
    evaluation: Evaluation | None = None
    model: dict[str, Any] = field(default_factory=dict, repr=False)

    def to_json(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "run_id": self.run_id,
            "warehouse": str(self.warehouse),
            "threshold": self.threshold,
            "model_source": self.model_source,
            "records": self.records,
            "incomparable_records": self.incomparable_records,
            "pairs_scored": self.pairs_scored,
            "links": self.links,
            "persons": self.persons,
            "persons_with_several_records": self.persons_with_several_records,
            "decisions_applied": self.decisions_applied,
            "seconds": self.seconds,
        }
        if self.evaluation is not None:
            payload["evaluation"] = self.evaluation.as_dict()
        return payload


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


def _decisions(warehouse: Warehouse) -> dict[tuple[str, str], str]:
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


def link(
    warehouse_path: Path,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    model: dict[str, Any] | None = None,
    model_source: str = "trained",
    reuse_stored_model: bool = False,
    truth_dir: Path | None = None,
    progress: Progress | None = None,
    engine: Engine | None = None,
) -> LinkReport:
    """Link the person records of a warehouse into persons.

    Args:
        warehouse_path: The DuckDB warehouse, after ``justicelink ingest``.
        threshold: Pairs at or above this match probability are the same person.
        model: A trained model to use instead of training (Splink settings JSON).
        model_source: Where ``model`` came from, for the run's record.
        reuse_stored_model: Use the model of the warehouse's latest run.
        truth_dir: A synthetic country's ``truth/`` folder to score the result against.
        progress: Called with the name of each stage as it starts.
        engine: The warehouse's engine (told from the location by default).
    """
    if not 0.0 < threshold < 1.0:
        raise LinkageError(f"threshold {threshold}: must lie strictly between 0 and 1")
    if not warehouse_exists(warehouse_path, engine):
        raise SourceFileNotFoundError(
            f"{warehouse_path}: no warehouse here; run `justicelink ingest` first"
        )
    say = progress or (lambda _stage: None)
    truth = read_truth(truth_dir) if truth_dir is not None else None
    seconds: dict[str, float] = {}
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    run_id = started.strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:8]

    with open_warehouse(warehouse_path, engine=engine) as warehouse:
        warehouse.ensure_schema()
        if reuse_stored_model:
            stored_run, model = stored_model(warehouse)
            model_source = f"run {stored_run}"
        say("reading and normalising records")
        clock = time.perf_counter()
        rows = read_records(warehouse)
        if rows.num_rows == 0:
            raise LinkageError(f"{warehouse_path}: no person records; ingest extracts first")
        records, incomparable = prepare_rows(rows, read_case_refs(warehouse))
        decisions = _decisions(warehouse)
        seconds["prepare"] = time.perf_counter() - clock

        with warehouse.linkage() as backend:
            result = link_records(
                backend, records, rows.column("record_id"), threshold, model, decisions, say
            )
        seconds.update(result.seconds)
        pairs, edges, clusters, applied = (
            result.pairs,
            result.edges,
            result.clusters,
            result.decisions_applied,
        )
        trained = result.model

        say("writing persons to the warehouse")
        clock = time.perf_counter()
        assignment = _assign(clusters, edges, records)
        persons = _persons(assignment)
        linked = pc.is_in(
            pc.binary_join_element_wise(pairs["unique_id_l"], pairs["unique_id_r"], "|"),
            value_set=pc.binary_join_element_wise(edges["unique_id_l"], edges["unique_id_r"], "|"),
        )
        link_pairs = pa.table(
            {
                "record_id_l": pairs["unique_id_l"],
                "record_id_r": pairs["unique_id_r"],
                "match_weight": pairs["match_weight"],
                "match_probability": pairs["match_probability"],
                "linked": linked,
            }
        )
        finished = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        run_row = pa.table(
            {
                "link_run_id": [run_id],
                "started_at": [started],
                "finished_at": [finished],
                "threshold": [threshold],
                "model_source": [model_source],
                "model_json": [json.dumps(trained)],
                "records": [rows.num_rows],
                "incomparable_records": [len(incomparable)],
                "pairs_scored": [pairs.num_rows],
                "persons": [persons.num_rows],
                "decisions_applied": [sum(applied.values())],
            }
        )
        _write(warehouse, run_id, assignment, persons, link_pairs, run_row)
        seconds["write"] = time.perf_counter() - clock

    evaluation = None
    if truth is not None:
        provenance = {
            rid: (src, int(row))
            for rid, src, row in zip(
                rows.column("record_id").to_pylist(),
                rows.column("source_file").to_pylist(),
                rows.column("source_row").to_pylist(),
                strict=True,
            )
        }
        predicted = dict(
            zip(
                assignment.column("record_id").to_pylist(),
                assignment.column("person_id").to_pylist(),
                strict=True,
            )
        )
        evaluation = evaluate(predicted, true_persons(truth, provenance))
    several = pc.sum(pc.greater(persons["records"], 1)).as_py() or 0
    return LinkReport(
        run_id=run_id,
        warehouse=warehouse_path,
        threshold=threshold,
        model_source=model_source,
        records=rows.num_rows,
        incomparable_records=len(incomparable),
        pairs_scored=pairs.num_rows,
        links=edges.num_rows,
        persons=persons.num_rows,
        persons_with_several_records=int(several),
        decisions_applied=applied,
        seconds={k: round(v, 2) for k, v in seconds.items()},
        evaluation=evaluation,
        model=trained,
    )


@dataclass
class Linked:
    """The outcome of linking prepared records (before anything is stored).

    Attributes:
        pairs: Scored pairs kept (probability >= KEEP_FLOOR): unique_id_l, unique_id_r,
            match_weight, match_probability.
        edges: The links: unique_id_l, unique_id_r, match_probability.
        clusters: unique_id -> cluster_id for every record.
    """

    pairs: pa.Table
    edges: pa.Table
    clusters: pa.Table
    model: dict[str, Any]
    decisions_applied: dict[str, int]
    seconds: dict[str, float]


def link_records(
    backend: LinkageBackend,
    records: pa.Table,
    all_ids: pa.ChunkedArray | pa.Array,
    threshold: float,
    model: dict[str, Any] | None = None,
    decisions: Mapping[tuple[str, str], str] | None = None,
    progress: Progress | None = None,
) -> Linked:
    """Train (unless given a model), score, apply decisions and cluster prepared records.

    Args:
        backend: The engine session Splink runs in (from ``Warehouse.linkage``).
        records: Prepared records (:data:`justicelink.linkage.prepare.SCHEMA`).
        all_ids: Every record id, comparable or not: each becomes a node of the graph.
        threshold: Links are pairs at or above this probability.
        model: A trained model; None trains one on ``records``.
        decisions: Reviewers' decisions by sorted pair.
        progress: Called with each stage's name.
    """
    say = progress or (lambda _stage: None)
    seconds: dict[str, float] = {}
    engine = LinkageEngine.open(backend, records, model)
    if model is None:
        say("estimating the model (no labels needed)")
        clock = time.perf_counter()
        engine.train()
        seconds["train"] = time.perf_counter() - clock
    say("scoring record pairs")
    clock = time.perf_counter()
    scored = engine.predict(KEEP_FLOOR)
    pairs = backend.to_arrow(
        scored, ["unique_id_l", "unique_id_r", "match_weight", "match_probability"]
    )
    seconds["predict"] = time.perf_counter() - clock
    say("grouping records into persons")
    clock = time.perf_counter()
    edges, applied = _apply_decisions(pairs, decisions or {}, threshold)
    clusters = _cluster(backend, all_ids, edges)
    seconds["cluster"] = time.perf_counter() - clock
    return Linked(pairs, edges, clusters, engine.model_json(), applied, seconds)


def _apply_decisions(
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


def _cluster(
    backend: LinkageBackend, record_ids: pa.ChunkedArray | pa.Array, edges: pa.Table
) -> pa.Table:
    """Connected components of the links (Splink's clustering); every record is a node."""
    nodes = pa.table({"unique_id": record_ids})
    known = set(record_ids.to_pylist())
    unknown = [r for r in edges.column("unique_id_l").to_pylist() if r not in known] + [
        r for r in edges.column("unique_id_r").to_pylist() if r not in known
    ]
    if unknown:
        raise LinkageError(
            f"a reviewed decision names record {unknown[0]}, which is not in the warehouse"
        )
    result = cluster_pairwise_predictions_at_threshold(
        nodes, edges, db_api=backend.db_api, node_id_column_name="unique_id"
    )
    return backend.to_arrow(result, ["unique_id", "cluster_id"])


def _assign(clusters: pa.Table, edges: pa.Table, records: pa.Table) -> pa.Table:
    """record_person rows: each record's person, the strongest link that placed it and the
    normalised name the model compared (for term frequencies when a pair is explained)."""
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
        }
    )


def _persons(assignment: pa.Table) -> pa.Table:
    counts = assignment.group_by("person_id").aggregate([("record_id", "count")])
    return pa.table(
        {
            "person_id": counts["person_id"],
            "records": pc.cast(counts["record_id_count"], pa.int32()),
        }
    )


def _write(
    warehouse: Warehouse,
    run_id: str,
    assignment: pa.Table,
    persons: pa.Table,
    link_pairs: pa.Table,
    run_row: pa.Table,
) -> None:
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
