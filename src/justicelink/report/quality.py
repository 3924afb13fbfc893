"""The data-quality facts the report and the web app show, in the units ``ingest`` prints."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlglot.expressions as exp

from justicelink.ingest.quality import quarantine_by_reason, unmapped_codes
from justicelink.linkage.evaluate import Evaluation, evaluate, read_truth, true_persons
from justicelink.linkage.model import fingerprint
from justicelink.warehouse.port import Warehouse


@dataclass(frozen=True)
class Quality:
    """Rows per file, quarantined rows by reason, uncoded offences, the latest linkage.

    Attributes:
        files: Per source file: file, rows read, loaded, quarantined.
        quarantine_reasons: Quarantined rows, each once under its first blocking reason
            (they sum to ``rows_quarantined``), as ``ingest`` prints them.
        unmapped_codes: National code -> rows of incidents and of case events left uncoded.
        recovered: Rows whose ICCS code was recovered from the same incident or case.
    """

    files: list[tuple[str, int, int, int]]
    quarantine_reasons: list[tuple[str, int]]
    unmapped_codes: list[tuple[str, int, int]]
    recovered: int
    link_run: dict[str, Any]
    evaluation: Evaluation | None

    @property
    def rows_read(self) -> int:
        return sum(f[1] for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f[2] for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f[3] for f in self.files)


def _link_run(warehouse: Warehouse) -> dict[str, Any]:
    runs = warehouse.fetch(
        exp.select(
            "threshold",
            "model_source",
            "records",
            "persons",
            "pairs_scored",
            "incomparable_records",
            "model_json",
        )
        .from_("link_run")
        .order_by(exp.column("finished_at").desc())
        .limit(1)
    )
    if not runs:
        return {}
    threshold, source, records, persons, pairs, incomparable, model = runs[0]
    return {
        "threshold": threshold,
        "model": "trained on these records" if source == "trained" else "given",
        "model_sha256": fingerprint(json.loads(str(model)))[:16],
        "records": records,
        "persons": persons,
        "pairs": pairs,
        "incomparable": incomparable,
    }


def data_quality(warehouse: Warehouse, truth_dir: Path | None = None) -> Quality:
    """What was loaded and quarantined, what stayed uncoded, and the latest linkage."""
    files = [
        (str(f), int(r), int(ld), int(q))
        for f, r, ld, q in warehouse.fetch(
            exp.select("source_file", "rows_read", "rows_loaded", "rows_quarantined")
            .from_("source_file")
            .order_by("source_file")
        )
    ]
    recovered = 0
    for table in ("incident", "case_event"):
        recovered += int(
            warehouse.fetch(
                exp.select("count(*)").from_(table).where("iccs_source LIKE 'recovered%'")
            )[0][0]
        )
    evaluation = None
    if truth_dir is not None:
        rows = warehouse.fetch(
            exp.select("p.record_id", "p.person_id", "r.source_file", "r.source_row")
            .from_("record_person AS p")
            .join("person_record AS r", on="r.record_id = p.record_id")
        )
        predicted = {str(rid): str(pid) for rid, pid, _, _ in rows}
        provenance = {str(rid): (str(f), int(n)) for rid, _, f, n in rows}
        evaluation = evaluate(predicted, true_persons(read_truth(truth_dir), provenance))
    return Quality(
        files=files,
        quarantine_reasons=list(quarantine_by_reason(warehouse).items()),
        unmapped_codes=[
            (code, n["incident"], n["case_event"]) for code, n in unmapped_codes(warehouse).items()
        ],
        recovered=recovered,
        link_run=_link_run(warehouse),
        evaluation=evaluation,
    )
