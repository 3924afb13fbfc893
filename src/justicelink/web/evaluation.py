"""Programme evaluation from the web app: an analyst uploads a participant list, reads the
result, and downloads the report (issue 15; method in docs/evaluation.md).

The participant list is personal data (agency record keys or person ids). It is read in
memory for the request and never written to disk or to the store. What the evaluation
produced (the report, the JSON, the list of participants left out, which names them) is kept
in the server's memory for the analyst who ran it, for ``serve --keep-evaluations`` minutes
(default 60; 0 keeps nothing and offers no download), then dropped; a restart drops it too.
Each run and each download is written to the audit log: the run with the purpose and the
participants submitted (a combination), a download as a disclosure.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from justicelink.app.evaluation import LEFT_OUT, REPORT, RESULT, outputs
from justicelink.errors import EvaluationError, InputError
from justicelink.evaluation import parse_participants
from justicelink.policy.inputs import MIN_PURPOSE, clean_purpose
from justicelink.web.casework import evidence_of
from justicelink.web.pages import render
from justicelink.web.security import Principal, audit_of, check_csrf, require

router = APIRouter(include_in_schema=False)

DEFAULT_KEEP_MINUTES = 60
# A participant list is a few thousand rows; a bigger upload is refused before it is parsed.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MEDIA = {REPORT: "text/html", RESULT: "application/json", LEFT_OUT: "text/csv"}


@dataclass
class Kept:
    """One evaluation's outputs, kept for the analyst who ran it until ``until``."""

    user: str
    programme: str
    until: dt.datetime
    files: dict[str, str]
    summary: dict[str, Any]


@dataclass
class Shelf:
    """The evaluations kept in memory, by a random token; expired ones are dropped on use."""

    minutes: int = DEFAULT_KEEP_MINUTES
    items: dict[str, Kept] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _prune(self, now: dt.datetime) -> None:
        for token in [t for t, k in self.items.items() if k.until <= now]:
            del self.items[token]

    def put(self, kept: Kept) -> str | None:
        if self.minutes <= 0:
            return None
        token = secrets.token_urlsafe(16)
        with self.lock:
            self._prune(dt.datetime.now(dt.UTC))
            self.items[token] = kept
        return token

    def get(self, token: str, user: str) -> Kept | None:
        with self.lock:
            self._prune(dt.datetime.now(dt.UTC))
            kept = self.items.get(token)
        return kept if kept is not None and kept.user == user else None

    def of(self, user: str) -> list[tuple[str, Kept]]:
        with self.lock:
            self._prune(dt.datetime.now(dt.UTC))
            return [(t, k) for t, k in self.items.items() if k.user == user]


def shelf_of(request: Request) -> Shelf:
    state = request.app.state
    if not hasattr(state, "evaluations"):
        state.evaluations = Shelf()
    shelf: Shelf = state.evaluations
    return shelf


def _form(request: Request, who: Principal, *, status: int = 200, **context: Any) -> HTMLResponse:
    shelf = shelf_of(request)
    return render(
        request,
        "evaluate.html.j2",
        who,
        {
            "kept": shelf.of(who.account.name),
            "keep_minutes": shelf.minutes,
            "min_purpose": MIN_PURPOSE,
            "programme": "",
            "purpose": "",
            "error": "",
            "result": None,
            "token": None,
            **context,
        },
        status=status,
    )


@router.get("/evaluate", response_class=HTMLResponse)
def evaluate_form(
    request: Request, who: Annotated[Principal, Depends(require("evaluate"))]
) -> Response:
    return _form(request, who)


@router.post("/evaluate", dependencies=[Depends(check_csrf)], response_class=HTMLResponse)
async def evaluate_upload(
    request: Request,
    who: Annotated[Principal, Depends(require("evaluate"))],
    participants: Annotated[UploadFile, File()],
    programme: Annotated[str, Form(max_length=200)] = "",
    purpose: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    name = programme.strip()
    try:
        if not name:
            raise InputError("name the programme")
        reason = clean_purpose(purpose)
        raw = await participants.read(MAX_UPLOAD_BYTES + 1)
        if len(raw) > MAX_UPLOAD_BYTES:
            raise InputError(f"the participant file is over {MAX_UPLOAD_BYTES // 2**20} MiB")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{participants.filename}: not UTF-8 text (byte {exc.start})"
            ) from None
        rows = parse_participants(text, source=participants.filename or "participant file")
    except (InputError, EvaluationError) as exc:
        return _form(request, who, status=400, programme=name, purpose=purpose, error=str(exc))
    # The evaluation takes seconds: off the event loop, so other users are still served.
    evaluation = await run_in_threadpool(evidence_of(request).evaluate, name, rows)
    summary = evaluation.to_json()
    audit_of(request).record(
        who.actor,
        "combination",  # the uploaded list joined to the linked records (LED art. 25)
        object=f"programme {name}",
        purpose=reason,
        detail={
            "participants": [p.label for p in rows],
            "evaluated": summary["evaluated_participants"],
            "matched": summary["matched_participants"],
        },
    )
    shelf = shelf_of(request)
    until = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=shelf.minutes)
    files = await run_in_threadpool(outputs, evaluation)
    token = shelf.put(Kept(who.account.name, name, until, files, summary))
    return _form(request, who, programme=name, result=summary, token=token)


@router.get("/evaluate/{token}/{name}")
def evaluate_download(
    request: Request,
    who: Annotated[Principal, Depends(require("evaluate"))],
    token: str,
    name: str,
) -> Response:
    kept = shelf_of(request).get(token, who.account.name)
    if kept is None or name not in kept.files:
        return _form(
            request,
            who,
            status=404,
            error="That evaluation is no longer kept (or is not yours): run it again.",
        )
    audit_of(request).record(
        who.actor,
        "disclosure",
        object=f"programme {kept.programme}",
        detail={"export": name},
    )
    return Response(
        kept.files[name],
        media_type=MEDIA[name],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
