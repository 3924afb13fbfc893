"""`justicelink demo`: the whole pipeline on a synthetic country, in one command."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from justicelink.cli._common import err, out, print_json, user_errors


def demo(
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder for everything the demo writes.")
    ] = Path("demo"),
    people: Annotated[
        int, typer.Option(help="True persons in the synthetic country.", min=1)
    ] = 5000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same country).")] = 1,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print what was written as JSON.")
    ] = False,
) -> None:
    """Run synth -> ingest -> link -> measures -> report on a synthetic country.

    Writes DIR/country (the extracts and their truth), DIR/justicelink.duckdb (the
    warehouse), DIR/measures (CSV, Excel, SDMX-CSV) and DIR/report.html, and checks the
    linkage and the headline measures against the country's truth.

    Example:

        justicelink demo --out demo --people 20000
    """
    with user_errors():
        from justicelink.ingest import ingest
        from justicelink.linkage.run import link
        from justicelink.measures.run import measures
        from justicelink.report import build_report
        from justicelink.synth import generate_country

        country, warehouse = out_dir / "country", out_dir / "justicelink.duckdb"
        seconds: dict[str, float] = {}
        with err.status("[bold]demo[/]") as status:

            def stage(name: str) -> float:
                status.update(f"[bold]demo[/] {name}")
                return time.perf_counter()

            clock = stage("synth: generating the synthetic country")
            generate_country(country, people=people, seed=seed)
            seconds["synth"] = time.perf_counter() - clock
            if warehouse.exists():
                warehouse.unlink()  # a fresh warehouse for a fresh country
            clock = stage("ingest: loading the extracts")
            loaded = ingest(country, warehouse)
            seconds["ingest"] = time.perf_counter() - clock
            clock = stage("link: joining records into persons")
            linked = link(
                warehouse,
                truth_dir=country / "truth",
                progress=lambda s: status.update(f"[bold]demo[/] link: {s}"),
            )
            seconds["link"] = time.perf_counter() - clock
            clock = stage("measures")
            measured = measures(
                warehouse,
                out_dir / "measures",
                truth_dir=country / "truth",
                progress=lambda s: status.update(f"[bold]demo[/] measures: {s}"),
            )
            seconds["measures"] = time.perf_counter() - clock
            clock = stage("report")
            page = build_report(warehouse, out_dir / "report.html", truth_dir=country / "truth")
            seconds["report"] = time.perf_counter() - clock
    evaluation = linked.evaluation
    summary = {
        "people": people,
        "rows_read": sum(f.read for f in loaded.files),
        "rows_quarantined": sum(f.quarantined for f in loaded.files),
        "persons": linked.persons,
        "linkage": evaluation.as_dict() if evaluation else None,
        "headline": measured.headline,
        "linkage_effect": measured.linkage_effect,
        "report": str(page),
        "measures": str(out_dir / "measures"),
        "seconds": {k: round(v, 2) for k, v in seconds.items()},
    }
    if as_json:
        print_json(summary)
        return
    out.print(
        f"Read {summary['rows_read']:,} rows ({summary['rows_quarantined']:,} quarantined), "
        f"linked {linked.records:,} records into {linked.persons:,} persons"
        + (f" (pairwise F1 {evaluation.pairwise.f1:.4f} against the truth)." if evaluation else ".")
    )
    for cohort, effect in measured.linkage_effect.items():
        out.print(
            f"Proven reoffending {cohort}: {effect['measured']:.1%} measured, "
            f"{effect['perfect_linkage']:.1%} with perfect linkage."
        )
    out.print("Seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in seconds.items()))
    out.print(f"Report:  {page}")
    out.print(f"Tables:  {out_dir / 'measures'}")
