"""Plan proposals by risk-need-responsivity, on hand-worked examples (docs/reintegration.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from justicelink.errors import ReintegrationError
from justicelink.reintegration.assessment import Answers, assessment_of
from justicelink.reintegration.instrument import load_instrument
from justicelink.reintegration.rnr import Programme, propose, ranked_needs

INSTRUMENT = load_instrument()

WORK = Programme(
    "WR",
    "Work Ready",
    "custody",
    ("employment", "education"),
    ("medium", "high"),
    capacity=20,
    in_use=5,
)
MENTOR = Programme(
    "CM",
    "Mentoring",
    "community",
    ("family", "accommodation"),
    ("low", "medium", "high"),
    capacity=10,
    in_use=9,
)
THINK = Programme(
    "TF",
    "Thinking First",
    "community",
    ("antisocial_attitudes", "substance_misuse"),
    ("medium", "high"),
    capacity=None,
    min_age=21,
)
CATALOGUE = [WORK, MENTOR, THINK]


def _assess(band: str | None, setting: str = "custody", **scores: int):  # type: ignore[no-untyped-def]
    answers = Answers.model_validate(
        {
            "person": "P1",
            "sex": "female",
            "date_of_birth": "1990-06-15",
            "setting": setting,
            "release_date": "2027-03-01" if setting == "custody" else None,
            "assessed_on": "2026-12-01",
            "risk_band": band,
            "scores": scores,
        }
    )
    return assessment_of(answers, INSTRUMENT)


def test_medium_risk_in_custody_targets_the_two_highest_needs() -> None:
    # education_employment 4/4 = 1.0 (score 4), accommodation 2/2 = 1.0 (score 2),
    # substance_misuse 2/4 = 0.5, trauma 1/4 = 0.25 (below the 0.5 threshold).
    a = _assess("medium", EE1=2, EE2=2, AC1=2, SU1=1, SU2=1, TR1=1, TR2=0)
    assert [d.domain for d in ranked_needs(a, INSTRUMENT)] == [
        "education_employment",
        "accommodation",
        "substance_misuse",
    ]
    plan = propose(a, INSTRUMENT, CATALOGUE)
    # Medium risk targets two needs: education_employment (tie at 1.0 broken by score) and
    # accommodation; substance misuse is listed as not targeted.
    assert [(p.ordinal, p.kind, p.programme_key, p.needs) for p in plan.proposals] == [
        (1, "programme", "WR", ("education_employment",)),
        (2, "programme", "CM", ("accommodation",)),
    ]
    work, mentor = plan.proposals
    assert work.responsible == "prison" and work.start_after is None
    assert "15 of 20 places free" in work.reason and "serves medium risk" in work.reason
    # A community programme for a person in custody starts after release, run by probation.
    assert mentor.start_after == dt.date(2027, 3, 1) and mentor.responsible == "probation"
    assert "1 of 10 places free" in mentor.reason
    assert [d for d, _ in plan.not_targeted] == ["substance_misuse"]
    # Review after 90 days (medium); all eight handover tasks (the three with if_need are
    # needs), the first 90 days before release.
    assert plan.review_on == dt.date(2027, 3, 1)
    assert len(plan.tasks) == 8
    assert plan.tasks[0].due_on == dt.date(2026, 12, 1)
    assert plan.tasks[-1].due_on == dt.date(2027, 3, 1)


def test_low_risk_gets_one_target_and_no_programme_for_higher_risk() -> None:
    a = _assess("low", setting="community", EE1=2, EE2=2, AC1=1)
    plan = propose(a, INSTRUMENT, CATALOGUE)
    # One target (low); Work Ready serves medium/high only, and runs in custody: casework.
    assert len(plan.proposals) == 1
    only = plan.proposals[0]
    assert (only.kind, only.needs, only.responsible) == (
        "casework",
        ("education_employment",),
        "employment",
    )
    assert "WR serves medium/high risk, not low" in only.reason
    assert [d for d, _ in plan.not_targeted] == ["accommodation"]
    assert plan.tasks == []  # not in custody: no handover
    assert plan.review_on == dt.date(2027, 5, 30)  # 180 days


def test_full_programme_and_age_limit_respected() -> None:
    full = replace(MENTOR, in_use=10)
    young = _assess("high", setting="community", AC1=2, AT1=2, AT2=2)
    young = replace(young, age=19)
    plan = propose(young, INSTRUMENT, [WORK, full, THINK])
    by_need = {p.needs[0]: p for p in plan.proposals}
    # attitudes 4/4 first, then accommodation 2/2; Thinking First takes 21 or more.
    assert by_need["attitudes"].kind == "casework"
    assert "TF takes people aged 21 or more" in by_need["attitudes"].reason
    assert by_need["accommodation"].kind == "casework"
    assert "CM has no free place (10 of 10 taken)" in by_need["accommodation"].reason
    # At 30 both fit: Thinking First (capacity not recorded) is proposed.
    older = propose(replace(young, age=30), INSTRUMENT, [WORK, MENTOR, THINK])
    assert [p.programme_key for p in older.proposals] == ["TF", "CM"]
    assert "capacity not recorded" in older.proposals[0].reason


def test_one_programme_covering_two_needs_is_proposed_once() -> None:
    # attitudes 2/4, substance misuse 4/4; Thinking First targets both.
    a = _assess("high", setting="community", AT1=1, AT2=1, SU1=2, SU2=2)
    plan = propose(a, INSTRUMENT, CATALOGUE)
    assert [(p.programme_key, p.needs) for p in plan.proposals] == [
        ("TF", ("substance_misuse", "attitudes"))
    ]


def test_no_band_no_proposal() -> None:
    with pytest.raises(ReintegrationError, match="has no risk band"):
        propose(_assess(None, EE1=2), INSTRUMENT, CATALOGUE)
