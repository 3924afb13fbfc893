"""Out-of-fold validation: every person is scored by a model that never saw them.

By default the rows are split into K stratified folds (scikit-learn's ``StratifiedKFold``,
shuffled with a fixed seed). For each fold, the points model, the plain logistic yardstick
and the compared instrument's calibration are fitted on the other K-1 folds and applied to
it; the per-group thresholds (fairness trade-off, and the opt-in flag rule) are learnt on
the same K-1 folds. All metrics are computed once on the pooled out-of-fold predictions.

A caller may pass its own ``splits`` instead, e.g. a temporal validation (train on earlier
index dates, test on later ones): rows in no test set are used for training only, and every
metric is computed on the tested rows (``OutOfFold.tested``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

from justicelink.errors import RiskModelError
from justicelink.risk.baseline import InstrumentCalibration, PlainLogistic
from justicelink.risk.flags import (
    FlagRule,
    apply_thresholds,
    equal_fpr_thresholds,
    flag_count,
    top_share,
)
from justicelink.risk.metrics import error_rates
from justicelink.risk.points import ModelSettings, fit_points_model
from justicelink.risk.table import (
    BoolArray,
    FloatArray,
    IntArray,
    ObjArray,
    OutcomeArray,
    RiskTable,
)


@dataclass(frozen=True, slots=True)
class ValidationSettings:
    """How the validation is run.

    Attributes:
        folds: K of the stratified K-fold cross-validation.
        seed: Seed of the fold split and of tie-breaking at the flag boundary.
        flag: Who is flagged high risk.
        model: How the points model is built.
    """

    folds: int = 10
    seed: int = 0
    flag: FlagRule = field(default_factory=FlagRule)
    model: ModelSettings = field(default_factory=ModelSettings)


@dataclass(slots=True)
class OutOfFold:
    """Out-of-fold predictions and flags of the model and its yardsticks."""

    probability: FloatArray
    score: IntArray
    fold: IntArray
    tested: BoolArray
    plain: FloatArray
    single_flags: BoolArray
    equalised_flags: dict[str, BoolArray]
    compare: FloatArray | None = None
    compare_probability: FloatArray | None = None

    def flags(self, rule: FlagRule) -> BoolArray:
        """The flags the report uses under ``rule``."""
        if rule.equalise_fpr:
            return self.equalised_flags[rule.equalise_fpr]
        return self.single_flags


def check_folds(table: RiskTable, folds: int) -> None:
    """Refuse a K that leaves a fold without both outcomes."""
    if folds < 2:
        raise RiskModelError(f"--folds must be at least 2 (got {folds})")
    positives = int(table.outcome.sum())
    smaller = min(positives, table.n - positives)
    if smaller < folds:
        which = "reoffended (outcome 1)" if positives == smaller else "did not (outcome 0)"
        raise RiskModelError(
            f"only {smaller} of {table.n} rows {which}: too few for {folds} folds "
            "(each fold needs both outcomes)"
        )
    if table.compare is not None:
        scored = table.outcome[~np.isnan(table.compare)]
        fewer = min(int(scored.sum()), int(len(scored) - scored.sum()))
        if fewer < folds:
            raise RiskModelError(
                f"the compared column {table.compare_name!r} has a score for {len(scored)} "
                f"rows: too few (of either outcome) for {folds} folds"
            )


Split = tuple[IntArray, IntArray]


def stratified_splits(table: RiskTable, folds: int, seed: int) -> list[Split]:
    """K stratified, shuffled folds: (train, test) row indices per fold.

    Raises:
        RiskModelError: when the outcome is too rare (or too common) for K folds.
    """
    check_folds(table, folds)
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    return [
        (np.asarray(tr, np.int64), np.asarray(te, np.int64))
        for tr, te in splitter.split(np.zeros(table.n), table.outcome)
    ]


def cross_validate(
    table: RiskTable,
    settings: ValidationSettings,
    progress: Callable[[str], None] = lambda _: None,
    splits: Sequence[Split] | None = None,
) -> OutOfFold:
    """Out-of-fold predictions of the points model, the plain logistic model and the instrument.

    Args:
        table: The cohort.
        settings: Folds, seed, flag rule and model settings.
        progress: Called with "fold k of K".
        splits: (train, test) row indices per fold; default :func:`stratified_splits`.
            A row may be tested at most once.

    Raises:
        RiskModelError: too few outcomes for the folds, or a row tested twice.
    """
    if splits is None:
        splits = stratified_splits(table, settings.folds, settings.seed)
    rule = settings.flag
    y = table.outcome
    n = table.n
    probability = np.zeros(n)
    score = np.zeros(n, dtype=np.int64)
    fold_of = np.full(n, -1, dtype=np.int64)
    tested = np.zeros(n, dtype=bool)
    plain = np.zeros(n)
    compare_p = None if table.compare is None else np.full(n, np.nan)
    equalised = {g: np.zeros(n, dtype=bool) for g in table.groups}
    min_count = settings.model.bands.min_count
    # Small fits are slower with OpenMP threads fighting over shared cores than with one.
    with threadpool_limits(limits=1):
        for k, (train, test) in enumerate(splits):
            progress(f"fold {k + 1} of {len(splits)}")
            if tested[test].any():
                raise RiskModelError("the validation splits test a row twice")
            tested[test] = True
            model = fit_points_model(table, train, settings.model)
            probability[test] = model.probability(table, test)
            score[test] = model.score(table, test)
            fold_of[test] = k
            plain[test] = (
                PlainLogistic(min_count(len(train))).fit(table, train).probability(table, test)
            )
            p_train = model.probability(table, train)
            for column, values in table.groups.items():
                thresholds = _equal_fpr(p_train, y[train], values[train], rule)
                equalised[column][test] = apply_thresholds(
                    probability[test], values[test], thresholds
                )
            if table.compare is not None and compare_p is not None:
                present = ~np.isnan(table.compare)
                tr, te = train[present[train]], test[present[test]]
                calibration = InstrumentCalibration().fit(table.compare[tr], y[tr])
                compare_p[te] = calibration.probability(table.compare[te])
    rows = np.flatnonzero(tested)
    single = np.zeros(n, dtype=bool)
    single[rows] = (
        top_share(probability[rows], flag_count(len(rows), rule.share), settings.seed)
        if rule.share is not None
        else probability[rows] >= float(rule.threshold or 0.0)
    )
    return OutOfFold(
        probability=probability,
        score=score,
        fold=fold_of,
        tested=tested,
        plain=plain,
        single_flags=single,
        equalised_flags=equalised,
        compare=table.compare,
        compare_probability=compare_p,
    )


def _equal_fpr(
    p_train: FloatArray, y_train: OutcomeArray, group: ObjArray, rule: FlagRule
) -> dict[str, float]:
    if rule.share is not None:
        return equal_fpr_thresholds(p_train, y_train, group, share=rule.share)
    t = float(rule.threshold or 0.0)
    fpr = error_rates(y_train, p_train >= t).fpr or 0.0
    return equal_fpr_thresholds(p_train, y_train, group, fpr=fpr)


def final_thresholds(
    probability: FloatArray, y: OutcomeArray, group: ObjArray, rule: FlagRule
) -> dict[str, float]:
    """Per-group thresholds of the final model (fitted on every row)."""
    return _equal_fpr(probability, y, group, rule)
