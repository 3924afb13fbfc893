"""Fit and validate a points score on a :class:`RiskTable`: the core both paths share.

:func:`fit_and_validate` runs the out-of-fold validation (:mod:`validate`), evaluates the
model, the plain logistic yardstick and any compared instrument at the same share flagged,
sets out the fairness trade-off for every group column, and fits the final model on every
row, with its flag cut-off in points and its manifest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from justicelink import __version__
from justicelink.risk.evaluation import Evaluation, evaluate
from justicelink.risk.fairness import tradeoff
from justicelink.risk.flags import POOLED, FlagRule, top_share
from justicelink.risk.metrics import AucDifference, auc_difference
from justicelink.risk.points import PointsModel, fit_points_model
from justicelink.risk.serialise import FlagCutoff, SavedModel
from justicelink.risk.table import BoolArray, RiskTable
from justicelink.risk.validate import (
    OutOfFold,
    Split,
    ValidationSettings,
    cross_validate,
    final_thresholds,
)

METHOD = {
    "validation": "stratified K-fold cross-validation; every metric from out-of-fold predictions",
    "auc_ci": "DeLong (1988) 95% interval, auc ± 1.96 se, clipped to [0, 1]",
    "ece": "10 equal-width bins of predicted probability; "
    "sum over bins of bin share x |observed - predicted|",
    "calibration_in_the_large": "observed rate minus mean predicted probability",
    "same_share": "yardsticks flag as many people as the model; ties broken by a seeded shuffle",
}


@dataclass(frozen=True, slots=True)
class Provenance:
    """What the caller knows about where the table came from.

    Attributes:
        outcome: The outcome's name (e.g. a column).
        sources: Predictor name -> where its values come from.
        rows: Row counts to report (read, used, excluded and why).
        inputs: Input files and their digests, for the manifest.
        excluded_predictors: Listed predictors not used, with the reason.
        protected_used: Protected attributes used as predictors (opt-in).
        notes: Anything else the user should know.
    """

    outcome: str
    sources: dict[str, str] = field(default_factory=dict)
    rows: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, Any] = field(default_factory=dict)
    excluded_predictors: list[dict[str, str]] = field(default_factory=list)
    protected_used: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Comparison:
    """An existing instrument against the model, on the rows that have its score."""

    column: str
    rows: int
    missing: int
    instrument: Evaluation
    model: Evaluation
    difference: AucDifference

    def to_json(self) -> dict[str, Any]:
        """The ``compare`` block of the JSON output."""
        return {
            "column": self.column,
            "n": self.rows,
            "rows_without_score": self.missing,
            "instrument": self.instrument.summary_json(),
            "model_on_same_rows": self.model.summary_json(),
            "auc_difference": {
                "model_minus_instrument": round(self.difference.difference, 6),
                "ci": [round(v, 6) for v in self.difference.ci],
                "p_value": round(self.difference.p_value, 6),
                "test": "DeLong paired test, two-sided",
            },
        }


@dataclass(frozen=True, slots=True)
class RiskResult:
    """Everything ``risk fit`` reports and writes."""

    table: RiskTable
    settings: ValidationSettings
    provenance: Provenance
    oof: OutOfFold
    evaluation: Evaluation
    plain: Evaluation
    comparison: Comparison | None
    tradeoffs: dict[str, dict[str, Any]]
    model: SavedModel
    method: dict[str, str] = field(default_factory=lambda: dict(METHOD))

    @property
    def flags(self) -> BoolArray:
        """Out-of-fold flags the report uses (False for rows never tested)."""
        return self.oof.flags(self.settings.flag)

    @property
    def folds(self) -> int:
        """Number of train/test splits."""
        return int(self.oof.fold.max()) + 1

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` document (docs/risk.md lists every key)."""
        rule = self.settings.flag
        doc: dict[str, Any] = {
            **self.evaluation.metrics_json(),
            "model": self.model.to_json(),
            "n": self.evaluation.n,
            "rows": {
                **self.provenance.rows,
                "missing_by_predictor": self.table.missing_counts(),
            },
            "flagging": {
                "rule": rule.describe(),
                "share": rule.share,
                "threshold": rule.threshold,
                "equalise_fpr": rule.equalise_fpr,
                "flagged": self.evaluation.flagged,
                "selection_rate": round(self.evaluation.flagged / self.evaluation.n, 6),
            },
            "fairness_tradeoff": self.tradeoffs,
            "plain_logistic": self.plain.summary_json(),
            "folds": self.folds,
            "method": self.method,
            "notes": self.provenance.notes,
        }
        if self.comparison is not None:
            doc["compare"] = self.comparison.to_json()
        return doc


