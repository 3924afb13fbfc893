"""`justicelink link`: join the records agencies hold on one person into that person."""

from __future__ import annotations

import json
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
from justicelink.linkage.evaluate import Evaluation
from justicelink.linkage.guard import DEFAULT_MAX_PAIRS_PER_RECORD
from justicelink.linkage.model import DEFAULT_THRESHOLD

WAREHOUSE = Annotated[
    Path,
    typer.Option(help="The warehouse (a DuckDB file, or a Spark Parquet folder), after ingest."),
]
AS_JSON = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]

app = typer.Typer(
    help=(
        "Link person records across agencies into persons (Splink).\n\n"
        "With no sub-command: train the model on the warehouse's records, score the pairs "
        "its blocking rules find, apply reviewers' decisions and group the records into "
        "persons (tables person, record_person, link_pair, link_run).\n\n"
        "    justicelink link --warehouse country.duckdb --evaluate country/truth\n\n"
        "    justicelink link --evaluate labelled_pairs.csv   (or a cluster file)\n\n"
        "    justicelink link explain police:EP0000001 courts:PTY-0000002\n\n"
        "    justicelink link review --export review.csv   (then --import review.csv)\n\n"
        "How the model works and how to judge it on your own data: docs/linkage.md."
    ),
    invoke_without_command=True,
    no_args_is_help=False,
)


