"""Who acts on a caseload, and the officer's own caseload (need to know).

A person is on an officer's caseload when the officer recorded an assessment of them; the
web app shows an officer their caseload only.
"""

from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass

from justicelink.errors import ReintegrationError
from justicelink.store.audit import Actor, AuditLog
from justicelink.store.db import Store
from justicelink.store.reintegration import assessments_of, get_plan, officer_persons, plans_of

__all__ = [
    "OFFICER_ROLES",
    "CaseRow",
    "Caseload",
    "caseload_of",
    "cli_actor",
    "on_caseload",
    "plan_person",
]

OFFICER_ROLES = ("probation_officer", "prison_officer")


def cli_actor(role: str = "probation_officer", agency_id: str | None = None) -> Actor:
    """Who runs a CLI command: the operating-system account, as an officer of ``role``."""
    if role not in OFFICER_ROLES:
        raise ReintegrationError(f"--as {role}: choose one of {', '.join(OFFICER_ROLES)}")
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        name = "unknown"
    return Actor(f"cli:{name}", role, agency_id)


@dataclass(frozen=True)
class Caseload:
    """The store holding assessments and plans, its audit log, and who is acting."""

    store: Store
    audit: AuditLog
    actor: Actor


@dataclass(frozen=True)
class CaseRow:
    """A person on an officer's caseload, with what is due."""

    person: str
    assessed_on: dt.date
    risk_band: str | None
    setting: str
    release_date: dt.date | None
    plan_id: int | None
    review_on: dt.date | None
    undecided: int
    tasks_due: int

    def due(self, on: dt.date) -> bool:
        """A review is due, or a handover task falls due within 14 days."""
        return (self.review_on is not None and self.review_on <= on) or self.tasks_due > 0


def on_caseload(caseload: Caseload, person: str) -> bool:
    """Whether the acting officer has assessed the person (their caseload: need to know)."""
    return person in officer_persons(caseload.store, caseload.actor.user_name or "")


def caseload_of(caseload: Caseload, *, on: dt.date | None = None) -> list[CaseRow]:
    """The acting officer's caseload, due reviews and tasks first; audited.

    A person is on an officer's caseload when the officer recorded an assessment of them.
    """
    on = on or dt.date.today()
    rows = []
    for person in officer_persons(caseload.store, caseload.actor.user_name or ""):
        latest = assessments_of(caseload.store, person)[-1]
        plans = plans_of(caseload.store, person)
        plan = plans[-1] if plans else None
        soon = on + dt.timedelta(days=14)
        rows.append(
            CaseRow(
                person,
                latest.assessed_on,
                latest.risk_band,
                latest.setting,
                latest.release_date,
                plan.plan_id if plan else None,
                plan.review_on if plan else None,
                sum(1 for a in plan.actions if a.decision is None) if plan else 0,
                sum(1 for t in plan.tasks if t.done_on is None and t.due_on <= soon) if plan else 0,
            )
        )
    rows.sort(key=lambda r: (not r.due(on), r.review_on or dt.date.max, r.person))
    caseload.audit.record(
        caseload.actor,
        "consultation",
        object="own caseload",
        purpose="manage the officer's own caseload",
        detail={"persons": [r.person for r in rows]},
    )
    return rows


def plan_person(caseload: Caseload, plan_id: int) -> str | None:
    """The person a plan is for (None if there is no such plan); for need-to-know checks."""
    plan = get_plan(caseload.store, plan_id)
    return plan.person_id if plan else None
