"""Use cases of the statistics pipeline: ingest, link, measure, report, and the demo.

One function per use case; the CLI, the web app and the tests call these, and this module
alone orders the stages (``demo``: synth -> ingest -> link -> measure -> report).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from justicelink.app.measure import MeasuresReport, PublishSettings, measure
from justicelink.errors import SourceFileNotFoundError
from justicelink.ingest import IngestReport
from justicelink.ingest import ingest as load
from justicelink.linkage.run import LinkReport
from justicelink.linkage.run import link as run_link
from justicelink.report.build import render, sections
from justicelink.report.quality import Quality, data_quality
from justicelink.synth import SynthSummary, generate_country
from justicelink.warehouse.port import Engine, open_warehouse, warehouse_exists

Progress = Callable[[str], Any]

__all__ = [
    "DemoReport",
    "PublishSettings",
    "demo",
    "ingest",
    "link",
    "measure",
    "report",
]


def ingest(
    source: Path,
    warehouse: Path,
    *,
    progress: Callable[[str, int, int], None] | None = None,
    engine: Engine | None = None,
) -> IngestReport:
    """Load a folder of extracts (or its mapping file) into the warehouse."""
    return load(source, warehouse, progress=progress, engine=engine)


def link(warehouse: Path, **options: Any) -> LinkReport:
    """Link the warehouse's person records into persons (see ``linkage.run.link``)."""
    return run_link(warehouse, **options)


def _quality(
    warehouse_path: Path, truth_dir: Path | None, engine: Engine | None
) -> tuple[Quality, dict[str, str]]:
    with open_warehouse(warehouse_path, read_only=True, engine=engine) as warehouse:
        return data_quality(warehouse, truth_dir), sections(warehouse)


def report(
    warehouse_path: Path,
    out: Path,
    settings: PublishSettings | None = None,
    *,
    truth_dir: Path | None = None,
    measured: MeasuresReport | None = None,
    progress: Progress | None = None,
    engine: Engine | None = None,
    cooperation_store: str | None = None,
) -> Path:
    """Write the HTML report of the published (protected) measures.

    Args:
        measured: Measures already computed with the same settings (not computed again).
        cooperation_store: The URL of the store holding the cooperation register: adds its
            processing statistics (aggregates only).
    """
    if not warehouse_exists(warehouse_path, engine):
        raise SourceFileNotFoundError(
            f"{warehouse_path}: no warehouse here; run `justicelink ingest` and `link` first"
        )
    cooperation = None if cooperation_store is None else _cooperation(cooperation_store)
    if measured is None:
        chosen = settings or PublishSettings()
        measured = measure(
            warehouse_path, None, chosen, truth_dir=truth_dir, progress=progress, engine=engine
        )
    quality, labels = _quality(warehouse_path, truth_dir, engine)
    return render(
        measured, quality, labels, out, source=warehouse_path.name, cooperation=cooperation
    )


def _cooperation(url: str) -> dict[str, Any]:
    """The register's processing statistics, from the store at ``url`` (read, not changed)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from justicelink.app.cooperation import statistics
    from justicelink.errors import StoreError
    from justicelink.store.db import Store, normalise_url

    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
        raise SourceFileNotFoundError(f"{parsed.database}: no store here (--cooperation-db)")
    store = Store(url, migrate=False)  # a report reads the store; it never changes its schema
    try:
        return statistics(store)
    except SQLAlchemyError as exc:
        raise StoreError(
            f"{store.display_url}: no cooperation register readable here "
            f"({type(exc).__name__}); is it the store of `justicelink coop`?"
        ) from None
    finally:
        store.close()


@dataclass
class DemoReport:
    """What ``justicelink demo`` did, stage by stage."""

    country: SynthSummary
    loaded: IngestReport
    linked: LinkReport
    measured: MeasuresReport
    report: Path
    seconds: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        evaluation = self.linked.evaluation
        return {
            "people": self.country.people,
            "rows_read": sum(f.read for f in self.loaded.files),
            "rows_quarantined": sum(f.quarantined for f in self.loaded.files),
            "persons": self.linked.persons,
            "linkage": evaluation.as_dict() if evaluation else None,
            "headline": self.measured.headline.figures,
            "suppressed": self.measured.headline.suppressed,
            "linkage_uncertainty": self.measured.to_json().get("linkage_uncertainty", {}),
            "linkage_effect": self.measured.linkage_effect,
            "report": str(self.report),
            "measures": str(self.measured.files[0].parent) if self.measured.files else None,
            "seconds": {k: round(v, 2) for k, v in self.seconds.items()},
        }


def demo(
    out: Path,
    *,
    people: int = 5000,
    seed: int = 1,
    settings: PublishSettings | None = None,
    progress: Progress | None = None,
    engine: Engine | None = None,
) -> DemoReport:
    """The whole pipeline on a synthetic country: synth -> ingest -> link -> measure -> report.

    Writes ``out/country`` (extracts and truth), the warehouse (``out/justicelink.duckdb``, or
    the Parquet folder ``out/warehouse`` on Spark), ``out/measures`` (CSV, workbook,
    SDMX-CSV, manifest) and ``out/report.html``, and checks linkage and the headline figures
    against the country's truth.
    """
    say = progress or (lambda _stage: None)
    chosen_engine = engine or Engine("duckdb")
    spark = chosen_engine.name == "spark"
    country = out / "country"
    warehouse = out / ("warehouse" if spark else "justicelink.duckdb")
    truth = country / "truth"
    seconds: dict[str, float] = {}

    def timed(name: str, started: float) -> None:
        seconds[name] = time.perf_counter() - started

    clock = time.perf_counter()
    say("synth: generating the synthetic country")
    summary = generate_country(country, people=people, seed=seed)
    timed("synth", clock)
    _remove_warehouse(warehouse)  # a fresh warehouse for a fresh country
    clock = time.perf_counter()
    say("ingest: loading the extracts")
    loaded = ingest(country, warehouse, engine=chosen_engine)
    timed("ingest", clock)
    clock = time.perf_counter()
    say("link: joining records into persons")
    linked = link(
        warehouse, truth_dir=truth, progress=lambda s: say(f"link: {s}"), engine=chosen_engine
    )
    timed("link", clock)
    clock = time.perf_counter()
    chosen = settings or PublishSettings(ref_area=loaded.ref_area)
    measured = measure(
        warehouse,
        out / "measures",
        chosen,
        truth_dir=truth,
        progress=lambda s: say(f"measures: {s}"),
        engine=chosen_engine,
    )
    timed("measures", clock)
    clock = time.perf_counter()
    say("report")
    page = report(
        warehouse,
        out / "report.html",
        chosen,
        truth_dir=truth,
        measured=measured,
        engine=chosen_engine,
    )
    timed("report", clock)
    return DemoReport(summary, loaded, linked, measured, page, seconds)


def _remove_warehouse(location: Path) -> None:
    if location.is_dir():
        shutil.rmtree(location)
    for stale in (location, location.with_name(location.name + ".wal")):
        if stale.is_file():
            stale.unlink()
