"""Transparent risk of reoffending: a points score, validated out of fold, broken down by group.

The core takes a :class:`RiskTable` (typed predictors, a 0/1 outcome, optional group columns
and an instrument to compare), whatever its source:

- :mod:`table`: the table; :mod:`cohort_spec` and :mod:`cohort_file`: reading one from a
  cohort file and its mapping (``risk fit --data``);
- :mod:`bands` and :mod:`points`: the points score (banded logistic regression rounded to
  whole points); :mod:`baseline`: the plain logistic yardstick and instrument calibration;
- :mod:`validate`: stratified K-fold, out-of-fold predictions and flags; :mod:`flags`: who
  is flagged; :mod:`metrics`: AUC with DeLong CI, Brier, reliability and ECE, error rates;
- :mod:`fairness`: the breakdown by group and the calibration / equal-error-rate trade-off;
- :mod:`fit`: all of it in one call; :mod:`serialise` and :mod:`card`: the saved model with
  its manifest, and its one-page card.
"""

from __future__ import annotations

from justicelink.risk.fit import Provenance, RiskResult, fit_and_validate
from justicelink.risk.flags import DEFAULT_FLAG_SHARE, FlagRule
from justicelink.risk.points import ModelSettings, PointsModel, fit_points_model
from justicelink.risk.serialise import SavedModel, load_model, save_model
from justicelink.risk.table import Predictor, PredictorKind, RiskTable, Unit
from justicelink.risk.validate import ValidationSettings

__all__ = [
    "DEFAULT_FLAG_SHARE",
    "FlagRule",
    "ModelSettings",
    "PointsModel",
    "Predictor",
    "PredictorKind",
    "Provenance",
    "RiskResult",
    "RiskTable",
    "SavedModel",
    "Unit",
    "ValidationSettings",
    "fit_and_validate",
    "fit_points_model",
    "load_model",
    "save_model",
]
