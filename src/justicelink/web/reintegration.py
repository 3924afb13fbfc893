"""The officer's pages: caseload with due reviews, assessment form, plan builder.

Probation and prison officers (permission ``caseload``) see their own caseload only: the
persons they assessed. Opening a person needs a stated purpose; a person not on the
officer's caseload is refused and the refusal audited. Every view and change goes through
:mod:`justicelink.app.reintegration`, which writes it to the audit log with its purpose.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from justicelink.app import reintegration as reint
from justicelink.app.reintegration_catalogue import catalogue_from_rows
from justicelink.errors import InputError, ReintegrationError
from justicelink.policy.inputs import MIN_PURPOSE
from justicelink.reintegration.instrument import AGENCIES, load_instrument
from justicelink.web.casework import evidence_of
from justicelink.web.pages import render
from justicelink.web.security import (
    ForbiddenError,
    Principal,
    audit_of,
    check_csrf,
    deny,
    require,
    store_of,
)

router = APIRouter(include_in_schema=False)
Officer = Annotated[Principal, Depends(require("caseload"))]
PERSON_FIELDS = ("person", "sex", "date_of_birth", "setting", "release_date", "assessed_on")


def _caseload(request: Request, who: Principal) -> reint.Caseload:
    return reint.Caseload(store_of(request), audit_of(request), who.actor)


def _own(request: Request, who: Principal, person: str) -> reint.Caseload:
    """The caseload, if ``person`` is on it; else a refusal (audited)."""
    caseload = _caseload(request, who)
    if not reint.on_caseload(caseload, person):
        deny(request, who.actor, "not on the officer's caseload", person=person)
        raise ForbiddenError("this person is not on your caseload")
    return caseload


def _person_url(person: str, purpose: str) -> str:
    query = urllib.parse.urlencode({"purpose": purpose})
    return f"/caseload/person/{urllib.parse.quote(person, safe='')}?{query}"


@router.get("/caseload", response_class=HTMLResponse)
def caseload_page(request: Request, who: Officer) -> Response:
    today = dt.date.today()
    rows = reint.caseload_of(_caseload(request, who), on=today)
    return render(
        request,
        "caseload.html.j2",
        who,
        {"rows": rows, "today": today, "min_purpose": MIN_PURPOSE},
    )


def _form_page(
    request: Request, who: Principal, values: dict[str, str], error: str = "", status: int = 200
) -> Response:
    return render(
        request,
        "assess.html.j2",
        who,
        {"instrument": load_instrument(), "values": values, "error": error},
        status=status,
    )


@router.get("/caseload/assess", response_class=HTMLResponse)
def assess_form(request: Request, who: Officer) -> Response:
    return _form_page(request, who, {"assessed_on": dt.date.today().isoformat()})


def _answers(form: dict[str, str]) -> dict[str, Any]:
    """The answers document from the form's fields (blank fields left out)."""
    doc: dict[str, Any] = {k: form[k].strip() for k in PERSON_FIELDS if form.get(k, "").strip()}
    if form.get("risk_band"):
        doc["risk_band"] = form["risk_band"]
    scores: dict[str, Any] = {}
    for key, value in form.items():
        if key.startswith("score_") and value != "":
            item = key.removeprefix("score_")
            note = form.get(f"note_{item}", "").strip()
            score: Any = int(value) if value.lstrip("-").isdigit() else value
            scores[item] = {"score": score, "note": note or None}
    doc["scores"] = scores
    return doc


@router.post("/caseload/assess", dependencies=[Depends(check_csrf)])
async def assess_submit(request: Request, who: Officer) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        result = reint.assess_answers(_caseload(request, who), _answers(form))
    except (ReintegrationError, InputError) as exc:
        return _form_page(request, who, form, str(exc), status=400)
    person = result.assessment.person
    return RedirectResponse(_person_url(person, "review the assessment just recorded"), 303)


@router.get("/caseload/person/{person_id}", response_class=HTMLResponse)
def person_page(
    request: Request,
    who: Officer,
    person_id: str,
    purpose: Annotated[str, Query(max_length=1000)] = "",
) -> Response:
    caseload = _own(request, who, person_id)
    try:
        record = reint.show_person(caseload, person_id, purpose=purpose)
    except InputError as exc:
        return render(
            request,
            "error.html.j2",
            who,
            {"title": "State a purpose", "message": str(exc)},
            status=400,
        )
    return render(
        request,
        "plan.html.j2",
        who,
        {
            "doc": record.to_json(),
            "purpose": purpose,
            "agencies": AGENCIES,
            "error": "",
        },
    )


@router.post("/caseload/person/{person_id}/propose", dependencies=[Depends(check_csrf)])
def propose_submit(request: Request, who: Officer, person_id: str) -> Response:
    person = person_id
    caseload = _own(request, who, person)
    evidence = evidence_of(request)
    try:
        catalogue = catalogue_from_rows(
            caseload, evidence.table_rows("programme"), evidence.table_rows("participation")
        )
        reint.propose_plan(caseload, person, catalogue=catalogue)
    except ReintegrationError as exc:
        return render(
            request,
            "error.html.j2",
            who,
            {"title": "No plan proposed", "message": str(exc)},
            status=400,
        )
    return RedirectResponse(_person_url(person, "build the reintegration plan"), 303)


@router.post("/caseload/plan/{plan_id}/{ordinal}", dependencies=[Depends(check_csrf)])
def decide_submit(
    request: Request,
    who: Officer,
    plan_id: int,
    ordinal: int,
    decision: Annotated[Literal["accepted", "edited", "rejected"], Form()],
    reason: Annotated[str, Form(max_length=1000)] = "",
    programme: Annotated[str, Form(max_length=60)] = "",
    responsible: Annotated[str, Form(max_length=30)] = "",
    start: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    person = reint.plan_person(_caseload(request, who), plan_id)
    if person is None:
        raise ForbiddenError("no such plan on your caseload")
    caseload = _own(request, who, person)
    changes: dict[str, Any] = {}
    try:
        if decision == "edited":
            # An edit that cannot be read is refused, never stored as no edit at all.
            if responsible and responsible not in AGENCIES:
                raise ReintegrationError(
                    f"responsible: {responsible!r} is not one of {', '.join(AGENCIES)}"
                )
            try:
                after = dt.date.fromisoformat(start) if start else None
            except ValueError:
                raise ReintegrationError(f"start: {start!r} is not a date (YYYY-MM-DD)") from None
            changes = {
                "programme_key": programme.strip() or None,
                "responsible": responsible or None,
                "start_after": after,
            }
        reint.decide_action(caseload, plan_id, ordinal, decision, reason, changes=changes)
    except ReintegrationError as exc:
        return render(
            request,
            "error.html.j2",
            who,
            {"title": "Decision not stored", "message": str(exc)},
            status=400,
        )
    return RedirectResponse(_person_url(person, "build the reintegration plan"), 303)
