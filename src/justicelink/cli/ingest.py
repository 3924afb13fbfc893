"""`justicelink ingest`: load a folder of agency extracts into the warehouse."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from justicelink.cli._common import (
    ENGINE,
    SPARK_MASTER,
    engine_of,
    err,
    out,
    print_json,
    user_errors,
)
from justicelink.ingest import IngestReport

WAREHOUSE_HELP = (
    "The warehouse, created if missing: a DuckDB file, or with --engine spark a folder of "
    "Parquet tables."
)


def ingest(
    source: Annotated[
        Path,
        typer.Argument(help="Folder holding agencies.yaml and the extracts, or the mapping file."),
    ],
    warehouse: Annotated[Path, typer.Option(help=WAREHOUSE_HELP)] = Path("justicelink.duckdb"),
    engine: ENGINE = None,
    spark_master: SPARK_MASTER = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the reconciliation as JSON.")
    ] = False,
) -> None:
    """Load every extract named in the mapping file into the warehouse.

    Each row of each file is either loaded into its canonical table or quarantined with its
    file, row, column, raw value and reason; the table printed at the end shows, per file,
    rows read = loaded + quarantined. Offence codes are coded to ICCS through the national
    crosswalk; codes it lacks are kept and counted. Loading the same files again replaces
    what they loaded before. If anything fails, the warehouse is left as it was.

    Example:

        justicelink ingest country --warehouse country.duckdb

    The mapping format is documented in docs/mapping.md.
    """
    with user_errors():
        from justicelink.app.pipeline import ingest as run_ingest

        with Progress(
            TextColumn("[bold]ingest[/] {task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as bar:
            task = bar.add_task("reading mapping", total=None)

            def progress(label: str, done: int, total: int) -> None:
                bar.update(task, description=label, completed=done, total=total)

            report = run_ingest(
                source, warehouse, progress=progress, engine=engine_of(engine, spark_master)
            )
    if as_json:
        print_json(report.to_json())
    else:
        _print_report(report)


def _print_report(report: IngestReport) -> None:
    if report.created:
        out.print(f"Created a new warehouse at [bold]{report.warehouse}[/].")
    table = Table(title=f"Loaded into {report.warehouse}", title_justify="left")
    table.add_column("file", no_wrap=True)
    table.add_column("table", no_wrap=True)
    for name in ("read", "loaded", "quarantined", "value issues"):
        table.add_column(name, justify="right")
    for f in report.files:
        table.add_row(
            f.path,
            f.entity,
            f"{f.read:,}",
            f"{f.loaded:,}",
            f"{f.quarantined:,}",
            f"{f.value_issues:,}",
        )
    total = [sum(getattr(f, n) for f in report.files) for n in ("read", "loaded", "quarantined")]
    table.add_section()
    table.add_row("all files", "", *[f"{n:,}" for n in total], "")
    out.print(table)
    out.print(
        f"Every row read was loaded or quarantined ({total[0]:,} = {total[1]:,} + {total[2]:,}), "
        f"in {report.seconds:.1f} s."
    )
    for f in report.files:
        for warning in f.warnings:
            err.print(f"warning: {warning}", highlight=False, soft_wrap=True)
    if report.quarantine_reasons:
        out.print(
            "Quarantined rows by reason (each row once, under its first blocking reason; "
            "every problem is in table [bold]quarantine[/]):"
        )
        for reason, count in report.quarantine_reasons.items():
            out.print(f"  {count:>8,}  {reason}")
    recovered = sum(report.recovered_codes.values())
    if recovered:
        out.print(
            f"Offence codes recovered from another record of the same incident or case: "
            f"{recovered:,} rows (column iccs_source says from which)."
        )
    if report.unmapped_offence_codes:
        codes = ", ".join(
            f"{c} ({n:,})" for c, n in list(report.unmapped_offence_codes.items())[:10]
        )
        out.print(
            f"Offence codes missing from the crosswalk, kept with no ICCS code (rows): {codes}. "
            "Add them to the crosswalk and ingest again."
        )
