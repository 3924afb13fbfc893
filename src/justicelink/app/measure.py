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

from justicelink.app.linkage_error import linkage_effect, linkage_uncertainty
from justicelink.disclosure import DEFAULT_THRESHOLD, Protected, protect
from justicelink.errors import MeasureError, SourceFileNotFoundError
from justicelink.measures.catalogue import MEASURES
from justicelink.measures.caveats import Note, notes
from justicelink.measures.engine import Result, compute
from justicelink.publication import DEFAULT_DATAFLOW, Headline, build_manifest, headline, publish
from justicelink.publication.sdmx import check_ref_area
from justicelink.warehouse.port import Engine, open_warehouse, warehouse_exists

Progress = Callable[[str], Any]


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
