"""The points score: a logistic model on banded predictors, rounded to whole points.

Fitting, in three steps (scikit-learn does the fitting; nothing here optimises by hand):

1. Every predictor is cut into bands (:mod:`justicelink.risk.bands`), and a logistic
   regression with a mild L2 penalty is fitted on one indicator per band. The penalty keeps
   thin bands from swinging and makes a band never seen in training (e.g. 'missing') worth
   the predictor's average.
2. Each band's log-odds coefficient is shifted so the predictor's lowest band is worth 0 and
   scaled so that ``points_to_double_odds`` points (default 10) double the odds of the
   outcome, then rounded to a whole number. A person's score is the sum of their bands'
   points: an officer can add it up from the printed table.
3. The probability of the outcome for a score is refitted on the rounded scores (a logistic
   regression on the score alone, unpenalised), so the probability printed beside a score
   is calibrated to the score the officer actually sees.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.special import expit
from sklearn.linear_model import LogisticRegression

from justicelink.risk.bands import Banding, BandSettings, fit_banding
from justicelink.risk.table import FloatArray, IntArray, RiskTable


@dataclass(frozen=True, slots=True)
class ModelSettings:
    """The choices that shape a points model (all stored with the saved model).

    Attributes:
        bands: How predictors are cut into bands.
        points_to_double_odds: Points that double the odds of the outcome (the score's unit).
        penalty_c: Inverse L2 penalty strength of step 1 (scikit-learn's ``C``).
    """

    bands: BandSettings = field(default_factory=BandSettings)
    points_to_double_odds: float = 10.0
    penalty_c: float = 1.0

    def to_json(self) -> dict[str, Any]:
        """The settings as stored in a saved model and printed in the manifest."""
        return {
            "max_bands": self.bands.max_bands,
            "min_band_share": self.bands.min_share,
            "min_band_rows": self.bands.min_rows,
            "points_to_double_odds": self.points_to_double_odds,
            "penalty_c": self.penalty_c,
        }


@dataclass(frozen=True, slots=True)
class PointsModel:
    """A fitted points score.

    Attributes:
        bandings: Each predictor's bands, in the table's predictor order.
        points: Points per band, per predictor (aligned with ``bandings[i].labels()``).
        band_rows: Training rows per band, per predictor.
        intercept: Log-odds of the outcome at score 0.
        slope: Log-odds added per point (close to ln 2 / points_to_double_odds).
        settings: The settings it was fitted with.
    """

    bandings: tuple[Banding, ...]
    points: tuple[tuple[int, ...], ...]
    band_rows: tuple[tuple[int, ...], ...]
    intercept: float
    slope: float
    settings: ModelSettings

    @property
    def predictor_names(self) -> tuple[str, ...]:
        """The predictors the score uses, in order."""
        return tuple(b.name for b in self.bandings)

    def terms(self, table: RiskTable, rows: IntArray | None = None) -> IntArray:
        """Points per person (rows) per predictor (columns): each score's terms."""
        index = np.arange(table.n) if rows is None else rows
        by_name = {p.name: p for p in table.predictors}
        out = np.empty((len(index), len(self.bandings)), dtype=np.int64)
        for k, banding in enumerate(self.bandings):
            bands = banding.assign(by_name[banding.name].values[index])
            out[:, k] = np.asarray(self.points[k], dtype=np.int64)[bands]
        return out

    def bands(self, table: RiskTable, rows: IntArray | None = None) -> IntArray:
        """The band index per person (rows) per predictor (columns)."""
        index = np.arange(table.n) if rows is None else rows
        by_name = {p.name: p for p in table.predictors}
        columns = [b.assign(by_name[b.name].values[index]) for b in self.bandings]
        return np.asarray(np.column_stack(columns), dtype=np.int64)

    def score(self, table: RiskTable, rows: IntArray | None = None) -> IntArray:
        """Each person's total points."""
        return np.asarray(self.terms(table, rows).sum(axis=1), dtype=np.int64)

    def probability_of_score(self, score: npt.ArrayLike) -> FloatArray:
        """Predicted probability of the outcome for a total score."""
        s = np.asarray(score, dtype=np.float64)
        return np.asarray(expit(self.intercept + self.slope * s), dtype=np.float64)

    def probability(self, table: RiskTable, rows: IntArray | None = None) -> FloatArray:
        """Each person's predicted probability of the outcome."""
        return self.probability_of_score(self.score(table, rows))

    def score_range(self) -> tuple[int, int]:
        """The lowest and highest score anyone can get."""
        return sum(min(p) for p in self.points), sum(max(p) for p in self.points)


def design_matrix(bandings: list[Banding] | tuple[Banding, ...], bands: IntArray) -> sp.csr_matrix:
    """One indicator column per band of every predictor (``bands``: rows x predictors)."""
    n, k = bands.shape
    offsets = np.cumsum([0] + [b.n_bands for b in bandings[:-1]])
    columns = (bands + offsets[None, :]).ravel()
    width = sum(b.n_bands for b in bandings)
    return sp.csr_matrix(
        (np.ones(n * k), columns, np.arange(0, n * k + 1, k)), shape=(n, width), dtype=np.float64
    )


def fit_points_model(table: RiskTable, rows: IntArray, settings: ModelSettings) -> PointsModel:
    """Fit a points score on the training ``rows`` (indices into ``table``)."""
    y = table.outcome[rows]
    bandings = tuple(fit_banding(p, rows, settings.bands) for p in table.predictors)
    bands = np.column_stack(
        [b.assign(p.values[rows]) for b, p in zip(bandings, table.predictors, strict=True)]
    ).astype(np.int64)
    regression = LogisticRegression(C=settings.penalty_c, max_iter=2000)
    regression.fit(design_matrix(bandings, bands), y)
    coef = regression.coef_[0]
    scale = settings.points_to_double_odds / math.log(2)
    points: list[tuple[int, ...]] = []
    band_rows: list[tuple[int, ...]] = []
    start = 0
    for k, banding in enumerate(bandings):
        block = coef[start : start + banding.n_bands]
        start += banding.n_bands
        points.append(tuple(int(v) for v in np.round((block - block.min()) * scale)))
        counts = np.bincount(bands[:, k], minlength=banding.n_bands)
        band_rows.append(tuple(int(c) for c in counts))
    score = np.zeros(len(rows), dtype=np.float64)
    for k in range(len(bandings)):
        score += np.asarray(points[k], dtype=np.float64)[bands[:, k]]
    intercept, slope = _score_calibration(score, y)
    return PointsModel(bandings, tuple(points), tuple(band_rows), intercept, slope, settings)


def _score_calibration(score: FloatArray, y: npt.NDArray[np.int8]) -> tuple[float, float]:
    """Intercept and slope of log-odds on the rounded score (unpenalised logistic fit)."""
    centre = float(score.mean())
    if np.ptp(score) == 0:  # nothing predicts: every score gets the base rate
        rate = float(np.clip(y.mean(), 1e-6, 1 - 1e-6))
        return math.log(rate / (1 - rate)), 0.0
    fit = LogisticRegression(C=np.inf, max_iter=1000).fit((score - centre)[:, None], y)
    slope = float(fit.coef_[0, 0])
    return float(fit.intercept_[0]) - slope * centre, slope