@app.callback()
def link(
    ctx: typer.Context,
    warehouse: WAREHOUSE = Path("justicelink.duckdb"),
    threshold: Annotated[
        float,
        typer.Option(
            help="Match probability at or above which two records are one person.",
            min=0.0,
            max=1.0,
        ),
    ] = DEFAULT_THRESHOLD,
    evaluate: Annotated[
        Path | None,
        typer.Option(
            help="Score the result against labels: a cluster file (agency, record_key, "
            "person), labelled pairs (agency_a, key_a, agency_b, key_b, label same|"
            "different), a filled-in `link review` export, or a synthetic country's truth/ "
            "folder. Pairwise and B-cubed precision, recall, F1, by agency pair and naming "
            "tradition, with Wilson 95% intervals when the labels are a sample "
            "(formats: docs/linkage.md).",
            metavar="LABELS",
        ),
    ] = None,
    max_pairs_per_record: Annotated[
        float,
        typer.Option(
            help="A blocking rule may compare at most this many pairs per record; a "
            "bigger one is split (its commonest values left out) or left out, with a "
            "warning naming the field.",
            min=1.0,
        ),
    ] = DEFAULT_MAX_PAIRS_PER_RECORD,
    model: Annotated[
        Path | None,
        typer.Option(help="Use this saved model (Splink JSON) instead of training one."),
    ] = None,
    reuse_model: Annotated[
        bool, typer.Option(help="Use the model of the warehouse's latest run; no training.")
    ] = False,
    save_model: Annotated[
        Path | None, typer.Option(help="Also write the model used to this JSON file.")
    ] = None,
    engine: ENGINE = None,
    spark_master: SPARK_MASTER = None,
    as_json: AS_JSON = False,
) -> None:
    """Link the person records of the warehouse into persons."""
    if ctx.invoked_subcommand is not None:
        return
    with user_errors():
        from justicelink.app.pipeline import link as run_link
        from justicelink.linkage.run import load_model

        chosen = load_model(model) if model is not None else None
        with err.status("[bold]link[/] starting") as status:
            report = run_link(
                warehouse,
                threshold=threshold,
                model=chosen,
                model_source=str(model) if model is not None else "trained",
                reuse_stored_model=reuse_model,
                truth_dir=evaluate,
                progress=lambda stage: status.update(f"[bold]link[/] {stage}"),
                engine=engine_of(engine, spark_master),
                max_pairs_per_record=max_pairs_per_record,
            )
        if save_model is not None:
            save_model.write_text(json.dumps(report.model, indent=2), encoding="utf-8")
    for warning in report.warnings:
        err.print(f"warning: {warning}", highlight=False, soft_wrap=True)
    if as_json:
        print_json(report.to_json())
        return
    out.print(
        f"Linked {report.records:,} person records into {report.persons:,} persons "
        f"({report.persons_with_several_records:,} with records in more than one place), "
        f"threshold {report.threshold}, model {report.model_source}."
    )
    out.print(
        f"{report.pairs_scored:,} pairs scored at probability >= 0.01 (kept in link_pair), "
        f"{report.links:,} links; {report.incomparable_records:,} records had neither name "
        "nor year of birth and stay persons of their own."
    )
    applied = report.decisions_applied
    if any(applied.values()):
        out.print(
            f"Reviewers' decisions applied: {applied['same']:,} same person, "
            f"{applied['different']:,} different persons."
        )
    out.print("Seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in report.seconds.items()))
    if report.evaluation is not None:
        _print_evaluation(report.evaluation)


def _print_evaluation(ev: Evaluation) -> None:
    sample = ev.sample and ev.intervals
    what = {"synthetic": "the truth", "clusters": "the cluster file", "pairs": "labelled pairs"}
    table = Table(
        title=f"Against {what.get(ev.labels, ev.labels)} ({ev.records:,} records)",
        title_justify="left",
    )
    for name in ("measure", "precision", "recall", "F1"):
        table.add_column(name, justify="right" if name != "measure" else "left")
    for name, scores in (("pairwise", ev.pairwise), ("B-cubed", ev.bcubed)):
        if scores is None:
            continue
        cells = [f"{scores.precision:.4f}", f"{scores.recall:.4f}", f"{scores.f1:.4f}"]
        if sample and name == "pairwise":
            for i, key in enumerate(("pairwise_precision", "pairwise_recall")):
                lo, hi = ev.intervals[key]
                cells[i] += f" ({lo:.3f}-{hi:.3f})"
        table.add_row(name, *cells)
    out.print(table)
    out.print(
        f"True pairs {ev.true_pairs:,}; linked pairs {ev.predicted_pairs:,}, "
        f"of which correct {ev.correct_pairs:,}."
        + (" Intervals: Wilson score, 95%." if sample else "")
        + (
            f" {ev.unknown_records:,} labelled records are not in the warehouse."
            if ev.unknown_records
            else ""
        )
        + (" B-cubed needs clusters, not pairs." if ev.bcubed is None else "")
    )
    for title, groups in (
        ("By agency pair", ev.by_agency_pair),
        ("By naming tradition", ev.by_tradition),
    ):
        if not groups:
            continue
        table = Table(title=title, title_justify="left")
        for name in ("group", "true pairs", "linked pairs", "precision", "recall", "F1"):
            table.add_column(name, justify="left" if name == "group" else "right")
        for key, group in sorted(groups.items()):
            p = group.pairwise
            # A share of nothing is not a score: no linked pairs (precision) or no true
            # pairs (recall) in the group.
            precision = f"{p.precision:.4f}" if group.predicted_pairs else "-"
            recall = f"{p.recall:.4f}" if group.true_pairs else "-"
            both = group.predicted_pairs and group.true_pairs
            table.add_row(
                key.replace("|", " - "),
                f"{group.true_pairs:,}",
                f"{group.predicted_pairs:,}",
                precision,
                recall,
                f"{p.f1:.4f}" if both else "-",
            )
        out.print(table)


@app.command()
def explain(
    record_a: Annotated[str, typer.Argument(help="A record id (agency:key).")],
    record_b: Annotated[str, typer.Argument(help="Another record id.")],
    warehouse: WAREHOUSE = Path("justicelink.duckdb"),
    chart: Annotated[
        Path | None, typer.Option(help="Also draw the waterfall as an SVG file.")
    ] = None,
    as_json: AS_JSON = False,
) -> None:
    """Show why two records are, or are not, one person.

    Prints the model's starting point (how likely two records picked at random are one
    person), then for each comparison the level the pair reached and its match weight (log2
    of the Bayes factor: positive for evidence for, negative against), and the final match
    probability: Splink's waterfall, as text and, with --chart, as an SVG drawing.

    Example:

        justicelink link explain police:EP0000012 courts:PTY-0000034 --chart why.svg
    """
    with user_errors():
        from justicelink.linkage.explain import explain as run_explain
        from justicelink.linkage.explain import waterfall_svg

        result = run_explain(warehouse, record_a, record_b)
        if chart is not None:
            chart.write_text(waterfall_svg(result), encoding="utf-8")
    if as_json:
        print_json(result.to_json())
        return
    table = Table(title=f"{record_a}  vs  {record_b}", title_justify="left")
    for name in ("comparison", "left", "right", "level", "match weight", "running"):
        table.add_column(name, justify="right" if name in ("match weight", "running") else "left")
    running = 0.0
    for step in result.steps:
        running += step.weight
        table.add_row(
            step.comparison,
            step.left,
            step.right,
            step.level,
            f"{step.weight:+.2f}",
            f"{running:+.2f}",
        )
    out.print(table)
    verdict = "one person" if result.probability >= result.threshold else "different persons"
    out.print(
        f"Match weight {result.weight:+.2f}, probability {result.probability:.4f}: "
        f"{verdict} at threshold {result.threshold}."
        + (f" Linked in the latest run as {result.linked_as}." if result.linked_as else "")
    )
    if chart is not None:
        out.print(f"Waterfall chart: {chart}")


@app.command()
def review(
    warehouse: WAREHOUSE = Path("justicelink.duckdb"),
    export: Annotated[
        Path | None, typer.Option("--export", help="Write the uncertain pairs to this CSV.")
    ] = None,
    import_: Annotated[
        Path | None,
        typer.Option("--import", help="Read reviewed decisions from this CSV."),
    ] = None,
    low: Annotated[
        float, typer.Option(help="Lowest match probability exported.", min=0.0, max=1.0)
    ] = 0.3,
    high: Annotated[
        float, typer.Option(help="Highest match probability exported.", min=0.0, max=1.0)
    ] = 0.99,
    limit: Annotated[int, typer.Option(help="At most this many pairs exported.", min=1)] = 1000,
    reviewer: Annotated[
        str, typer.Option(help="Who made the decisions (recorded with each).")
    ] = "reviewer",
    as_json: AS_JSON = False,
) -> None:
    """Clerical review of uncertain pairs.

    --export writes the pairs of the latest run whose probability lies between --low and
    --high, closest to the threshold first, with both records side by side and an empty
    `decision` column. Fill it with `same` or `different` (leave it empty to skip), then
    --import the file: the decisions are kept in the warehouse (table link_decision) and
    every later `justicelink link` run obeys them.

    Example:

        justicelink link review --export review.csv
        justicelink link review --import review.csv --reviewer "A. Analyst"
        justicelink link
    """
    with user_errors():
        from justicelink.errors import LinkageError
        from justicelink.linkage.review import export_review, import_review

        if (export is None) == (import_ is None):
            raise LinkageError("give exactly one of --export FILE or --import FILE")
        if export is not None:
            n = export_review(warehouse, export, low=low, high=high, limit=limit)
            result = {"exported": n, "file": str(export)}
            message = (
                f"Wrote {n:,} pairs with probability in [{low}, {high}] to {export}. "
                "Fill the decision column with same or different, then "
                f"`justicelink link review --import {export}`."
            )
        else:
            assert import_ is not None  # for mypy: one of the two was given
            counts = import_review(warehouse, import_, reviewer=reviewer)
            result = {"file": str(import_), **counts}
            message = (
                f"Imported {counts['same']:,} same-person and {counts['different']:,} "
                f"different-person decisions ({counts['skipped']:,} rows left undecided). "
                "Run `justicelink link` to apply them."
            )
    if as_json:
        print_json(result)
    else:
        out.print(message)
