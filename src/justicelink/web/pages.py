"""The server-rendered pages. Each handler checks a permission, calls the library, renders."""

from __future__ import annotations

import urllib.parse
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from justicelink.errors import LinkageError, UserError
from justicelink.store.users import ROLES, list_users, reset_totp, set_disabled
from justicelink.web.dashboard import FILTER_COLUMNS, view
from justicelink.web.data import Evidence, PersonView
from justicelink.web.security import Principal, audit_of, check_csrf, require, store_of

router = APIRouter(include_in_schema=False)

Purpose = Annotated[str, Query(max_length=500)]
MIN_PURPOSE = 10


def evidence_of(request: Request) -> Evidence:
    evidence: Evidence = request.app.state.evidence
    return evidence


def render(
    request: Request, name: str, who: Principal, context: dict[str, Any], *, status: int = 200
) -> HTMLResponse:
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request,
        name,
        {"principal": who, "csrf": who.session.csrf_token, **context},
        status_code=status,
    )
    return response


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(
    request: Request,
    who: Annotated[Principal, Depends(require("aggregates"))],
    measure: Annotated[str, Query(max_length=100)] = "proven_reoffending_rate",
    year: Annotated[str, Query(max_length=20)] = "",
    sex: Annotated[str, Query(max_length=20)] = "",
    age: Annotated[str, Query(max_length=20)] = "",
    section: Annotated[str, Query(max_length=20)] = "",
    area: Annotated[str, Query(max_length=100)] = "",
    quarter: Literal["annual", "Q1", "Q2", "Q3", "Q4", "year"] = "annual",
) -> Response:
    evidence = evidence_of(request)
    chosen = evidence.measure(measure) or evidence.measures[0]
    filters = {"year": year, "sex": sex, "age": age, "section": section, "area": area}
    filters = {k: v for k, v in filters.items() if v}
    shown = view(
        chosen,
        evidence.rows(chosen.name),
        {**filters, "quarter": quarter},
        labels=evidence.sections(),
    )
    return render(
        request,
        "dashboard.html.j2",
        who,
        {
            "measures": evidence.measures,
            "measure": chosen,
            "view": shown,
            "filters": filters,
            "filter_names": [f for f in FILTER_COLUMNS if f in shown.options],
            "quarter": quarter,
            "headline": evidence.headline(),
            "sections": evidence.sections(),
            "threshold": evidence.threshold,
        },
    )


@router.get("/quality", response_class=HTMLResponse)
def quality(request: Request, who: Annotated[Principal, Depends(require("quality"))]) -> Response:
    return render(request, "quality.html.j2", who, {"quality": evidence_of(request).quality()})


