"""`justicelink measures` as a library call: compute, publish, compare with perfect linkage."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import sqlglot.expressions as exp

from justicelink.errors import SourceFileNotFoundError
from justicelink.linkage.evaluate import read_truth, true_persons
from justicelink.measures.catalogue import MEASURES, proven_reoffending_rate
from justicelink.measures.engine import Result, compute, headline
from justicelink.measures.publish import DEFAULT_THRESHOLD, publish
from justicelink.warehouse.port import Warehouse, open_warehouse

TRUE_PERSONS = "record_person_truth"


@dataclass
class MeasuresReport:
    """What ``justicelink measures`` computed and wrote."""

    results: list[Result]
    headline: dict[str, dict[str, float]]
    files: list[Path]
    threshold: int
    linkage_effect: dict[str, dict[str, float]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "headline": self.headline,
            "measures": [
                {
                    "name": r.measure.name,
                    "title": r.measure.title,
                    "definition": r.measure.definition(),
                    "sdg_series": r.measure.sdg_series,
                    "rows": r.table.num_rows,
                }
                for r in self.results
            ],
            "suppression_threshold": self.threshold,
            "files": [str(f) for f in self.files],
            **({"linkage_effect": self.linkage_effect} if self.linkage_effect else {}),
        }


def _true_person_table(warehouse: Warehouse, truth_dir: Path) -> pa.Table:
    rows = warehouse.fetch(
        exp.select("record_id", "source_file", "source_row").from_("person_record")
    )
    truth = true_persons(read_truth(truth_dir), {r: (f, int(n)) for r, f, n in rows})
    return pa.table({"record_id": list(truth), "person_id": list(truth.values())})


def linkage_effect(
    warehouse: Warehouse, truth_dir: Path, measured: dict[str, float]
) -> dict[str, dict[str, float]]:
    """Proven reoffending with the run's linkage beside the rate with perfect linkage.

    Args:
        measured: Annual cohort -> rate with the warehouse's own linkage.

    Returns:
        cohort -> measured, perfect_linkage and their difference in percentage points.
    """
    warehouse.register(TRUE_PERSONS, _true_person_table(warehouse, truth_dir))
    try:
        perfect = headline(
            compute(warehouse, [proven_reoffending_rate], person_table=TRUE_PERSONS)
        )["proven_reoffending_rate"]
    finally:
        warehouse.unregister(TRUE_PERSONS)
    return {
        cohort: {
            "measured": measured[cohort],
            "perfect_linkage": perfect.get(cohort, float("nan")),
            "difference_pp": round(100 * (measured[cohort] - perfect.get(cohort, 0.0)), 3),
        }
        for cohort in measured
    }


def measures(
    warehouse_path: Path,
    out: Path | None,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    ref_area: str | None = None,
    truth_dir: Path | None = None,
    progress: Callable[[str], Any] | None = None,
) -> MeasuresReport:
    """Compute every measure of the catalogue; write the files when ``out`` is given."""
    if not warehouse_path.is_file():
        raise SourceFileNotFoundError(
            f"{warehouse_path}: no warehouse here; run `justicelink ingest` and `link` first"
        )
    with open_warehouse(warehouse_path, read_only=True) as warehouse:
        results = compute(warehouse, MEASURES, progress=progress)
        top = headline(results)
        effect = (
            linkage_effect(warehouse, truth_dir, top["proven_reoffending_rate"])
            if truth_dir is not None
            else {}
        )
    files = publish(results, out, threshold=threshold, ref_area=ref_area) if out else []
    return MeasuresReport(results, top, files, threshold, effect)
