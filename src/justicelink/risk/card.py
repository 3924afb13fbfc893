"""The model card: one printable page an officer can score a person with by hand."""

from __future__ import annotations

from typing import Any

from justicelink.risk.serialise import SavedModel


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def _num(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def model_card(model: SavedModel, validation: dict[str, Any]) -> str:
    """Markdown: the points table, score -> probability, the flag rule and the validation."""
    doc = model.to_json()
    lines = [
        f"# Risk score: {doc['outcome']}",
        "",
        f"Add the points of the band each predictor falls in. Every "
        f"{doc['points_to_double_odds']:g} points double the odds of the outcome. "
        f"Scores run from {doc['score_range'][0]} to {doc['score_range'][1]}.",
        "",
    ]
    lines += ["| predictor | band: points |", "| --- | --- |"]
    unseen = False
    for predictor in doc["predictors"]:
        bands = []
        for band in predictor["bands"]:
            mark = "*" if band["training_rows"] == 0 else ""
            unseen = unseen or bool(mark)
            bands.append(f"{band['band']}: **{band['points']}**{mark}")
        name = predictor["name"]
        source = "" if predictor["source"] == name else f" ({predictor['source']})"
        lines.append(f"| {name}{source} | {' · '.join(bands)} |")
    if unseen:
        lines.append("\n\\* No training rows: scored as the average person.")
    lines.append("")
    lines += ["## Probability for a score", "", "| score | probability |", "| ---: | ---: |"]
    lines += [
        f"| {row['score']} | {_pct(row['probability'])} |" for row in doc["probability_by_score"]
    ]
    flag = doc["flag"]
    lines += ["", "## High risk", "", f"Rule: {flag['rule']}."]
    if flag.get("by_group"):
        by = flag["by_group"]
        lines.append(
            f"Opt-in: one cut-off per {by['column']} (equal false-positive rates): "
            + ", ".join(f"{v}: {s}+" for v, s in by["min_score"].items())
            + "."
        )
    else:
        lines.append(f"Flag a score of {flag['min_score']} or more.")
    lines.append(f"That flags {_pct(flag['share_flagged'])} of the training cohort.")
    for excluded in doc["excluded_predictors"]:
        lines.append(f"\nNot used: {excluded['predictor']}: {excluded['reason']}.")
    if doc["protected_predictors_used"]:
        used = ", ".join(doc["protected_predictors_used"])
        lines.append(f"\n**Protected attributes used as predictors (opt-in): {used}.**")
    ci = validation.get("auc_ci") or [None, None]
    lines += [
        "",
        "## Validation (out of fold)",
        "",
        f"AUC {_num(validation['auc'])} (95 % CI {_num(ci[0])}–{_num(ci[1])}), Brier "
        f"{validation['brier']:.4f}, expected calibration error {validation['ece']:.4f}, "
        f"{validation['folds']} folds, {validation['n']:,} people.",
        "",
    ]
    return "\n".join(lines)
