"""The evaluation report as one self-contained HTML file (no script, no network).

Written for the organisation to publish: a count of fewer than ``threshold`` persons is never
shown (it reads "fewer than 5"), nor a share whose persons, or the rest of its group, number
fewer than that.
"""

from __future__ import annotations

from typing import Any

import jinja2

from justicelink import __version__
from justicelink.evaluation import reading
from justicelink.evaluation.analysis import OUTCOMES
from justicelink.evaluation.balance import SMD_LIMIT, out_of_balance
from justicelink.evaluation.charts import love_plot, survival_chart
from justicelink.evaluation.report import (
    ALTERNATIVE,
    FEATURES,
    INDEX_DATE_RULE,
    MATCHING,
    Evaluation,
)
from justicelink.measures.catalogue import FOLLOW_UP_DAYS, proven_reoffending_rate
from justicelink.report.svg import bar_chart


def _small(count: int | None, threshold: int) -> bool:
    return count is not None and 0 < count < threshold


def hidden_outcomes(evaluation: Evaluation) -> set[str]:
    """Share outcomes whose participants with (or without) the outcome are too few to show."""
    a, limit = evaluation.analysis, evaluation.settings.threshold
    hidden = set()
    for name, counted in (
        ("proven_reoffending_rate", "reoffenders"),
        ("custodial_reoffending_rate", "custodial_reoffenders"),
    ):
        n = a.counts.get(counted)
        if n is not None and (_small(n, limit) or _small(a.matched - n, limit)):
            hidden.add(name)
    if "proven_reoffending_rate" in hidden:
        hidden |= {"days_to_first_reoffence", "reoffences_per_person"}
    return hidden


def render(evaluation: Evaluation) -> str:
    """The report's HTML text."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("justicelink.evaluation", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )
    limit = evaluation.settings.threshold

    def count(value: int | None) -> str:
        if value is None:
            return "–"
        return f"fewer than {limit}" if _small(int(value), limit) else f"{int(value):,}"

    env.filters["count"] = count
    env.filters["pct"] = lambda v: "–" if v is None else f"{float(v) * 100:.1f}%"
    env.filters["pp"] = lambda v: "–" if v is None else f"{float(v) * 100:+.1f}"
    env.filters["num"] = lambda v: "–" if v is None else f"{float(v):,.2f}"
    a = evaluation.analysis
    hidden = hidden_outcomes(evaluation)
    context: dict[str, Any] = {
        "e": evaluation,
        "a": a,
        "data": evaluation.to_json(),
        "version": __version__,
        "outcomes": OUTCOMES,
        "hidden": hidden,
        "threshold": limit,
        "smd_limit": SMD_LIMIT,
        "unbalanced": out_of_balance(a.balance),
        "summary": reading.headline(a, evaluation.programme),
        "reading": reading.reading(a, evaluation.programme),
        "frequency": reading.frequency_reading(a),
        "sensitivity": reading.sensitivity(a),
        "rule": INDEX_DATE_RULE,
        "matching": MATCHING.format(
            k=evaluation.settings.max_matches, c=evaluation.settings.caliper_sd
        ),
        "alternative": ALTERNATIVE,
        "features": FEATURES,
        "definition": proven_reoffending_rate.definition(),
        "small": lambda n: _small(n, limit),
        "love": love_plot(a.balance, title="Standardised mean differences"),
        "survival": "",
        "rates": "",
    }
    if a.can_run and "proven_reoffending_rate" not in hidden:
        rate = a.estimates["proven_reoffending_rate"]
        context["rates"] = bar_chart(
            [("Participants", rate.participants), ("Comparison group", rate.comparison)],
            title="One-year proven reoffending rate",
            percent=True,
        )
        context["survival"] = survival_chart(
            {"Participants": a.curves["participants"], "Comparison group": a.curves["comparison"]},
            title="Share who have reoffended, by days since the index date",
            horizon=FOLLOW_UP_DAYS,
        )
    return env.get_template("evaluation.html.j2").render(**context)
