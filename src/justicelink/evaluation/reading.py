"""The results in plain words, as the Justice Data Lab writes its summaries.

A difference is called significant at the 5% level. A significant difference is read as what
the evidence suggests, with the range of its 95% confidence interval; anything else is read as
no significant difference, which is not evidence that the programme had no effect.
"""

from __future__ import annotations

import math

from justicelink.evaluation.analysis import Analysis
from justicelink.evaluation.outcomes import Estimate

ALPHA = 0.05


def _pp(value: float) -> str:
    """A share as percentage points, one decimal, without sign."""
    return f"{abs(value) * 100:.1f}"


def significant(estimate: Estimate) -> bool:
    """Whether the difference is significant at the 5% level (two-sided)."""
    return estimate.p_value < ALPHA


def headline(analysis: Analysis, programme: str) -> str:
    """The one-paragraph summary of who was compared and how often they reoffended."""
    if not analysis.can_run:
        return f"The evaluation of {programme} cannot be run: {analysis.cannot_run_reason}."
    rate = analysis.estimates["proven_reoffending_rate"]
    return (
        f"{analysis.matched} people who took part in {programme} were compared with "
        f"{analysis.comparison_persons} people with similar records who had not taken part. "
        "Within a "
        f"year of their index date, {rate.participants * 100:.0f}% of the participants "
        f"committed an offence for which they were convicted or cautioned, against "
        f"{rate.comparison * 100:.0f}% of the comparison group."
    )


def reading(analysis: Analysis, programme: str) -> str:
    """What the one-year proven reoffending rate says about the programme."""
    if not analysis.can_run:
        return "No conclusion can be drawn."
    rate = analysis.estimates["proven_reoffending_rate"]
    low, high = rate.ci
    if significant(rate) and rate.difference < 0:
        return (
            f"The evidence suggests that taking part in {programme} reduced one-year proven "
            f"reoffending, by between {_pp(high)} and {_pp(low)} percentage points."
        )
    if significant(rate):
        return (
            f"The evidence suggests that taking part in {programme} increased one-year "
            f"proven reoffending, by between {_pp(low)} and {_pp(high)} percentage points."
        )
    detect = analysis.minimum_detectable
    power = (
        f" With this many participants, only a reduction of about {_pp(detect)} percentage "
        "points or more could reliably be detected."
        if detect is not None
        else ""
    )
    return (
        "There is no significant difference in one-year proven reoffending between the "
        "participants and the comparison group. This does not mean the programme had no "
        f"effect: the true difference may lie anywhere from {_describe(low)} to "
        f"{_describe(high)}.{power}"
    )


def _describe(value: float) -> str:
    if abs(value) < 0.0005:
        return "no difference"
    direction = "fewer" if value < 0 else "more"
    return f"{_pp(value)} percentage points {direction} reoffending"


def frequency_reading(analysis: Analysis) -> str:
    """What the number of reoffences per person says."""
    estimate = analysis.estimates.get("reoffences_per_person")
    if estimate is None:
        return ""
    per_100 = (estimate.participants * 100, estimate.comparison * 100)
    text = (
        f"Per 100 people, the participants committed {per_100[0]:.0f} proven reoffences in "
        f"the year, the comparison group {per_100[1]:.0f}"
    )
    if not significant(estimate):
        return text + ": not a significant difference."
    low, high = (abs(v) * 100 for v in estimate.ci)
    word = "fewer" if estimate.difference < 0 else "more"
    return text + f": between {min(low, high):.0f} and {max(low, high):.0f} {word} per 100 people."


def sensitivity(analysis: Analysis) -> str:
    """The E-value in words: how strong a hidden difference would need to be."""
    point, limit = analysis.e_values
    if math.isnan(point):
        return ""
    text = (
        "Matching can only make the groups alike on what the records hold. To explain away "
        "the estimated difference in reoffending, something the records do not hold (such as "
        "motivation) would have to make both taking part and reoffending about "
        f"{point:.2f} times as likely (E-value)."
    )
    if limit <= 1:
        return text + " The confidence interval already includes no difference."
    return text + f" To move the confidence interval to include no difference: {limit:.2f}."
