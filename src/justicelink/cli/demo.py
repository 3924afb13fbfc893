"""`justicelink demo`: the whole pipeline on a synthetic country, in one command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from justicelink.cli._common import SPARK_MASTER, engine_of, err, out, print_json, user_errors


def demo(
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder for everything the demo writes.")
    ] = Path("demo"),
    people: Annotated[
        int, typer.Option(help="True persons in the synthetic country.", min=1)
    ] = 5000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same country).")] = 1,
    engine: Annotated[
        str,
        typer.Option(
            help="duckdb (the warehouse is one file) or spark (a folder of Parquet tables, "
            "linked and measured by Apache Spark)."
        ),
    ] = "duckdb",
    spark_master: SPARK_MASTER = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print what was written as JSON.")
    ] = False,
) -> None:
    """Run synth -> ingest -> link -> measures -> report on a synthetic country.

    Writes DIR/country (the extracts and their truth), DIR/justicelink.duckdb (the
    warehouse; with --engine spark, the Parquet folder DIR/warehouse), DIR/measures (CSV,
    Excel, SDMX-CSV and manifest.json, after disclosure control) and DIR/report.html, and
    checks the linkage and the headline measures against the country's truth.

    Examples:

        justicelink demo --out demo --people 20000

        justicelink demo --out demo-spark --engine spark
    """
    with user_errors():
        from justicelink.app.pipeline import demo as run_demo

        with err.status("[bold]demo[/]") as status:
            done = run_demo(
                out_dir,
                people=people,
                seed=seed,
                progress=lambda s: status.update(f"[bold]demo[/] {s}"),
                engine=engine_of(engine, spark_master),
            )
    summary = done.to_json()
    if as_json:
        print_json(summary)
        return
    evaluation = done.linked.evaluation
    out.print(
        f"Read {summary['rows_read']:,} rows ({summary['rows_quarantined']:,} quarantined), "
        f"linked {done.linked.records:,} records into {done.linked.persons:,} persons"
        + (f" (pairwise F1 {evaluation.pairwise.f1:.4f} against the truth)." if evaluation else ".")
    )
    for cohort, effect in done.measured.linkage_effect.items():
        out.print(
            f"Proven reoffending {cohort}: {effect['measured']:.1%} measured, "
            f"{effect['perfect_linkage']:.1%} with perfect linkage."
        )
    out.print("Seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in done.seconds.items()))
    out.print(f"Report:  {done.report}")
    out.print(f"Tables:  {out_dir / 'measures'} (after disclosure control; see manifest.json)")
