"""Account use cases, for the command line and the admin page alike: each change is made and
recorded in the audit log (CJIS AU-2 account management: creation, modification, enabling,
disabling, removal of a factor; successful and refused).

Agencies are checked against the warehouse's ``agency`` table or a configured list.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any, TypeVar

import sqlglot.expressions as exp

from justicelink.errors import AuthError, JusticelinkError, SourceFileNotFoundError
from justicelink.store import sessions, signin, users
from justicelink.store.audit import Actor, AuditLog
from justicelink.store.db import Store
from justicelink.store.users import Account

T = TypeVar("T")


def warehouse_agencies(warehouse: Path) -> set[str]:
    """The agency ids of a warehouse (its ``agency`` table).

    Raises:
        SourceFileNotFoundError: no warehouse at ``warehouse``.
        WarehouseError: it cannot be read (e.g. a running server holds it for writing).
    """
    from justicelink.warehouse.port import open_warehouse, warehouse_exists

    if not warehouse_exists(warehouse):
        raise SourceFileNotFoundError(
            f"{warehouse}: no warehouse here to check the agency against (give --warehouse "
            "FILE or --agencies LIST)"
        )
    with open_warehouse(warehouse, read_only=True) as opened:
        return {str(row[0]) for row in opened.fetch(exp.select("agency_id").from_("agency"))}


def _audited(
    audit: AuditLog, actor: Actor, name: str, change: str, run: Callable[[], T], **detail: Any
) -> T:
    """Run an account change and record it, refused or done."""
    try:
        result = run()
    except JusticelinkError as exc:
        audit.record(
            actor,
            "alteration",
            outcome="failure",
            object=f"user {name}",
            detail={"change": change, "error": str(exc), **detail},
        )
        raise
    audit.record(actor, "alteration", object=f"user {name}", detail={"change": change, **detail})
    return result


def create_account(
    store: Store,
    audit: AuditLog,
    actor: Actor,
    name: str,
    *,
    role: str,
    password: str,
    agency_id: str | None,
    agencies: Collection[str] | None,
) -> tuple[Account, str]:
    """Create an account with a first password; returns it and its enrolment link's token."""
    account = _audited(
        audit,
        actor,
        name,
        "created",
        lambda: users.add_user(
            store, name, role=role, password=password, agency_id=agency_id, agencies=agencies
        ),
        role=role,
        agency=agency_id,
    )
    return account, issue_link(store, audit, actor, account.name)


def issue_link(store: Store, audit: AuditLog, actor: Actor, name: str) -> str:
    """A one-time enrolment link's token (valid 72 hours; older links of the user end)."""
    return _audited(
        audit,
        actor,
        name,
        "enrolment link issued",
        lambda: users.issue_enrolment(store, name, issued_by=actor.user_name or "?"),
        valid_hours=int(users.ENROLMENT_VALID.total_seconds() // 3600),
    )


def reset_factor(store: Store, audit: AuditLog, actor: Actor, name: str) -> str:
    """Forget the user's second factor, end their sessions; returns a new enrolment token."""
    _audited(audit, actor, name, "second factor reset", lambda: users.reset_totp(store, name))
    return issue_link(store, audit, actor, name)


def reset_password(store: Store, audit: AuditLog, actor: Actor, name: str, password: str) -> None:
    """Set a password the admin chose, to be changed at sign-in; the user's sessions end."""
    _audited(
        audit, actor, name, "password reset", lambda: users.reset_password(store, name, password)
    )


def set_disabled(store: Store, audit: AuditLog, actor: Actor, name: str, *, disabled: bool) -> None:
    """Disable (ending the user's sessions) or enable an account."""
    _audited(
        audit,
        actor,
        name,
        "disabled" if disabled else "enabled",
        lambda: users.set_disabled(store, name, disabled=disabled),
    )


def set_role(
    store: Store,
    audit: AuditLog,
    actor: Actor,
    name: str,
    *,
    role: str,
    agency_id: str | None,
    agencies: Collection[str] | None,
) -> None:
    """Give an account another role and agency; its sessions end."""
    _audited(
        audit,
        actor,
        name,
        "role changed",
        lambda: users.set_role(store, name, role=role, agency_id=agency_id, agencies=agencies),
        role=role,
        agency=agency_id,
    )


def start_enrolment(
    store: Store, audit: AuditLog, token: str, password: str, *, client: str | None
) -> sessions.SessionState:
    """Spend an enrolment link with the account's password; a session at the code step.

    Raises:
        AuthError: unknown, spent or expired link, wrong password, locked account.
    """
    account = users.enrolment_account(store, token)
    if account is None:
        audit.record(
            Actor(None),
            "login",
            outcome="failure",
            detail={"factor": "enrolment link", "reason": "unknown, used or expired link",
                    "client": client},
        )  # fmt: skip
        raise AuthError("this enrolment link is not valid (used, expired or unknown)")
    actor = Actor(account.name, account.role, account.agency_id)
    try:
        signin.check_password(store, account.name, password)
        users.redeem_enrolment(store, token, account)
    except AuthError as exc:
        audit.record(
            actor,
            "login",
            outcome="failure",
            detail={"factor": "enrolment link", "reason": str(exc), "client": client},
        )
        raise
    audit.record(
        actor,
        "alteration",
        object=f"user {account.name}",
        detail={"change": "enrolment started: new second-factor key", "client": client},
    )
    return sessions.create(store, user_id=account.user_id, stage="enrol")


def change_own_password(
    store: Store, audit: AuditLog, account: Account, current: str, new: str
) -> None:
    """A user replaces their password (proving the current one).

    Raises:
        AuthError: the current password is wrong (counts towards the lockout).
        UserError: the new one breaks the rules.
    """
    actor = Actor(account.name, account.role, account.agency_id)
    try:
        signin.check_password(store, account.name, current)
    except AuthError as exc:
        audit.record(
            actor,
            "alteration",
            outcome="failure",
            object=f"user {account.name}",
            detail={"change": "own password", "error": str(exc)},
        )
        raise
    _audited(
        audit,
        actor,
        account.name,
        "own password",
        lambda: users.change_password(store, account.user_id, new),
    )
