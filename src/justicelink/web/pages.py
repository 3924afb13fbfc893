"""The server-rendered pages. Each handler checks a permission, calls the library, renders."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from justicelink.app import accounts
from justicelink.errors import InputError, UserError
from justicelink.policy.inputs import MIN_PURPOSE, clean_purpose
from justicelink.store.users import ROLES, list_users
from justicelink.web.casework import (
    evidence_of,
    look_up_person,
)
from justicelink.web.dashboard import (
    FILTER_COLUMNS,
    DashboardRequestError,
    check_request,
    choose_measure,
    quarters,
    rule,
    view,
)
from justicelink.web.security import Principal, audit_of, check_csrf, require, store_of
from justicelink.web.summary import summarise, years_and_months

router = APIRouter(include_in_schema=False)

Purpose = Annotated[str, Query(max_length=1000)]
DEFAULT_MEASURE = "proven_reoffending_rate"
# What /admin/users may say after a change: chosen by code, never echoed from the URL.
DONE = {
    "disable": "Account disabled; its sessions ended.",
    "enable": "Account enabled.",
    "role": "Role changed; the user's sessions ended.",
    "password": "Password reset; the user's sessions ended and they choose a new one at "
    "their next sign-in.",
}


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
    request: Request, who: Annotated[Principal, Depends(require("aggregates"))]
) -> Response:
    """One measure, filtered by the query parameters in :data:`dashboard.PARAMETERS`; any
    other parameter, an unknown measure or a value the measure lacks answers 400."""
    evidence = evidence_of(request)
    params: dict[str, str] = {}
    try:
        for name, value in request.query_params.multi_items():
            if name in params:
                raise DashboardRequestError(f"parameter {name!r} given twice")
            if len(value) > 100:
                raise DashboardRequestError(f"parameter {name!r} is longer than 100 characters")
            params[name] = value.strip()
        chosen = choose_measure(evidence.measures, params.get("measure") or DEFAULT_MEASURE)
        rows = evidence.rows(chosen.name)
        filters, ignored = check_request(chosen, rows, params)
    except DashboardRequestError as exc:
        return render(
            request,
            "error.html.j2",
            who,
            {"title": "Not on the dashboard", "message": _sentence(exc), "back": "/dashboard"},
            status=400,
        )
    shown = view(chosen, rows, filters, labels=evidence.sections(), ignored=ignored)
    return render(
        request,
        "dashboard.html.j2",
        who,
        {
            "measures": evidence.measures,
            "measure": chosen,
            "view": shown,
            "filters": {k: v for k, v in filters.items() if k != "quarter"},
            "filter_names": [f for f in FILTER_COLUMNS if f in shown.options],
            "quarter": filters.get("quarter", ""),
            "quarters": quarters(chosen, rows),
            "headline": evidence.headline(),
            "sections": evidence.sections(),
            "threshold": evidence.threshold,
            "rule": rule(evidence.threshold),
        },
    )


@router.get("/quality", response_class=HTMLResponse)
def quality(request: Request, who: Annotated[Principal, Depends(require("quality"))]) -> Response:
    return render(request, "quality.html.j2", who, {"quality": evidence_of(request).quality()})


def _sentence(exc: Exception) -> str:
    text = str(exc)
    return text[:1].upper() + text[1:] + "."


@router.get("/persons", response_class=HTMLResponse)
def person_search(
    request: Request,
    who: Annotated[Principal, Depends(require("persons"))],
    record_key: Annotated[str, Query(max_length=100)] = "",
    purpose: Purpose = "",
) -> Response:
    error = ""
    if record_key or purpose:
        try:
            stated = clean_purpose(purpose)
        except InputError as exc:
            error = _sentence(exc)
        else:
            agency = who.account.agency_id or ""
            key = record_key.strip()
            person_id = evidence_of(request).find_person(agency, key)
            audit_of(request).record(
                who.actor,
                "consultation",
                outcome="success" if person_id else "failure",
                object=f"record {agency}:{key}",
                purpose=stated,
            )
            if person_id:
                query = urllib.parse.urlencode({"purpose": stated})
                return RedirectResponse(f"/persons/{person_id}?{query}", status_code=303)
            error = f"No record {key!r} of your agency is linked to a person."
    return render(
        request,
        "persons.html.j2",
        who,
        {"record_key": record_key, "purpose": purpose, "error": error, "min": MIN_PURPOSE},
        status=400 if error else 200,
    )


@router.get("/persons/{person_id}", response_class=HTMLResponse)
def person_timeline(
    request: Request,
    who: Annotated[Principal, Depends(require("persons"))],
    person_id: str,
    purpose: Purpose = "",
    other_agencies: bool = False,
    reported: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    try:
        stated = clean_purpose(purpose)
    except InputError as exc:
        return render(
            request,
            "persons.html.j2",
            who,
            {"record_key": "", "purpose": purpose, "error": _sentence(exc), "min": MIN_PURPOSE},
            status=400,
        )
    person = look_up_person(request, who, person_id, stated, other_agencies=other_agencies)
    evidence = evidence_of(request)
    agencies = evidence.agencies()
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
            "summary": summarise(person.records, agencies, today=dt.date.today()),
            "purpose": stated,
            "other_agencies": other_agencies,
            "agencies": agencies,
            "threshold": evidence.link_threshold,
            "duration": years_and_months,
            "reported": reported if reported in {r["record_id"] for r in person.records} else "",
        },
    )


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(
    request: Request,
    who: Annotated[Principal, Depends(require("users"))],
    done: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    return _users(request, who, done=DONE.get(done, ""))


def _users(
    request: Request, who: Principal, *, done: str = "", link: dict[str, str] | None = None
) -> HTMLResponse:
    return render(
        request,
        "users.html.j2",
        who,
        {"users": list_users(store_of(request)), "roles": ROLES, "done": done, "link": link},
    )


def _agencies(request: Request) -> frozenset[str]:
    configured: frozenset[str] | None = request.app.state.agencies
    return configured if configured is not None else frozenset(evidence_of(request).agencies())


@router.post("/admin/users/{name}", dependencies=[Depends(check_csrf)])
def user_change(
    request: Request,
    who: Annotated[Principal, Depends(require("users"))],
    name: str,
    change: Annotated[
        Literal["disable", "enable", "reset-factor", "enrolment-link", "role", "password"], Form()
    ],
    role: Annotated[str, Form(max_length=30)] = "",
    agency: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """An account change, made through the application layer and audited there.

    A new enrolment link (asked for, or after a second factor's reset) is shown on the
    answer page once and never put in a URL.
    """
    store, audit = store_of(request), audit_of(request)
    try:
        if change in ("reset-factor", "enrolment-link"):
            if change == "reset-factor":
                token = accounts.reset_factor(store, audit, who.actor, name)
            else:
                token = accounts.issue_link(store, audit, who.actor, name)
            url = str(request.base_url).rstrip("/") + f"/enrol/{token}"
            return _users(request, who, link={"name": name, "url": url})
        if change == "role":
            agencies = _agencies(request)
            agency_id = agency.strip() or None
            accounts.set_role(
                store, audit, who.actor, name, role=role, agency_id=agency_id, agencies=agencies
            )
        elif change == "password":
            accounts.reset_password(store, audit, who.actor, name, password)
        else:
            accounts.set_disabled(store, audit, who.actor, name, disabled=change == "disable")
    except UserError as exc:
        return render(
            request, "error.html.j2", who, {"title": "No change", "message": str(exc)}, status=400
        )
    return RedirectResponse(f"/admin/users?done={change}", status_code=303)
