"""The JSON API under /api, described by /api/openapi.json.

It uses the same session cookie, roles and audit log as the pages.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from pydantic import AfterValidator, BaseModel, field_validator

from justicelink.errors import LinkageError
from justicelink.policy.inputs import MAX_PURPOSE, MIN_PURPOSE, clean_purpose
from justicelink.web.casework import consult_review_queue, look_up_person
from justicelink.web.data import Evidence
from justicelink.web.policy import REVIEW_PAGE
from justicelink.web.security import Principal, audit_of, require


class Problem(BaseModel):
    """Why a request was refused."""

    detail: str


router = APIRouter(
    prefix="/api",
    tags=["api"],
    responses={
        401: {"model": Problem, "description": "Not signed in (both factors)."},
        403: {"model": Problem, "description": "The role may not use this route."},
    },
)
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No such measure or person."}
}
# The purpose rule of the pages (policy.inputs): trimmed, printable, long enough. Blanks or
# a control character answer 422 here as they are refused on the page.
StatedPurpose = Annotated[
    str,
    Query(
        min_length=MIN_PURPOSE,
        max_length=MAX_PURPOSE + 500,  # room for blanks around a purpose of the longest
        description=f"Why you look this person up: at least {MIN_PURPOSE} printable "
        "characters once leading and trailing blanks are trimmed (recorded in the audit log).",
    ),
    AfterValidator(clean_purpose),
]


class MeasureSummary(BaseModel):
    """A measure and its written definition."""

    name: str
    title: str
    unit: str
    disaggregations: list[str]
    sdg_series: str | None
    definition: dict[str, str]


class MeasureTable(BaseModel):
    """A measure's published rows: small cells blanked and marked ``suppressed``."""

    measure: MeasureSummary
    suppression_threshold: int
    rows: list[dict[str, Any]]


class PersonHistory(BaseModel):
    """One linked person's records and events, in date order."""

    person_id: str
    records: list[dict[str, Any]]
    events: list[dict[str, Any]]
    other_agencies_included: bool


class ReviewPair(BaseModel):
    """An uncertain pair of records awaiting a reviewer's decision."""

    record_id_l: str
    record_id_r: str
    match_probability: float
    records: dict[str, dict[str, Any]]


class AuditRecord(BaseModel):
    """One audit-log entry."""

    seq: int
    at: dt.datetime
    user_name: str | None
    role: str | None
    agency_id: str | None
    action: str
    object: str | None
    purpose: str | None
    outcome: str
    detail: str | None
    entry_hash: str

    @field_validator("at")
    @classmethod
    def _utc(cls, value: dt.datetime) -> dt.datetime:
        """The store keeps UTC without a zone; the API says so (RFC 3339 needs an offset)."""
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _evidence(request: Request) -> Evidence:
    evidence: Evidence = request.app.state.evidence
    return evidence


def _summary(evidence: Evidence, name: str) -> MeasureSummary:
    m = evidence.measure(name)
    if m is None:
        raise HTTPException(404, f"no measure {name!r}")
    return MeasureSummary(
        name=m.name,
        title=m.title,
        unit=m.unit,
        disaggregations=list(m.dimensions),
        sdg_series=m.sdg_series,
        definition=m.definition(),
    )


@router.get("/measures", response_model=list[MeasureSummary])
def list_measures(
    request: Request, _who: Annotated[Principal, Depends(require("aggregates"))]
) -> list[MeasureSummary]:
    """Every measure of the catalogue, with its definition."""
    evidence = _evidence(request)
    return [_summary(evidence, m.name) for m in evidence.measures]


@router.get("/measures/{name}", response_model=MeasureTable, responses=NOT_FOUND)
def measure_rows(
    request: Request,
    name: str,
    who: Annotated[Principal, Depends(require("aggregates"))],
    year: Annotated[str | None, Query(max_length=20)] = None,
    sex: Annotated[str | None, Query(max_length=20)] = None,
) -> MeasureTable:
    """A measure's rows, optionally for one year (or cohort) and one sex (audited as a
    disclosure, as the CSV download is)."""
    evidence = _evidence(request)
    summary = _summary(evidence, name)
    rows = evidence.rows(name)
    if year is not None:
        rows = [r for r in rows if str(r.get("year", r.get("cohort"))) == year]
    if sex is not None:
        rows = [r for r in rows if r.get("sex") == sex]
    audit_of(request).record(
        who.actor,
        "disclosure",
        object=f"measure {name}",
        detail={"rows": len(rows), "format": "json", "year": year, "sex": sex},
    )
    return MeasureTable(measure=summary, suppression_threshold=evidence.threshold, rows=rows)


