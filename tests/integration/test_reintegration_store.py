"""Assessments and plans in the operational store, on SQLite and PostgreSQL (migration 0004)."""

from __future__ import annotations

import datetime as dt

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from justicelink.store import Store
from justicelink.store.reintegration import (
    StoredItem,
    StoredTask,
    add_assessment,
    add_plan,
    assessments_of,
    decide,
    get_plan,
    places_in_use,
)
from justicelink.store.schema import Base


def test_migration_0004_matches_the_tables_the_code_reads(store: Store) -> None:
    with store.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    ours = [d for d in diff if "reint_" in repr(d)]
    assert ours == []


def test_assessment_plan_and_decision_round_trip(store: Store) -> None:
    values = {
        "person_id": "P1",
        "instrument": "justicelink-needs 1.0",
        "assessed_on": dt.date(2026, 12, 1),
        "sex": "female",
        "age": 36,
        "juvenile": False,
        "setting": "custody",
        "release_date": dt.date(2027, 3, 1),
        "risk_score": 12,
        "risk_probability": 0.41,
        "risk_band": "medium",
        "risk_source": "officer",
        "officer": "ana",
        "agency_id": "probation",
    }
    aid = add_assessment(store, values, [StoredItem("EE1", "education_employment", 2, "no work")])
    [stored] = assessments_of(store, "P1")
    assert stored.assessment_id == aid and stored.items[0].note == "no work"
    assert stored.release_date == dt.date(2027, 3, 1) and stored.risk_probability == 0.41
    action = {
        "ordinal": 1,
        "kind": "programme",
        "needs": ["education_employment"],
        "responsible": "prison",
        "programme_key": "WR-01",
        "programme_name": "Work Ready",
        "start_after": None,
        "reason": "targets education",
    }
    pid = add_plan(
        store,
        {
            "person_id": "P1",
            "assessment_id": aid,
            "risk_band": "medium",
            "review_on": dt.date(2027, 3, 1),
            "not_targeted": [["finance", "beyond two"]],
            "officer": "ana",
            "agency_id": "probation",
        },
        [action, {**action, "ordinal": 2, "programme_key": "CM-03"}],
        [StoredTask(1, "Allocate", "probation", dt.date(2026, 12, 1), None)],
    )
    assert places_in_use(store) == {}
    decide(store, pid, 1, decision="accepted", reason="agreed", changes={}, officer="ana")
    edited = decide(
        store,
        pid,
        2,
        decision="edited",
        reason="later start",
        changes={"start_after": dt.date(2027, 3, 8)},
        officer="ana",
    )
    assert edited is not None and edited.edits == {"start_after": [None, "2027-03-08"]}
    assert decide(store, pid, 3, decision="accepted", reason="x", changes={}, officer="a") is None
    plan = get_plan(store, pid)
    assert plan is not None and plan.not_targeted == [["finance", "beyond two"]]
    assert [a.decision for a in plan.actions] == ["accepted", "edited"]
    assert plan.tasks[0].due_on == dt.date(2026, 12, 1)
    assert places_in_use(store) == {"WR-01": 1, "CM-03": 1}
