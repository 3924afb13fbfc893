"""Pages about links between records: the reviewers' queue (with undo and officers'
reports) and an officer's report of a wrong link on a person page.

A decision takes effect at once: the app regroups the persons it touches
(:mod:`justicelink.linkage.overlay`) and the next `justicelink link` run makes it for good.
"""

from __future__ import annotations

import urllib.parse
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from justicelink.errors import InputError, LinkageError
from justicelink.policy.inputs import clean_purpose
from justicelink.store.reports import mark_handled, open_reports, report_wrong_link
from justicelink.web.casework import (
    REVIEW_PURPOSE,
    consult_review_queue,
    evidence_of,
    review_band,
)
from justicelink.web.pages import render
from justicelink.web.policy import REVIEW_PAGE
from justicelink.web.security import Principal, audit_of, check_csrf, require, store_of

router = APIRouter(include_in_schema=False)
# Fields compared side by side, and how each is labelled.
FIELDS = (
    ("full_name", "name"),
    ("sex", "sex"),
    ("date_of_birth", "date of birth"),
    ("dob_precision", "date of birth known to"),
    ("id_number", "ID number"),
    ("address", "address"),
)


def _compare(a: Any, b: Any) -> str:
    """``same``, ``differs`` or ``missing`` (one side has no value: not a difference)."""
    if a is None or b is None or a == "" or b == "":
        return "missing"
    return "same" if a == b else "differs"


@router.get("/review", response_class=HTMLResponse)
def review_queue(
    request: Request,
    who: Annotated[Principal, Depends(require("review"))],
    low: Annotated[float | None, Query(ge=0, le=1)] = None,
    high: Annotated[float | None, Query(ge=0, le=1)] = None,
    done: Annotated[Literal["", "same", "different", "undone", "handled"], Query()] = "",
    left: Annotated[str, Query(max_length=200)] = "",
    right: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    band_low, band_high = review_band(request)
    low = band_low if low is None else low
    high = band_high if high is None else high
    error = ""
    pairs: list[dict[str, Any]] = []
    remaining = 0
    evidence = evidence_of(request)
    if low > high:
        error = "The low end of the band is above its high end."
    else:
        try:
            pairs = consult_review_queue(request, who, low=low, high=high, limit=REVIEW_PAGE)
            remaining = evidence.remaining(low=low, high=high)
        except LinkageError as exc:
            error = str(exc)
    context = evidence.pair_records(
        sorted({p[k] for p in pairs for k in ("record_id_l", "record_id_r")})
    )
    return render(
        request,
        "review.html.j2",
        who,
        {
            "pairs": pairs,
            "records": context,
            "agencies": evidence.agencies(),
            "fields": FIELDS,
            "compare": _compare,
            "low": low,
            "high": high,
            "error": error,
            "done": done,
            "undo": {"left": left, "right": right} if done in ("same", "different") else None,
            "remaining": remaining,
            "reports": open_reports(store_of(request)),
        },
        status=400 if low > high else 200,
    )


@router.post("/review", dependencies=[Depends(check_csrf)])
def review_decide(
    request: Request,
    who: Annotated[Principal, Depends(require("review"))],
    record_id_l: Annotated[str, Form(max_length=200)],
    record_id_r: Annotated[str, Form(max_length=200)],
    decision: Annotated[Literal["same", "different", "undo"], Form()],
    note: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """A decision on a pair (or ``undo``: take back one's latest decision on it)."""
    pair = f"{record_id_l}|{record_id_r}"
    evidence = evidence_of(request)
    try:
        if decision == "undo":
            taken_back = evidence.undo(record_id_l, record_id_r, reviewer=who.account.name)
        else:
            evidence.decide(
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
            {"title": "Decision not stored", "message": str(exc), "back": "/review"},
            status=400,
        )
    detail: dict[str, Any] = (
        {"undo": taken_back} if decision == "undo" else {"decision": decision, "note": note}
    )
    audit_of(request).record(
        who.actor, "combination", object=pair, purpose=REVIEW_PURPOSE, detail=detail
    )
    if decision == "undo":
        return RedirectResponse("/review?done=undone", status_code=303)
    query = urllib.parse.urlencode({"done": decision, "left": record_id_l, "right": record_id_r})
    return RedirectResponse(f"/review?{query}", status_code=303)


@router.post("/review/reports/{report_id}", dependencies=[Depends(check_csrf)])
def report_handled(
    request: Request, who: Annotated[Principal, Depends(require("review"))], report_id: int
) -> Response:
    """Close an officer's report of a wrong link (audited)."""
    try:
        row = mark_handled(store_of(request), report_id, by=who.account.name)
    except InputError as exc:
        return render(
            request,
            "error.html.j2",
            who,
            {"title": "Not changed", "message": str(exc), "back": "/review"},
            status=404,
        )
    audit_of(request).record(
        who.actor,
        "combination",
        object=f"person {row.person_id} record {row.record_id}",
        purpose=REVIEW_PURPOSE,
        detail={"report": report_id, "handled": True},
    )
    return RedirectResponse("/review?done=handled", status_code=303)


@router.post("/persons/{person_id}/report", dependencies=[Depends(check_csrf)])
def report_link(
    request: Request,
    who: Annotated[Principal, Depends(require("persons"))],
    person_id: str,
    record_id: Annotated[str, Form(max_length=200)],
    reason: Annotated[str, Form(max_length=1500)],
    purpose: Annotated[str, Form(max_length=1000)],
    other_agencies: Annotated[bool, Form()] = False,
) -> Response:
    """An officer reports that a record shown is not this person's: stored for linkage
    reviewers, audited. Only a record the officer could be shown may be reported: their
    own agency's, or another's when the page showed other agencies (a disclosure already
    made with a purpose)."""
    audit = audit_of(request)
    try:
        stated = clean_purpose(purpose)
        why = clean_purpose(reason)
    except InputError as exc:
        message = f"{exc} (the reason of the report needs the same care as a purpose)"
        return render(
            request,
            "error.html.j2",
            who,
            {"title": "Not reported", "message": message},
            status=400,
        )
    evidence = evidence_of(request)
    own = evidence.person(person_id, agency_id=who.account.agency_id)
    shown = evidence.person(person_id, agency_id=None) if other_agencies else own
    if own is None or shown is None or record_id not in {r["record_id"] for r in shown.records}:
        audit.record(
            who.actor,
            "combination",
            outcome="failure",
            object=f"person {person_id} record {record_id}",
            purpose=stated,
            detail={"report": None, "error": "not a record of this person"},
        )
        message = "That record is not one of this person's records you can see."
        return render(
            request,
            "error.html.j2",
            who,
            {"title": "Not reported", "message": message},
            status=404,
        )
    number = report_wrong_link(
        store_of(request),
        person_id=person_id,
        record_id=record_id,
        reason=why,
        reported_by=who.account.name,
        agency_id=who.account.agency_id,
    )
    audit.record(
        who.actor,
        "combination",
        object=f"person {person_id} record {record_id}",
        purpose=stated,
        detail={"report": number, "reason": why},
    )
    query = urllib.parse.urlencode(
        {"purpose": stated, "reported": record_id, "other_agencies": other_agencies}
    )
    return RedirectResponse(f"/persons/{person_id}?{query}", status_code=303)
