"""The JSON documents of the officer's use cases (what the CLI prints, the web app renders)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from justicelink.reintegration.assessment import Assessment, DomainChange, DomainScore
from justicelink.reintegration.instrument import Instrument
from justicelink.store.reintegration import StoredAssessment, StoredPlan

__all__ = ["AssessResult", "PersonPlan", "ProposeResult", "plan_json"]


@dataclass(frozen=True)
class AssessResult:
    """A stored assessment, its domain scores and the change since the previous one."""

    assessment_id: int
    assessment: Assessment
    domains: list[DomainScore]
    changes: list[DomainChange]
    previous_id: int | None
    risk_terms: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        a = self.assessment
        return {
            "assessment_id": self.assessment_id,
            "person": a.person,
            "instrument": a.instrument,
            "assessed_on": a.assessed_on.isoformat(),
            "risk": {
                "band": a.risk_band,
                "score": a.risk_score,
                "probability": a.risk_probability,
                "source": a.risk_source,
                "terms": self.risk_terms,
            },
            "domains": [_domain_json(d) for d in self.domains],
            "change_since": self.previous_id,
            "changes": [_change_json(c) for c in self.changes],
        }


def _domain_json(d: DomainScore) -> dict[str, Any]:
    return {
        "domain": d.domain,
        "title": d.title,
        "score": d.score,
        "maximum": d.maximum,
        "share": None if d.share is None else round(d.share, 4),
        "unanswered": list(d.unanswered),
    }


def _change_json(c: DomainChange) -> dict[str, Any]:
    return {
        "domain": c.domain,
        "before": None if c.before is None else round(c.before, 4),
        "after": None if c.after is None else round(c.after, 4),
        "direction": c.direction,
    }


@dataclass(frozen=True)
class ProposeResult:
    """A stored proposed plan."""

    plan: StoredPlan

    def to_json(self) -> dict[str, Any]:
        return plan_json(self.plan)


def plan_json(plan: StoredPlan) -> dict[str, Any]:
    """A stored plan as JSON."""
    return {
        "plan_id": plan.plan_id,
        "person": plan.person_id,
        "assessment_id": plan.assessment_id,
        "risk_band": plan.risk_band,
        "review_on": plan.review_on.isoformat() if plan.review_on else None,
        "actions": [
            {
                "ordinal": a.ordinal,
                "kind": a.kind,
                "needs": a.needs,
                "programme": a.programme_key,
                "programme_name": a.programme_name,
                "responsible": a.responsible,
                "start_after": a.start_after.isoformat() if a.start_after else None,
                "reason": a.reason,
                "decision": a.decision,
                "decision_reason": a.decision_reason,
                "edits": a.edits,
                "decided_by": a.decided_by,
            }
            for a in plan.actions
        ],
        "not_targeted": [{"domain": d, "reason": r} for d, r in plan.not_targeted],
        "handover": [
            {
                "ordinal": t.ordinal,
                "due_on": t.due_on.isoformat(),
                "responsible": t.responsible,
                "task": t.task,
                "done_on": t.done_on.isoformat() if t.done_on else None,
            }
            for t in plan.tasks
        ],
    }


@dataclass(frozen=True)
class PersonPlan:
    """What an officer sees of one person: assessments, their change, the latest plan."""

    person: str
    assessments: list[StoredAssessment]
    domains: list[DomainScore]
    changes: list[DomainChange]
    plan: StoredPlan | None
    instrument: Instrument

    def to_json(self) -> dict[str, Any]:
        latest = self.assessments[-1]
        return {
            "person": self.person,
            "assessments": [
                {
                    "assessment_id": a.assessment_id,
                    "assessed_on": a.assessed_on.isoformat(),
                    "instrument": a.instrument,
                    "risk_band": a.risk_band,
                    "risk_score": a.risk_score,
                    "officer": a.officer,
                }
                for a in self.assessments
            ],
            "latest": {
                "assessment_id": latest.assessment_id,
                "domains": [_domain_json(d) for d in self.domains],
                "notes": {i.item_id: i.note for i in latest.items if i.note},
            },
            "changes": [_change_json(c) for c in self.changes],
            "plan": plan_json(self.plan) if self.plan else None,
        }
