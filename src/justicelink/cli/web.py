"""`justicelink serve`, `justicelink users` and `justicelink audit`: the web app and its store."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from justicelink.cli._common import err, out, print_json, user_errors
from justicelink.store.db import AUDIT_KEY_ENV, DEFAULT_URL

DB = Annotated[
    str,
    typer.Option(
        "--db",
        envvar="JUSTICELINK_DB",
        help="The operational store: a SQLAlchemy URL, e.g. sqlite:///store.sqlite or "
        "postgresql://user@host/db (also $JUSTICELINK_DB).",
    ),
]
AUDIT_KEY = Annotated[
    Path | None,
    typer.Option(
        help=f"The audit chain's key file (also ${AUDIT_KEY_ENV}); default: beside a SQLite "
        "store, else ~/.config/justicelink/. Keep it away from the database's backups.",
    ),
]


def serve(
    warehouse: Annotated[
        Path, typer.Option(help="DuckDB warehouse file, after `ingest` and `link`.")
    ] = Path("justicelink.duckdb"),
    db: DB = DEFAULT_URL,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    secure_cookies: Annotated[
        bool,
        typer.Option(
            help="Mark the session cookie Secure (behind a proxy that terminates HTTPS).",
        ),
    ] = False,
    audit_key: AUDIT_KEY = None,
) -> None:
    """Serve the dashboard, data quality, linkage review, person timelines and audit log.

    Create a user first (each sets up a TOTP second factor at the first sign-in):

        echo 'a long passphrase' | justicelink users add ana --role analyst --password-stdin

        justicelink serve --warehouse demo/justicelink.duckdb

    then open http://127.0.0.1:8000. The store is created or migrated on start.
    """
    with user_errors():
        import uvicorn

        from justicelink.store.audit import AuditLog
        from justicelink.store.db import Store
        from justicelink.web.app import create_app
        from justicelink.web.data import Evidence

        evidence = Evidence(warehouse)
        store = Store(db)
        app = create_app(
            evidence=evidence,
            store=store,
            audit=AuditLog(store, key_path=audit_key),
            secure_cookies=secure_cookies,
        )
        err.print(f"serving {warehouse} with store {store.display_url} on http://{host}:{port}")
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=True)


users_app = typer.Typer(
    help="User accounts of the web app (argon2id passwords, TOTP second factor).",
    no_args_is_help=True,
)


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="The user's sign-in name.")],
    role: Annotated[
        str,
        typer.Option(
            help="analyst, agency_officer, linkage_reviewer, auditor or admin "
            "(see `justicelink users roles`)."
        ),
    ],
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin",
            help="Read the password from standard input (it is never taken as an argument).",
        ),
    ] = False,
    agency: Annotated[
        str | None, typer.Option(help="The agency id (needed for an agency officer).")
    ] = None,
    db: DB = DEFAULT_URL,
    as_json: Annotated[bool, typer.Option("--json", help="Print the account as JSON.")] = False,
) -> None:
    """Create an account. The password comes from standard input, never the command line.

    Example:

        printf '%s\\n' 'correct horse battery staple' | justicelink users add kim
        --role agency_officer --agency police --password-stdin
    """
    with user_errors():
        from justicelink.errors import UserError
        from justicelink.store.db import Store
        from justicelink.store.users import add_user

        if not password_stdin:
            raise UserError("give the password on standard input with --password-stdin")
        password = sys.stdin.readline().rstrip("\r\n")
        store = Store(db)
        account = add_user(store, name, role=role, password=password, agency_id=agency)
        store.close()
    if as_json:
        print_json({"name": account.name, "role": account.role, "agency_id": account.agency_id})
        return
    out.print(
        f"Created [bold]{account.name}[/] ({account.role}"
        f"{', ' + account.agency_id if account.agency_id else ''}) in {store.display_url}. "
        "The second factor is set up at the first sign-in."
    )


@users_app.command("list")
def users_list(
    db: DB = DEFAULT_URL,
    as_json: Annotated[bool, typer.Option("--json", help="Print the accounts as JSON.")] = False,
) -> None:
    """List the accounts (no secrets)."""
    with user_errors():
        from justicelink.store.db import Store
        from justicelink.store.users import list_users

        accounts = list_users(Store(db))
    if as_json:
        print_json({"users": [a.__dict__ for a in accounts]})
        return
    table = Table("name", "role", "agency", "second factor")
    for a in accounts:
        table.add_row(
            a.name, a.role, a.agency_id or "", "set up" if a.totp_confirmed else "not yet"
        )
    out.print(table)


@users_app.command("roles")
def users_roles() -> None:
    """What each role may see and do."""
    from justicelink.store.users import ROLES

    for role, description in ROLES.items():
        out.print(f"[bold]{role}[/]: {description}")


audit_app = typer.Typer(help="The audit log: verify its hash chain, apply retention.")


@audit_app.command("verify")
def audit_verify(
    db: DB = DEFAULT_URL,
    audit_key: AUDIT_KEY = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Check the whole chain: exit 0 if intact, 1 naming the first bad entry.

    Catches entries altered, deleted (also from the end), inserted or reordered, including
    by someone with direct access to the database but not to the key file.
    """
    with user_errors():
        from justicelink.store.audit import AuditLog
        from justicelink.store.db import Store

        result = AuditLog(Store(db), key_path=audit_key).verify()
    if as_json:
        print_json(result.__dict__)
    elif result.ok:
        out.print(f"audit log intact: {result.entries:,} entries verified")
    else:
        err.print(f"[bold red]audit log broken[/] at entry {result.first_bad}: {result.reason}")
    if not result.ok:
        raise typer.Exit(1)


@audit_app.command("purge")
def audit_purge(
    keep_days: Annotated[
        int, typer.Option(help="Retention: erase entries older than this many days.", min=1)
    ],
    db: DB = DEFAULT_URL,
    audit_key: AUDIT_KEY = None,
) -> None:
    """Apply the retention period. The erasure is itself an audit entry; the chain verifies."""
    with user_errors():
        from justicelink.store.audit import Actor, AuditLog
        from justicelink.store.db import Store

        erased = AuditLog(Store(db), key_path=audit_key).purge(
            Actor("justicelink audit purge", "admin"), keep_days=keep_days
        )
    out.print(f"erased {erased:,} entries older than {keep_days} days")
