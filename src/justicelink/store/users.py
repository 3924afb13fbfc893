"""User accounts: roles, argon2id passwords, TOTP second factor, lockout.

Anchors: the CJIS Security Policy (lockout after 5 failed attempts, multi-factor
authentication) and RFC 6238 (TOTP, 30-second steps, one step of clock drift allowed).
"""

from __future__ import annotations

import datetime as dt
import hmac
import time
from dataclasses import dataclass

import pyotp
import segno
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select

from justicelink.errors import AuthError, UserError
from justicelink.store.audit import utc_now
from justicelink.store.db import Store
from justicelink.store.schema import LoginAttempt, User

# What each role may do is in justicelink.web.policy; this is what it is for.
ROLES: dict[str, str] = {
    "analyst": "aggregate figures only, small cells suppressed",
    "agency_officer": "records of the officer's own agency; other agencies' events for a "
    "linked person only with a stated purpose",
    "linkage_reviewer": "settles uncertain links between records",
    "auditor": "the audit log, and no personal data beyond it",
    "admin": "user accounts; no case data",
}
LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW = dt.timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12
ISSUER = "justicelink"
# argon2id with the RFC 9106 "second recommended" parameters (64 MiB, 3 passes): the
# argon2-cffi defaults.
_hasher = PasswordHasher()
# Verified against when the user does not exist, so an unknown name takes as long.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


@dataclass(frozen=True)
class Account:
    """A user as the web app sees it (no secrets)."""

    user_id: int
    name: str
    role: str
    agency_id: str | None
    totp_confirmed: bool


def _account(user: User) -> Account:
    return Account(user.user_id, user.name, user.role, user.agency_id, user.totp_confirmed)


def add_user(
    store: Store, name: str, *, role: str, password: str, agency_id: str | None
) -> Account:
    """Create an account. Its second factor is enrolled at the first sign-in.

    Raises:
        UserError: unknown role, agency missing for an agency officer, short password,
            or the name is taken.
    """
    name = name.strip()
    if not name or len(name) > 100:
        raise UserError("a user name has 1 to 100 characters")
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
    if role == "agency_officer" and not agency_id:
        raise UserError("an agency officer needs --agency (the agency id in the warehouse)")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    with store.session() as session:
        if session.execute(select(User).where(User.name == name)).first():
            raise UserError(f"user {name!r} exists already")
        user = User(
            name=name,
            role=role,
            agency_id=agency_id or None,
            password_hash=_hasher.hash(password),
            totp_confirmed=False,
            disabled=False,
            created_at=utc_now(),
        )
        session.add(user)
        session.flush()
        return _account(user)


def list_users(store: Store) -> list[Account]:
    with store.session() as session:
        return [_account(u) for u in session.execute(select(User).order_by(User.name)).scalars()]


def get_account(store: Store, user_id: int) -> Account | None:
    with store.session() as session:
        user = session.get(User, user_id)
        return None if user is None or user.disabled else _account(user)


def _failures(store: Store, name: str) -> int:
    since = utc_now() - LOCKOUT_WINDOW
    with store.session() as session:
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


def _attempt(store: Store, name: str, *, succeeded: bool) -> None:
    with store.session() as session:
        session.add(LoginAttempt(user_name=name, at=utc_now(), succeeded=succeeded))


def prune_attempts(store: Store) -> int:
    """Forget sign-in attempts older than the lockout window (they decide nothing any more)."""
    with store.session() as session:
        result = session.execute(
            delete(LoginAttempt).where(LoginAttempt.at < utc_now() - LOCKOUT_WINDOW)
        )
        return int(getattr(result, "rowcount", 0) or 0)


def is_locked(store: Store, name: str) -> bool:
    """Five failures within 15 minutes (since the last success) lock the account."""
    return _failures(store, name) >= LOCKOUT_FAILURES


def check_password(store: Store, name: str, password: str) -> Account:
    """The first factor. Every failure counts towards the lockout.

    Raises:
        AuthError: locked, unknown, disabled or wrong password (one message for the last
            three, so the form does not tell which names exist).
    """
    if is_locked(store, name):
        raise AuthError("account locked after 5 failed sign-ins; try again in 15 minutes")
    with store.session() as session:
        user = session.execute(select(User).where(User.name == name)).scalar_one_or_none()
        stored = user.password_hash if user is not None else _DUMMY_HASH
        good: bool
        try:
            good = _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            good = False
        if good and user is not None and _hasher.check_needs_rehash(stored):
            user.password_hash = _hasher.hash(password)
        account = _account(user) if user is not None and not user.disabled else None
    if not good or account is None:
        _attempt(store, name, succeeded=False)
        raise AuthError("wrong user name or password")
    return account


def start_totp(store: Store, user_id: int) -> str:
    """A new TOTP secret for a user who has not confirmed one; returns the otpauth URI."""
    with store.session() as session:
        user = session.get(User, user_id)
        if user is None or user.totp_confirmed:
            raise UserError("this account has a second factor already")
        if user.totp_secret is None:
            user.totp_secret = pyotp.random_base32()
        return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.name, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code (drawn locally; nothing leaves the machine)."""
    svg: str = segno.make(uri, error="m").svg_inline(scale=5, border=2)
    return svg


def check_totp(store: Store, user_id: int, code: str, *, now: float | None = None) -> None:
    """The second factor: a code of the current, previous or next 30-second step, used once.

    A right code also confirms an enrolment in progress; a wrong one counts towards the
    lockout.

    Raises:
        AuthError: wrong or reused code, or the account is locked.
    """
    with store.session() as session:
        user = session.get(User, user_id)
        if user is None or user.totp_secret is None:
            raise AuthError("no second factor is enrolled for this account")
        name = user.name
        if is_locked(store, name):
            raise AuthError("account locked after 5 failed sign-ins; try again in 15 minutes")
        totp = pyotp.TOTP(user.totp_secret)
        at = time.time() if now is None else now
        step = totp.timecode(dt.datetime.fromtimestamp(at, dt.UTC))
        accepted = None
        for candidate in (step - 1, step, step + 1):
            if hmac.compare_digest(totp.generate_otp(candidate), code.strip()) and (
                user.totp_last_step is None or candidate > user.totp_last_step
            ):
                accepted = candidate
        if accepted is not None:
            user.totp_last_step = accepted
            user.totp_confirmed = True
    if accepted is None:
        _attempt(store, name, succeeded=False)
        raise AuthError("wrong or already used code")
    _attempt(store, name, succeeded=True)


def set_disabled(store: Store, name: str, *, disabled: bool) -> None:
    with store.session() as session:
        user = session.execute(select(User).where(User.name == name)).scalar_one_or_none()
        if user is None:
            raise UserError(f"no user {name!r}")
        user.disabled = disabled


def reset_totp(store: Store, name: str) -> None:
    """Forget a user's second factor: they enrol a new one at their next sign-in."""
    with store.session() as session:
        user = session.execute(select(User).where(User.name == name)).scalar_one_or_none()
        if user is None:
            raise UserError(f"no user {name!r}")
        user.totp_secret, user.totp_confirmed, user.totp_last_step = None, False, None
