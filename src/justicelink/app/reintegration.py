"""Use cases of probation and prison officers: assess needs, propose a plan, decide, show.

Each function is one use case, called by the CLI (``justicelink plan``) and the web app.
Every one of them is written to the store's audit log with its purpose (EU Directive
2016/680 art. 25): recording an assessment, proposing a plan and deciding on an action as
``alteration``, showing a person's assessments and plan as ``consultation``. Reading the
programme catalogue from the warehouse concerns no person and is not logged.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from justicelink.app.reintegration_catalogue import read_catalogue
from justicelink.app.reintegration_views import AssessResult, PersonPlan, ProposeResult
from justicelink.errors import ReintegrationError
from justicelink.policy.inputs import clean_purpose
from justicelink.reintegration.assessment import (
    Answers,
    Assessment,
    ItemScore,
    answers_from,
    change,
    domain_scores,
    read_answers,
)
from justicelink.reintegration.instrument import Instrument, load_instrument
from justicelink.reintegration.riskband import read_risk
from justicelink.reintegration.rnr import Programme, propose
from justicelink.risk.serialise import load_model
from justicelink.store.audit import Actor, AuditLog
from justicelink.store.db import Store
from justicelink.store.reintegration import (
    StoredAction,
    StoredAssessment,
    StoredItem,
    StoredTask,
    add_assessment,
    add_plan,
    assessments_of,
    decide,
    get_plan,
    officer_persons,
    plans_of,
)
from justicelink.warehouse.port import Engine

__all__ = [
    "DECISIONS",
    "AssessResult",
    "Caseload",
    "PersonPlan",
    "ProposeResult",
    "assess",
    "assess_answers",
    "caseload_of",
    "cli_actor",
    "decide_action",
    "on_caseload",
    "plan_person",
    "propose_plan",
    "read_catalogue",
    "show_person",
]

DECISIONS = ("accepted", "edited", "rejected")
OFFICER_ROLES = ("probation_officer", "prison_officer")
ASSESS_PURPOSE = "record a needs assessment for a reintegration plan"
PROPOSE_PURPOSE = "propose a reintegration plan from the latest assessment"
DECIDE_PURPOSE = "decide on a proposed action of a reintegration plan"


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


def _record(
    caseload: Caseload, action: str, person: str, what: str, purpose: str, **detail: Any
) -> None:
    caseload.audit.record(
        caseload.actor,
        action,
        object=f"person {person}: {what}",
        purpose=purpose,
        detail=detail or None,
    )


def as_assessment(stored: StoredAssessment) -> Assessment:
    """A stored assessment as the plan rules read it."""
    return Assessment(
        person=stored.person_id,
        sex=stored.sex,
        age=stored.age,
        juvenile=stored.juvenile,
        setting=stored.setting,
        assessed_on=stored.assessed_on,
        items=tuple(ItemScore(i.item_id, i.domain, i.score, i.note) for i in stored.items),
        release_date=stored.release_date,
        risk_band=stored.risk_band,
        risk_score=stored.risk_score,
        risk_probability=stored.risk_probability,
        risk_source=stored.risk_source,
        instrument=stored.instrument,
        assessment_id=stored.assessment_id,
    )


def _instrument_for(label: str, path: Path | None) -> Instrument:
    instrument = load_instrument(path)
    if instrument.label != label:
        raise ReintegrationError(
            f"the assessment was made with {label}, not {instrument.label}: give that "
            "instrument's file with --instrument"
        )
    return instrument


def assess(
    caseload: Caseload,
    answers_path: Path,
    *,
    instrument_path: Path | None = None,
    risk_model: Path | None = None,
    purpose: str = ASSESS_PURPOSE,
) -> AssessResult:
    """Record an assessment from an answers file (YAML or JSON, docs/reintegration.md).

    With ``risk_model`` (a ``model.json`` from ``risk fit --out``) the person's score and band
    come from the model and the ``risk_predictors`` of the answers; otherwise from the
    officer's ``risk_band``, if given.

    Raises:
        ReintegrationError: a bad instrument, answers file or model input, as one line.
    """
    instrument = load_instrument(instrument_path)
    answers, assessment = read_answers(answers_path, instrument)
    return _record_assessment(
        caseload, answers, assessment, instrument, risk_model, purpose, str(answers_path)
    )


def assess_answers(
    caseload: Caseload,
    raw: dict[str, Any],
    *,
    source: str = "the form",
    instrument_path: Path | None = None,
    purpose: str = ASSESS_PURPOSE,
) -> AssessResult:
    """Record an assessment from answers given as a mapping (the web form), as :func:`assess`.

    Raises:
        ReintegrationError: a bad answer, as one line naming ``source``.
    """
    instrument = load_instrument(instrument_path)
    answers, assessment = answers_from(raw, instrument, source)
    return _record_assessment(caseload, answers, assessment, instrument, None, purpose, source)


def _record_assessment(
    caseload: Caseload,
    answers: Answers,
    assessment: Assessment,
    instrument: Instrument,
    risk_model: Path | None,
    purpose: str,
    source: str,
) -> AssessResult:
    purpose = clean_purpose(purpose)
    terms: dict[str, int] = {}
    if risk_model is not None:
        model = load_model(risk_model)
        digest = hashlib.sha256(risk_model.read_bytes()).hexdigest()
        try:
            reading = read_risk(
                answers.risk_predictors,
                model,
                instrument.plan_rules,
                f"{risk_model.name} sha256:{digest[:16]}",
            )
        except ReintegrationError as exc:
            raise ReintegrationError(f"{source}: {exc}") from None
        terms = reading.terms
        assessment = Assessment(
            **{
                **assessment.__dict__,
                "risk_band": reading.band,
                "risk_score": reading.score,
                "risk_probability": round(reading.probability, 6),
                "risk_source": reading.source,
            }
        )
    earlier = assessments_of(caseload.store, assessment.person)
    values = {
        "person_id": assessment.person,
        "instrument": assessment.instrument,
        "assessed_on": assessment.assessed_on,
        "sex": assessment.sex,
        "age": assessment.age,
        "juvenile": assessment.juvenile,
        "setting": assessment.setting,
        "release_date": assessment.release_date,
        "risk_score": assessment.risk_score,
        "risk_probability": assessment.risk_probability,
        "risk_band": assessment.risk_band,
        "risk_source": assessment.risk_source,
        "officer": caseload.actor.user_name or "unknown",
        "agency_id": caseload.actor.agency_id,
    }
    items = [StoredItem(i.item_id, i.domain, i.score, i.note) for i in assessment.items]
    assessment_id = add_assessment(caseload.store, values, items)
    _record(
        caseload,
        "alteration",
        assessment.person,
        f"needs assessment {assessment_id}",
        purpose,
        instrument=assessment.instrument,
        items=len(items),
        risk_band=assessment.risk_band,
    )
    previous = earlier[-1] if earlier else None
    changes = (
        change(as_assessment(previous), assessment, instrument)
        if previous is not None and previous.instrument == instrument.label
        else []
    )
    return AssessResult(
        assessment_id,
        Assessment(**{**assessment.__dict__, "assessment_id": assessment_id}),
        domain_scores(assessment, instrument),
        changes,
        previous.assessment_id if previous else None,
        terms,
    )


def propose_plan(
    caseload: Caseload,
    person: str,
    *,
    warehouse: Path | None = None,
    catalogue: list[Programme] | None = None,
    instrument_path: Path | None = None,
    limits: Path | None = None,
    engine: Engine | None = None,
    purpose: str = PROPOSE_PURPOSE,
) -> ProposeResult:
    """Propose a plan from the person's latest assessment and the programme catalogue.

    The catalogue is read from ``warehouse``, unless it is given (``catalogue``: the web app
    reads it through the warehouse it holds open).

    Raises:
        ReintegrationError: no assessment of the person, no risk band, no catalogue.
    """
    purpose = clean_purpose(purpose)
    stored = assessments_of(caseload.store, person)
    if not stored:
        raise ReintegrationError(f"no assessment of {person}: run justicelink plan assess first")
    latest = stored[-1]
    instrument = _instrument_for(latest.instrument, instrument_path)
    if catalogue is None:
        if warehouse is None:
            raise ReintegrationError("give the warehouse holding the programme catalogue")
        catalogue = read_catalogue(caseload, warehouse, limits=limits, engine=engine)
    proposed = propose(as_assessment(latest), instrument, catalogue)
    actions = [
        {
            "ordinal": p.ordinal,
            "kind": p.kind,
            "needs": list(p.needs),
            "responsible": p.responsible,
            "programme_key": p.programme_key,
            "programme_name": p.programme_name,
            "start_after": p.start_after,
            "reason": p.reason,
        }
        for p in proposed.proposals
    ]
    tasks = [
        StoredTask(n, t.task, t.responsible, t.due_on, None)
        for n, t in enumerate(proposed.tasks, start=1)
    ]
    plan_id = add_plan(
        caseload.store,
        {
            "person_id": person,
            "assessment_id": latest.assessment_id,
            "risk_band": proposed.band,
            "review_on": proposed.review_on,
            "not_targeted": [list(x) for x in proposed.not_targeted],
            "officer": caseload.actor.user_name or "unknown",
            "agency_id": caseload.actor.agency_id,
        },
        actions,
        tasks,
    )
    _record(
        caseload,
        "alteration",
        person,
        f"plan {plan_id} proposed",
        purpose,
        assessment=latest.assessment_id,
        actions=len(actions),
        tasks=len(tasks),
    )
    plan = get_plan(caseload.store, plan_id)
    assert plan is not None  # just stored
    return ProposeResult(plan)


_EDITABLE = ("programme_key", "responsible", "start_after")


def decide_action(
    caseload: Caseload,
    plan_id: int,
    ordinal: int,
    decision: str,
    reason: str,
    *,
    changes: dict[str, Any] | None = None,
    purpose: str = DECIDE_PURPOSE,
) -> StoredAction:
    """Accept, edit or reject one proposed action, with the officer's reason.

    An edit changes any of the programme, the responsible agency or the start date
    (``changes``); what it changed is kept beside the proposal.

    Raises:
        ReintegrationError: an unknown plan or action, a decision without a reason, an
            edit that changes nothing or something not editable.
    """
    purpose = clean_purpose(purpose)
    if decision not in DECISIONS:
        raise ReintegrationError(f"decision {decision!r}: choose one of {', '.join(DECISIONS)}")
    reason = reason.strip()
    if len(reason) < 5:
        raise ReintegrationError(
            "give the reason for the decision (--reason, 5 characters or more)"
        )
    changes = {k: v for k, v in (changes or {}).items() if v is not None}
    wrong = sorted(set(changes) - set(_EDITABLE))
    if wrong:
        raise ReintegrationError(f"cannot edit {', '.join(wrong)}: only {', '.join(_EDITABLE)}")
    if decision == "edited" and not changes:
        raise ReintegrationError("an edit must change the programme, responsible or start date")
    if decision != "edited" and changes:
        raise ReintegrationError("changes are given with --edit only")
    plan = get_plan(caseload.store, plan_id)
    if plan is None:
        raise ReintegrationError(f"no plan {plan_id}")
    action = decide(
        caseload.store,
        plan_id,
        ordinal,
        decision=decision,
        reason=reason,
        changes=changes,
        officer=caseload.actor.user_name or "unknown",
    )
    if action is None:
        raise ReintegrationError(f"plan {plan_id} has no action {ordinal}")
    _record(
        caseload,
        "alteration",
        plan.person_id,
        f"plan {plan_id} action {ordinal} {decision}",
        purpose,
        reason=reason,
        edits=action.edits or None,
    )
    return action


def show_person(
    caseload: Caseload,
    person: str,
    *,
    purpose: str,
    instrument_path: Path | None = None,
) -> PersonPlan:
    """A person's assessments (with change since the previous one) and latest plan.

    Raises:
        InputError: no purpose, or too short a one.
        ReintegrationError: nothing recorded for the person.
    """
    purpose = clean_purpose(purpose)
    stored = assessments_of(caseload.store, person)
    if not stored:
        _record(caseload, "consultation", person, "reintegration record (none held)", purpose)
        raise ReintegrationError(f"no assessment of {person}")
    latest = stored[-1]
    instrument = _instrument_for(latest.instrument, instrument_path)
    plans = plans_of(caseload.store, person)
    previous = stored[-2] if len(stored) > 1 else None
    changes = (
        change(as_assessment(previous), as_assessment(latest), instrument)
        if previous is not None and previous.instrument == latest.instrument
        else []
    )
    _record(
        caseload,
        "consultation",
        person,
        "reintegration record",
        purpose,
        assessments=[a.assessment_id for a in stored],
        plan=plans[-1].plan_id if plans else None,
    )
    return PersonPlan(
        person,
        stored,
        domain_scores(as_assessment(latest), instrument),
        changes,
        plans[-1] if plans else None,
        instrument,
    )


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
