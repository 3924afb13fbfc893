"""Judging a linkage run against what a country knows: a synthetic truth folder, a cluster
file or labelled pairs (see :mod:`justicelink.linkage.labels` and docs/linkage.md)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from justicelink.linkage.evaluate import (
    Evaluation,
    evaluate,
    evaluate_pairs,
    read_traditions,
    read_truth,
    true_persons,
)
from justicelink.linkage.labels import Labels, read_labels, resolve


@dataclass(frozen=True)
class LabelSource:
    """Labels read before linking (so that a bad file fails before the work is done)."""

    path: Path
    truth: dict[tuple[str, int], str] | None = None  # a synthetic truth folder
    traditions: dict[str, str] | None = None  # person id -> tradition (truth folder)
    labels: Labels | None = None  # a cluster file or labelled pairs


def load_labels(path: Path) -> LabelSource:
    """Read a truth folder (``truth/`` of ``justicelink synth``) or a labels file.

    Raises:
        SourceFileNotFoundError, TruthFileError: as one line.
    """
    if path.is_dir():
        return LabelSource(path, truth=read_truth(path), traditions=read_traditions(path))
    return LabelSource(path, labels=read_labels(path))


def _column(rows: pa.Table, name: str) -> list[object]:
    return list(rows.column(name).to_pylist())


def judge(source: LabelSource, rows: pa.Table, assignment: pa.Table) -> Evaluation:
    """Score the run's persons against ``source``.

    Args:
        source: From :func:`load_labels`.
        rows: The person records linked (``record_id``, ``agency_id``, ``source_file``,
            ``source_row``).
        assignment: ``record_id`` -> ``person_id`` of the run.
    """
    predicted = dict(
        zip(
            (str(r) for r in _column(assignment, "record_id")),
            (str(p) for p in _column(assignment, "person_id")),
            strict=True,
        )
    )
    ids = [str(r) for r in _column(rows, "record_id")]
    agency_of = dict(zip(ids, (str(a) for a in _column(rows, "agency_id")), strict=True))
    if source.truth is not None:
        provenance = {
            rid: (str(src), int(str(row)))
            for rid, src, row in zip(
                ids, _column(rows, "source_file"), _column(rows, "source_row"), strict=True
            )
        }
        truth = true_persons(source.truth, provenance)
        traditions = {
            rid: source.traditions[person]
            for rid, person in truth.items()
            if source.traditions and person in source.traditions
        }
        return evaluate(predicted, truth, agency_of=agency_of, traditions=traditions)
    assert source.labels is not None  # load_labels sets one of the two
    # A record id is "agency:key": the labels name records by agency and key.
    keyed = {(rid.split(":", 1)[0], rid.split(":", 1)[1]): rid for rid in ids if ":" in rid}
    persons, pairs, traditions, unknown = resolve(source.labels, keyed)
    if source.labels.kind == "pairs":
        return evaluate_pairs(
            predicted, pairs, agency_of=agency_of, traditions=traditions, unknown_records=unknown
        )
    return evaluate(
        predicted,
        persons,
        agency_of=agency_of,
        traditions=traditions,
        labels="clusters",
        sample=len(persons) < len(predicted),
        unknown_records=unknown,
    )
