"""`evaluate` on a synthetic country whose programmes have known effects (one seed).

The country (12,000 persons) is ingested and linked with its true persons (the truth's own
linkage, so that the check is of the evaluation, not of linkage; the 20-seed benchmark runs
real linkage). Expected values come from truth/programmes.json: each programme's effect on
its participants, acted out by the generator on their offending.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
import sqlglot.expressions as exp

from justicelink.app.evaluation import evaluate
from justicelink.evaluation import read_participants
from justicelink.ingest import ingest
from justicelink.linkage.evaluate import read_truth, true_persons
from justicelink.synth import generate_country
from justicelink.warehouse import open_warehouse

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def country(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("evaluation")
    generate_country(root / "country", people=12_000, seed=1)
    ingest(root / "country", root / "w.duckdb")
    with open_warehouse(root / "w.duckdb") as warehouse:
        rows = warehouse.fetch(
            exp.select("record_id", "source_file", "source_row").from_("person_record")
        )
        truth = true_persons(
            read_truth(root / "country" / "truth"), {r: (f, int(n)) for r, f, n in rows}
        )
        warehouse.register(
            "truth_link", pa.table({"record_id": list(truth), "person_id": list(truth.values())})
        )
        warehouse.execute(
            exp.insert(
                exp.select("record_id", "person_id", "1.0").from_("truth_link"),
                "record_person",
                columns=["record_id", "person_id", "match_probability"],
            )
        )
        warehouse.execute(
            exp.insert(
                exp.select("person_id", "count(*)").from_("truth_link").group_by("person_id"),
                "person",
                columns=["person_id", "records"],
            )
        )
        warehouse.unregister("truth_link")
    return root


def _truth(country: Path) -> dict[str, Any]:
    text = (country / "country" / "truth" / "programmes.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def test_a_programme_without_effect_is_not_called_effective(country: Path) -> None:
    truth = {p["name"]: p for p in _truth(country)["programmes"]}
    mentoring = truth["Community Mentoring"]
    assert mentoring["rate_ratio"] == 1.0
    result = evaluate(country / "w.duckdb", "Community Mentoring", out_dir=country / "cm")
    data = result.to_json()
    # With the true linkage, the rule finds every participant the truth counts as evaluable.
    assert data["evaluated_participants"] == mentoring["evaluable"]
    assert data["matched_participants"] >= 60
    rate = data["outcomes"]["proven_reoffending_rate"]
    assert rate["participants"] == pytest.approx(
        mentoring["proven_reoffending_rate"]["with_programme"], abs=0.02
    )
    assert rate["ci"][0] <= 0 <= rate["ci"][1]
    assert not rate["significant"]
    assert "does not mean the programme had no effect" in data["reading"]
    html = (country / "cm" / "evaluation.html").read_text(encoding="utf-8")
    assert "<script" not in html
    assert "No significant difference" in html or "no significant difference" in html


def test_the_placebo_is_biased_naively_and_not_when_matched(country: Path) -> None:
    rows = read_participants(country / "country" / "truth" / "placebo.csv")
    data = evaluate(country / "w.duckdb", "Placebo", participants=rows).to_json()
    rate = data["outcomes"]["proven_reoffending_rate"]
    assert rate["ci"][0] <= 0 <= rate["ci"][1]
    # The placebo's people were chosen, like participants, for their records: the unmatched
    # comparison (with everyone else) is far off; the matched one is not.
    assert abs(rate["naive_difference"]) > 2 * abs(rate["difference"])
    assert abs(rate["naive_difference"]) > 0.05