@router.get(
    "/measures/{name}/csv",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {}}, "description": "The published table."},
        **NOT_FOUND,
    },
)
def measure_csv(
    request: Request, name: str, who: Annotated[Principal, Depends(require("aggregates"))]
) -> Response:
    """Download a measure's published table (the download is audited as a disclosure)."""
    evidence = _evidence(request)
    _summary(evidence, name)
    rows = evidence.rows(name)
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    audit_of(request).record(
        who.actor,
        "disclosure",
        object=f"measure {name}",
        detail={"rows": len(rows), "format": "csv"},
    )
    return Response(
        buffer.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@router.get("/persons/{person_id}", response_model=PersonHistory, responses=NOT_FOUND)
def person(
    request: Request,
    person_id: str,
    who: Annotated[Principal, Depends(require("persons"))],
    purpose: StatedPurpose,
    other_agencies: bool = False,
) -> PersonHistory:
    """A linked person's history, for a stated purpose (recorded in the audit log).

    Without ``other_agencies`` only the officer's own agency's records and events are
    returned; with it, all agencies' (a disclosure, recorded as such).
    """
    shown = look_up_person(
        request, who, person_id, purpose, other_agencies=other_agencies, api=True
    )
    if shown is None:
        raise HTTPException(404, "no person with a record of your agency has this id")
    return PersonHistory(
        person_id=shown.person_id,
        records=shown.records,
        events=shown.events,
        other_agencies_included=other_agencies,
    )


@router.get(
    "/review",
    response_model=list[ReviewPair],
    responses={
        400: {"model": Problem, "description": "low is above high."},
        403: {
            "model": Problem,
            "description": "The role may not use this route, or the band reaches outside the "
            "review band.",
        },
        409: {"model": Problem, "description": "The warehouse has no linkage run yet."},
        429: {"model": Problem, "description": "The reviewer's pairs for this hour are used."},
    },
)
def review_pairs(
    request: Request,
    who: Annotated[Principal, Depends(require("review"))],
    low: Annotated[float | None, Query(ge=0, le=1)] = None,
    high: Annotated[float | None, Query(ge=0, le=1)] = None,
    limit: Annotated[int, Query(ge=1, le=REVIEW_PAGE)] = REVIEW_PAGE,
) -> list[ReviewPair]:
    """Undecided pairs with match probability in [low, high] (default: the review band),
    nearest the threshold first; audited with their record ids.

    A band reaching outside the review band the server is configured with answers 403; a
    reviewer is served at most a set number of distinct pairs an hour (then 429).
    """
    band_low, band_high = request.app.state.review_band
    low = band_low if low is None else low
    high = band_high if high is None else high
    if low > high:
        raise HTTPException(400, "low is above high")
    try:
        pairs = consult_review_queue(request, who, low=low, high=high, limit=limit, api=True)
    except LinkageError as exc:
        raise HTTPException(409, str(exc)) from None
    out = []
    for p in pairs:
        sides = {
            side: {k[: -len(side) - 1]: v for k, v in p.items() if k.endswith(f"_{side}")}
            for side in ("l", "r")
        }
        sides = {
            side: {k: v for k, v in s.items() if k != "record_id"} for side, s in sides.items()
        }
        out.append(
            ReviewPair(
                record_id_l=p["record_id_l"],
                record_id_r=p["record_id_r"],
                match_probability=p["match_probability"],
                records={"left": sides["l"], "right": sides["r"]},
            )
        )
    return out


@router.get("/audit", response_model=list[AuditRecord])
def audit_entries(
    request: Request,
    who: Annotated[Principal, Depends(require("audit"))],
    before: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditRecord]:
    """The latest audit entries, newest first (``before``: only entries numbered lower)."""
    audit = audit_of(request)
    entries = audit.entries(limit=limit, before=before)
    audit.record(who.actor, "consultation", object="audit log", detail={"api": True})
    return [AuditRecord.model_validate(e, from_attributes=True) for e in entries]


__all__ = ["router"]
