"""The operational store on SQLite and PostgreSQL: accounts, sign-in rules, sessions, and the
races a sign-in must win in the database (concurrent wrong passwords, one code sent twice)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pyotp
import pytest
from sqlalchemy import func, inspect, select

from justicelink.errors import AuthError, UserError
from justicelink.store import Store, sessions
from justicelink.store.schema import LoginAttempt, User, WebSession
from justicelink.store.signin import check_password, check_totp, is_locked, prune_attempts
from justicelink.store.users import (
    add_user,
    enrolment_account,
    issue_enrolment,
    redeem_enrolment,
    reset_totp,
    reveal_totp,
)

PASSWORD = "correct horse battery staple"
POLICE = {"police", "court"}


def test_migrations_create_the_schema(store: Store) -> None:
    tables = set(inspect(store.engine).get_table_names())
    assert {"app_user", "login_attempt", "web_session", "audit_entry", "audit_head"} <= tables
    assert {"enrolment_link", "totp_use", "sign_in_guard", "rate_event"} <= tables
    assert "alembic_version" in tables
    Store(store.url).close()  # opening again applies nothing and fails on nothing


def test_passwords_are_argon2id_and_checked(store: Store) -> None:
    account = add_user(
        store, "kim", role="agency_officer", password=PASSWORD, agency_id="police", agencies=POLICE
    )
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
        ("x", "agency_officer", "nosuchagency", PASSWORD, "unknown agency 'nosuchagency'"),
        ("x", "analyst", None, "short", "at least 12 characters"),
        ("x", "analyst", None, "password1234", "common or breached"),
        ("x", "analyst", None, "Password2024!", "common or breached"),
        ("amira", "analyst", None, "amira's very own passphrase", "user name"),
        ("x", "analyst", None, "aaaaaaaaaaaaaaaa", "too few characters"),
        ("", "analyst", None, PASSWORD, "1 to 100 printable characters"),
        ("tab\there", "analyst", None, PASSWORD, "1 to 100 printable characters"),
    ],
)
def test_bad_accounts_are_refused(
    tmp_path: object, name: str, role: str, agency: str | None, password: str, message: str
) -> None:
    store = Store(f"sqlite:///{tmp_path}/s.sqlite")
    with pytest.raises(UserError, match=message):
        add_user(store, name, role=role, password=password, agency_id=agency, agencies=POLICE)
    store.close()


def test_an_agency_cannot_be_checked_without_a_list(store: Store) -> None:
    with pytest.raises(UserError, match="cannot check agency 'police'"):
        add_user(store, "kim", role="agency_officer", password=PASSWORD, agency_id="police")


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


def _at_once(n: int, call: Callable[[], object]) -> list[str]:
    """``call`` from ``n`` threads released together; each outcome: "ok" or the error."""
    barrier = threading.Barrier(n)

    def one(_: int) -> str:
        barrier.wait()
        try:
            call()
        except AuthError as exc:
            return str(exc)
        return "ok"

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


def test_thirty_wrong_passwords_at_once_count_five_failures(store: Store) -> None:
    add_user(store, "ana", role="analyst", password=PASSWORD, agency_id=None)
    outcomes = _at_once(30, lambda: check_password(store, "ana", "a wrong password"))
    assert outcomes.count("wrong user name or password") == 5
    assert sum("locked" in o for o in outcomes) == 25
    with store.session() as session:
        counted = session.execute(select(func.count()).select_from(LoginAttempt)).scalar_one()
    assert counted == 5
    with pytest.raises(AuthError, match="locked"):
        check_password(store, "ana", PASSWORD)


def _enrolled(store: Store, name: str) -> tuple[int, pyotp.TOTP]:
    account = add_user(store, name, role="linkage_reviewer", password=PASSWORD, agency_id=None)
    token = issue_enrolment(store, name, issued_by="test")
    redeem_enrolment(store, token, account)
    uri = reveal_totp(store, account.user_id)
    assert uri is not None
    return account.user_id, pyotp.parse_uri(uri)


def test_one_code_sent_six_times_at_once_signs_in_once(store: Store) -> None:
    user_id, totp = _enrolled(store, "rev")
    now = time.time()
    code = totp.at(now)
    outcomes = _at_once(6, lambda: check_totp(store, user_id, code, now=now))
    assert outcomes.count("ok") == 1, outcomes


def test_totp_codes_work_once_within_one_step_of_drift(store: Store) -> None:
    user_id, totp = _enrolled(store, "rev")
    now = time.time()
    with pytest.raises(AuthError, match="wrong"):
        check_totp(store, user_id, totp.at(now - 300), now=now)  # ten steps old
    check_totp(store, user_id, totp.at(now - 30), now=now)  # the previous step
    with pytest.raises(AuthError, match="already used"):
        check_totp(store, user_id, totp.at(now - 30), now=now)
    check_totp(store, user_id, totp.at(now + 30), now=now)  # the next step
    with pytest.raises(AuthError, match="already used"):
        check_totp(store, user_id, totp.at(now), now=now)  # before a step already used
    with store.session() as session:
        assert session.get(User, user_id).totp_confirmed  # type: ignore[union-attr]


def test_an_enrolment_link_works_once_and_shows_the_key_once(store: Store) -> None:
    account = add_user(store, "aud", role="auditor", password=PASSWORD, agency_id=None)
    old = issue_enrolment(store, "aud", issued_by="adm")
    token = issue_enrolment(store, "aud", issued_by="adm")
    assert enrolment_account(store, old) is None  # a new link ends the older one
    assert enrolment_account(store, token) == account
    redeem_enrolment(store, token, account)
    with pytest.raises(AuthError, match="used or has expired"):
        redeem_enrolment(store, token, account)
    assert reveal_totp(store, account.user_id) is not None
    assert reveal_totp(store, account.user_id) is None  # a reload shows no key
    expired = issue_enrolment(store, "aud", issued_by="adm")
    from justicelink.store.schema import EnrolmentLink

    with store.session() as session:
        for link in session.execute(select(EnrolmentLink)).scalars():
            link.expires_at -= dt.timedelta(hours=73)
    assert enrolment_account(store, expired) is None


def test_a_reset_ends_the_users_sessions(store: Store) -> None:
    user_id, _totp = _enrolled(store, "rev")
    state = sessions.create(store, user_id=user_id, stage="full")
    reset_totp(store, "rev")
    assert sessions.load(store, state.token) is None


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
