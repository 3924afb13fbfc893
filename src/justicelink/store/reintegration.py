"""Needs assessments and plans in the operational store (tables: :mod:`.schema`, 0004).

Plain values in, plain values out: the rules that score an assessment and propose a plan
are the domain's (:mod:`justicelink.reintegration`), auditing is the application layer's.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from justicelink.store.audit import utc_now
from justicelink.store.db import Store
from justicelink.store.schema import ReintAction, ReintAssessment, ReintItem, ReintPlan, ReintTask


@dataclass(frozen=True)
class StoredItem:
    item_id: str
    domain: str
    score: int
    note: str | None


@dataclass(frozen=True)
class StoredAssessment:
    """An assessment row with its items."""

    assessment_id: int
    person_id: str
    instrument: str
    assessed_on: dt.date
    sex: str
    age: int
    juvenile: bool
    setting: str
    release_date: dt.date | None
    risk_score: int | None
    risk_probability: float | None
    risk_band: str | None
    risk_source: str | None
    officer: str
    agency_id: str | None
    items: list[StoredItem] = field(default_factory=list)


@dataclass(frozen=True)
class StoredAction:
    action_id: int
    ordinal: int
    kind: str
    needs: list[str]
    responsible: str
    programme_key: str | None
    programme_name: str | None
    start_after: dt.date | None
    reason: str
    decision: str | None
    decision_reason: str | None
    edits: dict[str, list[Any]]
    decided_by: str | None
    decided_at: dt.datetime | None


@dataclass(frozen=True)
class StoredTask:
    ordinal: int
    task: str
    responsible: str
    due_on: dt.date
    done_on: dt.date | None


@dataclass(frozen=True)
class StoredPlan:
    """A plan with its actions and handover tasks."""

    plan_id: int
    person_id: str
    assessment_id: int
    risk_band: str
    review_on: dt.date | None
    not_targeted: list[list[str]]
    officer: str
    agency_id: str | None
    created_at: dt.datetime
    actions: list[StoredAction] = field(default_factory=list)
    tasks: list[StoredTask] = field(default_factory=list)


def add_assessment(store: Store, values: dict[str, Any], items: list[StoredItem]) -> int:
    """Store an assessment (``values``: the columns of ``reint_assessment``); returns its id."""
    row = ReintAssessment(**values, recorded_at=utc_now())
    with store.session() as session:
        session.add(row)
        session.flush()
        for item in items:
            session.add(
                ReintItem(
                    assessment_id=row.assessment_id,
                    item_id=item.item_id,
                    domain=item.domain,
                    score=item.score,
                    note=item.note,
                )
            )
        return int(row.assessment_id)


def _assessment(session: Any, row: ReintAssessment) -> StoredAssessment:
    items = [
        StoredItem(i.item_id, i.domain, i.score, i.note)
        for i in session.execute(
            select(ReintItem)
            .where(ReintItem.assessment_id == row.assessment_id)
            .order_by(ReintItem.row_id)
        ).scalars()
    ]
    return StoredAssessment(
        row.assessment_id,
        row.person_id,
        row.instrument,
        row.assessed_on,
        row.sex,
        row.age,
        row.juvenile,
        row.setting,
        row.release_date,
        row.risk_score,
        row.risk_probability,
        row.risk_band,
        row.risk_source,
        row.officer,
        row.agency_id,
        items,
    )


def get_assessment(store: Store, assessment_id: int) -> StoredAssessment | None:
    """One assessment with its items, or None."""
    with store.session() as session:
        row = session.get(ReintAssessment, assessment_id)
        return None if row is None else _assessment(session, row)


def assessments_of(store: Store, person_id: str) -> list[StoredAssessment]:
    """A person's assessments, oldest first."""
    with store.session() as session:
        rows = session.execute(
            select(ReintAssessment)
            .where(ReintAssessment.person_id == person_id)
            .order_by(ReintAssessment.assessed_on, ReintAssessment.assessment_id)
        ).scalars()
        return [_assessment(session, r) for r in rows]


def add_plan(
    store: Store, values: dict[str, Any], actions: list[dict[str, Any]], tasks: list[StoredTask]
) -> int:
    """Store a proposed plan with its actions and tasks; returns its id."""
    row = ReintPlan(
        **{**values, "not_targeted": json.dumps(values["not_targeted"])}, created_at=utc_now()
    )
    with store.session() as session:
        session.add(row)
        session.flush()
        for action in actions:
            session.add(
                ReintAction(plan_id=row.plan_id, **{**action, "needs": "; ".join(action["needs"])})
            )
        for task in tasks:
            session.add(
                ReintTask(
                    plan_id=row.plan_id,
                    ordinal=task.ordinal,
                    task=task.task,
                    responsible=task.responsible,
                    due_on=task.due_on,
                    done_on=task.done_on,
                )
            )
        return int(row.plan_id)