def fit_and_validate(
    table: RiskTable,
    settings: ValidationSettings,
    provenance: Provenance,
    progress: Callable[[str], None] = lambda _: None,
    *,
    splits: Sequence[Split] | None = None,
    scheme: str | None = None,
) -> RiskResult:
    """Validate out of fold, then fit the final model on every row.

    Args:
        table: The cohort.
        settings: Folds, seed, flag rule, model settings.
        provenance: Where the table came from (for the report and the manifest).
        progress: Called with a short description of each step.
        splits: Own (train, test) splits, e.g. temporal; default stratified K-fold. Metrics
            are computed on the tested rows.
        scheme: The splits in words, for ``method.validation`` (with ``splits``).
    """
    rule = settings.flag
    oof = cross_validate(table, settings, progress, splits)
    rows = np.flatnonzero(oof.tested)
    y = table.outcome[rows]
    p = oof.probability[rows]
    groups = {c: v[rows] for c, v in table.groups.items()}
    flags = oof.flags(rule)[rows]
    evaluation = evaluate(y, p, flags, groups)
    plain_flags = top_share(oof.plain[rows], int(flags.sum()), settings.seed)
    plain = evaluate(y, oof.plain[rows], plain_flags, groups)
    comparison = _compare(table, oof, oof.flags(rule), settings.seed)
    progress("final model")
    with threadpool_limits(limits=1):
        final = fit_points_model(table, np.arange(table.n), settings.model)
    final_p = final.probability(table)
    tradeoffs = {
        column: tradeoff(
            column,
            y,
            p,
            groups[column],
            oof.single_flags[rows],
            oof.equalised_flags[column][rows],
            final_thresholds(final_p, table.outcome, values, rule),
            in_use=rule.equalise_fpr == column,
        )
        for column, values in table.groups.items()
    }
    method = dict(METHOD)
    if splits is not None:
        method["validation"] = (scheme or "caller's train/test splits") + (
            "; every metric from the tested rows' out-of-fold predictions"
        )
    saved = SavedModel(
        points=final,
        outcome=provenance.outcome,
        sources=provenance.sources,
        flag=_cutoff(final, table, rule),
        excluded_predictors=provenance.excluded_predictors,
        protected_used=provenance.protected_used,
        manifest={
            "justicelink_version": __version__,
            "inputs": provenance.inputs,
            "rows": provenance.rows,
            "missing_by_predictor": table.missing_counts(),
            "validation": {
                "folds": int(oof.fold.max()) + 1,
                "scheme": method["validation"],
                "seed": settings.seed,
                "flag_rule": rule.describe(),
                "flag_share": rule.share,
                "threshold": rule.threshold,
                "equalise_fpr": rule.equalise_fpr,
            },
        },
    )
    return RiskResult(
        table, settings, provenance, oof, evaluation, plain, comparison, tradeoffs, saved, method
    )


def _compare(table: RiskTable, oof: OutOfFold, flags: BoolArray, seed: int) -> Comparison | None:
    if table.compare is None or oof.compare_probability is None:
        return None
    present = ~np.isnan(table.compare)
    rows = np.flatnonzero(present & oof.tested)
    y = table.outcome[rows]
    groups = {c: v[rows] for c, v in table.groups.items()}
    model_flags = flags[rows]
    instrument_flags = top_share(table.compare[rows], int(model_flags.sum()), seed)
    return Comparison(
        column=table.compare_name,
        rows=len(rows),
        missing=int((~present & oof.tested).sum()),
        instrument=evaluate(y, oof.compare_probability[rows], instrument_flags, groups),
        model=evaluate(y, oof.probability[rows], model_flags, groups),
        difference=auc_difference(y, oof.probability[rows], table.compare[rows]),
    )


def _min_score_for(model: PointsModel, probability: float) -> int | None:
    """The lowest score whose probability reaches ``probability`` (None: no score does)."""
    low, high = model.score_range()
    scores = np.arange(low, high + 1)
    reach = np.flatnonzero(model.probability_of_score(scores) >= probability)
    return int(scores[reach[0]]) if len(reach) else None


def _cutoff(model: PointsModel, table: RiskTable, rule: FlagRule) -> FlagCutoff:
    """The final model's flag rule in points, and the share it flags in the cohort."""
    score = model.score(table)
    if rule.equalise_fpr:
        group = table.groups[rule.equalise_fpr]
        thresholds = final_thresholds(model.probability(table), table.outcome, group, rule)
        cut = {value: _min_score_for(model, t) for value, t in thresholds.items()}
        never = model.score_range()[1] + 1  # no score reaches the threshold
        by_value = {v: never if c is None else c for v, c in cut.items()}
        minimum = np.asarray([by_value.get(str(g), by_value[POOLED]) for g in group])
        flagged = score >= minimum
        return FlagCutoff(
            rule.describe(), None, float(flagged.mean()), (rule.equalise_fpr, by_value)
        )
    if rule.share is not None:
        candidates = np.unique(score)
        shares = np.asarray([(score >= s).mean() for s in candidates])
        best = int(candidates[int(np.argmin(np.abs(shares - rule.share)))])
        return FlagCutoff(rule.describe(), best, float((score >= best).mean()))
    cut_score = _min_score_for(model, float(rule.threshold or 0.0))
    share = 0.0 if cut_score is None else float((score >= cut_score).mean())
    return FlagCutoff(rule.describe(), cut_score, share)
