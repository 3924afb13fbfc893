"""`justicelink evaluate`: did a programme reduce reoffending? (a Justice Data Lab analysis)"""

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


def evaluate(
    programme: Annotated[
        str,
        typer.Option(
            help="The programme's name, as the report shows it. Without --participants: the "
            "name or key of a programme in the warehouse, whose participants are evaluated.",
        ),
    ],
    participants: Annotated[
        Path | None,
        typer.Option(
            help="CSV of participants: agency,record_key,start_date (a record key an agency "
            "holds) or person_id,start_date; start_date as YYYY-MM-DD.",
            metavar="FILE",
        ),
    ] = None,
    warehouse: Annotated[
        Path, typer.Option(help="The warehouse (DuckDB file or Spark folder), after link.")
    ] = Path("justicelink.duckdb"),
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write evaluation.html (to publish), evaluation.json and not_evaluated.csv "
            "(the participants left out, and why) here.",
        ),
    ] = Path("evaluation"),
    engine: ENGINE = None,
    spark_master: SPARK_MASTER = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the whole result as JSON.")
    ] = False,
) -> None:
    """Compare a programme's participants with a matched group who had not taken part.

    Each participant is found in the linked records, placed at their first proven-reoffending
    index event (caution, non-custodial conviction or release from custody) on or after the
    programme start, and matched on propensity scores (caliper, with replacement) to people
    with similar records at their own index events. The result: one-year proven reoffending,
    reoffences per person, time to the first reoffence and custodial reoffending, each with
    its difference, 95% confidence interval and p-value beside the unmatched difference;
    balance before and after matching; the smallest detectable effect; an E-value for hidden
    bias; the design's Maryland scale level; and a plain-language reading. Fewer than 60
    matched participants: the evaluation says it cannot be run, and why. The method is in
    docs/evaluation.md.

    Example:

        justicelink evaluate --participants participants.csv --programme "Work Ready"
        --warehouse country.duckdb --out work-ready
    """
    with user_errors():
        from justicelink.app.evaluation import evaluate as run
        from justicelink.evaluation import read_participants

        rows = None if participants is None else read_participants(participants)
        with err.status("[bold]evaluate[/] starting") as status:
            result = run(
                warehouse,
                programme,
                participants=rows,
                out_dir=out_dir,
                progress=lambda step: status.update(f"[bold]evaluate[/] {step}"),
                engine=engine_of(engine, spark_master),
            )
    payload = result.to_json()
    if as_json:
        print_json(payload)
        return
    out.print(f"[bold]{programme}[/]")
    out.print(
        f"{payload['participants']:,} participants listed, {payload['evaluated_participants']:,} "
        f"placed at an index event, {payload['matched_participants']:,} matched."
    )
    if payload["can_run"]:
        table = Table(title="Outcomes (participants - comparison)", title_justify="left")
        for column in ("outcome", "participants", "comparison", "difference", "95% CI", "p"):
            table.add_column(column, justify="left" if column == "outcome" else "right")
        for name, o in payload["outcomes"].items():
            table.add_row(
                name,
                f"{o['participants']:.4f}",
                f"{o['comparison']:.4f}",
                f"{o['difference']:+.4f}",
                f"{o['ci'][0]:+.4f} to {o['ci'][1]:+.4f}",
                f"{o['p_value']:.3f}",
            )
        out.print(table)
        if not payload["balance"]["balanced"]:
            out.print(
                "[bold yellow]warning:[/] out of balance after matching (SMD > 0.1): "
                + ", ".join(payload["balance"]["out_of_balance"])
            )
    out.print(
        payload["reading"]
        if payload["can_run"]
        else f"Cannot be run: {payload['cannot_run_reason']}."
    )
    if payload["not_evaluated"]:
        out.print("Participants not evaluated:")
        for reason, n in payload["not_evaluated_by_reason"].items():
            out.print(f"  {n:>5}  {reason}")
    if result.files:
        out.print(f"Wrote {', '.join(str(f) for f in result.files)}")
