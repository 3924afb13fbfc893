"""The evaluation page shows a result that can be read: the figures of a real run on a
generated cohort with a known effect, as the analysis computed them."""

from __future__ import annotations

import re
from importlib import resources
from types import SimpleNamespace

import jinja2
from test_evaluation_truth import _cohort

from justicelink.evaluation.analysis import Settings, analyse
from justicelink.evaluation.report import Evaluation


def _page(result: dict[str, object]) -> str:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resources.files("justicelink.web") / "templates")),
        autoescape=True,
    )
    env.globals.update(navigation=(), allowed=lambda *_: False, version="test")
    account = SimpleNamespace(name="ana", role="analyst", agency_id=None)
    return env.get_template("evaluate.html.j2").render(
        request=SimpleNamespace(url=SimpleNamespace(path="/evaluate")),
        principal=SimpleNamespace(account=account),
        csrf="token",
        kept=[],
        keep_minutes=60,
        min_purpose=10,
        programme="Work Ready",
        purpose="",
        error="",
        result=result,
        token="abc",
    )


def test_a_run_that_can_be_read_shows_its_difference_interval_and_reading() -> None:
    treated, pool, truth = _cohort(seed=0, effect=-0.08)
    analysis = analyse(treated, pool, Settings())
    result = Evaluation("Work Ready", len(treated), [], analysis, Settings(), None, None).to_json()
    html = _page(result)
    rate = result["outcomes"]["proven_reoffending_rate"]  # type: ignore[index]
    row = re.search(r"<tr><td>proven reoffending rate</td>(.*?)</tr>", html)
    assert row, "no row for the reoffending rate"
    cells = re.findall(r'<td class="n[^"]*">([^<]*)</td>', row.group(1))
    assert cells[2] == f"{rate['difference']:+.3f}"
    assert cells[3] == f"{rate['ci'][0]:+.3f} to {rate['ci'][1]:+.3f}"
    # The generated effect (-8 points) is what the page reports, within its interval.
    assert rate["ci"][0] <= truth <= rate["ci"][1]
    assert str(jinja2.filters.escape(result["reading"])) in html
    assert "cannot be run" not in html and "/evaluate/abc/evaluation.html" in html


def test_too_few_matched_says_why_and_shows_no_figures() -> None:
    treated, pool, _ = _cohort(seed=1, effect=-0.08)
    analysis = analyse(treated.head(40), pool, Settings())
    result = Evaluation("Work Ready", 40, [], analysis, Settings(), None, None).to_json()
    html = _page(result)
    assert not result["can_run"] and "cannot be run" in html
    assert str(jinja2.filters.escape(result["cannot_run_reason"])) in html
    assert "95% confidence interval" not in html
