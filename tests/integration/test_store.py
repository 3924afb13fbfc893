"""The operational store on SQLite and PostgreSQL: accounts, sign-in rules, sessions."""

from __future__ import annotations

import datetime as dt
import time

import pyotp
import pytest
from sqlalchemy import inspect, select

from justicelink.errors import AuthError, UserError
from justicelink.store import Store, sessions
from justicelink.store.schema import LoginAttempt, User, WebSession
from justicelink.store.users import (
    add_user,
    check_password,
    check_totp,
    is_locked,
    prune_attempts,
    start_totp,
)

PASSWORD = "correct horse battery staple"


def test_migrations_create_the_schema(store: Store) -> None:
    tables = set(inspect(store.engine).get_table_names())
    assert {"app_user", "login_attempt", "web_session", "audit_entry", "audit_head"} <= tables
    assert "alembic_version" in tables
    Store(store.url).close()  # opening again applies nothing and fails on nothing


def test_passwords_are_argon2id_and_checked(store: Store) -> None:
    account = add_user(store, "kim", role="agency_officer", password=PASSWORD, agency_id="police")
    with store.session() as session:
        stored = session.execute(select(User.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert check_password(store, "kim", PASSWORD) == account
    with pytest.raises(AuthError, match="wrong user name or password"):
        check_password(store, "kim", PASSWORD + "!")
    with pytest.raises(AuthError, match="wrong user name or password"):
        check_password(store, "nobody", PASSWORD)


@pytest.mark.parametrize(
    ("name", "role", "agency", "password", "message"),
    [
        ("x", "judge", None, PASSWORD, "unknown role 'judge'"),
        ("x", "agency_officer", None, PASSWORD, "needs --agency"),
        ("x", "analyst", None, "short", "at least 12 characters"),
        ("", "analyst", None, PASSWORD, "1 to 100 characters"),
    ],
)
def test_bad_accounts_are_refused(
    tmp_path: object, name: str, role: str, agency: str | None, password: str, message: str
) -> None:
    store = Store(f"sqlite:///{tmp_path}/s.sqlite")
    with pytest.raises(UserError, match=message):
        add_user(store, name, role=role, password=password, agency_id=agency)
    store.close()


def test_a_name_is_taken_once(store: Store) -> None:
    add_user(store, "ana", role="analyst", password=PASSWORD, agency_id=None)
    with pytest.raises(UserError, match="exists already"):
        add_user(store, "ana", role="auditor", password=PASSWORD, agency_id=None)


def test_five_failures_in_fifteen_minutes_lock_the_account(store: Store) -> None:
    add_user(store, "ana", role="analyst", password=PASSWORD, agency_id=None)
    for _ in range(4):
        with pytest.raises(AuthError):
            check_password(store, "ana", "wrong password!")
    check_password(store, "ana", PASSWORD)  # four failures: still open
    assert not is_locked(store, "ana")
    # The password alone does not reset the count (only a full sign-in does): a fifth
    # failure locks.
    with pytest.raises(AuthError, match="wrong"):
        check_password(store, "ana", "wrong password!")
    assert is_locked(store, "ana")
    with pytest.raises(AuthError, match="locked"):
        check_password(store, "ana", PASSWORD)  # even the right password
    # Sixteen minutes later the failures have aged out of the window.
    with store.session() as session:
        for attempt in session.execute(select(LoginAttempt)).scalars():
            attempt.at -= dt.timedelta(minutes=16)
    assert not is_locked(store, "ana")
    assert prune_attempts(store) == 5  # the five aged failures, and nothing else
    check_password(store, "ana", PASSWORD)


def test_totp_codes_work_once_within_one_step_of_drift(store: Store) -> None:
    account = add_user(store, "rev", role="linkage_reviewer", password=PASSWORD, agency_id=None)
    uri = start_totp(store, account.user_id)
    totp = pyotp.parse_uri(uri)
    assert uri.startswith("otpauth://totp/justicelink:rev?")
    now = time.time()
    with pytest.raises(AuthError, match="wrong"):
        check_totp(store, account.user_id, totp.at(now - 300), now=now)  # ten steps old
    check_totp(store, account.user_id, totp.at(now - 30), now=now)  # the previous step
    with pytest.raises(AuthError, match="already used"):
        check_totp(store, account.user_id, totp.at(now - 30), now=now)
    check_totp(store, account.user_id, totp.at(now + 30), now=now)  # the next step
    with store.session() as session:
        assert session.get(User, account.user_id).totp_confirmed  # type: ignore[union-attr]
    with pytest.raises(UserError):
        start_totp(store, account.user_id)  # confirmed: no new secret without a reset


def test_sessions_end_after_30_idle_minutes_and_12_hours(store: Store) -> None:
    account = add_user(store, "aud", role="auditor", password=PASSWORD, agency_id=None)
    state = sessions.create(store, user_id=account.user_id, stage="full")
    assert sessions.load(store, state.token) is not None
    with store.session() as session:
        stored = session.execute(select(WebSession.token_hash)).scalar_one()
    assert state.token not in stored  # only a digest of the cookie is kept

    def age(column: str, **delta: float) -> None:
        """Move a time of every session into the past (in Python: portable)."""
        with store.session() as session:
            for row in session.execute(select(WebSession)).scalars():
                setattr(row, column, getattr(row, column) - dt.timedelta(**delta))

    age("last_seen_at", minutes=29)
    assert sessions.load(store, state.token) is not None
    age("last_seen_at", minutes=31)
    assert sessions.load(store, state.token) is None

    state = sessions.create(store, user_id=account.user_id, stage="full")
    age("authenticated_at", hours=12, minutes=1)
    assert sessions.load(store, state.token) is None  # active, but signed in too long ago
