"""`justicelink risk`: a transparent risk score, validated out of fold and by group."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from justicelink.cli._common import err, out, print_json, user_errors

app = typer.Typer(
    help="Fit and validate a transparent points score of reoffending. Guide: docs/risk.md.",
    no_args_is_help=True,
)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}"


def _num(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _p(value: float) -> str:
    return "p < 0.001" if value < 0.001 else f"p = {value:.3f}"


@app.command("fit")
def fit(
    data: Annotated[
        Path | None,
        typer.Option(help="Cohort file (CSV, or .parquet): one row per person and index event."),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(help="Cohort mapping (YAML): outcome, predictors and kinds, groups."),
    ] = None,
    folds: Annotated[int, typer.Option(help="K of the stratified K-fold validation.", min=2)] = 10,
    flag_share: Annotated[
        float | None,
        typer.Option(help="Flag this share with the highest risk as high risk (default 0.30)."),
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option(help="Flag predicted probability >= T instead of a share."),
    ] = None,
    equalise_fpr: Annotated[
        str | None,
        typer.Option(
            "--equalise-fpr",
            "--equalize-fpr",
            help="Opt-in: one threshold per value of this group column, chosen to equalise "
            "false-positive rates (reported with its cost).",
            metavar="GROUP_COLUMN",
        ),
    ] = None,
    compare: Annotated[
        str | None,
        typer.Option(
            help="An existing instrument's score column (higher = riskier), validated on the "
            "same rows at the same share flagged.",
            metavar="COLUMN",
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the fold split and tie-breaking.")] = 0,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Write model.json, model.md, validation.json and scores.csv here."
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the validation and the model as JSON.")
    ] = False,
) -> None:
    """Fit a points score on a cohort file and validate it out of fold.

    The model is a logistic regression on banded predictors, rounded to whole points: an
    officer adds up one number per predictor. Every metric comes from out-of-fold
    predictions: AUC with its DeLong 95 % CI, Brier score, reliability table, expected
    calibration error, and by group (never used as predictors) selection rate, FPR, FNR,
    PPV and calibration in the large, with the trade-off between them. A plain logistic
    model, and any instrument named by --compare, are scored on the same rows at the same
    share flagged.

    Example:

        justicelink risk fit --data cohort.csv --mapping cohort.yaml --folds 10
        --compare decile_score --out risk-model
    """
    with user_errors():
        from justicelink.app.risk import fit_cohort
        from justicelink.errors import RiskModelError

        if data is None or mapping is None:
            raise RiskModelError(
                "give --data COHORT_FILE and --mapping COHORT.yaml (fitting on the linked "
                "warehouse is not available yet)"
            )
        with err.status("[bold]risk fit[/] starting") as status:
            fitted = fit_cohort(
                data,
                mapping,
                folds=folds,
                flag_share=flag_share,
                threshold=threshold,
                equalise_fpr=equalise_fpr,
                compare=compare,
                seed=seed,
                out_dir=out_dir,
                progress=lambda step: status.update(f"[bold]risk fit[/] {step}"),
            )
    doc = fitted.result.to_json()
    if as_json:
        print_json(doc)
        return
    _print(doc)
    for path in fitted.files:
        out.print(f"Wrote {path}")


def _print(doc: dict[str, Any]) -> None:
    rows = doc["rows"]
    out.print(
        f"{rows['read']:,} rows read, {rows['used']:,} used "
        f"({rows['excluded_outcome_missing']:,} without an outcome left out)."
    )
    for note in doc["notes"]:
        out.print(f"Note: {note}")
    model = doc["model"]
    for excluded in model["excluded_predictors"]:
        out.print(f"Not a predictor: {excluded['predictor']}: {excluded['reason']}")
    if model["protected_predictors_used"]:
        used = ", ".join(model["protected_predictors_used"])
        out.print(f"[bold]Protected attributes used as predictors (opt-in): {used}[/]")
    ci = doc["auc_ci"] or [None, None]
    out.print(
        f"\n[bold]Out of fold ({doc['folds']} folds):[/] AUC {_num(doc['auc'])} "
        f"(95% CI {_num(ci[0])}–{_num(ci[1])}, DeLong), Brier {doc['brier']:.4f}, "
        f"ECE {doc['ece']:.4f}; flagged: {doc['flagging']['rule']} "
        f"({doc['flagging']['flagged']:,} people)."
    )
    points = Table(
        title=f"Points (every {model['points_to_double_odds']:g} double the odds)",
        caption="* no training rows: scored as the average person",
        show_lines=True,
    )
    points.add_column("predictor")
    points.add_column("band: points")
    for predictor in model["predictors"]:
        points.add_row(
            predictor["name"],
            " · ".join(
                f"{b['band']}: [bold]{b['points']}[/]" + ("*" if b["training_rows"] == 0 else "")
                for b in predictor["bands"]
            ),
        )
    out.print(points)
    out.print(
        "Probability by score: "
        + ", ".join(
            f"{r['score']}: {_pct(r['probability'])}%" for r in model["probability_by_score"]
        )
    )
    flag = model["flag"]
    if flag["min_score"] is not None:
        out.print(f"High risk: a score of {flag['min_score']} or more.")
    reliability = Table(title="Reliability (out of fold)")
    for name in ("predicted", "n", "mean predicted %", "observed %"):
        reliability.add_column(name, justify="right")
    for b in doc["calibration"]:
        reliability.add_row(
            f"{b['bin'][0]:.1f}–{b['bin'][1]:.1f}",
            f"{b['n']:,}",
            _pct(b["mean_predicted"]),
            _pct(b["observed"]),
        )
    out.print(reliability)
    _print_groups(doc)
    plain = doc["plain_logistic"]
    out.print(f"\nPlain logistic model, same folds and share: AUC {_num(plain['auc'])}")
    for column, gap in plain["gaps"].items():
        out.print(f"  {column}: FPR gap {_pct(gap['fpr_gap'])} pp")
    if "compare" in doc:
        c = doc["compare"]
        d = c["auc_difference"]
        out.print(
            f"\nInstrument {c['column']} on the same {c['n']:,} rows: AUC "
            f"{_num(c['instrument']['auc'])} against the model's "
            f"{_num(c['model_on_same_rows']['auc'])} (difference "
            f"{d['model_minus_instrument']:+.3f}, {_p(d['p_value'])}, DeLong)"
        )
        for column, gap in c["instrument"]["gaps"].items():
            mine = c["model_on_same_rows"]["gaps"][column]["fpr_gap"]
            out.print(
                f"  {column}: FPR gap {_pct(gap['fpr_gap'])} pp (model {_pct(mine)} pp) "
                "at the same share flagged"
            )


def _print_groups(doc: dict[str, Any]) -> None:
    for column, values in doc["by_group"].items():
        table = Table(title=f"By {column} (rates in %)")
        for name in ("value", "n", "base rate", "predicted", "obs − pred", "flagged", "FPR", "FNR"):
            table.add_column(name, justify="left" if name == "value" else "right")
        table.add_column("PPV", justify="right")
        for value, r in values.items():
            table.add_row(
                value,
                f"{r['n']:,}",
                _pct(r["base_rate"]),
                _pct(r["mean_predicted"]),
                _pct(r["calibration_in_the_large"]),
                _pct(r["selection_rate"]),
                _pct(r["fpr"]),
                _pct(r["fnr"]),
                _pct(r["ppv"]),
            )
        out.print(table)
        t = doc["fairness_tradeoff"][column]
        one, per = t["single_threshold"], t["equal_fpr_thresholds"]
        out.print(
            f"Trade-off ({column}): one threshold gives an FPR gap of {_pct(one['fpr_gap'])} pp "
            f"and a PPV gap of {_pct(one['ppv_gap'])} pp; thresholds per {column} equalising "
            f"FPR give {_pct(per['fpr_gap'])} pp and {_pct(per['ppv_gap'])} pp, with "
            f"{per['false_positives'] - one['false_positives']:+,} false positives and "
            f"{per['false_negatives'] - one['false_negatives']:+,} false negatives"
            + (" (in use: opt-in)." if t["flags_reported"] == "equal_fpr_thresholds" else ".")
        )


@app.command("schema")
def schema() -> None:
    """Print the JSON Schema of the cohort mapping (for editors and CI checks).

    Example:

        justicelink risk schema > risk-cohort.schema.json
    """
    from justicelink.risk.cohort_spec import json_schema

    print_json(json_schema())
