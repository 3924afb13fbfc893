"""`justicelink report`: one self-contained HTML file for decision makers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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


def report(
    warehouse: Annotated[
        Path, typer.Option(help="The warehouse (DuckDB file or Spark folder), after link.")
    ] = Path("justicelink.duckdb"),
    out_file: Annotated[Path, typer.Option("--out", help="The HTML file to write.")] = Path(
        "report.html"
    ),
    disclosure: Annotated[
        str, typer.Option(help=f"Disclosure control: {', '.join(METHODS)}.")
    ] = "suppression",
    threshold: Annotated[
        int,
        typer.Option(help="A count of fewer persons than this is small (0: no protection).", min=0),
    ] = 5,
    uncertainty_draws: Annotated[
        int,
        typer.Option(help="Clusterings drawn to put an interval on proven reoffending.", min=0),
    ] = 20,
    truth: Annotated[
        Path | None,
        typer.Option(
            help="A synthetic country's truth/ folder: add linkage quality and its effect.",
            metavar="TRUTH_DIR",
        ),
    ] = None,
    cooperation_db: Annotated[
        str | None,
        typer.Option(
            help="The store holding the cooperation register (as `coop --db`): add its "
            "processing statistics (requests by type and outcome, days to execution, "
            "refusals by ground). Read only.",
            metavar="URL",
        ),
    ] = None,
    engine: ENGINE = None,
    spark_master: SPARK_MASTER = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the file written as JSON.")
    ] = False,
) -> None:
    """Write the report: headline figures, trends, breakdowns, definitions, data quality.

    The file needs no network and no script: charts are inline SVG. Open it in any browser
    or print it. Its figures are the published ones, after the same disclosure control as
    `justicelink measures`.

    Example:

        justicelink report --warehouse country.duckdb --out country-report.html

    With the central authority's register (the store `justicelink coop` uses):

        justicelink report --cooperation-db sqlite:///justicelink-store.sqlite
    """
    with user_errors():
        from justicelink.app.pipeline import PublishSettings
        from justicelink.app.pipeline import report as build

        settings = PublishSettings(method=disclosure, threshold=threshold, draws=uncertainty_draws)
        with err.status("[bold]report[/] computing the measures") as status:
            path = build(
                warehouse,
                out_file,
                settings,
                truth_dir=truth,
                progress=lambda s: status.update(f"[bold]report[/] {s}"),
                cooperation_store=cooperation_db,
                engine=engine_of(engine, spark_master),
            )
    if as_json:
        print_json({"report": str(path), "bytes": path.stat().st_size})
    else:
        out.print(f"Report written to {path} ({path.stat().st_size / 1024:.0f} KiB).")
