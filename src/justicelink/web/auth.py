"""Signing in (password, then a TOTP code), enrolling by a one-time link, changing one's
password, and signing out."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from justicelink.app import accounts
from justicelink.errors import AuthError, UserError
from justicelink.policy.passwords import MIN_PASSWORD_LENGTH
from justicelink.store import sessions
from justicelink.store.audit import Actor
from justicelink.store.signin import check_password, check_totp, is_locked, qr_svg
from justicelink.store.users import enrolment_account, get_account, reveal_totp
from justicelink.web.policy import HOME
from justicelink.web.security import (
    COOKIE,
    audit_of,
    check_csrf,
    check_form_token,
    client_of,
    form_token,
    principal,
    session_of,
    set_form_cookie,
    store_of,
)

router = APIRouter(include_in_schema=False)

# Messages are chosen by code, never taken from the URL: a link cannot put words on the page.
MESSAGES = {
    "locked": "Account locked after 5 failed sign-ins; try again in 15 minutes.",
    "wrong-code": "Wrong or already used code.",
    "signed-out": "You have signed out.",
    "password-changed": "Your password is changed.",
}
NOT_ENROLLED = (
    "This account has no second factor yet: open the enrolment link your administrator gave you."
)


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


def _anonymous_form(
    request: Request, name: str, context: dict[str, Any], *, status: int = 200
) -> HTMLResponse:
    """A form shown before sign-in: a signed double-submit token, no session stored."""
    token = form_token(request)
    response = _render(request, name, {"csrf": token, **context}, status=status)
    set_form_cookie(request, response, token)
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    who = principal(request)
    return RedirectResponse(HOME[who.account.role], status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, message: str = "") -> Response:
    """The sign-in form (``message`` is a code from :data:`MESSAGES`)."""
    state = session_of(request)
    if state is not None and state.stage == "full":
        return RedirectResponse("/", status_code=303)
    return _anonymous_form(request, "login.html.j2", {"error": MESSAGES.get(message, "")})


@router.post("/login", dependencies=[Depends(check_form_token)])
def login(
    request: Request,
    user_name: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
) -> Response:
    store, audit = store_of(request), audit_of(request)
    try:
        account = check_password(store, user_name, password)
        if not account.totp_confirmed:
            raise AuthError(NOT_ENROLLED)
    except AuthError as exc:
        audit.record(
            Actor(user_name),
            "login",
            outcome="failure",
            detail={"factor": "password", "reason": str(exc), "client": client_of(request)},
        )
        return _anonymous_form(request, "login.html.j2", {"error": str(exc)}, status=401)
    old = session_of(request)
    if old is not None:
        sessions.end(store, old.token)
    new = sessions.create(store, user_id=account.user_id, stage="password")
    response = RedirectResponse("/login/code", status_code=303)
    set_cookie(request, response, new)
    return response


@router.get("/enrol/{token}", response_class=HTMLResponse)
def enrol_form(request: Request, token: str) -> Response:
    """An enrolment link: the account's password opens the second-factor set-up."""
    account = enrolment_account(store_of(request), token)
    if account is None:
        return _render(
            request,
            "error.html.j2",
            {
                "title": "Enrolment link not valid",
                "message": "This link has been used, has expired or is unknown. Ask your "
                "administrator for a new one.",
            },
            status=404,
        )
    return _anonymous_form(request, "enrol.html.j2", {"token": token, "account": account})


@router.post("/enrol/{token}", dependencies=[Depends(check_form_token)])
def enrol(
    request: Request, token: str, password: Annotated[str, Form(max_length=1000)]
) -> Response:
    store, audit = store_of(request), audit_of(request)
    account = enrolment_account(store, token)
    try:
        state = accounts.start_enrolment(store, audit, token, password, client=client_of(request))
    except AuthError as exc:
        if account is None:
            return enrol_form(request, token)
        return _anonymous_form(
            request,
            "enrol.html.j2",
            {"token": token, "account": account, "error": str(exc)},
            status=401,
        )
    response = RedirectResponse("/login/code", status_code=303)
    set_cookie(request, response, state)
    return response


def _second_factor_session(request: Request) -> sessions.SessionState | None:
    state = session_of(request)
    if state is None or state.stage not in ("password", "enrol") or state.user_id is None:
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
        "enrolling": state.stage == "enrol",
    }
    if state.stage == "enrol":
        uri = reveal_totp(store_of(request), account.user_id)  # the first time only
        if uri is not None:
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
    enrolling = state.stage == "enrol"
    try:
        check_totp(store, account.user_id, code)
    except AuthError as exc:
        audit.record(
            actor,
            "login",
            outcome="failure",
            detail={"factor": "totp", "reason": str(exc), "client": client_of(request)},
        )
        if is_locked(store, account.name):
            sessions.end(store, state.token)
            return RedirectResponse("/login?message=locked", status_code=303)
        return RedirectResponse("/login/code?error=wrong-code", status_code=303)
    if enrolling:
        audit.record(
            actor,
            "alteration",
            object=f"user {account.name}",
            detail={"change": "second factor enrolled", "client": client_of(request)},
        )
    audit.record(actor, "login", detail={"enrolled": enrolling, "client": client_of(request)})
    new = sessions.advance(store, state, user_id=account.user_id, stage="full")
    target = "/account/password" if account.must_change_password else HOME[account.role]
    response = RedirectResponse(target, status_code=303)
    set_cookie(request, response, new)
    return response


@router.get("/account/password", response_class=HTMLResponse)
def password_form(request: Request) -> Response:
    who = principal(request, changing_password=True)
    return _render(
        request,
        "password.html.j2",
        {
            "principal": who,
            "csrf": who.session.csrf_token,
            "forced": who.account.must_change_password,
            "min_length": MIN_PASSWORD_LENGTH,
        },
    )


@router.post("/account/password", dependencies=[Depends(check_csrf)])
def password_change(
    request: Request,
    current: Annotated[str, Form(max_length=1000)],
    new: Annotated[str, Form(max_length=1000)],
    repeat: Annotated[str, Form(max_length=1000)],
) -> Response:
    who = principal(request, changing_password=True)
    store = store_of(request)
    try:
        if new != repeat:
            raise UserError("the two new passwords differ")
        accounts.change_own_password(store, audit_of(request), who.account, current, new)
    except (AuthError, UserError) as exc:
        if is_locked(store, who.account.name):
            sessions.end_all(store, who.account.user_id)
            response = RedirectResponse("/login?message=locked", status_code=303)
            response.delete_cookie(COOKIE)
            return response
        return _render(
            request,
            "password.html.j2",
            {
                "principal": who,
                "csrf": who.session.csrf_token,
                "forced": who.account.must_change_password,
                "min_length": MIN_PASSWORD_LENGTH,
                "error": str(exc),
            },
            status=400,
        )
    # Other sessions of the user end; this one goes on under a new token.
    sessions.end_all(store, who.account.user_id)
    new_state = sessions.create(store, user_id=who.account.user_id, stage="full")
    response = RedirectResponse(HOME[who.account.role], status_code=303)
    set_cookie(request, response, new_state)
    return response


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout(request: Request) -> Response:
    who = principal(request, changing_password=True)
    audit_of(request).record(who.actor, "logout")
    sessions.end(store_of(request), who.session.token)
    response = RedirectResponse("/login?message=signed-out", status_code=303)
    response.delete_cookie(COOKIE)
    return response
