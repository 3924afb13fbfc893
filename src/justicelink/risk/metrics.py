"""Validation metrics: discrimination, calibration and error rates of a risk score.

Definitions (also in docs/risk.md):

- AUC: the probability that a randomly chosen person who reoffended has a higher predicted
  risk than one who did not, ties counting one half (scikit-learn's ``roc_auc_score``).
- AUC confidence interval: DeLong et al. (1988), 95 %, Wald interval ``auc ± 1.96 se`` clipped
  to [0, 1]. The same structural components give the paired test of two scores on the same
  people.
- Brier score: mean of (predicted probability - outcome)^2 (scikit-learn).
- Reliability table and expected calibration error (ECE): ten equal-width bins of predicted
  probability, [0, 0.1), [0.1, 0.2), ..., [0.9, 1.0]; ECE = sum over non-empty bins of
  (rows in bin / all rows) x |observed rate - mean predicted probability|.
- Error rates of a flag (high risk yes/no): FPR = flagged non-reoffenders / non-reoffenders,
  FNR = unflagged reoffenders / reoffenders, PPV = reoffenders among the flagged, NPV =
  non-reoffenders among the unflagged, selection rate = flagged / rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.stats import norm, rankdata
from sklearn.metrics import brier_score_loss, roc_auc_score

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Number of equal-width probability bins of the reliability table and the ECE.
CALIBRATION_BINS = 10
_Z95 = float(norm.ppf(0.975))


def auc(y: npt.ArrayLike, score: npt.ArrayLike) -> float | None:
    """Area under the ROC curve; ``None`` when only one outcome occurs."""
    if len(np.unique(np.asarray(y))) < 2:
        return None
    return float(roc_auc_score(y, np.asarray(score, dtype=np.float64)))


def _structural_components(y: npt.ArrayLike, scores: FloatArray) -> tuple[FloatArray, FloatArray]:
    """DeLong's placement values for each score (rows of ``scores``).

    Written by hand: neither scikit-learn, SciPy nor statsmodels implements DeLong's
    variance, and a bootstrap would cost a thousand AUCs. Uses midranks, the fast form of
    Sun and Xu (2014): V10 (one per reoffender) is the share of non-reoffenders scored lower
    (ties 1/2), V01 (one per non-reoffender) the share of reoffenders scored higher.
    """
    y = np.asarray(y).astype(bool)
    pos, neg = scores[:, y], scores[:, ~y]
    m, n = pos.shape[1], neg.shape[1]
    v10 = np.empty_like(pos)
    v01 = np.empty_like(neg)
    for k in range(scores.shape[0]):
        all_ranks = rankdata(np.concatenate([pos[k], neg[k]]))
        pos_ranks = rankdata(pos[k])
        neg_ranks = rankdata(neg[k])
        v10[k] = (all_ranks[:m] - pos_ranks) / n
        v01[k] = 1.0 - (all_ranks[m:] - neg_ranks) / m
    return v10, v01


def _delong_covariance(y: npt.ArrayLike, scores: FloatArray) -> tuple[FloatArray, FloatArray]:
    v10, v01 = _structural_components(y, scores)
    m, n = v10.shape[1], v01.shape[1]
    cov = np.atleast_2d(np.cov(v10, ddof=1)) / m + np.atleast_2d(np.cov(v01, ddof=1)) / n
    return v10.mean(axis=1), cov


def auc_delong_ci(y: npt.ArrayLike, score: npt.ArrayLike) -> tuple[float, float] | None:
    """95 % DeLong confidence interval of the AUC; ``None`` without both outcomes (or < 2 each)."""
    y = np.asarray(y)
    if min(int(y.sum()), int(len(y) - y.sum())) < 2:
        return None
    aucs, cov = _delong_covariance(y, np.asarray(score, dtype=np.float64)[None, :])
    se = math.sqrt(max(float(cov[0, 0]), 0.0))
    return max(0.0, float(aucs[0]) - _Z95 * se), min(1.0, float(aucs[0]) + _Z95 * se)


def delong_standard_error(y: npt.ArrayLike, score: npt.ArrayLike) -> float:
    """DeLong's standard error of the AUC of one score."""
    _, cov = _delong_covariance(y, np.asarray(score, dtype=np.float64)[None, :])
    return math.sqrt(max(float(cov[0, 0]), 0.0))


