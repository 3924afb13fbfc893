"""Signing in (password, then a TOTP code; enrolment with a QR code) and out."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from justicelink.errors import AuthError, UserError
from justicelink.store import sessions
from justicelink.store.audit import Actor
from justicelink.store.users import (
    check_password,
    check_totp,
    get_account,
    is_locked,
    qr_svg,
    start_totp,
)
from justicelink.web.policy import HOME
from justicelink.web.security import (
    COOKIE,
    audit_of,
    check_csrf,
    principal,
    session_of,
    store_of,
)

router = APIRouter(include_in_schema=False)

# Messages are chosen by code, never taken from the URL: a link cannot put words on the page.
MESSAGES = {
    "locked": "Account locked after 5 failed sign-ins; try again in 15 minutes.",
    "wrong-code": "Wrong or already used code.",
    "signed-out": "You have signed out.",
}


def set_cookie(request: Request, response: Response, state: sessions.SessionState) -> None:
    secure = request.url.scheme == "https" or bool(request.app.state.secure_cookies)
    response.set_cookie(
        COOKIE,
        state.token,
        httponly=True,
        samesite="strict",
        secure=secure,
        path="/",
        max_age=int(sessions.MAX_AGE.total_seconds()),
    )


def _render(
    request: Request, name: str, context: dict[str, Any], *, status: int = 200
) -> HTMLResponse:
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request, name, context, status_code=status
    )
    return response


def _client(request: Request) -> str | None:
    """The address a sign-in came from (CJIS: the audit record names the origin)."""
    return request.client.host if request.client else None


def _anonymous(request: Request) -> sessions.SessionState:
    state = session_of(request)
    return state if state is not None else sessions.create(store_of(request))


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    who = principal(request)
    return RedirectResponse(HOME[who.account.role], status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, message: str = "") -> Response:
    """The sign-in form (``message`` is a code from :data:`MESSAGES`)."""
    state = _anonymous(request)
    if state.stage == "full":
        return RedirectResponse("/", status_code=303)
    response = _render(
        request, "login.html.j2", {"csrf": state.csrf_token, "error": MESSAGES.get(message, "")}
    )
    set_cookie(request, response, state)
    return response


@router.post("/login", dependencies=[Depends(check_csrf)])
def login(
    request: Request,
    user_name: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
) -> Response:
    store, audit = store_of(request), audit_of(request)
    state = session_of(request)
    assert state is not None  # check_csrf has found it
    try:
        account = check_password(store, user_name, password)
    except AuthError as exc:
        audit.record(
            Actor(user_name),
            "login",
            outcome="failure",
            detail={"factor": "password", "reason": str(exc), "client": _client(request)},
        )
        return _render(
            request, "login.html.j2", {"csrf": state.csrf_token, "error": str(exc)}, status=401
        )
    new = sessions.advance(store, state, user_id=account.user_id, stage="password")
    response = RedirectResponse("/login/code", status_code=303)
    set_cookie(request, response, new)
    return response


def _second_factor_session(request: Request) -> sessions.SessionState | None:
    state = session_of(request)
    if state is None or state.stage != "password" or state.user_id is None:
        return None
    return state


@router.get("/login/code", response_class=HTMLResponse)
def code_form(request: Request, error: str = "") -> Response:
    state = _second_factor_session(request)
    if state is None or state.user_id is None:
        return RedirectResponse("/login", status_code=303)
    account = get_account(store_of(request), state.user_id)
    if account is None:
        return RedirectResponse("/login", status_code=303)
    context: dict[str, Any] = {
        "csrf": state.csrf_token,
        "error": MESSAGES.get(error, ""),
        "account": account,
    }
    if not account.totp_confirmed:
        try:
            uri = start_totp(store_of(request), account.user_id)
        except UserError:
            return RedirectResponse("/login", status_code=303)
        context.update(qr=qr_svg(uri), secret=uri.split("secret=")[1].split("&")[0])
    return _render(request, "code.html.j2", context)


@router.post("/login/code", dependencies=[Depends(check_csrf)])
def code(request: Request, code: Annotated[str, Form(max_length=12)]) -> Response:
    store, audit = store_of(request), audit_of(request)
    state = _second_factor_session(request)
    if state is None or state.user_id is None:
        return RedirectResponse("/login", status_code=303)
    account = get_account(store, state.user_id)
    if account is None:
        return RedirectResponse("/login", status_code=303)
    actor = Actor(account.name, account.role, account.agency_id)
    try:
        check_totp(store, account.user_id, code)
    except AuthError as exc:
        audit.record(
            actor,
            "login",
            outcome="failure",
            detail={"factor": "totp", "reason": str(exc), "client": _client(request)},
        )
        if is_locked(store, account.name):
            sessions.end(store, state.token)
            return RedirectResponse("/login?message=locked", status_code=303)
        return RedirectResponse("/login/code?error=wrong-code", status_code=303)
    audit.record(
        actor,
        "login",
        detail={"enrolled": not account.totp_confirmed, "client": _client(request)},
    )
    new = sessions.advance(store, state, user_id=account.user_id, stage="full")
    response = RedirectResponse(HOME[account.role], status_code=303)
    set_cookie(request, response, new)
    return response


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout(request: Request) -> Response:
    who = principal(request)
    audit_of(request).record(who.actor, "logout")
    sessions.end(store_of(request), who.session.token)
    response = RedirectResponse("/login?message=signed-out", status_code=303)
    response.delete_cookie(COOKIE)
    return response