def _plan(session: Any, row: ReintPlan) -> StoredPlan:
    actions = [
        StoredAction(
            a.action_id,
            a.ordinal,
            a.kind,
            a.needs.split("; ") if a.needs else [],
            a.responsible,
            a.programme_key,
            a.programme_name,
            a.start_after,
            a.reason,
            a.decision,
            a.decision_reason,
            json.loads(a.edits) if a.edits else {},
            a.decided_by,
            a.decided_at,
        )
        for a in session.execute(
            select(ReintAction)
            .where(ReintAction.plan_id == row.plan_id)
            .order_by(ReintAction.ordinal)
        ).scalars()
    ]
    tasks = [
        StoredTask(t.ordinal, t.task, t.responsible, t.due_on, t.done_on)
        for t in session.execute(
            select(ReintTask).where(ReintTask.plan_id == row.plan_id).order_by(ReintTask.ordinal)
        ).scalars()
    ]
    return StoredPlan(
        row.plan_id,
        row.person_id,
        row.assessment_id,
        row.risk_band,
        row.review_on,
        json.loads(row.not_targeted),
        row.officer,
        row.agency_id,
        row.created_at,
        actions,
        tasks,
    )


def get_plan(store: Store, plan_id: int) -> StoredPlan | None:
    """One plan with its actions and tasks, or None."""
    with store.session() as session:
        row = session.get(ReintPlan, plan_id)
        return None if row is None else _plan(session, row)


def plans_of(store: Store, person_id: str) -> list[StoredPlan]:
    """A person's plans, oldest first."""
    with store.session() as session:
        rows = session.execute(
            select(ReintPlan).where(ReintPlan.person_id == person_id).order_by(ReintPlan.plan_id)
        ).scalars()
        return [_plan(session, r) for r in rows]


def decide(
    store: Store,
    plan_id: int,
    ordinal: int,
    *,
    decision: str,
    reason: str,
    changes: dict[str, Any],
    officer: str,
) -> StoredAction | None:
    """Record the officer's decision on one action (an edit changes its columns too).

    Returns:
        The action as it stands after the decision, or None if there is no such action.
    """
    with store.session() as session:
        row = session.execute(
            select(ReintAction).where(
                ReintAction.plan_id == plan_id, ReintAction.ordinal == ordinal
            )
        ).scalar_one_or_none()
        if row is None:
            return None
        edits: dict[str, list[Any]] = json.loads(row.edits) if row.edits else {}
        for name, value in changes.items():
            before = getattr(row, name)
            if before != value:
                edits[name] = [_plain(before), _plain(value)]
                setattr(row, name, value)
        row.decision, row.decision_reason = decision, reason
        row.edits = json.dumps(edits, sort_keys=True) if edits else None
        row.decided_by, row.decided_at = officer, utc_now()
        session.flush()
        plan = session.get(ReintPlan, plan_id)
        assert plan is not None  # the action's foreign key
        return next(a for a in _plan(session, plan).actions if a.ordinal == ordinal)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def places_in_use(store: Store) -> dict[str, int]:
    """Programme key -> places taken by accepted or edited actions of stored plans."""
    with store.session() as session:
        rows = session.execute(
            select(ReintAction.programme_key, func.count())
            .where(
                ReintAction.programme_key.is_not(None),
                ReintAction.decision.in_(("accepted", "edited")),
            )
            .group_by(ReintAction.programme_key)
        ).all()
        return {str(key): int(n) for key, n in rows}


def officer_persons(store: Store, officer: str) -> list[str]:
    """The persons an officer has assessed, in order of id."""
    with store.session() as session:
        rows = session.execute(
            select(ReintAssessment.person_id)
            .where(ReintAssessment.officer == officer)
            .distinct()
            .order_by(ReintAssessment.person_id)
        ).all()
        return [str(r[0]) for r in rows]


def complete_task(store: Store, plan_id: int, ordinal: int, done_on: dt.date) -> bool:
    """Mark a handover task done; False if the plan has no such task."""
    with store.session() as session:
        row = session.execute(
            select(ReintTask).where(ReintTask.plan_id == plan_id, ReintTask.ordinal == ordinal)
        ).scalar_one_or_none()
        if row is None:
            return False
        row.done_on = done_on
        return True
