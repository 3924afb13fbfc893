"""`justicelink measures`: UN-CTS tables, SDG 16, proven reoffending, access to justice."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
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
from justicelink.disclosure import METHODS
from justicelink.publication import DEFAULT_DATAFLOW


def measures(
    warehouse: Annotated[
        Path, typer.Option(help="The warehouse (DuckDB file or Spark folder), after link.")
    ] = Path("justicelink.duckdb"),
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Write one CSV per measure, measures.xlsx and SDMX-CSV here."),
    ] = Path("measures"),
    disclosure: Annotated[
        str,
        typer.Option(
            help=f"Disclosure control: {', '.join(METHODS)} (none only for use inside the "
            "statistics office).",
        ),
    ] = "suppression",
    threshold: Annotated[
        int,
        typer.Option(
            help="A count of fewer persons than this is small: hidden, with every cell that "
            "would reveal it (0 turns disclosure control off).",
            min=0,
        ),
    ] = 5,
    rounding_base: Annotated[
        int, typer.Option(help="The base of --disclosure rounding (3 or 5 are usual).", min=2)
    ] = 5,
    ref_area: Annotated[
        str | None,
        typer.Option(
            help="The country's M49 code (SDG CL_AREA, e.g. 360 for Indonesia); needed for "
            "the SDMX-CSV file.",
        ),
    ] = None,
    dataflow: Annotated[
        str, typer.Option(help="The SDMX dataflow the SDMX-CSV observations belong to.")
    ] = DEFAULT_DATAFLOW,
    uncertainty_draws: Annotated[
        int,
        typer.Option(
            help="Clusterings drawn from the linkage model to put an interval on proven "
            "reoffending (0: none).",
            min=0,
        ),
    ] = 20,
    truth: Annotated[
        Path | None,
        typer.Option(
            help="A synthetic country's truth/ folder: also compute reoffending with perfect "
            "linkage, to show the effect of linkage error.",
            metavar="TRUTH_DIR",
        ),
    ] = None,
    engine: ENGINE = None,
    spark_master: SPARK_MASTER = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the headline figures and catalogue as JSON.")
    ] = False,
) -> None:
    """Compute the measures from the linked warehouse, protect them and publish them.

    Police-recorded offences by ICCS; persons in formal contact, prosecuted and convicted;
    persons held on 31 December; SDG 16.1.1 (homicide victims per 100,000) and 16.3.2
    (unsentenced share); proven reoffending (3-month cohorts pooled into annual figures, and
    calendar-year cohorts); legal aid before the first hearing; days from charge to disposal;
    pre-trial detention. Each measure's written definition is in docs/measures.md and in the
    workbook's definitions sheet.

    Every published table goes through disclosure control first: small counts are hidden
    together with the cells that would reveal them (or every count is randomly rounded), and
    the figures below say which are hidden. manifest.json records the inputs, the linkage
    model and these settings, with the hash of every file written.

    Example:

        justicelink measures --warehouse country.duckdb --out country-measures --ref-area 360
    """
    with user_errors():
        from justicelink.app.measure import PublishSettings, measure

        settings = PublishSettings(
            method=disclosure,
            threshold=threshold,
            base=rounding_base,
            ref_area=ref_area,
            dataflow=dataflow,
            draws=uncertainty_draws,
        )
        with err.status("[bold]measures[/] starting") as status:
            report = measure(
                warehouse,
                out_dir,
                settings,
                truth_dir=truth,
                progress=lambda name: status.update(f"[bold]measures[/] {name}"),
                engine=engine_of(engine, spark_master),
            )
    if as_json:
        print_json(report.to_json())
        return
    table = Table(title="Headline figures", title_justify="left")
    table.add_column("measure")
    table.add_column("period")
    table.add_column("value", justify="right")
    table.add_column("linkage interval", justify="right")
    for name, values in report.headline.figures.items():
        for period, value in values.items():
            shown = "suppressed" if value is None else f"{value:.4f}"
            low_high = report.uncertainty.get(name, {}).get(period)
            interval = "" if low_high is None else f"{low_high[0]:.4f} to {low_high[1]:.4f}"
            table.add_row(name, period, shown, interval)
    out.print(table)
    loss = report.protected.loss
    if report.protected.method == "suppression":
        out.print(
            f"Disclosure control: {loss['primary_rows']:,} rows with fewer than "
            f"{report.protected.threshold} persons hidden, and {loss['secondary_rows']:,} "
            "more that would have revealed them."
        )
    elif report.protected.method == "rounding":
        out.print(
            f"Disclosure control: person counts randomly rounded to base {report.protected.base}."
        )
    else:
        out.print("[bold]No disclosure control[/]: these tables are not for publication.")
    for note in report.notes:
        out.print(f"Note ({note.measure}, {note.period}): {note.text}.")
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
