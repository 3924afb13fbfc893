"""One linkage run: records in the warehouse -> persons in the warehouse.

read and normalise person records -> train the model (or reuse one) -> score blocked pairs
-> apply clerical decisions -> cluster at the threshold -> write ``person``,
``record_person``, ``link_pair`` and ``link_run`` in one transaction (a failed run leaves the
warehouse as it was).
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from splink.clustering import cluster_pairwise_predictions_at_threshold

from justicelink.errors import (
    JusticelinkError,
    LinkageError,
    SourceFileNotFoundError,
)
from justicelink.linkage.evaluate import Evaluation
from justicelink.linkage.guard import DEFAULT_MAX_PAIRS_PER_RECORD, RuleCheck
from justicelink.linkage.judge import judge, load_labels
from justicelink.linkage.model import DEFAULT_THRESHOLD, LinkageEngine
from justicelink.linkage.prepare import (
    prepare_rows,
    read_case_refs,
    read_records,
)
from justicelink.linkage.resources import raise_if_resource_error
from justicelink.linkage.results import (
    apply_decisions,
    assign,
    load_model,
    persons_table,
    read_decisions,
    stored_model,
    write_results,
)
from justicelink.warehouse.port import (
    Engine,
    LinkageBackend,
    Warehouse,
    open_warehouse,
    warehouse_exists,
)

__all__ = [
    "KEEP_FLOOR",
    "LinkReport",
    "Linked",
    "link",
    "link_records",
    "load_model",
    "stored_model",
]

# Pairs scored below this probability are not kept: they are neither links nor worth a
# reviewer's time. Pairs at or above it are kept in ``link_pair`` for review and explanation.
KEEP_FLOOR = 0.01

Progress = Callable[[str], None]


@dataclass
class LinkReport:
    """What a linkage run did.

    Attributes:
        seconds: Wall-clock seconds per stage (prepare, guard, train, predict, cluster, write).
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
    blocking: list[RuleCheck] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        """One line per blocking rule the guard split or left out."""
        return [check.message for check in self.blocking if check.message]

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
        payload["blocking_rules"] = [check.as_dict() for check in self.blocking]
        payload["warnings"] = self.warnings
        if self.evaluation is not None:
            payload["evaluation"] = self.evaluation.as_dict()
        return payload


def link(
    warehouse_path: Path,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    model: dict[str, Any] | None = None,
    model_source: str = "trained",
    reuse_stored_model: bool = False,
    truth_dir: Path | None = None,
    progress: Progress | None = None,
    max_pairs_per_record: float = DEFAULT_MAX_PAIRS_PER_RECORD,
    engine: Engine | None = None,
) -> LinkReport:
    """Link the person records of a warehouse into persons.

    Args:
        warehouse_path: The DuckDB warehouse, after ``justicelink ingest``.
        threshold: Pairs at or above this match probability are the same person.
        model: A trained model to use instead of training (Splink settings JSON).
        model_source: Where ``model`` came from, for the run's record.
        reuse_stored_model: Use the model of the warehouse's latest run.
        truth_dir: What to score the result against: a synthetic country's ``truth/``
            folder, a cluster file or labelled pairs (:mod:`justicelink.linkage.labels`).
        progress: Called with the name of each stage as it starts.
        max_pairs_per_record: A blocking rule may compare at most this many pairs per
            record; a bigger one is split or left out (:mod:`justicelink.linkage.guard`).
        engine: The warehouse's engine (told from the location by default).

    Raises:
        ResourceLimitError: the run ran out of memory or disk (one line saying what to
            change); nothing is written then.
    """
    if not 0.0 < threshold < 1.0:
        raise LinkageError(f"threshold {threshold}: must lie strictly between 0 and 1")
    if max_pairs_per_record <= 0:
        raise LinkageError(f"max pairs per record {max_pairs_per_record}: must be positive")
    if not warehouse_exists(warehouse_path, engine):
        raise SourceFileNotFoundError(
            f"{warehouse_path}: no warehouse here; run `justicelink ingest` first"
        )
    stage = ["starting"]
    memory = ["(the engine's limit)"]

    def say(name: str) -> None:
        stage[0] = name
        if progress is not None:
            progress(name)

    # Read labels first: a malformed file should fail before the work, not after it.
    labels = load_labels(truth_dir) if truth_dir is not None else None
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    run_id = started.strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:8]
    try:
        with open_warehouse(warehouse_path, engine=engine) as warehouse:
            warehouse.ensure_schema()
            if reuse_stored_model:
                stored_run, model = stored_model(warehouse)
                model_source = f"run {stored_run}"
            run = _link_warehouse(
                warehouse, run_id, started, threshold, model, model_source,
                max_pairs_per_record, say, memory,
            )  # fmt: skip
    except JusticelinkError:
        raise
    except Exception as exc:
        raise_if_resource_error(exc, stage[0], memory[0])
        raise
    report = run.report
    report.warehouse = warehouse_path
    if labels is not None:
        report.evaluation = judge(labels, run.rows, run.assignment)
    return report


