"""Use cases of probation and prison officers: assess needs, propose a plan, decide, show.

Each function is one use case, called by the CLI (``justicelink plan``) and the web app.
Every one of them is written to the store's audit log with its purpose (EU Directive
2016/680 art. 25): recording an assessment, proposing a plan and deciding on an action as
``alteration``, showing a person's assessments and plan as ``consultation``. Reading the
programme catalogue from the warehouse concerns no person and is not logged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from justicelink.app.reintegration_caseload import (
    OFFICER_ROLES,
    Caseload,
    CaseRow,
    caseload_of,
    cli_actor,
    on_caseload,
    plan_person,
)
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
from justicelink.store.reintegration import (
    StoredAction,
    StoredAssessment,
    StoredItem,
    StoredTask,
    add_assessment,
    add_plan,
    assessments_of,
    complete_task,
    decide,
    get_plan,
    plans_of,
)
from justicelink.warehouse.port import Engine

__all__ = [
    "DECISIONS",
    "OFFICER_ROLES",
    "AssessResult",
    "CaseRow",
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
    "task_done",
]

DECISIONS = ("accepted", "edited", "rejected")
ASSESS_PURPOSE = "record a needs assessment for a reintegration plan"
PROPOSE_PURPOSE = "propose a reintegration plan from the latest assessment"
DECIDE_PURPOSE = "decide on a proposed action of a reintegration plan"
TASK_PURPOSE = "record a release handover task as done"


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


def task_done(
    caseload: Caseload,
    plan_id: int,
    ordinal: int,
    *,
    on: dt.date,
    purpose: str = TASK_PURPOSE,
) -> None:
    """Record a handover task of a plan as done on a day (audited).

    Raises:
        ReintegrationError: no such plan or task.
    """
    purpose = clean_purpose(purpose)
    plan = get_plan(caseload.store, plan_id)
    if plan is None:
        raise ReintegrationError(f"no plan {plan_id}")
    if not complete_task(caseload.store, plan_id, ordinal, on):
        raise ReintegrationError(f"plan {plan_id} has no handover task {ordinal}")
    _record(
        caseload,
        "alteration",
        plan.person_id,
        f"plan {plan_id} task {ordinal} done",
        purpose,
        done_on=on.isoformat(),
    )
