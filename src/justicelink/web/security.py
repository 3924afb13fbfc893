"""Request guards: who is signed in, what they may do, CSRF, and the audit entry for each.

A page request without a full session is sent to the sign-in page; an API request gets 401.
A request the role may not make gets 403 and an audit entry (``denied``). A user who must
change their password reaches nothing else until they have.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request, Response

from justicelink.store import sessions
from justicelink.store.audit import Actor, AuditLog
from justicelink.store.db import Store
from justicelink.store.users import Account, get_account
from justicelink.web.denials import Denials
from justicelink.web.policy import allowed

COOKIE = "justicelink_session"
# The sign-in and enrolment forms are shown before any session exists: their CSRF token is
# a signed double submit (the same random value in a cookie and in the form, signed with
# the app's secret), so opening the form stores nothing on the server.
FORM_COOKIE = "justicelink_form"


class NotSignedInError(Exception):
    """No session with both factors passed."""


class PasswordChangeError(Exception):
    """The user must choose a new password before anything else."""


class ForbiddenError(Exception):
    """The role may not make this request."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadFormError(Exception):
    """A form came without its CSRF token or with a stale one."""


@dataclass(frozen=True)
class Principal:
    """The signed-in user of a request."""

    account: Account
    session: sessions.SessionState

    @property
    def actor(self) -> Actor:
        return Actor(self.account.name, self.account.role, self.account.agency_id)


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def audit_of(request: Request) -> AuditLog:
    audit: AuditLog = request.app.state.audit
    return audit


def denials_of(request: Request) -> Denials:
    denials: Denials = request.app.state.denials
    return denials


def client_of(request: Request) -> str | None:
    """The client's address (a trusted proxy's X-Forwarded-For already applied)."""
    return request.client.host if request.client else None


def session_of(request: Request) -> sessions.SessionState | None:
    return sessions.load(store_of(request), request.cookies.get(COOKIE))


def principal(request: Request, *, changing_password: bool = False) -> Principal:
    """The signed-in user (both factors), or NotSignedInError.

    Raises:
        NotSignedInError: no full session, or the account was disabled since.
        PasswordChangeError: the user must change their password first (unless this is
            the request that changes it).
    """
    state = session_of(request)
    if state is None or state.stage != "full" or state.user_id is None:
        raise NotSignedInError
    account = get_account(store_of(request), state.user_id)
    if account is None:  # disabled since signing in
        sessions.end(store_of(request), state.token)
        raise NotSignedInError
    request.state.principal = Principal(account, state)
    if account.must_change_password and not changing_password:
        raise PasswordChangeError
    return request.state.principal  # type: ignore[no-any-return]


def deny(request: Request, actor: Actor | None, reason: str, **detail: object) -> None:
    """Record a refused request (aggregated: see :mod:`justicelink.web.denials`)."""
    where = f"{request.method} {request.url.path}"
    client = client_of(request)
    denials_of(request).record(actor or Actor(None), where, reason=reason, client=client, **detail)


def require(permission: str) -> Callable[[Request], Principal]:
    """A dependency: the signed-in user, if their role has ``permission``."""

    def guard(request: Request) -> Principal:
        who = principal(request)
        if not allowed(who.account.role, permission):
            deny(request, who.actor, f"permission {permission}")
            raise ForbiddenError(f"the {who.account.role} role may not use {request.url.path}")
        return who

    guard.__name__ = f"require_{permission}"
    return guard


async def check_csrf(request: Request) -> None:
    """Every form of a session carries the session's CSRF token (synchroniser token).

    Written here rather than taken from a library: the token lives in the server-side
    session row, which the available middlewares (cookie-based double submit) do not use.
    """
    state = session_of(request)
    form = await request.form()
    sent = form.get("csrf_token")
    if (
        state is None
        or not isinstance(sent, str)
        or not hmac.compare_digest(sent, state.csrf_token)
    ):
        raise BadFormError


def _signature(request: Request, nonce: str) -> str:
    secret: bytes = request.app.state.form_secret
    return hmac.new(secret, nonce.encode(), hashlib.sha256).hexdigest()


def _valid_form_token(request: Request, token: str | None) -> bool:
    if not token or "." not in token:
        return False
    nonce, signature = token.rsplit(".", 1)
    return hmac.compare_digest(signature, _signature(request, nonce))


def form_token(request: Request) -> str:
    """The CSRF token of a form shown before sign-in: the cookie's, or a new one."""
    token = request.cookies.get(FORM_COOKIE)
    if token is not None and _valid_form_token(request, token):
        return token
    nonce = secrets.token_urlsafe(24)
    return f"{nonce}.{_signature(request, nonce)}"


def set_form_cookie(request: Request, response: Response, token: str) -> None:
    """Give the browser the cookie half of a form token (one hour)."""
    secure = request.url.scheme == "https" or bool(request.app.state.secure_cookies)
    response.set_cookie(
        FORM_COOKIE, token, httponly=True, samesite="strict", secure=secure, path="/", max_age=3600
    )


async def check_form_token(request: Request) -> None:
    """A form shown before sign-in came back with the token of its own cookie, signed."""
    form = await request.form()
    sent, kept = form.get("csrf_token"), request.cookies.get(FORM_COOKIE)
    if not isinstance(sent, str) or not kept or not hmac.compare_digest(sent, kept):
        raise BadFormError
    if not _valid_form_token(request, sent):
        raise BadFormError
