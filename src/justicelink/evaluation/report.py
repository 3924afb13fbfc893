"""An evaluation's results as one document: the JSON that ``--json`` prints and the HTML reads.

The JSON is the analyst's full result (it lists the participant rows left out, for the
organisation to check); the HTML report is the one to publish, and hides every count of
fewer than ``threshold`` persons (see :mod:`justicelink.evaluation.html`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from justicelink.evaluation import reading
from justicelink.evaluation.analysis import OUTCOMES, Analysis, Settings
from justicelink.evaluation.balance import SMD_LIMIT, out_of_balance
from justicelink.evaluation.design import NotEvaluated
from justicelink.evaluation.outcomes import Estimate
from justicelink.measures.catalogue import proven_reoffending_rate

INDEX_DATE_RULE = (
    "A participant's index date is the date of their first proven-reoffending index event on "
    "or after the programme start: a caution, a conviction with a non-custodial sentence, or "
    "a release from custody (for someone in custody when the programme starts, the release "
    "that follows it). Comparison index events are those, in the same period, of people who "
    "had not started the programme (nor any programme the records hold) by that date."
)
MATCHING = (
    "Propensity score matching with replacement, as the Justice Data Lab does: a logistic "
    "regression (scikit-learn) gives each index event its probability of being a "
    "participant's from what was known at the index date; each participant is matched to up "
    "to {k} comparisons nearest on the logit of that score within a caliper of {c} standard "
    "deviations of it. Differences are the participants' mean minus the comparison group's "
    "weighted mean, with a 95% confidence interval and p-value from a heteroskedasticity-"
    "robust standard error of a weighted least-squares fit on the matched sample "
    "(statsmodels): a matched comparison of the two groups in which a comparison used for "
    "several participants counts as often as it is used."
)
ALTERNATIVE = (
    "Inverse-probability weighting for the effect on the participants: every comparison in "
    "the common support weighted by the odds of its propensity score."
)
FEATURES = (
    "age and age band, sex, index offence (ICCS section), index disposal (caution, "
    "non-custodial conviction, release from custody), number of previous proven offences and "
    "its band, previous custodial sentences, years since the first proven offence, year of "
    "the index date, area (of the latest police-recorded offence), and a risk score where one "
    "exists"
)


@dataclass
class Evaluation:
    """One programme's evaluation.

    Attributes:
        programme: The programme's name, as given.
        submitted: Rows of the participant list.
        left_out: Participants not evaluated, and why.
        analysis: The figures.
        settings: How it was run.
        data_end: The last day of the data.
        last_complete: The latest index date with a complete follow-up.
    """

    programme: str
    submitted: int
    left_out: list[NotEvaluated]
    analysis: Analysis
    settings: Settings
    data_end: dt.date | None
    last_complete: dt.date | None

    def reasons(self) -> dict[str, int]:
        """Participants left out, by reason (most frequent first)."""
        return dict(Counter(x.reason for x in self.left_out).most_common())

    def to_json(self) -> dict[str, Any]:
        """Everything the report says, as the JSON ``justicelink evaluate --json`` prints."""
        a = self.analysis
        payload: dict[str, Any] = {
            "programme": self.programme,
            "participants": self.submitted,
            "evaluated_participants": a.evaluated,
            "matched_participants": a.matched,
            "can_run": a.can_run,
            "cannot_run_reason": a.cannot_run_reason,
            "summary": reading.headline(a, self.programme),
            "reading": reading.reading(a, self.programme),
            "outcomes": {},
            "balance": _balance(a),
            "not_evaluated": [asdict(x) for x in self.left_out],
            "not_evaluated_by_reason": self.reasons(),
            "unmatched": [
                {"row": row, "participant": label, "reason": reason}
                for row, label, reason in a.unmatched
            ],
            "comparison": {
                "pool_index_events": a.pool_events,
                "matched_index_events": a.comparison_events,
                "matched_persons": a.comparison_persons,
                "effective_size": a.comparison_effective,
            },
            "common_support": {
                "propensity_low": _round(a.support[0]),
                "propensity_high": _round(a.support[1]),
                "caliper_logit": _round(a.caliper),
                "outside_support": a.outside_support,
                "no_comparison_within_caliper": a.no_match,
            },
            "method": {
                "index_date_rule": INDEX_DATE_RULE,
                "matching": MATCHING.format(
                    k=self.settings.max_matches, c=self.settings.caliper_sd
                ),
                "features": FEATURES,
                "confidence_interval": "matched comparison, robust (HC1) standard error",
                "alternative": ALTERNATIVE,
                "outcome_definition": proven_reoffending_rate.definition(),
                "settings": asdict(self.settings),
            },
            "data": {
                "data_end": _iso(self.data_end),
                "last_complete_index_date": _iso(self.last_complete),
            },
        }
        if not a.can_run:
            return payload
        payload["outcomes"] = {
            name: _estimate(a.estimates[name], a.naive.get(name))
            for name in OUTCOMES
            if name in a.estimates
        }
        payload["alternative"] = {
            "method": ALTERNATIVE,
            "outcomes": {name: _estimate(e, None) for name, e in a.weighted.items()},
            "balanced": not out_of_balance(a.balance_weighted),
        }
        payload["time_to_first_reoffence"] = {
            group: [[day, round(1 - share, 6)] for day, share in points]
            for group, points in a.curves.items()
        }
        payload["minimum_detectable_effect"] = _round(a.minimum_detectable)
        payload["sensitivity"] = {
            "method": "E-value (VanderWeele and Ding 2017) of the reoffending rate ratio",
            "e_value": _round(a.e_values[0]),
            "e_value_ci": _round(a.e_values[1]),
            "reading": reading.sensitivity(a),
        }
        payload["maryland_scale"] = {"level": a.rating.level, "reason": a.rating.reason}
        payload["frequency_reading"] = reading.frequency_reading(a)
        return payload


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _round(value: float | None, digits: int = 6) -> float | None:
    if value is None or math.isnan(value) or math.isinf(value):
        return None
    return round(float(value), digits)


def _estimate(e: Estimate, naive: Estimate | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "participants": _round(e.participants),
        "comparison": _round(e.comparison),
        "difference": _round(e.difference),
        "ci": [_round(e.ci[0]), _round(e.ci[1])],
        "p_value": _round(e.p_value),
        "significant": reading.significant(e),
    }
    if naive is not None:
        out["naive_difference"] = _round(naive.difference)
        out["naive_ci"] = [_round(naive.ci[0]), _round(naive.ci[1])]
    return out


def _balance(a: Analysis) -> dict[str, Any]:
    return {
        "limit": SMD_LIMIT,
        "balanced": a.balanced,
        "out_of_balance": [r.feature for r in out_of_balance(a.balance)],
        "features": [
            {
                "feature": r.feature,
                "participants": _round(r.participants, 4),
                "comparison": _round(r.comparison, 4),
                "pool": _round(r.pool, 4),
                "smd_before": _round(r.smd_before, 4),
                "smd_after": _round(r.smd_after, 4),
            }
            for r in a.balance
        ],
    }
