"""User accounts: roles, agencies, argon2id passwords, enrolment links, resets.

The life cycle (CJIS account management; NIST SP 800-63B): an admin creates an account with
a first password and issues a one-time enrolment link; the user opens it, proves the
password, sets up the TOTP second factor (the key is shown once) and chooses a password of
their own. Resetting a second factor or a password, disabling an account or changing its
role ends the user's open sessions. Signing in is in :mod:`.signin`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Collection
from dataclasses import dataclass

from argon2 import PasswordHasher
from sqlalchemy import delete, select, update

from justicelink.errors import AuthError, InputError, UserError
from justicelink.policy.inputs import printable
from justicelink.policy.passwords import check_password as password_rules
from justicelink.store import sessions
from justicelink.store.audit import utc_now
from justicelink.store.db import Store
from justicelink.store.schema import EnrolmentLink, TotpUse, User

# What each role may do is in justicelink.web.policy; this is what it is for.
ROLES: dict[str, str] = {
    "analyst": "aggregate figures only, small cells suppressed",
    "agency_officer": "records of the officer's own agency; other agencies' events for a "
    "linked person only with a stated purpose",
    "linkage_reviewer": "settles uncertain links between records",
    "auditor": "the audit log, and no personal data beyond it",
    "admin": "user accounts; no case data",
    "central_authority": "the register of international cooperation requests: due dates, "
    "completeness, legal basis, status changes",
    "prosecutor": "read-only: the cooperation requests their own office makes, conducts or "
    "executes (the account's agency names the office)",
    "probation_officer": "needs assessments and reintegration plans of the officer's own "
    "caseload (the persons they assessed)",
    "prison_officer": "needs assessments, plans and release handover of the officer's own "
    "caseload (the persons they assessed)",
}
ENROLMENT_VALID = dt.timedelta(hours=72)
# argon2id with the RFC 9106 "second recommended" parameters (64 MiB, 3 passes): the
# argon2-cffi defaults.
hasher = PasswordHasher()


@dataclass(frozen=True)
class Account:
    """A user as the web app sees it (no secrets)."""

    user_id: int
    name: str
    role: str
    agency_id: str | None
    totp_confirmed: bool
    must_change_password: bool = False
    disabled: bool = False


def account_of(user: User) -> Account:
    return Account(
        user.user_id,
        user.name,
        user.role,
        user.agency_id,
        user.totp_confirmed,
        user.must_change_password,
        user.disabled,
    )


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_role(role: str, agency_id: str | None, agencies: Collection[str] | None) -> None:
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
    if role in ("agency_officer", "prosecutor") and not agency_id:
        what = {"agency_officer": "an agency officer", "prosecutor": "a prosecutor"}[role]
        raise UserError(f"{what} needs --agency (the agency id in the warehouse)")
    if agency_id:
        if agencies is None:
            raise UserError(
                f"cannot check agency {agency_id!r}: give the warehouse (--warehouse) or the "
                "list of agencies (--agencies)"
            )
        if agency_id not in agencies:
            known = ", ".join(sorted(agencies)) or "none"
            raise UserError(f"unknown agency {agency_id!r}; agencies: {known}")


def _rules(password: str, name: str) -> None:
    try:
        password_rules(password, user_name=name)
    except InputError as exc:
        raise UserError(str(exc)) from None


def add_user(
    store: Store,
    name: str,
    *,
    role: str,
    password: str,
    agency_id: str | None,
    agencies: Collection[str] | None = None,
    must_change_password: bool = True,
) -> Account:
    """Create an account; it signs in only after enrolling through a link.

    Args:
        agencies: The agencies an ``agency_id`` must be one of (the warehouse's agency
            table, or a configured list); None when no list is at hand, which refuses any
            agency.
        must_change_password: The admin chose the password: the user replaces it at the
            first sign-in.

    Raises:
        UserError: a name that is empty, too long or not printable, an unknown role or
            agency, an agency missing for an agency officer, a password the rules refuse,
            or the name is taken.
    """
    name = name.strip()
    if not name or len(name) > 100 or not printable(name):
        raise UserError("a user name has 1 to 100 printable characters")
    _check_role(role, agency_id, agencies)
    _rules(password, name)
    with store.session() as session:
        if session.execute(select(User).where(User.name == name)).first():
            raise UserError(f"user {name!r} exists already")
        user = User(
            name=name,
            role=role,
            agency_id=agency_id or None,
            password_hash=hasher.hash(password),
            totp_confirmed=False,
            disabled=False,
            created_at=utc_now(),
            must_change_password=must_change_password,
            totp_shown=False,
        )
        session.add(user)
        session.flush()
        return account_of(user)


def list_users(store: Store) -> list[Account]:
    with store.session() as session:
        return [account_of(u) for u in session.execute(select(User).order_by(User.name)).scalars()]


def get_account(store: Store, user_id: int) -> Account | None:
    """The account, or None when it does not exist or is disabled."""
    with store.session() as session:
        user = session.get(User, user_id)
        return None if user is None or user.disabled else account_of(user)


def _user(store: Store, name: str) -> Account:
    with store.session() as session:
        user = session.execute(select(User).where(User.name == name)).scalar_one_or_none()
        if user is None:
            raise UserError(f"no user {name!r}")
        return account_of(user)


def set_disabled(store: Store, name: str, *, disabled: bool) -> None:
    """Disable (ending the user's sessions) or enable an account."""
    account = _user(store, name)
    with store.session() as session:
        session.execute(update(User).where(User.name == name).values(disabled=disabled))
    if disabled:
        sessions.end_all(store, account.user_id)


def set_role(
    store: Store,
    name: str,
    *,
    role: str,
    agency_id: str | None,
    agencies: Collection[str] | None = None,
) -> None:
    """Give an account another role (and agency); its sessions end."""
    account = _user(store, name)
    _check_role(role, agency_id, agencies)
    with store.session() as session:
        session.execute(
            update(User).where(User.name == name).values(role=role, agency_id=agency_id or None)
        )
    sessions.end_all(store, account.user_id)


def issue_enrolment(store: Store, name: str, *, issued_by: str) -> str:
    """A new one-time enrolment link's token for ``name`` (older unused links stop working).

    Only its SHA-256 is stored; the token is shown once, to whoever issued it.
    """
    account = _user(store, name)
    token = secrets.token_urlsafe(32)
    now = utc_now()
    with store.session() as session:
        session.execute(
            update(EnrolmentLink)
            .where(EnrolmentLink.user_id == account.user_id, EnrolmentLink.used_at.is_(None))
            .values(used_at=now)
        )
        session.add(
            EnrolmentLink(
                token_hash=token_digest(token),
                user_id=account.user_id,
                issued_by=issued_by[:100],
                created_at=now,
                expires_at=now + ENROLMENT_VALID,
            )
        )
    return token


def enrolment_account(store: Store, token: str) -> Account | None:
    """The account a live (unused, unexpired) enrolment link is for."""
    with store.session() as session:
        link = session.get(EnrolmentLink, token_digest(token))
        if link is None or link.used_at is not None or link.expires_at <= utc_now():
            return None
        user = session.get(User, link.user_id)
        return None if user is None or user.disabled else account_of(user)


def redeem_enrolment(store: Store, token: str, account: Account) -> None:
    """Spend an enrolment link: a new TOTP key for the account, shown at the next step.

    The caller has checked the account's password. The link is spent atomically: of two
    requests racing with one link, one wins.

    Raises:
        AuthError: the link was used meanwhile or has expired.
    """
    import pyotp

    now = utc_now()
    with store.session() as session:
        spent = session.execute(
            update(EnrolmentLink)
            .where(
                EnrolmentLink.token_hash == token_digest(token),
                EnrolmentLink.used_at.is_(None),
                EnrolmentLink.expires_at > now,
            )
            .values(used_at=now)
        )
        if getattr(spent, "rowcount", 0) != 1:
            raise AuthError("this enrolment link has been used or has expired")
        session.execute(delete(TotpUse).where(TotpUse.user_id == account.user_id))
        session.execute(
            update(User)
            .where(User.user_id == account.user_id)
            .values(
                totp_secret=pyotp.random_base32(),
                totp_confirmed=False,
                totp_shown=False,
                totp_last_step=None,
            )
        )
    sessions.end_all(store, account.user_id)


def reveal_totp(store: Store, user_id: int) -> str | None:
    """The otpauth URI of a key being enrolled, the first time only; None afterwards.

    The key is marked shown in the same statement that reads it is allowed: a reload or a
    second tab gets None.
    """
    import pyotp

    with store.session() as session:
        shown = session.execute(
            update(User)
            .where(
                User.user_id == user_id,
                User.totp_confirmed.is_(False),
                User.totp_shown.is_(False),
                User.totp_secret.is_not(None),
            )
            .values(totp_shown=True)
        )
        if getattr(shown, "rowcount", 0) != 1:
            return None
        user = session.get(User, user_id)
        assert user is not None and user.totp_secret is not None  # the update matched it
        return pyotp.TOTP(user.totp_secret).provisioning_uri(
            name=user.name, issuer_name="justicelink"
        )


def reset_totp(store: Store, name: str) -> None:
    """Forget a user's second factor and end their sessions; they enrol again by a new link."""
    account = _user(store, name)
    with store.session() as session:
        session.execute(
            update(User)
            .where(User.user_id == account.user_id)
            .values(totp_secret=None, totp_confirmed=False, totp_last_step=None, totp_shown=False)
        )
        session.execute(delete(TotpUse).where(TotpUse.user_id == account.user_id))
    sessions.end_all(store, account.user_id)


def reset_password(store: Store, name: str, password: str) -> None:
    """Set a password the admin chose (to be changed at the next sign-in); sessions end."""
    account = _user(store, name)
    _rules(password, name)
    with store.session() as session:
        session.execute(
            update(User)
            .where(User.user_id == account.user_id)
            .values(password_hash=hasher.hash(password), must_change_password=True)
        )
    sessions.end_all(store, account.user_id)


def change_password(store: Store, user_id: int, new: str) -> None:
    """The user's own new password (the caller has checked the current one).

    Raises:
        UserError: the rules refuse the new password.
    """
    with store.session() as session:
        user = session.get(User, user_id)
        if user is None:
            raise UserError("no such account")
        _rules(new, user.name)
        user.password_hash = hasher.hash(new)
        user.must_change_password = False
        user.password_changed_at = utc_now()
