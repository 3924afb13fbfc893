"""The auditor's page: the audit log filtered by user, object (a person), purpose, action
and date range, and its CSV export. Reading the log and exporting it are audited too."""

from __future__ import annotations

import csv
import datetime as dt
import io
import urllib.parse
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse

from justicelink.store.audit import ACTIONS
from justicelink.store.schema import AuditEntry
from justicelink.web.pages import render
from justicelink.web.security import Principal, audit_of, require

router = APIRouter(include_in_schema=False)
PAGE = 100
EXPORT_LIMIT = 50_000
# The detail shown before "more" (the whole text is a click away).
SHORT = 90
Text = Annotated[str, Query(max_length=200)]
COLUMNS = (
    "seq", "at", "user_name", "role", "agency_id", "action", "object", "purpose", "outcome",
    "detail", "entry_hash",
)  # fmt: skip


class FilterError(ValueError):
    """A filter the page cannot apply (answered 400 with the reason)."""


@dataclass(frozen=True)
class Filters:
    """What the auditor asked for; empty text means no filter."""

    user: str = ""
    person: str = ""
    purpose: str = ""
    action: str = ""
    since: str = ""  # YYYY-MM-DD, first day included
    until: str = ""  # YYYY-MM-DD, last day included

    def _day(self, name: str, value: str) -> dt.datetime | None:
        if not value:
            return None
        try:
            return dt.datetime.combine(dt.date.fromisoformat(value), dt.time())
        except ValueError:
            raise FilterError(f"{name} {value!r} is not a date (YYYY-MM-DD)") from None

    def query(self) -> dict[str, Any]:
        """Keyword arguments of :meth:`AuditLog.entries`."""
        if self.action and self.action not in ACTIONS:
            raise FilterError(f"no action {self.action!r}; actions: {', '.join(ACTIONS)}")
        since, until = self._day("from", self.since), self._day("to", self.until)
        if since and until and since > until:
            raise FilterError("the first day is after the last day")
        return {
            "user_name": self.user or None,
            "object_contains": self.person or None,
            "purpose_contains": self.purpose or None,
            "action": self.action or None,
            "since": since,
            "until": until + dt.timedelta(days=1) if until else None,
        }

    def given(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}

    def url_query(self) -> str:
        """The filters as the page's query string (``from``/``to`` for the dates)."""
        alias = {"since": "from", "until": "to"}
        return urllib.parse.urlencode({alias.get(k, k): v for k, v in self.given().items()})


def _filters(
    user: Text = "",
    person: Text = "",
    purpose: Text = "",
    action: Annotated[str, Query(max_length=30)] = "",
    since: Annotated[str, Query(alias="from", max_length=10)] = "",
    until: Annotated[str, Query(alias="to", max_length=10)] = "",
) -> Filters:
    return Filters(
        user.strip(), person.strip(), purpose.strip(), action.strip(), since.strip(), until.strip()
    )


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    who: Annotated[Principal, Depends(require("audit"))],
    filters: Annotated[Filters, Depends(_filters)],
    before: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    audit = audit_of(request)
    error = ""
    entries: list[AuditEntry] = []
    try:
        entries = audit.entries(limit=PAGE, before=before, **filters.query())
    except FilterError as exc:
        error = str(exc)
    audit.record(
        who.actor,
        "consultation",
        outcome="failure" if error else "success",
        object="audit log",
        detail={"before": before, **filters.given()},
    )
    return render(
        request,
        "audit.html.j2",
        who,
        {
            "entries": entries,
            "filters": filters,
            "before": before,
            "actions": ACTIONS,
            "error": error,
            "short": SHORT,
        },
        status=400 if error else 200,
    )


@router.get("/audit/export.csv")
def audit_export(
    request: Request,
    who: Annotated[Principal, Depends(require("audit"))],
    filters: Annotated[Filters, Depends(_filters)],
) -> Response:
    """The entries matching the filters as CSV, newest first (the export is audited as a
    disclosure, with the filters and the number of rows)."""
    audit = audit_of(request)
    try:
        entries = audit.entries(limit=EXPORT_LIMIT, **filters.query())
    except FilterError as exc:
        return Response(str(exc) + "\n", status_code=400, media_type="text/plain")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for e in entries:
        writer.writerow(
            [e.at.isoformat() + "Z" if c == "at" else getattr(e, c) or "" for c in COLUMNS]
        )
    audit.record(
        who.actor,
        "disclosure",
        object="audit log",
        detail={"format": "csv", "rows": len(entries), **filters.given()},
    )
    return Response(
        buffer.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'},
    )