@router.get("/review", response_class=HTMLResponse)
def review_queue(
    request: Request,
    who: Annotated[Principal, Depends(require("review"))],
    low: Annotated[float, Query(ge=0, le=1)] = 0.5,
    high: Annotated[float, Query(ge=0, le=1)] = 0.99,
    done: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    try:
        pairs = consult_review_queue(request, who, low=low, high=high, limit=25)
    except LinkageError as exc:
        pairs, error = [], str(exc)
    else:
        error = ""
    return render(
        request,
        "review.html.j2",
        who,
        {"pairs": pairs, "low": low, "high": high, "error": error, "done": done},
    )


@router.post("/review", dependencies=[Depends(check_csrf)])
def review_decide(
    request: Request,
    who: Annotated[Principal, Depends(require("review"))],
    record_id_l: Annotated[str, Form(max_length=200)],
    record_id_r: Annotated[str, Form(max_length=200)],
    decision: Annotated[Literal["same", "different"], Form()],
    note: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    pair = f"{record_id_l}|{record_id_r}"
    try:
        evidence_of(request).decide(
            record_id_l, record_id_r, decision, note=note, reviewer=who.account.name
        )
    except LinkageError as exc:
        audit_of(request).record(
            who.actor, "combination", outcome="failure", object=pair, detail={"error": str(exc)}
        )
        return render(
            request,
            "error.html.j2",
            who,
            {"title": "Decision not stored", "message": str(exc)},
            status=400,
        )
    audit_of(request).record(
        who.actor,
        "combination",
        object=pair,
        purpose="clerical review of uncertain links",
        detail={"decision": decision, "note": note},
    )
    return RedirectResponse(f"/review?done={decision}", status_code=303)


@router.get("/persons", response_class=HTMLResponse)
def person_search(
    request: Request,
    who: Annotated[Principal, Depends(require("persons"))],
    record_key: Annotated[str, Query(max_length=100)] = "",
    purpose: Purpose = "",
) -> Response:
    error = ""
    if record_key or purpose:
        if len(purpose.strip()) < MIN_PURPOSE:
            error = f"State the purpose of this look-up (at least {MIN_PURPOSE} characters)."
        else:
            agency = who.account.agency_id or ""
            person_id = evidence_of(request).find_person(agency, record_key.strip())
            audit_of(request).record(
                who.actor,
                "consultation",
                outcome="success" if person_id else "failure",
                object=f"record {agency}:{record_key.strip()}",
                purpose=purpose.strip(),
            )
            if person_id:
                query = urllib.parse.urlencode({"purpose": purpose.strip()})
                return RedirectResponse(f"/persons/{person_id}?{query}", status_code=303)
            error = f"No record {record_key.strip()!r} of your agency is linked to a person."
    return render(
        request,
        "persons.html.j2",
        who,
        {"record_key": record_key, "purpose": purpose, "error": error},
        status=400 if error else 200,
    )


def look_up_person(
    request: Request,
    who: Principal,
    person_id: str,
    purpose: str,
    *,
    other_agencies: bool,
    api: bool = False,
) -> PersonView | None:
    """An officer's look-up of a person, recorded in the audit log with its purpose.

    The officer's own agency's records and events; with ``other_agencies``, every agency's
    (a disclosure), but only for a person the officer's agency holds a record of.
    """
    evidence = evidence_of(request)
    own = evidence.person(person_id, agency_id=who.account.agency_id)
    shown = evidence.person(person_id, agency_id=None) if own and other_agencies else own
    audit_of(request).record(
        who.actor,
        "disclosure" if other_agencies else "consultation",
        outcome="success" if shown else "failure",
        object=f"person {person_id}",
        purpose=purpose.strip(),
        detail={
            "other_agencies": other_agencies,
            "records": len(shown.records) if shown else 0,
            "api": api,
        },
    )
    return shown


def consult_review_queue(
    request: Request, who: Principal, *, low: float, high: float, limit: int, api: bool = False
) -> list[dict[str, Any]]:
    """Undecided pairs for clerical review; a queue that shows any is recorded in the audit log.

    Raises:
        LinkageError: the warehouse has no linkage run yet.
    """
    pairs = evidence_of(request).uncertain_pairs(low=low, high=high, limit=limit)
    if pairs:
        audit_of(request).record(
            who.actor,
            "consultation",
            object="review queue",
            purpose="clerical review of uncertain links",
            detail={"pairs": len(pairs), "api": True}
            if api
            else {"pairs": [f"{p['record_id_l']}|{p['record_id_r']}" for p in pairs]},
        )
    return pairs


@router.get("/persons/{person_id}", response_class=HTMLResponse)
def person_timeline(
    request: Request,
    who: Annotated[Principal, Depends(require("persons"))],
    person_id: str,
    purpose: Purpose = "",
    other_agencies: bool = False,
) -> Response:
    if len(purpose.strip()) < MIN_PURPOSE:
        return render(
            request,
            "persons.html.j2",
            who,
            {
                "record_key": "",
                "purpose": purpose,
                "error": f"State the purpose of this look-up (at least {MIN_PURPOSE} characters).",
            },
            status=400,
        )
    person = look_up_person(request, who, person_id, purpose, other_agencies=other_agencies)
    if person is None:
        return render(
            request,
            "error.html.j2",
            who,
            {
                "title": "Not found",
                "message": "No person with a record of your agency has this id.",
            },
            status=404,
        )
    return render(
        request,
        "person.html.j2",
        who,
        {
            "person": person,
            "purpose": purpose.strip(),
            "other_agencies": other_agencies,
            "agencies": evidence_of(request).agencies(),
        },
    )


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    who: Annotated[Principal, Depends(require("audit"))],
    before: Annotated[int | None, Query(ge=1)] = None,
    user: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    audit = audit_of(request)
    entries = audit.entries(limit=100, before=before, user_name=user or None)
    audit.record(who.actor, "consultation", object="audit log", detail={"before": before})
    return render(
        request, "audit.html.j2", who, {"entries": entries, "user": user, "before": before}
    )


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(
    request: Request, who: Annotated[Principal, Depends(require("users"))], done: str = ""
) -> Response:
    return render(
        request,
        "users.html.j2",
        who,
        {"users": list_users(store_of(request)), "roles": ROLES, "done": done[:100]},
    )


@router.post("/admin/users/{name}", dependencies=[Depends(check_csrf)])
def user_change(
    request: Request,
    who: Annotated[Principal, Depends(require("users"))],
    name: str,
    change: Annotated[Literal["disable", "enable", "reset-factor"], Form()],
) -> Response:
    store = store_of(request)
    try:
        if change == "reset-factor":
            reset_totp(store, name)
        else:
            set_disabled(store, name, disabled=change == "disable")
    except UserError as exc:
        return render(
            request, "error.html.j2", who, {"title": "No change", "message": str(exc)}, status=404
        )
    audit_of(request).record(
        who.actor, "alteration", object=f"user {name}", detail={"change": change}
    )
    return RedirectResponse("/admin/users?done=" + urllib.parse.quote(change), status_code=303)
