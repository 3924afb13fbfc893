"""The central authority's pages: the register of cooperation requests with due dates, and
one request with its completeness checklist, legal-basis panel and timeline.

A central authority sees every request and records status changes; a prosecutor sees,
read-only, the requests their own office makes, conducts or executes (the account's agency,
by its name in the warehouse). Every view and change goes through the application layer
(:mod:`justicelink.app.cooperation`), which writes it to the audit log.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from justicelink.app.cooperation import (
    Register,
    check_one,
    entry_request,
    legal_basis,
    list_requests,
    set_status,
    show_request,
    statistics,
)
from justicelink.cooperation.vocabulary import RefusalGround, RequestType, Status
from justicelink.errors import CooperationError
from justicelink.store.cooperation import get_entry
from justicelink.web.casework import evidence_of
from justicelink.web.pages import render
from justicelink.web.policy import allowed
from justicelink.web.security import Principal, audit_of, check_csrf, require, store_of

router = APIRouter(include_in_schema=False)


def _register(request: Request, who: Principal) -> Register:
    directory: Path | None = request.app.state.cooperation_dir
    return Register(store_of(request), audit_of(request), who.actor, directory or Path())


def _owner(request: Request, who: Principal) -> str | None:
    """The office whose requests a prosecutor may see (None: every request)."""
    if who.account.role != "prosecutor":
        return None
    agency = who.account.agency_id or ""
    return evidence_of(request).agencies().get(agency, agency)


def _not_found(request: Request, who: Principal, message: str) -> HTMLResponse:
    return render(
        request,
        "error.html.j2",
        who,
        {"title": "No such request", "message": message, "back": "/requests"},
        status=404,
    )


def _urgency(row: dict[str, Any]) -> tuple[bool, bool, str, int]:
    """Overdue first, then open ones by due date, then closed ones."""
    return (not row["overdue"], not row["open"], row["due_on"] or "9999", row["request_id"])


@router.get("/requests", response_class=HTMLResponse)
def requests_page(
    request: Request, who: Annotated[Principal, Depends(require("requests"))]
) -> Response:
    """Open and closed requests, overdue first, then by due date (the listing is audited)."""
    register = _register(request, who)
    owner = _owner(request, who)
    rows = list_requests(register, owner=owner)
    rows.sort(key=_urgency)
    # The review mechanisms' statistics are the whole register's: a central authority's view.
    stats = None if owner else statistics(register.store)
    return render(request, "requests.html.j2", who, {"rows": rows, "owner": owner, "stats": stats})


def _basis(shown: dict[str, Any], directory: Path | None) -> dict[str, Any] | None:
    """The legal-basis finder for the request's states, type and first offence."""
    document = shown["request"]
    offences = document.get("offences") or [{}]
    first = offences[0]
    try:
        found = legal_basis(
            document["requesting_state"],
            document["requested_state"],
            RequestType(document["type"]),
            iccs=first.get("iccs"),
            on=dt.date.today(),
            max_penalty_years=first.get("max_penalty_years"),
            directory=directory,
        )
    except (CooperationError, ValueError) as exc:
        return {"error": str(exc)}
    return found.to_json()


@router.get("/requests/{request_id}", response_class=HTMLResponse)
def request_page(
    request: Request,
    who: Annotated[Principal, Depends(require("requests"))],
    request_id: int,
) -> Response:
    """One request: checklist, legal basis, timeline (the view is audited)."""
    register = _register(request, who)
    try:
        shown = show_request(register, request_id, owner=_owner(request, who))
    except CooperationError as exc:
        return _not_found(request, who, f"{str(exc)[:1].upper()}{str(exc)[1:]}.")
    entry = get_entry(register.store, request_id)
    if entry is None:  # removed between the two reads
        return _not_found(request, who, f"No request {request_id} in the register.")
    check = shown["check"] or check_one(entry_request(entry), register.directory).to_json()
    return render(
        request,
        "request.html.j2",
        who,
        {
            "r": shown,
            "doc": shown["request"],
            "check": check,
            "basis": _basis(shown, request.app.state.cooperation_dir),
            "history": entry.history,
            "statuses": list(Status),
            "grounds": list(RefusalGround),
            "may_change": allowed(who.account.role, "requests_change"),
        },
    )


@router.post("/requests/{request_id}/status", dependencies=[Depends(check_csrf)])
def request_status(
    request: Request,
    who: Annotated[Principal, Depends(require("requests_change"))],
    request_id: int,
    status: Annotated[str, Form(max_length=40)],
    on: Annotated[str, Form(max_length=10)] = "",
    ground: Annotated[str, Form(max_length=40)] = "",
    note: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Record a step of the request's history (audited as an alteration)."""
    try:
        day = dt.date.fromisoformat(on) if on else None
        set_status(
            _register(request, who),
            request_id,
            Status(status),
            on=day,
            ground=RefusalGround(ground) if ground else None,
            note=note.strip() or None,
        )
    except (CooperationError, ValueError) as exc:
        return render(
            request,
            "error.html.j2",
            who,
            {
                "title": "Status not changed",
                "message": str(exc),
                "back": f"/requests/{request_id}",
            },
            status=400,
        )
    return RedirectResponse(f"/requests/{request_id}", status_code=303)
