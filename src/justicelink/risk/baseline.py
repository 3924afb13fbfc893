"""The yardsticks the points score is judged against, fitted on the same folds.

- :class:`PlainLogistic`: the textbook model an analyst would fit first: a logistic
  regression on the predictors as given (numbers and dates linear, standardised, a missing
  value replaced by the median plus a 'was missing' indicator; categories one indicator per
  value, values under the band minimum pooled). Its out-of-fold AUC and error rates at the
  same share flagged show what the banding buys.
- :class:`InstrumentCalibration`: an existing instrument's score (e.g. a decile 1-10) mapped
  to a probability by a logistic regression on the score, so its Brier score and calibration
  can be reported next to the model's. The mapping is monotone: it leaves the instrument's
  AUC and who it flags unchanged.
"""

from __future__ import annotations

import numpy as np
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from justicelink.risk.table import (
    FloatArray,
    IntArray,
    ObjArray,
    OutcomeArray,
    PredictorKind,
    RiskTable,
)

_MISSING = "(missing)"


class PlainLogistic:
    """Logistic regression on the raw predictors (see the module docstring)."""

    def __init__(self, min_count: int) -> None:
        self.min_count = min_count
        self._regression = LogisticRegression(C=1.0, solver="newton-cholesky", max_iter=200)

    def _blocks(self, table: RiskTable, rows: IntArray) -> tuple[FloatArray, ObjArray]:
        numeric = [p for p in table.predictors if p.kind is not PredictorKind.CATEGORY]
        categories = [p for p in table.predictors if p.kind is PredictorKind.CATEGORY]
        x_num = (
            np.column_stack([np.asarray(p.values, dtype=np.float64)[rows] for p in numeric])
            if numeric
            else np.zeros((len(rows), 0))
        )
        x_cat = (
            np.column_stack(
                [
                    np.asarray([_MISSING if v is None else str(v) for v in p.values[rows]])
                    for p in categories
                ]
            )
            if categories
            else np.zeros((len(rows), 0), dtype=str)
        )
        return x_num, x_cat

    def fit(self, table: RiskTable, rows: IntArray) -> PlainLogistic:
        """Fit on the training ``rows``."""
        x_num, x_cat = self._blocks(table, rows)
        # A column never observed in training cannot be imputed: it carries no information.
        self._observed = ~np.all(np.isnan(x_num), axis=0)
        self._num = make_pipeline(
            SimpleImputer(strategy="median", add_indicator=True), StandardScaler()
        )
        self._cat = OneHotEncoder(
            handle_unknown="infrequent_if_exist",
            min_frequency=self.min_count,
            sparse_output=False,
        )
        parts = []
        if self._observed.any():
            parts.append(self._num.fit_transform(x_num[:, self._observed]))
        if x_cat.shape[1]:
            parts.append(self._cat.fit_transform(x_cat))
        self._regression.fit(np.hstack(parts), table.outcome[rows])
        return self

    def probability(self, table: RiskTable, rows: IntArray) -> FloatArray:
        """Predicted probability for ``rows``."""
        x_num, x_cat = self._blocks(table, rows)
        parts = []
        if self._observed.any():
            parts.append(self._num.transform(x_num[:, self._observed]))
        if x_cat.shape[1]:
            parts.append(self._cat.transform(x_cat))
        return np.asarray(self._regression.predict_proba(np.hstack(parts))[:, 1], np.float64)


class InstrumentCalibration:
    """An instrument's score -> probability (logistic on the standardised score)."""

    def fit(self, score: FloatArray, y: OutcomeArray) -> InstrumentCalibration:
        """Fit on training scores and outcomes."""
        self._mean = float(score.mean())
        self._scale = float(score.std()) or 1.0
        self._regression = LogisticRegression(C=np.inf, max_iter=1000)
        self._regression.fit(((score - self._mean) / self._scale)[:, None], y)
        return self

    def probability(self, score: FloatArray) -> FloatArray:
        """Probability for each score."""
        x = ((score - self._mean) / self._scale)[:, None]
        return np.asarray(self._regression.predict_proba(x)[:, 1], dtype=np.float64)
