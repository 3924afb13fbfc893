"""A person's risk score and band from a saved points model (``risk fit --out``).

The officer gives the model's predictors in the answers file (``risk_predictors``); the
score is the sum of each predictor's points for its band, exactly as the model card reads,
and the band is:

- ``high`` when the model flags the score (at or above its cut-off ``min_score``);
- ``medium`` when not flagged but the predicted probability is at least the instrument's
  ``plan_rules.medium_risk_from``;
- ``low`` otherwise.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from justicelink.errors import ReintegrationError
from justicelink.reintegration.instrument import PlanRules
from justicelink.risk.serialise import SavedModel
from justicelink.risk.table import Predictor, PredictorKind, RiskTable

_EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class RiskReading:
    """A person's score on a saved model, with its terms."""

    score: int
    probability: float
    band: str
    terms: dict[str, int]
    source: str


def _value(kind: PredictorKind, name: str, raw: Any) -> Any:
    if raw is None or raw == "":
        return None if kind is PredictorKind.CATEGORY else math.nan
    if kind is PredictorKind.CATEGORY:
        return str(raw)
    if isinstance(raw, dt.date):
        return float((raw - _EPOCH).days)
    try:
        return float(raw)
    except (TypeError, ValueError):
        try:
            return float((dt.date.fromisoformat(str(raw)) - _EPOCH).days)
        except ValueError:
            raise ReintegrationError(
                f"risk_predictors.{name}: {raw!r} is not a number or a date"
            ) from None


def band_of(score: int, probability: float, model: SavedModel, rules: PlanRules) -> str:
    """The band of a score (see the module's rules)."""
    cutoff = model.flag.min_score
    if cutoff is None:
        raise ReintegrationError(
            "the risk model flags by group; give the officer's risk_band in the answers file"
        )
    if score >= cutoff:
        return "high"
    return "medium" if probability >= rules.medium_risk_from else "low"


def read_risk(
    predictors: dict[str, Any], model: SavedModel, rules: PlanRules, source: str
) -> RiskReading:
    """Score one person on the model.

    Raises:
        ReintegrationError: a predictor the model needs is not given, or not a number.
    """
    points = model.points
    missing = [b.name for b in points.bandings if b.name not in predictors]
    if missing:
        raise ReintegrationError(
            f"risk_predictors: the model needs {', '.join(missing)} (use null for unknown)"
        )
    columns = []
    for banding in points.bandings:
        value = _value(banding.kind, banding.name, predictors[banding.name])
        dtype: type = object if banding.kind is PredictorKind.CATEGORY else np.float64
        columns.append(
            Predictor(banding.name, banding.kind, np.asarray([value], dtype=dtype), banding.unit)
        )
    table = RiskTable(tuple(columns), np.zeros(1, dtype=np.int8))
    terms = points.terms(table)[0]
    score = int(terms.sum())
    probability = float(points.probability_of_score(score))
    return RiskReading(
        score,
        probability,
        band_of(score, probability, model, rules),
        {b.name: int(t) for b, t in zip(points.bandings, terms, strict=True)},
        source,
    )