@dataclass
class _Run:
    report: LinkReport
    rows: pa.Table
    assignment: pa.Table


def _link_warehouse(
    warehouse: Warehouse,
    run_id: str,
    started: dt.datetime,
    threshold: float,
    model: dict[str, Any] | None,
    model_source: str,
    max_pairs_per_record: float,
    say: Progress,
    memory: list[str],
) -> _Run:
    """Read, link and write one run in ``warehouse`` (see :func:`link`).

    ``memory`` receives the engine's memory limit, for the message if the run runs out.
    """
    seconds: dict[str, float] = {}
    say("reading and normalising records")
    clock = time.perf_counter()
    rows = read_records(warehouse)
    if rows.num_rows == 0:
        raise LinkageError(
            f"{getattr(warehouse, 'path', 'the warehouse')}: no person records; "
            "ingest extracts first"
        )
    records, incomparable = prepare_rows(rows, read_case_refs(warehouse))
    decisions = read_decisions(warehouse)
    seconds["prepare"] = time.perf_counter() - clock

    with warehouse.linkage() as backend:
        memory[0] = backend.memory
        result = link_records(
            backend, records, rows.column("record_id"), threshold, model, decisions, say,
            max_pairs_per_record=max_pairs_per_record,
        )  # fmt: skip
    seconds.update(result.seconds)
    pairs, edges, applied = result.pairs, result.edges, result.decisions_applied

    say("writing persons to the warehouse")
    clock = time.perf_counter()
    assignment = assign(result.clusters, edges, records)
    persons = persons_table(assignment)
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
            "model_json": [json.dumps(result.model)],
            "records": [rows.num_rows],
            "incomparable_records": [len(incomparable)],
            "pairs_scored": [pairs.num_rows],
            "persons": [persons.num_rows],
            "decisions_applied": [sum(applied.values())],
        }
    )
    write_results(warehouse, run_id, assignment, persons, link_pairs, run_row)
    seconds["write"] = time.perf_counter() - clock
    several = pc.sum(pc.greater(persons["records"], 1)).as_py() or 0
    report = LinkReport(
        run_id=run_id,
        warehouse=Path(str(getattr(warehouse, "path", ""))),
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
        model=result.model,
        blocking=result.checks,
    )
    return _Run(report, rows, assignment)


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
    checks: list[RuleCheck] = field(default_factory=list)


def link_records(
    backend: LinkageBackend,
    records: pa.Table,
    all_ids: pa.ChunkedArray | pa.Array,
    threshold: float,
    model: dict[str, Any] | None = None,
    decisions: Mapping[tuple[str, str], str] | None = None,
    progress: Progress | None = None,
    *,
    max_pairs_per_record: float = DEFAULT_MAX_PAIRS_PER_RECORD,
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
        max_pairs_per_record: The blocking guard's budget per record.
    """
    say = progress or (lambda _stage: None)
    seconds: dict[str, float] = {}
    say("counting the pairs each blocking rule makes")
    clock = time.perf_counter()
    engine = LinkageEngine.open(backend, records, model, max_pairs_per_record)
    seconds["guard"] = time.perf_counter() - clock
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
    edges, applied = apply_decisions(pairs, decisions or {}, threshold)
    clusters = _cluster(backend, all_ids, edges)
    seconds["cluster"] = time.perf_counter() - clock
    return Linked(pairs, edges, clusters, engine.model_json(), applied, seconds, engine.checks)


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
