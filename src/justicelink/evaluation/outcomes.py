"""Outcomes with their uncertainty: differences, survival, detectable effects, hidden bias.

Every difference is the participants' mean minus the comparison group's weighted mean, from a
weighted least-squares fit of the outcome on participation (statsmodels) with a
heteroskedasticity-robust (HC1) standard error: a comparison used for several participants
counts with its summed weight, so the reuse that matching with replacement brings widens the
interval. The 95% confidence interval and the two-sided p-value are the normal ones from that
standard error.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import statsmodels.api as sm
from lifelines import KaplanMeierFitter
from statsmodels.stats.power import NormalIndPower

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Estimate:
    """One outcome: the two groups' means and their difference with its uncertainty."""

    participants: float
    comparison: float
    difference: float
    ci: tuple[float, float]
    p_value: float
    standard_error: float


def difference(y_t: FloatArray, w_t: FloatArray, y_c: FloatArray, w_c: FloatArray) -> Estimate:
    """Weighted difference of means with a robust standard error (see the module docstring).

    Rows of weight 0 take no part.
    """
    keep_t, keep_c = w_t > 0, w_c > 0
    y = np.r_[y_t[keep_t], y_c[keep_c]].astype(float)
    treated = np.r_[np.ones(keep_t.sum()), np.zeros(keep_c.sum())]
    weights = np.r_[w_t[keep_t], w_c[keep_c]]
    mean_t = float(np.average(y_t[keep_t], weights=w_t[keep_t]))
    mean_c = float(np.average(y_c[keep_c], weights=w_c[keep_c]))
    fit = sm.WLS(y, sm.add_constant(treated), weights=weights).fit(cov_type="HC1")
    diff = float(fit.params[1])
    se = float(fit.bse[1])
    if not se > 0:  # no variation in either group: the difference is exact
        return Estimate(mean_t, mean_c, diff, (diff, diff), 1.0 if diff == 0 else 0.0, 0.0)
    low, high = (float(v) for v in fit.conf_int(alpha=0.05)[1])
    return Estimate(mean_t, mean_c, diff, (low, high), float(fit.pvalues[1]), se)


def effective_size(weights: FloatArray) -> float:
    """Kish's effective sample size of weighted units, ``(sum w)^2 / sum w^2``."""
    w = weights[weights > 0]
    return float(w.sum() ** 2 / (w**2).sum()) if len(w) else 0.0


def minimum_detectable_reduction(
    comparison_rate: float, participants: int, comparison_size: float
) -> float | None:
    """The smallest fall in a rate the design would detect with 80% power at 5% (two-sided).

    Solved by statsmodels on Cohen's h for two independent proportions (the comparison group
    at its effective size), and turned back into percentage points below
    ``comparison_rate``. None when the rate is 0 or 1, or no size is large enough.
    """
    if not 0 < comparison_rate < 1 or participants < 2 or comparison_size < 2:
        return None
    h = NormalIndPower().solve_power(
        effect_size=None,
        nobs1=participants,
        alpha=0.05,
        power=0.8,
        ratio=comparison_size / participants,
    )
    angle = math.asin(math.sqrt(comparison_rate)) - float(h) / 2
    lower = math.sin(max(angle, 0.0)) ** 2
    return comparison_rate - lower


def e_value(estimate: Estimate) -> tuple[float, float]:
    """E-values (VanderWeele and Ding 2017) for a difference in rates, and for its CI.

    The risk ratio is participants' rate over the comparison's; the E-value is the smallest
    risk ratio an unmeasured confounder would need with both participation and reoffending
    to explain the estimate away: ``RR + sqrt(RR (RR - 1))`` for RR >= 1 (its inverse first
    when below 1). For the interval, the limit nearer 1 is used; an interval that contains no
    difference gives 1. Written out because it is a closed formula that no maintained Python
    library provides.
    """

    def value(rr: float) -> float:
        if not rr > 0:
            return float("inf")
        rr = rr if rr >= 1 else 1 / rr
        return rr + math.sqrt(rr * (rr - 1))

    base = estimate.comparison
    if base <= 0:
        return float("nan"), float("nan")
    point = value(estimate.participants / base)
    low, high = ((base + limit) / base for limit in estimate.ci)
    if low <= 1 <= high:
        return round(point, 3), 1.0
    return round(point, 3), round(value(low if low > 1 else high), 3)


def survival(
    days: FloatArray, reoffended: FloatArray, weights: FloatArray, horizon: int
) -> list[tuple[int, float]]:
    """Kaplan-Meier share not yet reoffending, by day since the index date (lifelines).

    Args:
        days: Days to the first reoffence, or the horizon for those who did not reoffend.
        reoffended: 1 when the first reoffence was observed.
        weights: Case weights (comparisons used several times weigh more).
        horizon: Last day of the follow-up.

    Returns:
        (day, share) at each day the curve steps, from day 0 to the horizon.
    """
    fitter = KaplanMeierFitter()
    keep = weights > 0
    with warnings.catch_warnings():
        # lifelines warns that non-integer weights call for robust variance; only the curve
        # is used here, not its variance.
        warnings.simplefilter("ignore")
        fitter.fit(days[keep], event_observed=reoffended[keep], weights=weights[keep])
    curve = fitter.survival_function_.iloc[:, 0]
    points = [(int(t), float(s)) for t, s in curve.items() if t <= horizon]
    if points[-1][0] < horizon:
        points.append((horizon, points[-1][1]))
    return points


@dataclass(frozen=True)
class Rating:
    """The design's level on the Maryland Scientific Methods Scale, with its reason."""

    level: int
    reason: str


def maryland(matched: int, minimum: int, balanced: bool) -> Rating:
    """Level 3 for a matched comparison group alike on what was recorded; 2 if not alike.

    The scale (Sherman et al. 1997) runs from 1 (a correlation) to 5 (random assignment).
    Level 3 asks for a comparison group comparable to the treated; matching on recorded
    characteristics reaches it when the groups balance. It cannot reach level 4: what was
    not recorded (motivation, say) may still differ.
    """
    if matched < minimum:
        return Rating(0, f"not rated: fewer than {minimum} matched participants")
    if balanced:
        return Rating(
            3,
            "a comparison group matched on what was recorded at the index date, balanced on "
            "every feature (level 3); not higher, because what was not recorded may differ",
        )
    return Rating(
        2,
        "a comparison group that stays unlike the participants on some recorded features "
        "after matching (level 2: a comparison without adequate control for differences)",
    )
