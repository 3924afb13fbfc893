"""`justicelink users`: accounts of the web app, each change recorded in the audit log."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from justicelink.cli._common import out, print_json, user_errors
from justicelink.cli._store import (
    AGENCIES,
    AS_JSON,
    AUDIT_KEY,
    BASE_URL,
    DB,
    WAREHOUSE,
    agency_list,
    enrolment_url,
    operator,
)
from justicelink.store.db import DEFAULT_URL

if TYPE_CHECKING:
    from justicelink.store.audit import AuditLog
    from justicelink.store.db import Store

app = typer.Typer(
    help="User accounts of the web app (argon2id passwords, TOTP second factor, one-time "
    "enrolment links). Every change is recorded in the audit log.",
    no_args_is_help=True,
)
NAME = Annotated[str, typer.Argument(help="The user's sign-in name.")]
PASSWORD_STDIN = Annotated[
    bool,
    typer.Option(
        "--password-stdin",
        help="Read the password from standard input (it is never taken as an argument).",
    ),
]


def _password(password_stdin: bool) -> str:
    from justicelink.errors import UserError

    if not password_stdin:
        raise UserError("give the password on standard input with --password-stdin")
    return sys.stdin.readline().rstrip("\r\n")


def _open(db: str, audit_key: Path | None) -> tuple[Store, AuditLog]:
    from justicelink.store.audit import AuditLog
    from justicelink.store.db import Store

    store = Store(db)
    return store, AuditLog(store, key_path=audit_key)


@app.command("add")
def users_add(
    name: NAME,
    role: Annotated[
        str,
        typer.Option(
            help="analyst, agency_officer, linkage_reviewer, auditor or admin "
            "(see `justicelink users roles`)."
        ),
    ],
    password_stdin: PASSWORD_STDIN = False,
    agency: Annotated[
        str | None,
        typer.Option(
            help="The agency id (needed for an agency officer; checked against "
            "the warehouse or --agencies)."
        ),
    ] = None,
    warehouse: WAREHOUSE = Path("justicelink.duckdb"),
    agencies: AGENCIES = None,
    base_url: BASE_URL = "http://127.0.0.1:8000",
    db: DB = DEFAULT_URL,
    audit_key: AUDIT_KEY = None,
    as_json: AS_JSON = False,
) -> None:
    """Create an account and print its one-time enrolment link (valid 72 hours).

    The password comes from standard input, never the command line; the user proves it when
    opening the link, sets up their second factor and then chooses their own password.
    Give the link and the password by different channels.

    Example:

        printf '%s\\n' 'first password of kim 2026' | justicelink users add kim
        --role agency_officer --agency police --warehouse demo/justicelink.duckdb
        --password-stdin
    """
    with user_errors():
        from justicelink.app.accounts import create_account

        password = _password(password_stdin)
        checked = agency_list(agency, agencies, warehouse)
        store, audit = _open(db, audit_key)
        account, token = create_account(
            store, audit, operator(), name, role=role, password=password, agency_id=agency,
            agencies=checked,
        )  # fmt: skip
        store.close()
    link = enrolment_url(base_url, token)
    if as_json:
        print_json(
            {
                "name": account.name,
                "role": account.role,
                "agency_id": account.agency_id,
                "enrolment_link": link,
            }
        )
        return
    out.print(
        f"Created [bold]{account.name}[/] ({account.role}"
        f"{', ' + account.agency_id if account.agency_id else ''}) in {store.display_url}.\n"
        f"Enrolment link (works once, for 72 hours): {link}",
        soft_wrap=True,
    )


@app.command("enrol")
def users_enrol(
    name: NAME,
    base_url: BASE_URL = "http://127.0.0.1:8000",
    db: DB = DEFAULT_URL,
    audit_key: AUDIT_KEY = None,
    as_json: AS_JSON = False,
) -> None:
    """Issue a new one-time enrolment link (older unused links of the user stop working).

    Example:

        justicelink users enrol kim
    """
    with user_errors():
        from justicelink.app.accounts import issue_link

        store, audit = _open(db, audit_key)
        link = enrolment_url(base_url, issue_link(store, audit, operator(), name))
    if as_json:
        print_json({"name": name, "enrolment_link": link})
    else:
        out.print(f"Enrolment link for {name} (works once, for 72 hours): {link}", soft_wrap=True)


@app.command("reset-factor")
def users_reset_factor(
    name: NAME,
    base_url: BASE_URL = "http://127.0.0.1:8000",
    db: DB = DEFAULT_URL,
    audit_key: AUDIT_KEY = None,
    as_json: AS_JSON = False,
) -> None:
    """Forget a user's second factor, end their sessions, print a new enrolment link.

    Example:

        justicelink users reset-factor kim
    """
    with user_errors():
        from justicelink.app.accounts import reset_factor

        store, audit = _open(db, audit_key)
        link = enrolment_url(base_url, reset_factor(store, audit, operator(), name))
    if as_json:
        print_json({"name": name, "enrolment_link": link})
    else:
        out.print(
            f"Second factor of {name} reset, sessions ended. Enrolment link: {link}",
            soft_wrap=True,
        )


@app.command("reset-password")
def users_reset_password(
    name: NAME,
    password_stdin: PASSWORD_STDIN = False,
    db: DB = DEFAULT_URL,
    audit_key: AUDIT_KEY = None,
    as_json: AS_JSON = False,
) -> None:
    """Set a password (from standard input) the user must change at their next sign-in.

    Example:

        printf '%s\\n' 'a temporary passphrase 7' | justicelink users reset-password kim
        --password-stdin
    """
    with user_errors():
        from justicelink.app.accounts import reset_password

        password = _password(password_stdin)
        store, audit = _open(db, audit_key)
        reset_password(store, audit, operator(), name, password)
    if as_json:
        print_json({"name": name, "must_change_password": True})
    else:
        out.print(f"Password of {name} reset; sessions ended; to be changed at sign-in.")


def _toggle(name: str, db: str, audit_key: Path | None, *, disabled: bool, as_json: bool) -> None:
    with user_errors():
        from justicelink.app.accounts import set_disabled

        store, audit = _open(db, audit_key)
        set_disabled(store, audit, operator(), name, disabled=disabled)
    if as_json:
        print_json({"name": name, "disabled": disabled})
    else:
        out.print(f"{name} {'disabled (sessions ended)' if disabled else 'enabled'}.")


@app.command("disable")
def users_disable(
    name: NAME, db: DB = DEFAULT_URL, audit_key: AUDIT_KEY = None, as_json: AS_JSON = False
) -> None:
    """Disable an account and end its sessions.

    Example:

        justicelink users disable kim
    """
    _toggle(name, db, audit_key, disabled=True, as_json=as_json)


@app.command("enable")
def users_enable(
    name: NAME, db: DB = DEFAULT_URL, audit_key: AUDIT_KEY = None, as_json: AS_JSON = False
) -> None:
    """Enable a disabled account.

    Example:

        justicelink users enable kim
    """
    _toggle(name, db, audit_key, disabled=False, as_json=as_json)


@app.command("set-role")
def users_set_role(
    name: NAME,
    role: Annotated[str, typer.Option(help="The new role (see `justicelink users roles`).")],
    agency: Annotated[str | None, typer.Option(help="The agency id, if any.")] = None,
    warehouse: WAREHOUSE = Path("justicelink.duckdb"),
    agencies: AGENCIES = None,
    db: DB = DEFAULT_URL,
    audit_key: AUDIT_KEY = None,
    as_json: AS_JSON = False,
) -> None:
    """Give an account another role (and agency); its sessions end.

    Example:

        justicelink users set-role kim --role agency_officer --agency probation
    """
    with user_errors():
        from justicelink.app.accounts import set_role

        checked = agency_list(agency, agencies, warehouse)
        store, audit = _open(db, audit_key)
        set_role(store, audit, operator(), name, role=role, agency_id=agency, agencies=checked)
    if as_json:
        print_json({"name": name, "role": role, "agency_id": agency})
    else:
        out.print(f"{name} is now {role}{' of ' + agency if agency else ''}; sessions ended.")


@app.command("list")
def users_list(db: DB = DEFAULT_URL, as_json: AS_JSON = False) -> None:
    """List the accounts (no secrets).

    Example:

        justicelink users list --json
    """
    with user_errors():
        from justicelink.store.db import Store
        from justicelink.store.users import list_users

        accounts = list_users(Store(db))
    if as_json:
        print_json({"users": [a.__dict__ for a in accounts]})
        return
    table = Table("name", "role", "agency", "second factor", "state")
    for a in accounts:
        state = (
            "disabled"
            if a.disabled
            else "must change password"
            if a.must_change_password
            else "active"
        )
        table.add_row(
            a.name, a.role, a.agency_id or "", "set up" if a.totp_confirmed else "not yet", state
        )
    out.print(table)


@app.command("roles")
def users_roles() -> None:
    """What each role may see and do."""
    from justicelink.store.users import ROLES

    for role, description in ROLES.items():
        out.print(f"[bold]{role}[/]: {description}")
