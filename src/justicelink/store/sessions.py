"""Web sessions: a random token in the cookie, its SHA-256 in the store.

A session is created by the first factor (``password``) or by an enrolment link
(``enrol``), raised to ``full`` after the second factor, and gets a new token at each step
(no session fixation). Nothing is stored for a visitor who only opens the sign-in form. A
session ends after 30 idle minutes and 12 hours after the sign-in (CJIS session lock;
re-authentication at least every 12 hours).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select

from justicelink.store.audit import utc_now
from justicelink.store.db import Store
from justicelink.store.schema import WebSession

IDLE_TIMEOUT = dt.timedelta(minutes=30)
MAX_AGE = dt.timedelta(hours=12)
STAGES = ("password", "enrol", "full")


@dataclass(frozen=True)
class SessionState:
    """A live session as a request sees it."""

    token: str
    user_id: int | None
    stage: str
    csrf_token: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(store: Store, *, user_id: int, stage: str) -> SessionState:
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = utc_now()
    with store.session() as session:
        session.add(
            WebSession(
                token_hash=_digest(token),
                user_id=user_id,
                stage=stage,
                csrf_token=csrf,
                created_at=now,
                last_seen_at=now,
                authenticated_at=now if stage == "full" else None,
            )
        )
    return SessionState(token, user_id, stage, csrf)


def load(store: Store, token: str | None, *, touch: bool = True) -> SessionState | None:
    """The live session for a cookie's token, or None (unknown, idle too long, too old)."""
    if not token:
        return None
    now = utc_now()
    with store.session() as session:
        row = session.get(WebSession, _digest(token))
        if row is None:
            return None
        expired = now - row.last_seen_at > IDLE_TIMEOUT or (
            row.authenticated_at is not None and now - row.authenticated_at > MAX_AGE
        )
        if expired:
            session.delete(row)
            return None
        # Writing last_seen on every request would serialise readers on SQLite; a minute's
        # precision is plenty for a 30-minute idle rule.
        if touch and now - row.last_seen_at > dt.timedelta(minutes=1):
            row.last_seen_at = now
        return SessionState(token, row.user_id, row.stage, row.csrf_token)


def advance(store: Store, old: SessionState, *, user_id: int, stage: str) -> SessionState:
    """Replace a session by a new one for the next sign-in stage (a fresh token)."""
    end(store, old.token)
    return create(store, user_id=user_id, stage=stage)


def end(store: Store, token: str) -> None:
    with store.session() as session:
        session.execute(delete(WebSession).where(WebSession.token_hash == _digest(token)))


def end_all(store: Store, user_id: int) -> int:
    """End every session of a user (after a reset, a role change, disabling); how many."""
    with store.session() as session:
        result = session.execute(delete(WebSession).where(WebSession.user_id == user_id))
        return int(getattr(result, "rowcount", 0) or 0)


def prune(store: Store) -> int:
    """Delete sessions that can no longer be used; returns how many."""
    now = utc_now()
    with store.session() as session:
        stale = session.execute(
            select(WebSession.token_hash).where(WebSession.last_seen_at < now - IDLE_TIMEOUT)
        ).scalars()
        hashes = list(stale)
        if hashes:
            session.execute(delete(WebSession).where(WebSession.token_hash.in_(hashes)))
        return len(hashes)
