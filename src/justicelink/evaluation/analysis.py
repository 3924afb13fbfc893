"""The analysis of one design: match, check balance, estimate, rate, read.

Pure: it takes the participants and the pool (frames of index events with their features and
outcomes) and returns every figure of the report; it reads and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from justicelink.evaluation import outcomes as oc
from justicelink.evaluation.balance import Row, balance, out_of_balance
from justicelink.evaluation.matching import Matched, features, match, odds_weights, propensity
from justicelink.measures.catalogue import FOLLOW_UP_DAYS

FloatArray = npt.NDArray[np.float64]

#: Outcomes, in report order: name -> (title, whether a share of persons).
OUTCOMES: dict[str, tuple[str, bool]] = {
    "proven_reoffending_rate": ("One-year proven reoffending rate", True),
    "reoffences_per_person": ("Proven reoffences per person (frequency)", False),
    "days_to_first_reoffence": ("Days to the first proven reoffence, among reoffenders", False),
    "custodial_reoffending_rate": ("Share with a reoffence punished by custody", True),
}


@dataclass(frozen=True)
class Settings:
    """How the comparison is built and when the evaluation may be run.

    Attributes:
        caliper_sd: Caliper, in standard deviations of the logit of the propensity score.
        max_matches: Most comparisons matched to one participant.
        min_matched: Fewest matched participants for which results are given (Justice Data
            Lab: 60).
        max_gap_days: Longest wait from the programme start to the index event.
        threshold: Counts of fewer persons than this are not shown in the report.
        exclude_other_programmes: Keep the index events of people who had started any
            programme the warehouse records (by that index date) out of the comparison pool.
    """

    caliper_sd: float = 0.2
    max_matches: int = 5
    min_matched: int = 60
    max_gap_days: int = 1096
    threshold: int = 5
    exclude_other_programmes: bool = True


@dataclass
class Analysis:
    """Every figure of an evaluation (``can_run`` False: only who was evaluated, and why not).

    ``unmatched`` lists the participants placed at an index event but not matched, as (row,
    participant, reason).
    """

    evaluated: int
    matched: int
    can_run: bool
    cannot_run_reason: str | None = None
    comparison_events: int = 0
    comparison_persons: int = 0
    comparison_effective: float = 0.0
    pool_events: int = 0
    outside_support: int = 0
    no_match: int = 0
    support: tuple[float, float] = (0.0, 0.0)
    caliper: float = 0.0
    estimates: dict[str, oc.Estimate] = field(default_factory=dict)
    naive: dict[str, oc.Estimate] = field(default_factory=dict)
    weighted: dict[str, oc.Estimate] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    balance: list[Row] = field(default_factory=list)
    unmatched: list[tuple[int, str, str]] = field(default_factory=list)
    balance_weighted: list[Row] = field(default_factory=list)
    curves: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    minimum_detectable: float | None = None
    e_values: tuple[float, float] = (float("nan"), float("nan"))
    rating: oc.Rating = field(default_factory=lambda: oc.Rating(0, "not rated"))

    @property
    def balanced(self) -> bool:
        """Every feature within the limit after matching."""
        return bool(self.balance) and not out_of_balance(self.balance)


def _outcome_columns(frame: pd.DataFrame) -> dict[str, FloatArray]:
    days = (frame["first_reoffence"] - frame["index_date"]).dt.days.to_numpy(dtype=float)
    reoffended = (frame["reoffences"].to_numpy() > 0).astype(float)
    return {
        "proven_reoffending_rate": reoffended,
        "reoffences_per_person": frame["reoffences"].to_numpy(dtype=float),
        "days_to_first_reoffence": np.where(reoffended > 0, days, np.nan),
        "custodial_reoffending_rate": (frame["custodial_reoffences"].to_numpy() > 0).astype(float),
        "_days": np.where(reoffended > 0, days, float(FOLLOW_UP_DAYS)),
    }


def _estimates(
    yt: dict[str, FloatArray], wt: FloatArray, yc: dict[str, FloatArray], wc: FloatArray
) -> dict[str, oc.Estimate]:
    out = {}
    for name in OUTCOMES:
        a, b = yt[name], yc[name]
        # Days to the first reoffence are defined for reoffenders only.
        ka, kb = np.where(np.isnan(a), 0.0, wt), np.where(np.isnan(b), 0.0, wc)
        if ka.sum() > 0 and kb.sum() > 0:
            out[name] = oc.difference(np.nan_to_num(a), ka, np.nan_to_num(b), kb)
    return out


OUTSIDE_SUPPORT = "outside the common support: no one who had not taken part had a record so alike"
NO_MATCH = "no comparison close enough (outside the caliper)"


def _unmatched(participants: pd.DataFrame, m: Matched) -> list[tuple[int, str, str]]:
    # Frames built by design.choose carry the file's row and label; others, their position.
    position = pd.Series(range(1, len(participants) + 1), index=participants.index)
    rows = participants.get("row", position).astype(int).tolist()
    labels = participants.get("participant", position).astype(str).tolist()
    return [
        (row, label, OUTSIDE_SUPPORT if outside else NO_MATCH)
        for row, label, matched, outside in zip(
            rows, labels, m.matched.tolist(), m.outside_support.tolist(), strict=True
        )
        if not matched
    ]


def analyse(participants: pd.DataFrame, pool: pd.DataFrame, settings: Settings) -> Analysis:
    """Match the participants to the pool and estimate every outcome (see the package doc)."""
    n = len(participants)
    if n < 2 or len(pool) < 2:
        reason = (
            f"only {n} participant(s) could be placed at an index event"
            if n < 2
            else "no comparison index events in the participants' period"
        )
        return Analysis(evaluated=n, matched=0, can_run=False, cannot_run_reason=reason)
    # One frame, so that a feature (the risk score) is used for both groups or for neither.
    x = features(pd.concat([participants, pool], ignore_index=True))
    xt, xc = x.iloc[:n].reset_index(drop=True), x.iloc[n:].reset_index(drop=True)
    score_t, score_c = propensity(xt, xc)
    m: Matched = match(
        score_t, score_c, caliper_sd=settings.caliper_sd, max_matches=settings.max_matches
    )
    wt = m.matched.astype(float)
    matched = int(m.matched.sum())
    result = Analysis(
        evaluated=n,
        matched=matched,
        can_run=matched >= settings.min_matched,
        comparison_events=int((m.weights > 0).sum()),
        comparison_persons=int(pool.loc[m.weights > 0, "person_id"].nunique()),
        comparison_effective=round(oc.effective_size(m.weights), 1),
        pool_events=len(pool),
        outside_support=int(m.outside_support.sum()),
        no_match=int((~m.matched & ~m.outside_support).sum()),
        support=m.support,
        caliper=m.caliper,
        balance=balance(xt, xc, wt, m.weights),
        unmatched=_unmatched(participants, m),
    )
    if not result.can_run:
        result.cannot_run_reason = (
            f"only {matched} participants could be matched to a comparison group; at least "
            f"{settings.min_matched} are needed for a difference that means anything, and "
            "below that few people could be recognised from the figures"
        )
        return result
    yt, yc = _outcome_columns(participants), _outcome_columns(pool)
    result.estimates = _estimates(yt, wt, yc, m.weights)
    result.naive = _estimates(yt, np.ones(n), yc, np.ones(len(pool)))
    iw_t, iw_c = odds_weights(score_t, score_c)
    result.weighted = _estimates(yt, iw_t, yc, iw_c)
    result.balance_weighted = balance(xt, xc, iw_t, iw_c)
    matched_rows = m.matched
    result.counts = {
        "reoffenders": int(yt["proven_reoffending_rate"][matched_rows].sum()),
        "custodial_reoffenders": int(yt["custodial_reoffending_rate"][matched_rows].sum()),
    }
    reoffended_t = yt["proven_reoffending_rate"]
    reoffended_c = yc["proven_reoffending_rate"]
    result.curves = {
        "participants": oc.survival(yt["_days"], reoffended_t, wt, FOLLOW_UP_DAYS),
        "comparison": oc.survival(yc["_days"], reoffended_c, m.weights, FOLLOW_UP_DAYS),
    }
    rate = result.estimates["proven_reoffending_rate"]
    result.minimum_detectable = oc.minimum_detectable_reduction(
        rate.comparison, matched, result.comparison_effective
    )
    result.e_values = oc.e_value(rate)
    result.rating = oc.maryland(matched, settings.min_matched, result.balanced)
    return result
