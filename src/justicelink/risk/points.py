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
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.special import expit
from sklearn.linear_model import LogisticRegression

from justicelink.risk.bands import Banding, BandSettings, fit_banding
from justicelink.risk.table import FloatArray, IntArray, PredictorKind, RiskTable


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
    penalty_c: float = 0.03

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


@dataclass(frozen=True, slots=True)
class _Encoding:
    """How one predictor's bands enter the regression.

    Categories: one indicator per band, so the penalty pulls each band towards the average.
    Numbers and dates: "thermometer" columns, ``band >= j`` for each cut j, so each
    coefficient is the step between two neighbouring bands and the penalty pulls neighbours
    together (a first-order smoothing prior: risk changes gradually with age, unless the
    data insist). A missing value sets the thermometer columns to their training means (the
    average person) and its own indicator, whose coefficient is the step from that average.
    """

    banding: Banding
    means: FloatArray

    @property
    def ordered(self) -> bool:
        return self.banding.kind is not PredictorKind.CATEGORY

    @property
    def width(self) -> int:
        if self.ordered:
            return self.banding.n_bands - 1  # cuts, plus the missing indicator
        return self.banding.n_bands

    @classmethod
    def fit(cls, banding: Banding, bands: IntArray) -> _Encoding:
        if banding.kind is PredictorKind.CATEGORY:
            return cls(banding, np.zeros(0))
        present = bands[bands != banding.missing_band]
        cuts = np.arange(1, banding.n_bands - 1)
        means = (
            (present[:, None] >= cuts[None, :]).mean(axis=0)
            if len(present)
            else np.zeros(len(cuts))
        )
        return cls(banding, np.asarray(means, dtype=np.float64))

    def columns(self, bands: IntArray) -> FloatArray:
        n = len(bands)
        if not self.ordered:
            out = np.zeros((n, self.width))
            out[np.arange(n), bands] = 1.0
            return out
        missing = bands == self.banding.missing_band
        cuts = np.arange(1, self.banding.n_bands - 1)
        thermometer = (bands[:, None] >= cuts[None, :]).astype(np.float64)
        thermometer[missing] = self.means
        return np.column_stack([thermometer, missing.astype(np.float64)])

    def band_effects(self, coef: FloatArray) -> FloatArray:
        """Log-odds effect of each band, from this predictor's coefficients."""
        if not self.ordered:
            return coef
        steps, missing = coef[:-1], coef[-1]
        values = np.concatenate([[0.0], np.cumsum(steps)])
        return np.concatenate([values, [float(self.means @ steps) + missing]])


def _merge_equal_neighbours(
    banding: Banding, points: list[int], rows: list[int]
) -> tuple[Banding, list[int], list[int]]:
    """Join neighbouring bands of a number or date that score the same points.

    Every score stays as it was; the card gets shorter (the smoothing makes neighbours
    often equal once rounded).
    """
    if banding.kind is PredictorKind.CATEGORY:
        return banding, points, rows
    edges = list(banding.edges)
    values, counts = points[:-1], rows[:-1]
    i = 1
    while i < len(values):
        if values[i] == values[i - 1]:
            counts[i - 1] += counts.pop(i)
            values.pop(i)
            edges.pop(i - 1)
        else:
            i += 1
    merged = replace(banding, edges=tuple(edges))
    return merged, [*values, points[-1]], [*counts, rows[-1]]


def fit_points_model(table: RiskTable, rows: IntArray, settings: ModelSettings) -> PointsModel:
    """Fit a points score on the training ``rows`` (indices into ``table``)."""
    y = table.outcome[rows]
    bandings = [fit_banding(p, rows, settings.bands) for p in table.predictors]
    bands = np.column_stack(
        [b.assign(p.values[rows]) for b, p in zip(bandings, table.predictors, strict=True)]
    ).astype(np.int64)
    encodings = [_Encoding.fit(b, bands[:, k]) for k, b in enumerate(bandings)]
    design = np.hstack([e.columns(bands[:, k]) for k, e in enumerate(encodings)])
    # Newton steps suit many rows and few, strongly correlated (thermometer) columns.
    regression = LogisticRegression(C=settings.penalty_c, solver="newton-cholesky", max_iter=200)
    regression.fit(design, y)
    coef = regression.coef_[0]
    scale = settings.points_to_double_odds / math.log(2)
    points: list[tuple[int, ...]] = []
    band_rows: list[tuple[int, ...]] = []
    start = 0
    for k, encoding in enumerate(encodings):
        effects = encoding.band_effects(coef[start : start + encoding.width])
        start += encoding.width
        counts = np.bincount(bands[:, k], minlength=bandings[k].n_bands)
        seen = effects[counts > 0] if (counts > 0).any() else effects
        pts = [int(v) for v in np.round((effects - seen.min()) * scale)]
        bandings[k], pts, kept = _merge_equal_neighbours(bandings[k], pts, [int(c) for c in counts])
        points.append(tuple(pts))
        band_rows.append(tuple(kept))
    model = PointsModel(tuple(bandings), tuple(points), tuple(band_rows), 0.0, 0.0, settings)
    score = model.score(table, rows).astype(np.float64)
    intercept, slope = _score_calibration(score, y)
    return replace(model, intercept=intercept, slope=slope)


def _score_calibration(score: FloatArray, y: npt.NDArray[np.int8]) -> tuple[float, float]:
    """Intercept and slope of log-odds on the rounded score (unpenalised logistic fit)."""
    centre = float(score.mean())
    if np.ptp(score) == 0:  # nothing predicts: every score gets the base rate
        rate = float(np.clip(y.mean(), 1e-6, 1 - 1e-6))
        return math.log(rate / (1 - rate)), 0.0
    fit = LogisticRegression(C=np.inf, max_iter=1000).fit((score - centre)[:, None], y)
    slope = float(fit.coef_[0, 0])
    return float(fit.intercept_[0]) - slope * centre, slope
