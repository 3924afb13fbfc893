"""`justicelink report`: one self-contained HTML file for decision makers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from justicelink.cli._common import err, out, print_json, user_errors


def report(
    warehouse: Annotated[
        Path, typer.Option(help="DuckDB warehouse file, after `ingest` and `link`.")
    ] = Path("justicelink.duckdb"),
    out_file: Annotated[Path, typer.Option("--out", help="The HTML file to write.")] = Path(
        "report.html"
    ),
    threshold: Annotated[
        int, typer.Option(help="Suppress cells counting fewer people than this.", min=0)
    ] = 5,
    truth: Annotated[
        Path | None,
        typer.Option(
            help="A synthetic country's truth/ folder: add linkage quality and its effect.",
            metavar="TRUTH_DIR",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the file written as JSON.")
    ] = False,
) -> None:
    """Write the report: headline figures, trends, breakdowns, definitions, data quality.

    The file needs no network and no script: charts are inline SVG. Open it in any browser
    or print it.

    Example:

        justicelink report --warehouse country.duckdb --out country-report.html
    """
    with user_errors():
        from justicelink.report import build_report

        with err.status("[bold]report[/] computing the measures"):
            path = build_report(warehouse, out_file, truth_dir=truth, threshold=threshold)
    if as_json:
        print_json({"report": str(path), "bytes": path.stat().st_size})
    else:
        out.print(f"Report written to {path} ({path.stat().st_size / 1024:.0f} KiB).")
