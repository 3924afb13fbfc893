"""Use case: compute the measures, protect them, publish them.

compute (measures) -> protect (disclosure) -> publish (files, manifest); with the notes on
what each headline leaves out, the uncertainty linkage adds to reoffending, and, on a
synthetic country, the effect of linkage error against the truth.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import sqlglot.expressions as exp

from justicelink.disclosure import DEFAULT_THRESHOLD, Protected, protect
from justicelink.errors import MeasureError, SourceFileNotFoundError
from justicelink.linkage.evaluate import read_truth, true_persons
from justicelink.linkage.uncertainty import draw_persons, interval
from justicelink.measures.catalogue import MEASURES, proven_reoffending_rate
from justicelink.measures.caveats import Note, notes
from justicelink.measures.engine import Result, compute
from justicelink.publication import DEFAULT_DATAFLOW, Headline, build_manifest, headline, publish
from justicelink.publication.sdmx import check_ref_area
from justicelink.warehouse.port import Engine, Warehouse, open_warehouse, warehouse_exists

Progress = Callable[[str], Any]
_DRAWN = "record_person_draw"
_TRUE = "record_person_truth"
_REOFFENDING = (
    "proven_reoffending_rate",
    "proven_reoffending_rate_adult",
    "proven_reoffending_rate_juvenile",
)


@dataclass(frozen=True)
class PublishSettings:
    """How tables are protected and published.

    Attributes:
        method: Disclosure control: ``suppression``, ``rounding`` or ``none``.
        threshold: Fewer persons than this in a count is a small count (0: no protection).
        base: The base of random rounding.
        ref_area: The country's M49 code, for the SDMX-CSV file.
        dataflow: The SDMX dataflow of the observations.
        draws: Clusterings drawn to put an interval on proven reoffending (0: none).
    """

    method: str = "suppression"
    threshold: int = DEFAULT_THRESHOLD
    base: int = 5
    ref_area: str | None = None
    dataflow: str = DEFAULT_DATAFLOW
    draws: int = 20

    def manifest(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class MeasuresReport:
    """What ``justicelink measures`` computed, protected and wrote."""

    computed: list[Result]
    protected: Protected
    headline: Headline
    notes: list[Note]
    files: list[Path]
    settings: PublishSettings
    manifest: dict[str, Any]
    uncertainty: dict[str, dict[str, tuple[float, float]]] = field(default_factory=dict)
    linkage_effect: dict[str, dict[str, float]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "headline": self.headline.figures,
            "suppressed": self.headline.suppressed,
            "disclosure": {
                "method": self.protected.method,
                "threshold": self.protected.threshold,
                **({"base": self.protected.base} if self.protected.method == "rounding" else {}),
                "information_loss": self.protected.loss,
            },
            "notes": [asdict(n) for n in self.notes],
            "measures": [
                {
                    "name": t.measure.name,
                    "title": t.measure.title,
                    "definition": t.measure.definition(),
                    "sdg_series": t.measure.sdg_series,
                    "rows": len(t.rows),
                    "suppressed_rows": sum(1 for r in t.rows if r["suppressed"]),
                }
                for t in self.protected.tables
            ],
            "files": [str(f) for f in self.files],
            "manifest": self.manifest,
        }
        if self.uncertainty:
            payload["linkage_uncertainty"] = {
                name: {k: list(v) for k, v in periods.items()}
                for name, periods in self.uncertainty.items()
            }
        if self.linkage_effect:
            payload["linkage_effect"] = self.linkage_effect
        return payload


def computed_columns(results: list[Result]) -> dict[str, list[str]]:
    return {r.measure.name: list(r.table.column_names) for r in results}


def _true_person_table(warehouse: Warehouse, truth_dir: Path) -> pa.Table:
    rows = warehouse.fetch(
        exp.select("record_id", "source_file", "source_row").from_("person_record")
    )
    truth = true_persons(read_truth(truth_dir), {r: (f, int(n)) for r, f, n in rows})
    return pa.table({"record_id": list(truth), "person_id": list(truth.values())})


def _reoffending(warehouse: Warehouse, person_table: str) -> dict[str, dict[str, float | None]]:
    results = compute(warehouse, [proven_reoffending_rate], person_table=person_table)
    figures = headline(protect(results, method="none").tables).figures
    return {name: figures.get(name, {}) for name in _REOFFENDING}


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
        perfect = _reoffending(warehouse, _TRUE)["proven_reoffending_rate"]
    finally:
        warehouse.unregister(_TRUE)
    out = {}
    for cohort, value in measured.items():
        truth = perfect.get(cohort)
        if value is None or truth is None:
            continue
        out[cohort] = {
            "measured": value,
            "perfect_linkage": truth,
            "difference_pp": round(100 * (value - truth), 3),
        }
    return out


def _scored_pairs(warehouse: Warehouse) -> tuple[pa.Table, pa.Table]:
    """Every record id, and the scored pairs with the probability a draw keeps them."""
    records = warehouse.fetch_arrow(
        exp.select("record_id").from_("record_person").order_by("record_id")
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
    known = set(records.column("record_id").to_pylist())
    for (a, b), decision in latest.items():
        if decision == "same" and (a, b) not in seen and a in known and b in known:
            left.append(a)
            right.append(b)
            probability.append(1.0)
    table = pa.table({"left": left, "right": right, "p": pa.array(probability, pa.float64())})
    return records, table


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
    records, pairs = _scored_pairs(warehouse)
    if not records.num_rows:
        return {}
    tables = draw_persons(
        records.column("record_id"),
        pairs.column("left"),
        pairs.column("right"),
        np.asarray(pairs.column("p").to_numpy(zero_copy_only=False)),
        draws,
    )
    values: dict[str, dict[str, list[float]]] = {n: {} for n in _REOFFENDING}
    for i, table in enumerate(tables):
        if progress is not None:
            progress(f"linkage uncertainty: draw {i + 1} of {draws}")
        warehouse.register(_DRAWN, table)
        try:
            drawn = _reoffending(warehouse, _DRAWN)
        finally:
            warehouse.unregister(_DRAWN)
        for name, found in drawn.items():
            for period, value in found.items():
                if value is not None:
                    values[name].setdefault(period, []).append(value)
    out: dict[str, dict[str, tuple[float, float]]] = {}
    for name, by_period in values.items():
        for period, spread in by_period.items():
            figure = figures.get(name, {}).get(period)
            if figure is not None:
                out.setdefault(name, {})[period] = interval(figure, spread)
    return out


def measure(
    warehouse_path: Path,
    out: Path | None,
    settings: PublishSettings | None = None,
    *,
    truth_dir: Path | None = None,
    progress: Progress | None = None,
    engine: Engine | None = None,
) -> MeasuresReport:
    """Compute every measure, protect the tables and, given ``out``, write them.

    Raises:
        SourceFileNotFoundError: No warehouse at ``warehouse_path``.
        MeasureError: The warehouse is not linked, or a setting is invalid.
    """
    settings = settings or PublishSettings()
    if settings.ref_area is not None:
        check_ref_area(settings.ref_area)
    if settings.draws < 0:
        raise MeasureError(f"draws {settings.draws}: must be 0 or more")
    if not warehouse_exists(warehouse_path, engine):
        raise SourceFileNotFoundError(
            f"{warehouse_path}: no warehouse here; run `justicelink ingest` and `link` first"
        )
    say = progress or (lambda _name: None)
    with open_warehouse(warehouse_path, read_only=True, engine=engine) as warehouse:
        computed = compute(warehouse, MEASURES, progress=say)
        say("disclosure control")
        protected = protect(
            computed, method=settings.method, threshold=settings.threshold, base=settings.base
        )
        top = headline(protected.tables)
        found = notes(warehouse, settings.threshold)
        manifest = build_manifest(warehouse, settings.manifest())
        raw = headline(protect(computed, method="none").tables)
        uncertainty = (
            linkage_uncertainty(warehouse, raw.figures, settings.draws, say)
            if settings.draws
            else {}
        )
        effect: dict[str, dict[str, float]] = {}
        if truth_dir is not None:
            say("linkage effect against the truth")
            effect = linkage_effect(
                warehouse, truth_dir, raw.figures.get("proven_reoffending_rate", {})
            )
    for name, periods in uncertainty.items():
        for period in list(periods):
            if period in top.suppressed.get(name, []):
                del periods[period]  # a hidden figure's interval would reveal it
    files = (
        publish(
            protected,
            computed_columns(computed),
            out,
            manifest,
            ref_area=settings.ref_area,
            dataflow=settings.dataflow,
        )
        if out is not None
        else []
    )
    return MeasuresReport(
        computed, protected, top, found, files, settings, manifest, uncertainty, effect
    )
