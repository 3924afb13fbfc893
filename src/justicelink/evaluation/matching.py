"""Propensity scores, caliper matching with replacement, and inverse-probability weights.

The propensity score is the probability of being a participant given what was known at the
index date (:data:`NUMERIC` and :data:`CATEGORICAL`, and a risk score where one exists),
from a logistic regression (scikit-learn). Matching follows the Justice Data Lab: each
participant is matched, with replacement, to up to ``max_matches`` comparison index events
nearest on the logit of the score and within a caliper of ``caliper_sd`` standard deviations
of it (0.2, Austin 2011). A participant outside the range of the comparison scores (the
common support) or with no comparison within the caliper is not matched. Each comparison
weighs ``1 / matches`` for every participant it is matched to.

The alternative estimate weights every comparison in the common support by the odds of its
score, ``e / (1 - e)`` (inverse-probability weights for the effect on the participants).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import NearestNeighbors
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

FloatArray = npt.NDArray[np.float64]

#: Numeric features known at the index date.
NUMERIC = (
    "age",
    "previous_offences",
    "custodial_sentences",
    "years_since_first_offence",
    "index_year",
)
#: Categorical features known at the index date.
CATEGORICAL = (
    "sex",
    "age_band",
    "index_offence_section",
    "disposal",
    "previous_band",
    "area",
)
#: The column of a risk score, used as a feature where the frame has one for every row.
RISK_SCORE = "risk_score"

_AGE_BANDS = ((18, "under 18"), (21, "18-20"), (25, "21-24"), (30, "25-29"), (40, "30-39"))
_PREVIOUS_BANDS = ((1, "0"), (3, "1-2"), (7, "3-6"), (11, "7-10"))


def _band(value: float | None, bands: tuple[tuple[int, str], ...], top: str) -> str:
    if value is None or pd.isna(value):
        return "unknown"
    return next((label for limit, label in bands if value < limit), top)


def features(frame: pd.DataFrame) -> pd.DataFrame:
    """The features of index events (participants or pool), derived from the events frame.

    Age bands follow the proven-reoffending tables (under 18, 18-20, ..., 50+); previous
    offences are banded as there (0, 1-2, 3-6, 7-10, 11+). A missing age is ``unknown`` in
    the band and the pool's median in the number (so the band carries the missingness).
    """
    out = pd.DataFrame(index=frame.index)
    age = pd.to_numeric(frame["age"], errors="coerce")
    out["age_band"] = [_band(a, _AGE_BANDS, "50+") for a in age.tolist()]
    out["previous_band"] = [
        _band(v, _PREVIOUS_BANDS, "11+") for v in frame["previous_offences"].tolist()
    ]
    out["age"] = age
    out["previous_offences"] = frame["previous_offences"].astype(float)
    out["custodial_sentences"] = frame["custodial_sentences"].astype(float)
    gap = (frame["index_date"] - frame["first_offence"]).dt.days / 365.25
    out["years_since_first_offence"] = gap.clip(lower=0).astype(float)
    out["index_year"] = frame["index_date"].dt.year.astype(float)
    for column in ("sex", "index_offence_section", "disposal", "area"):
        out[column] = frame[column].fillna("unknown").astype(str)
    if RISK_SCORE in frame and frame[RISK_SCORE].notna().all():
        out[RISK_SCORE] = frame[RISK_SCORE].astype(float)
    return out


def numeric_columns(x: pd.DataFrame) -> list[str]:
    """The numeric features present (the risk score when the frame has one)."""
    return [c for c in (*NUMERIC, RISK_SCORE) if c in x]


def propensity(treated: pd.DataFrame, pool: pd.DataFrame) -> tuple[FloatArray, FloatArray]:
    """Propensity scores of the participants and of the pool, from one logistic regression.

    Numeric features are standardised (a missing age takes the median); categories are
    one-hot encoded. The model is scikit-learn's L2-regularised logistic regression (C=1), a
    mild penalty that keeps the fit stable when a category holds few participants.
    """
    x = pd.concat([treated, pool], ignore_index=True)
    numeric = numeric_columns(x)
    x[numeric] = x[numeric].fillna(x[numeric].median())
    y = np.r_[np.ones(len(treated)), np.zeros(len(pool))]
    encode = ColumnTransformer(
        [
            ("numbers", StandardScaler(), numeric),
            ("categories", OneHotEncoder(handle_unknown="ignore"), list(CATEGORICAL)),
        ]
    )
    model = make_pipeline(encode, LogisticRegression(C=1.0, max_iter=5000))
    model.fit(x, y)
    score = np.clip(model.predict_proba(x)[:, 1], 1e-9, 1 - 1e-9)
    return score[: len(treated)], score[len(treated) :]


def logit(p: FloatArray) -> FloatArray:
    out: FloatArray = np.log(p / (1 - p))
    return out


@dataclass(frozen=True)
class Matched:
    """The result of matching.

    Attributes:
        matched: Per participant, whether at least one comparison was found.
        outside_support: Per participant, whether its score lies outside the pool's range.
        weights: Per pool row, its weight in the comparison group (0: unused).
        matches: Per participant, the number of comparisons matched.
        caliper: The caliper on the logit of the score.
        support: The common-support region of the score, (low, high).
    """

    matched: npt.NDArray[np.bool_]
    outside_support: npt.NDArray[np.bool_]
    weights: FloatArray
    matches: npt.NDArray[np.int64]
    caliper: float
    support: tuple[float, float]


def match(
    score_t: FloatArray, score_c: FloatArray, *, caliper_sd: float, max_matches: int
) -> Matched:
    """Nearest-neighbour matching on the logit of the score, with replacement, in a caliper.

    Args:
        score_t: Participants' propensity scores.
        score_c: Pool's propensity scores.
        caliper_sd: Caliper in standard deviations of the logit over all index events.
        max_matches: Most comparisons per participant.
    """
    lt, lc = logit(score_t), logit(score_c)
    caliper = float(caliper_sd * np.std(np.r_[lt, lc]))
    low, high = float(max(score_t.min(), score_c.min())), float(min(score_t.max(), score_c.max()))
    outside = (score_t < score_c.min()) | (score_t > score_c.max())
    k = min(max_matches, len(lc))
    distance, index = NearestNeighbors(n_neighbors=k).fit(lc[:, None]).kneighbors(lt[:, None])
    within = (distance <= caliper) & ~outside[:, None]
    matches = within.sum(axis=1)
    weights = np.zeros(len(lc))
    share = np.where(matches > 0, 1.0 / np.maximum(matches, 1), 0.0)
    np.add.at(weights, index[within], np.repeat(share, matches))
    return Matched(matches > 0, outside, weights, matches, caliper, (low, high))


def odds_weights(score_t: FloatArray, score_c: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Weights for the effect on the participants: 1 for each participant in the common
    support (0 outside), ``e / (1 - e)`` for each comparison in it, scaled to the participants'
    number.
    """
    low, high = max(score_t.min(), score_c.min()), min(score_t.max(), score_c.max())
    inside_t = (score_t >= low) & (score_t <= high)
    inside_c = (score_c >= low) & (score_c <= high)
    w_t = inside_t.astype(float)
    w_c = np.where(inside_c, score_c / (1 - score_c), 0.0)
    if w_c.sum() > 0:
        w_c = w_c * w_t.sum() / w_c.sum()
    return w_t, w_c