@dataclass(frozen=True, slots=True)
class AucDifference:
    """Paired DeLong test of two scores on the same people."""

    difference: float
    ci: tuple[float, float]
    p_value: float


def auc_difference(y: npt.ArrayLike, first: npt.ArrayLike, second: npt.ArrayLike) -> AucDifference:
    """AUC of ``first`` minus AUC of ``second``, with its 95 % CI and two-sided p-value."""
    scores = np.vstack([np.asarray(first, np.float64), np.asarray(second, np.float64)])
    aucs, cov = _delong_covariance(y, scores)
    diff = float(aucs[0] - aucs[1])
    var = float(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1])
    se = math.sqrt(max(var, 0.0))
    p = 1.0 if se == 0 else float(2 * norm.sf(abs(diff) / se))
    return AucDifference(diff, (diff - _Z95 * se, diff + _Z95 * se), p)


def brier(y: npt.ArrayLike, probability: npt.ArrayLike) -> float:
    """Brier score: mean squared difference between probability and outcome (0 is perfect)."""
    return float(brier_score_loss(np.asarray(y), np.asarray(probability, dtype=np.float64)))


@dataclass(frozen=True, slots=True)
class ReliabilityBin:
    """One row of the reliability table."""

    lower: float
    upper: float
    n: int
    mean_predicted: float
    observed: float

    def to_json(self) -> dict[str, object]:
        """The bin as the ``calibration`` list of the JSON output shows it."""
        return {
            "bin": [self.lower, self.upper],
            "n": self.n,
            "mean_predicted": round(self.mean_predicted, 6),
            "observed": round(self.observed, 6),
        }


def reliability_table(y: npt.ArrayLike, probability: npt.ArrayLike) -> list[ReliabilityBin]:
    """Observed rate against mean predicted probability in ten equal-width bins.

    Bin ``i`` holds probabilities in [i/10, (i+1)/10); the last bin also holds 1.0. Empty
    bins are left out.
    """
    y = np.asarray(y, dtype=np.float64)
    p = np.asarray(probability, dtype=np.float64)
    index = np.minimum((p * CALIBRATION_BINS).astype(np.int64), CALIBRATION_BINS - 1)
    counts = np.bincount(index, minlength=CALIBRATION_BINS)
    sum_p = np.bincount(index, weights=p, minlength=CALIBRATION_BINS)
    sum_y = np.bincount(index, weights=y, minlength=CALIBRATION_BINS)
    return [
        ReliabilityBin(
            lower=round(i / CALIBRATION_BINS, 2),
            upper=round((i + 1) / CALIBRATION_BINS, 2),
            n=int(counts[i]),
            mean_predicted=float(sum_p[i] / counts[i]),
            observed=float(sum_y[i] / counts[i]),
        )
        for i in range(CALIBRATION_BINS)
        if counts[i]
    ]


def expected_calibration_error(y: npt.ArrayLike, probability: npt.ArrayLike) -> float:
    """ECE over the reliability table's bins, weighted by the rows in each bin."""
    table = reliability_table(y, probability)
    total = sum(b.n for b in table)
    return sum(b.n / total * abs(b.observed - b.mean_predicted) for b in table)


@dataclass(frozen=True, slots=True)
class ErrorRates:
    """What a yes/no flag gets right and wrong on one set of people.

    Rates are ``None`` where their denominator is zero (e.g. FPR in a group where everyone
    reoffended).
    """

    n: int
    positives: int
    flagged: int
    false_positives: int
    false_negatives: int
    selection_rate: float | None
    fpr: float | None
    fnr: float | None
    ppv: float | None
    npv: float | None


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def error_rates(y: npt.ArrayLike, flagged: npt.ArrayLike) -> ErrorRates:
    """Selection rate, FPR, FNR, PPV and NPV of ``flagged`` against outcome ``y``."""
    y = np.asarray(y).astype(bool)
    f = np.asarray(flagged).astype(bool)
    tp = int((f & y).sum())
    fp = int((f & ~y).sum())
    fn = int((~f & y).sum())
    tn = int((~f & ~y).sum())
    n = len(y)
    return ErrorRates(
        n=n,
        positives=tp + fn,
        flagged=tp + fp,
        false_positives=fp,
        false_negatives=fn,
        selection_rate=_ratio(tp + fp, n),
        fpr=_ratio(fp, fp + tn),
        fnr=_ratio(fn, fn + tp),
        ppv=_ratio(tp, tp + fp),
        npv=_ratio(tn, tn + fn),
    )
