"""Balance: how alike participants and comparisons are, feature by feature.

The standardised mean difference of a feature is the difference of the two groups' (weighted)
means divided by ``sqrt((s1² + s0²) / 2)``, the standard deviations of the participants and
of the whole pool before matching, so that before and after share one yardstick (Austin
2009). A category counts as a 0/1 feature per value. Above 0.1 in absolute value after
matching, a feature is out of balance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from justicelink.evaluation.matching import CATEGORICAL, numeric_columns

FloatArray = npt.NDArray[np.float64]
#: The largest absolute standardised mean difference that counts as balanced.
SMD_LIMIT = 0.1

_LABELS = {
    "age": "age at the index date (years)",
    "previous_offences": "previous proven offences",
    "custodial_sentences": "previous custodial sentences",
    "years_since_first_offence": "years since the first proven offence",
    "index_year": "year of the index date",
    "risk_score": "risk score",
    "sex": "sex",
    "age_band": "age band",
    "index_offence_section": "index offence, ICCS section",
    "disposal": "index disposal",
    "previous_band": "previous offences, band",
    "area": "area",
}


@dataclass(frozen=True)
class Row:
    """One feature (or one value of a categorical feature) before and after matching.

    Attributes:
        feature: The feature's name (``sex = female`` for a category value).
        label: Its words for the report.
        participants: Participants' mean (share for a category value).
        participants_count: Participants with the value (categories only; None for numbers).
        comparison: The weighted comparison mean after matching.
        pool: The whole pool's mean before matching.
        smd_before: Standardised mean difference before matching.
        smd_after: After matching.
    """

    feature: str
    label: str
    participants: float
    participants_count: int | None
    comparison: float
    pool: float
    smd_before: float
    smd_after: float


def _columns(x: pd.DataFrame) -> list[tuple[str, str, str, pd.Series]]:
    """(feature, label, kind, values) with one 0/1 column per category value."""
    out: list[tuple[str, str, str, pd.Series]] = []
    for name in numeric_columns(x):
        values = x[name].astype(float)
        out.append((name, _LABELS[name], "number", values.fillna(values.median())))
    for name in CATEGORICAL:
        for value in sorted(x[name].unique(), key=str):
            flag = (x[name] == value).astype(float)
            out.append((f"{name} = {value}", f"{_LABELS[name]}: {value}", "category", flag))
    return out


def _mean(values: FloatArray, weights: FloatArray) -> float:
    total = weights.sum()
    return float((values * weights).sum() / total) if total > 0 else float("nan")


def balance(
    treated: pd.DataFrame,
    pool: pd.DataFrame,
    w_treated: FloatArray,
    w_pool: FloatArray,
) -> list[Row]:
    """Standardised mean differences of every feature, before and after weighting.

    Args:
        treated: Participants' features (all evaluated participants).
        pool: The pool's features.
        w_treated: Participants' weights after matching (0 for the unmatched).
        w_pool: The pool's weights after matching.
    """
    both = pd.concat([treated, pool], ignore_index=True)
    n = len(treated)
    rows: list[Row] = []
    for feature, label, kind, values in _columns(both):
        v = values.to_numpy(dtype=float)
        vt, vc = v[:n], v[n:]
        spread = np.sqrt((vt.var(ddof=1) + vc.var(ddof=1)) / 2) if n > 1 else 0.0
        before = float(vt.mean() - vc.mean())
        after = _mean(vt, w_treated) - _mean(vc, w_pool)

        def standardised(diff: float, spread: float = float(spread)) -> float:
            if spread > 0:
                return round(diff / spread, 4)
            return 0.0 if abs(diff) < 1e-12 else float("inf")

        rows.append(
            Row(
                feature=feature,
                label=label,
                participants=round(_mean(vt, w_treated), 4),
                participants_count=int(vt[w_treated > 0].sum()) if kind == "category" else None,
                comparison=round(_mean(vc, w_pool), 4),
                pool=round(float(vc.mean()), 4),
                smd_before=standardised(before),
                smd_after=standardised(after),
            )
        )
    return rows


def out_of_balance(rows: list[Row]) -> list[Row]:
    """The features whose standardised difference after matching exceeds :data:`SMD_LIMIT`."""
    return [r for r in rows if abs(r.smd_after) > SMD_LIMIT]
