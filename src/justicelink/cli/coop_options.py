"""Options and helpers the `justicelink coop` commands share."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from justicelink.cli._store import AUDIT_KEY, DB
from justicelink.errors import CooperationError

if TYPE_CHECKING:
    from justicelink.app.cooperation import Register
    from justicelink.cooperation.vocabulary import RequestType

__all__ = ["AUDIT_KEY", "DB", "DIR", "JSON", "day", "kind_of", "open_register"]

DIR = Annotated[
    Path,
    typer.Option(
        "--dir",
        envvar="JUSTICELINK_COOP_DIR",
        help="The cooperation folder: practice.yaml, bilateral.yaml, declarations.csv, "
        "refreshed party lists, keys/ (also $JUSTICELINK_COOP_DIR).",
    ),
]
JSON = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def day(text: str | None) -> dt.date | None:
    """A ``YYYY-MM-DD`` option, or None when not given."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise CooperationError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def kind_of(text: str) -> RequestType:
    """A request type named on the command line."""
    from justicelink.cooperation.vocabulary import request_type

    try:
        return request_type(text)
    except ValueError as exc:
        raise CooperationError(str(exc)) from None


def open_register(db: str, audit_key: Path | None, directory: Path) -> Register:
    """The register in the store ``db``, audited, acting as the CLI's user."""
    from justicelink.app.cooperation import Register, cli_actor
    from justicelink.store.audit import AuditLog
    from justicelink.store.db import Store

    store = Store(db)
    return Register(store, AuditLog(store, key_path=audit_key), cli_actor(), directory)
