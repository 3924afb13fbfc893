"""Signing in: the password, the TOTP code, and the lockout, each decided in the database.

Anchors: the CJIS Security Policy (lockout after 5 failed attempts, multi-factor
authentication) and RFC 6238 (TOTP, 30-second steps, one step of clock drift allowed).

Races are closed in the store, not in the process: an attempt first *reserves* a failure
in a transaction that holds the name's row of ``sign_in_guard`` (so attempts on one name
queue there), and is refused if five failures are already counted. Only then is the
password or code checked, and a success takes its failure back. Thirty wrong passwords sent
at once are thus at most five checks and five failures. A TOTP time step is spent by
inserting (user, step) into ``totp_use``, whose primary key lets one request win.
"""

from __future__ import annotations

import datetime as dt
import hmac
import time

import pyotp
import segno
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from justicelink.errors import AuthError
from justicelink.store.audit import utc_now
from justicelink.store.db import Store
from justicelink.store.guard import hold
from justicelink.store.schema import LoginAttempt, TotpUse, User
from justicelink.store.users import Account, account_of, hasher

LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW = dt.timedelta(minutes=15)
LOCKED = "account locked after 5 failed sign-ins; try again in 15 minutes"
# Verified against when the user does not exist, so an unknown name takes as long.
_DUMMY_HASH = hasher.hash("not a password of anyone")


def _failures(session: Session, name: str) -> int:
    """Failures (reserved ones included) within the window and since the last success."""
    since = utc_now() - LOCKOUT_WINDOW
    last_success = session.execute(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.user_name == name, LoginAttempt.succeeded.is_(True)
        )
    ).scalar_one()
    start = max(since, last_success) if last_success else since
    return int(
        session.execute(
            select(func.count()).where(
                LoginAttempt.user_name == name,
                LoginAttempt.succeeded.is_(False),
                LoginAttempt.at >= start,
            )
        ).scalar_one()
    )


def _reserve(store: Store, name: str) -> int:
    """Count a failure for ``name`` before checking anything; returns its attempt id.

    Raises:
        AuthError: five failures are counted already (the account is locked).
    """
    with store.session() as session:
        hold(session, name)
        if _failures(session, name) >= LOCKOUT_FAILURES:
            raise AuthError(LOCKED)
        attempt = LoginAttempt(user_name=name, at=utc_now(), succeeded=False)
        session.add(attempt)
        session.flush()
        return attempt.attempt_id


def _take_back(store: Store, attempt_id: int) -> None:
    """A first factor passed: its reserved failure was none."""
    with store.session() as session:
        session.execute(delete(LoginAttempt).where(LoginAttempt.attempt_id == attempt_id))


def _succeeded(store: Store, attempt_id: int) -> None:
    """A full sign-in: the count starts again from now."""
    with store.session() as session:
        session.execute(
            update(LoginAttempt)
            .where(LoginAttempt.attempt_id == attempt_id)
            .values(succeeded=True, at=utc_now())
        )


def is_locked(store: Store, name: str) -> bool:
    """Five failures within 15 minutes (since the last success) lock the account."""
    with store.session() as session:
        return _failures(session, name) >= LOCKOUT_FAILURES


def prune_attempts(store: Store) -> int:
    """Forget sign-in attempts older than the lockout window (they decide nothing any more)."""
    with store.session() as session:
        result = session.execute(
            delete(LoginAttempt).where(LoginAttempt.at < utc_now() - LOCKOUT_WINDOW)
        )
        return int(getattr(result, "rowcount", 0) or 0)


def check_password(store: Store, name: str, password: str) -> Account:
    """The first factor. Every failure counts towards the lockout.

    Raises:
        AuthError: locked, unknown, disabled or wrong password (one message for the last
            three, so the form does not tell which names exist).
    """
    attempt = _reserve(store, name)
    with store.session() as session:
        user = session.execute(select(User).where(User.name == name)).scalar_one_or_none()
        stored = user.password_hash if user is not None else _DUMMY_HASH
        good: bool
        try:
            good = hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            good = False
        if good and user is not None and hasher.check_needs_rehash(stored):
            user.password_hash = hasher.hash(password)
        account = account_of(user) if user is not None and not user.disabled else None
    if not good or account is None:
        raise AuthError("wrong user name or password")
    _take_back(store, attempt)
    return account


def qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code (drawn locally; nothing leaves the machine)."""
    svg: str = segno.make(uri, error="m").svg_inline(scale=5, border=2)
    return svg


class _StepSpentError(Exception):
    """The step is not after the last one spent."""


def _spend(store: Store, user_id: int, step: int) -> bool:
    """Spend a time step: True for the one request that inserts (user, step) first.

    Steps are also spent in order: after step s, a code of s - 1 (still inside the drift
    window) is refused.
    """
    try:
        with store.session() as session:
            session.add(TotpUse(user_id=user_id, step=step, used_at=utc_now()))
            session.flush()
            moved = session.execute(
                update(User)
                .where(
                    User.user_id == user_id,
                    (User.totp_last_step.is_(None)) | (User.totp_last_step < step),
                )
                .values(totp_last_step=step, totp_confirmed=True)
            )
            if getattr(moved, "rowcount", 0) != 1:
                raise _StepSpentError
    except (IntegrityError, _StepSpentError):
        return False
    return True


def check_totp(store: Store, user_id: int, code: str, *, now: float | None = None) -> None:
    """The second factor: a code of the current, previous or next 30-second step, used once.

    A right code also confirms an enrolment in progress; a wrong or spent one counts
    towards the lockout.

    Raises:
        AuthError: wrong or reused code, no key enrolled, or the account is locked.
    """
    with store.session() as session:
        user = session.get(User, user_id)
        if user is None or user.totp_secret is None:
            raise AuthError("no second factor is enrolled for this account")
        name, secret = user.name, user.totp_secret
    attempt = _reserve(store, name)
    totp = pyotp.TOTP(secret)
    at = time.time() if now is None else now
    step = totp.timecode(dt.datetime.fromtimestamp(at, dt.UTC))
    matched = [
        s
        for s in (step + 1, step, step - 1)
        if hmac.compare_digest(totp.generate_otp(s), code.strip())
    ]
    if not matched or not _spend(store, user_id, matched[0]):
        raise AuthError("wrong or already used code")
    _succeeded(store, attempt)
