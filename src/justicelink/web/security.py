"""Request guards: who is signed in, what they may do, CSRF, and the audit entry for each.

A page request without a full session is sent to the sign-in page; an API request gets 401.
A request the role may not make gets 403 and an audit entry (``denied``).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request

from justicelink.store import sessions
from justicelink.store.audit import Actor, AuditLog
from justicelink.store.db import Store
from justicelink.store.users import Account, get_account
from justicelink.web.policy import allowed

COOKIE = "justicelink_session"


class NotSignedInError(Exception):
    """No session with both factors passed."""


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


def session_of(request: Request) -> sessions.SessionState | None:
    return sessions.load(store_of(request), request.cookies.get(COOKIE))


def principal(request: Request) -> Principal:
    """The signed-in user (both factors), or NotSignedInError."""
    state = session_of(request)
    if state is None or state.stage != "full" or state.user_id is None:
        raise NotSignedInError
    account = get_account(store_of(request), state.user_id)
    if account is None:  # disabled since signing in
        sessions.end(store_of(request), state.token)
        raise NotSignedInError
    request.state.principal = Principal(account, state)
    return request.state.principal  # type: ignore[no-any-return]


def require(permission: str) -> Callable[[Request], Principal]:
    """A dependency: the signed-in user, if their role has ``permission``."""

    def guard(request: Request) -> Principal:
        who = principal(request)
        if not allowed(who.account.role, permission):
            audit_of(request).record(
                who.actor,
                "denied",
                outcome="denied",
                object=f"{request.method} {request.url.path}",
                detail={"permission": permission},
            )
            raise ForbiddenError(f"the {who.account.role} role may not use {request.url.path}")
        return who

    guard.__name__ = f"require_{permission}"
    return guard


async def check_csrf(request: Request) -> None:
    """Every form carries the session's CSRF token (synchroniser token pattern).

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
