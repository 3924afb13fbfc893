"""Use case: fit and validate a transparent risk score on a cohort file (``risk fit --data``).

Reads the cohort through its mapping, runs the out-of-fold validation and fits the final
points model (:func:`justicelink.risk.fit_and_validate`), and, given an output folder,
writes the model with its manifest, the full validation and each person's score with its
terms. The warehouse path will build its :class:`RiskTable` from linked records and call
the same core.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from justicelink.errors import MappingError, RiskModelError
from justicelink.risk.bands import BandSettings
from justicelink.risk.card import model_card
from justicelink.risk.cohort_file import Cohort, read_cohort
from justicelink.risk.fit import Provenance, RiskResult, fit_and_validate
from justicelink.risk.flags import DEFAULT_FLAG_SHARE, FlagRule
from justicelink.risk.points import ModelSettings
from justicelink.risk.serialise import save_model
from justicelink.risk.validate import ValidationSettings


@dataclass(frozen=True, slots=True)
class CohortFit:
    """What ``risk fit --data`` produced."""

    cohort: Cohort
    result: RiskResult
    files: list[Path] = field(default_factory=list)


def flag_rule(
    flag_share: float | None, threshold: float | None, equalise_fpr: str | None
) -> FlagRule:
    """The flag rule from the command line (default: the top 30 %).

    Raises:
        RiskModelError: both a share and a threshold, or either out of range.
    """
    if flag_share is not None and threshold is not None:
        raise RiskModelError("give --flag-share or --threshold, not both")
    if flag_share is not None and not 0 < flag_share < 1:
        raise RiskModelError(f"--flag-share must be between 0 and 1 (got {flag_share:g})")
    if threshold is not None and not 0 <= threshold <= 1:
        raise RiskModelError(f"--threshold must be a probability in [0, 1] (got {threshold:g})")
    if threshold is not None:
        return FlagRule(share=None, threshold=threshold, equalise_fpr=equalise_fpr)
    return FlagRule(
        share=DEFAULT_FLAG_SHARE if flag_share is None else flag_share,
        equalise_fpr=equalise_fpr,
    )


def fit_cohort(
    data: Path,
    mapping: Path,
    *,
    folds: int = 10,
    flag_share: float | None = None,
    threshold: float | None = None,
    equalise_fpr: str | None = None,
    compare: str | None = None,
    seed: int = 0,
    out_dir: Path | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> CohortFit:
    """Fit and validate a points score on a cohort file.

    Args:
        data: The cohort file (CSV, or Parquet by its suffix).
        mapping: Its cohort mapping (docs/risk.md).
        folds: K of the stratified K-fold validation.
        flag_share, threshold: Who is flagged (at most one; default the top 30 %).
        equalise_fpr: Opt-in group column for per-group thresholds (overrides the mapping's).
        compare: An instrument's score column (overrides the mapping's ``compare``).
        seed: Seed of the fold split and of tie-breaking.
        out_dir: When given, write model.json, model.md, validation.json and scores.csv here.
        progress: Called with a short description of each step.

    Raises:
        JusticelinkError: any problem with the inputs, as one line.
    """
    progress("reading the cohort")
    cohort = read_cohort(data, mapping, compare=compare)
    spec = cohort.spec
    column = equalise_fpr or spec.equalise_fpr
    if column is not None and column not in cohort.table.groups:
        raise MappingError(
            f"{mapping}: equalise_fpr: {column!r} is not one of the group columns "
            f"({', '.join(cohort.table.groups) or 'none listed'})"
        )
    settings = ValidationSettings(
        folds=folds,
        seed=seed,
        flag=flag_rule(flag_share, threshold, column),
        model=ModelSettings(
            bands=BandSettings(
                spec.model.max_bands, spec.model.min_band_share, spec.model.min_band_rows
            ),
            points_to_double_odds=spec.model.points_to_double_odds,
            penalty_c=spec.model.penalty_c,
        ),
    )
    provenance = Provenance(
        outcome=spec.outcome,
        sources={p.name: p.description or p.name for p in cohort.table.predictors},
        rows={
            "read": cohort.rows_read,
            "used": cohort.table.n,
            "excluded_outcome_missing": cohort.excluded_outcome_missing,
        },
        inputs={
            "data": {"file": data.name, "sha256": cohort.data_sha256},
            "mapping": {"file": mapping.name, "sha256": cohort.mapping_sha256},
        },
        excluded_predictors=[
            {"predictor": e.name, "reason": e.reason} for e in cohort.excluded_predictors
        ],
        protected_used=list(cohort.protected_used),
        notes=list(cohort.notes),
    )
    result = fit_and_validate(cohort.table, settings, provenance, progress)
    files = _write(out_dir, result) if out_dir is not None else []
    return CohortFit(cohort, result, files)


def _write(out_dir: Path, result: RiskResult) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    model_path = out_dir / "model.json"
    save_model(result.model, model_path)
    card = out_dir / "model.md"
    card.write_text(model_card(result.model, result.to_json()), encoding="utf-8")
    validation = out_dir / "validation.json"
    validation.write_text(
        json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    scores = out_dir / "scores.csv"
    _write_scores(scores, result)
    return [model_path, card, validation, scores]


def _write_scores(path: Path, result: RiskResult) -> None:
    """One row per person: the final model's score with its terms, and the out-of-fold risk."""
    table, model = result.table, result.model.points
    bands, points = model.bands(table), model.terms(table)
    labels = [b.labels() for b in model.bandings]
    probability = model.probability_of_score(points.sum(axis=1))
    flags, tested = result.flags, result.oof.tested
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "row",
                "score",
                "probability",
                *[f"{b.name} (band: points)" for b in model.bandings],
                "oof_probability",
                "oof_flagged",
                result.model.outcome,
            ]
        )
        for i, row in enumerate(table.row_numbers()):
            writer.writerow(
                [
                    int(row),
                    int(points[i].sum()),
                    f"{probability[i]:.4f}",
                    *[
                        f"{labels[k][bands[i, k]]}: {points[i, k]}"
                        for k in range(len(model.bandings))
                    ],
                    f"{result.oof.probability[i]:.4f}" if tested[i] else "",
                    int(bool(flags[i])) if tested[i] else "",
                    int(table.outcome[i]),
                ]
            )
