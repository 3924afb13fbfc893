"""`justicelink measures`: UN-CTS tables, SDG 16, proven reoffending, access to justice."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from justicelink.cli._common import err, out, print_json, user_errors


def measures(
    warehouse: Annotated[
        Path, typer.Option(help="DuckDB warehouse file, after `ingest` and `link`.")
    ] = Path("justicelink.duckdb"),
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Write one CSV per measure, measures.xlsx and SDMX-CSV here."),
    ] = Path("measures"),
    threshold: Annotated[
        int,
        typer.Option(
            help="Suppress published cells counting fewer people than this (0 turns it off).",
            min=0,
        ),
    ] = 5,
    ref_area: Annotated[
        str | None,
        typer.Option(
            help="The country's M49 code (SDG CL_AREA); needed for the SDMX-CSV file.",
        ),
    ] = None,
    truth: Annotated[
        Path | None,
        typer.Option(
            help="A synthetic country's truth/ folder: also compute reoffending with perfect "
            "linkage, to show the effect of linkage error.",
            metavar="TRUTH_DIR",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the headline figures and catalogue as JSON.")
    ] = False,
) -> None:
    """Compute the published measures from the linked warehouse.

    Police-recorded offences by ICCS; persons in formal contact, prosecuted and convicted;
    persons held on 31 December; SDG 16.1.1 (homicide victims per 100,000) and 16.3.2
    (unsentenced share); proven reoffending for annual and 3-month cohorts; legal aid before
    the first hearing; days from charge to disposal; pre-trial detention. Each measure's
    written definition is in docs/measures.md and in the workbook's definitions sheet.

    Example:

        justicelink measures --warehouse country.duckdb --out country-measures --ref-area 35
    """
    with user_errors():
        from justicelink.measures.run import measures as run_measures

        with err.status("[bold]measures[/] starting") as status:
            report = run_measures(
                warehouse,
                out_dir,
                threshold=threshold,
                ref_area=ref_area,
                truth_dir=truth,
                progress=lambda name: status.update(f"[bold]measures[/] {name}"),
            )
    if as_json:
        print_json(report.to_json())
        return
    table = Table(title="Headline figures", title_justify="left")
    table.add_column("measure")
    table.add_column("period")
    table.add_column("value", justify="right")
    for name, values in report.headline.items():
        for period, value in values.items():
            table.add_row(name, period, f"{value:.4f}")
    out.print(table)
    if report.linkage_effect:
        out.print("Proven reoffending, measured vs perfect linkage (percentage points):")
        for cohort, effect in report.linkage_effect.items():
            out.print(
                f"  {cohort}: {effect['measured']:.4f} vs {effect['perfect_linkage']:.4f} "
                f"({effect['difference_pp']:+.2f} pp)"
            )
    if report.files:
        out.print(f"Wrote {len(report.files)} files to {report.files[0].parent}")
    if ref_area is None and out_dir is not None:
        out.print("No SDMX-CSV file: give --ref-area with the country's M49 code to write one.")
