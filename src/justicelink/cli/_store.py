"""Options and helpers the store's commands share (serve, users, audit)."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from justicelink.store.audit import Actor
from justicelink.store.db import AUDIT_KEY_ENV

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
        "store, else ~/.config/justicelink/. Keep it away from the database and its backups.",
    ),
]
WAREHOUSE = Annotated[
    Path,
    typer.Option(help="The warehouse whose agency table an --agency must be in."),
]
AGENCIES = Annotated[
    str | None,
    typer.Option(
        envvar="JUSTICELINK_AGENCIES",
        help="Comma-separated agency ids an --agency must be one of, instead of the "
        "warehouse's agency table (also $JUSTICELINK_AGENCIES).",
    ),
]
BASE_URL = Annotated[
    str,
    typer.Option(help="Where users reach the web app: the enrolment link starts with it."),
]
AS_JSON = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def operator() -> Actor:
    """Who runs a command, as the audit log names them: the system account, on the CLI."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no name for the uid (a container)
        name = "unknown"
    return Actor(f"{name} (command line)", "operator")


def agency_list(agency: str | None, agencies: str | None, warehouse: Path) -> set[str] | None:
    """The agencies to check ``agency`` against; None when no agency is given."""
    if not agency:
        return None
    if agencies:
        return {a.strip() for a in agencies.split(",") if a.strip()}
    from justicelink.app.accounts import warehouse_agencies

    return warehouse_agencies(warehouse)


def enrolment_url(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + "/enrol/" + token
