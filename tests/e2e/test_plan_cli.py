"""`justicelink plan` as an officer runs it, on a small synthetic country.

The country's programme provider delivers its catalogue like any agency (ingested into the
warehouse); an officer assesses a person twice (first with a fitted risk model, then again),
has a plan proposed, decides on each action, prints the plan, and the audit log shows each
step with its purpose. Expected values come from the model file (points per band read from
model.json), the synthetic country's catalogue (synth/programmes.py) and the instrument's
rules worked by hand.
"""

from __future__ import annotations

import csv
import json
import math
import os
import sqlite3
from pathlib import Path

import numpy as np
import pytest
import yaml
from _cli import run_cli
from click.testing import Result
from typer.testing import CliRunner

from justicelink.cli import app
from justicelink.synth.programmes import CATALOGUE


@pytest.fixture(scope="module")
def country(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("plan")
    run_cli("synth", "--out", "country", "--people", "600", "--seed", "11", cwd=root)
    run_cli("ingest", "country", "--warehouse", "w.duckdb", cwd=root)
    return root


def _cohort(root: Path) -> Path:
    """A cohort of category predictors with a known effect, fitted to a points model."""
    rng = np.random.default_rng(5)
    n = 1500
    priors = rng.choice(["none", "some", "many"], size=n, p=[0.5, 0.3, 0.2])
    age = rng.choice(["under_25", "25_to_39", "40_plus"], size=n)
    logit = -1.4 + np.select([priors == "some", priors == "many"], [0.8, 1.8], 0.0)
    logit += np.select([age == "under_25", age == "40_plus"], [0.7, -0.7], 0.0)
    outcome = rng.random(n) < 1 / (1 + np.exp(-logit))
    with (root / "cohort.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["priors", "age_group", "reoffended"])
        writer.writerows(zip(priors, age, outcome.astype(int), strict=True))
    (root / "cohort.yaml").write_text(
        "outcome: reoffended\npredictors:\n  priors: category\n  age_group: category\n",
        encoding="utf-8",
    )
    run_cli(
        "risk",
        "fit",
        "--data",
        "cohort.csv",
        "--mapping",
        "cohort.yaml",
        "--folds",
        "3",
        "--out",
        "model",
        cwd=root,
    )
    return root / "model" / "model.json"


def _in_process(*args: str, cwd: Path) -> Result:
    """The CLI in-process (no second of start-up per case), in ``cwd``."""
    here = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(app, list(args), catch_exceptions=False)
    finally:
        os.chdir(here)


def _write(root: Path, name: str, doc: dict[str, object]) -> str:
    (root / name).write_text(yaml.safe_dump(doc), encoding="utf-8")
    return name


PERSON = {
    "person": "P-TEST-1",
    "sex": "female",
    "date_of_birth": "1994-02-10",
    "setting": "custody",
    "release_date": "2027-03-01",
}
DB = ("--db", "sqlite:///store.sqlite")


def test_assess_propose_decide_show_and_the_audit_log(country: Path) -> None:
    root = country
    model_path = _cohort(root)
    model = json.loads(model_path.read_text(encoding="utf-8"))

    # 1. First assessment, with the risk model.
    first = _write(
        root,
        "first.yaml",
        {
            **PERSON,
            "assessed_on": "2026-09-01",
            "risk_predictors": {"priors": "many", "age_group": "under_25"},
            "scores": {
                "EE1": {"score": 2, "note": "no work since 2024"},
                "EE2": 2,
                "AC1": {"score": 2, "note": "tenancy lost on remand"},
                "SU1": 2,
                "SU2": 2,
                "AT1": 2,
                "AT2": 1,
            },
        },
    )
    done = run_cli(
        "plan", "assess", first, "--risk-model", str(model_path), *DB, "--json", cwd=root
    )
    one = json.loads(done.stdout)
    points = {p["name"]: {b["band"]: b["points"] for b in p["bands"]} for p in model["predictors"]}
    expected = points["priors"]["many"] + points["age_group"]["under_25"]
    k = model["score_to_probability"]
    probability = 1 / (1 + math.exp(-(k["intercept"] + k["slope"] * expected)))
    band = (
        "high"
        if expected >= model["flag"]["min_score"]
        else "medium"
        if probability >= 0.25
        else "low"
    )
    assert one["risk"]["score"] == expected
    assert one["risk"]["probability"] == pytest.approx(probability, abs=1e-6)
    assert one["risk"]["band"] == band
    assert one["risk"]["terms"] == {
        "priors": points["priors"]["many"],
        "age_group": points["age_group"]["under_25"],
    }
    assert one["changes"] == [] and one["change_since"] is None

    # 2. Re-assessment three months later (officer's band): change per domain.
    second = _write(
        root,
        "second.yaml",
        {
            **PERSON,
            "assessed_on": "2026-12-01",
            "risk_band": "high",
            "scores": {"EE1": 2, "EE2": 2, "AC1": 2, "SU1": 2, "SU2": 1, "AT1": 1, "AT2": 1},
        },
    )
    two = json.loads(run_cli("plan", "assess", second, *DB, "--json", cwd=root).stdout)
    moved = {c["domain"]: c for c in two["changes"]}
    assert two["change_since"] == one["assessment_id"]
    assert (moved["substance_misuse"]["before"], moved["substance_misuse"]["after"]) == (1.0, 0.75)
    assert moved["substance_misuse"]["direction"] == "better"
    assert moved["attitudes"]["direction"] == "better"
    assert moved["education_employment"]["direction"] == "same"

    # 3. Proposal. High risk: three targets, highest need first: education and employment
    # (4/4), accommodation (2/2), substance misuse (3/4); attitudes (2/4) not targeted.
    plan = json.loads(
        run_cli(
            "plan", "propose", "P-TEST-1", "--warehouse", "w.duckdb", *DB, "--json", cwd=root
        ).stdout
    )
    by_need = {n: p for p in CATALOGUE for n in p.needs}
    assert [a["programme"] for a in plan["actions"]] == [
        by_need["employment"].key,
        by_need["accommodation"].key,
        by_need["substance_misuse"].key,
    ]
    assert [a["needs"] for a in plan["actions"]] == [
        ["education_employment"],
        ["accommodation"],
        ["substance_misuse"],
    ]
    work, mentor, thinking = plan["actions"]
    assert work["responsible"] == "prison" and work["start_after"] is None
    assert mentor["start_after"] == thinking["start_after"] == "2027-03-01"
    assert all("serves high risk" in a["reason"] for a in plan["actions"])
    assert [n["domain"] for n in plan["not_targeted"]] == ["attitudes"]
    assert plan["review_on"] == "2026-12-31"  # 30 days for high risk
    assert plan["handover"][0] == {
        "ordinal": 1,
        "done_on": None,
        "due_on": "2026-12-01",
        "responsible": "probation",
        "task": "Allocate a probation officer and hold a first meeting in prison",
    }
    assert len(plan["handover"]) == 8
    pid = str(plan["plan_id"])

    # 4. Decisions, each with a reason; mistakes are one line.
    run_cli("plan", "decide", pid, "1", "--accept", "--reason", "agreed with her", *DB, cwd=root)
    run_cli(
        "plan",
        "decide",
        pid,
        "2",
        "--edit",
        "--start",
        "2027-03-08",
        "--reason",
        "settle at home for a week first",
        *DB,
        cwd=root,
    )
    run_cli(
        "plan", "decide", pid, "3", "--reject", "--reason", "already in treatment", *DB, cwd=root
    )
    for args, message in (
        (("decide", pid, "1", "--accept", "--reason", ""), "give the reason"),
        (("decide", pid, "9", "--accept", "--reason", "because"), f"plan {pid} has no action 9"),
        (("decide", "999", "1", "--accept", "--reason", "because"), "no plan 999"),
        (("decide", pid, "1", "--reason", "because"), "give one of --accept, --edit or --reject"),
        (("show", "P-TEST-1", "--purpose", "x"), "state the purpose"),
        (("assess", "nowhere.yaml"), "nowhere.yaml: answers file not found"),
    ):
        failed = _in_process("plan", *args, *DB, cwd=root)
        assert failed.exit_code == 1 and message in failed.stderr
        assert "Traceback" not in failed.stderr and failed.stderr.strip().count("\n") == 0

    # The first handover task done (by the prison officer).
    run_cli("plan", "done", pid, "1", "--on", "2026-12-03", "--as", "prison_officer", *DB,
            cwd=root)  # fmt: skip

    # 5. Show: JSON, text and a printable HTML page.
    purpose = ("--purpose", "prepare the release planning meeting")
    shown = json.loads(
        run_cli("plan", "show", "P-TEST-1", *purpose, *DB, "--json", cwd=root).stdout
    )
    decisions = [(a["decision"], a["decision_reason"]) for a in shown["plan"]["actions"]]
    assert decisions == [
        ("accepted", "agreed with her"),
        ("edited", "settle at home for a week first"),
        ("rejected", "already in treatment"),
    ]
    assert shown["plan"]["actions"][1]["edits"] == {"start_after": ["2027-03-01", "2027-03-08"]}
    assert shown["plan"]["handover"][0]["done_on"] == "2026-12-03"
    assert [t["done_on"] for t in shown["plan"]["handover"][1:]] == [None] * 7
    assert [a["assessment_id"] for a in shown["assessments"]] == [
        one["assessment_id"],
        two["assessment_id"],
    ]
    text = run_cli(
        "plan", "show", "P-TEST-1", *purpose, *DB, "--html", "plan.html", cwd=root
    ).stdout
    assert "Handover from prison to probation" in text and "already in treatment" in text
    page = (root / "plan.html").read_text(encoding="utf-8")
    assert "<h2>Plan " in page and "settle at home for a week first" in page

    # 6. The audit log: every step with its purpose, and the chain verifies.
    with sqlite3.connect(root / "store.sqlite") as db:
        rows = db.execute(
            "select action, object, purpose, role from audit_entry order by seq"
        ).fetchall()
    steps = [(action, obj) for action, obj, _, _ in rows if obj and "P-TEST-1" in obj]
    assert [a for a, _ in steps] == [
        "alteration",
        "alteration",
        "alteration",
        "alteration",
        "alteration",
        "alteration",
        "alteration",
        "consultation",
        "consultation",
    ]
    assert [o.split(": ", 1)[1] for _, o in steps[:7]] == [
        f"needs assessment {one['assessment_id']}",
        f"needs assessment {two['assessment_id']}",
        f"plan {pid} proposed",
        f"plan {pid} action 1 accepted",
        f"plan {pid} action 2 edited",
        f"plan {pid} action 3 rejected",
        f"plan {pid} task 1 done",
    ]
    person_rows = [r for r in rows if r[1] and "P-TEST-1" in r[1]]
    assert all(r[2] for r in person_rows)
    assert [r[3] for r in person_rows] == ["probation_officer"] * 6 + ["prison_officer"] + [
        "probation_officer"
    ] * 2
    assert person_rows[-1][2] == "prepare the release planning meeting"
    run_cli("audit", "verify", *DB, cwd=root)
