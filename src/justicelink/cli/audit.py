"""`justicelink audit`: verify the audit log, export signed checkpoints, apply retention."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from justicelink.cli._common import err, out, print_json, user_errors
from justicelink.cli._store import AS_JSON, AUDIT_KEY, DB
from justicelink.store.db import DEFAULT_URL

app = typer.Typer(
    help="The audit log: verify its chain, export signed checkpoints, apply retention.",
    no_args_is_help=True,
)


@app.command("verify")
def audit_verify(
    db: DB = DEFAULT_URL,
    audit_key: AUDIT_KEY = None,
    checkpoints: Annotated[
        Path | None,
        typer.Option(
            help="Also check the chain against the signed checkpoints in this file (written "
            "by `audit checkpoint --export`): catches a rollback to an older copy."
        ),
    ] = None,
    as_json: AS_JSON = False,
) -> None:
    """Check the whole chain: exit 0 if intact, 1 with one line naming what is wrong.

    Catches entries altered, deleted (also from the end), inserted or reordered, a head row
    or witness file rewritten or removed, and a missing key, including by someone with
    direct access to the database but not to the key file.

    Example:

        justicelink audit verify --db sqlite:///store.sqlite --checkpoints /mnt/worm/audit.jsonl
    """
    with user_errors():
        from justicelink.store.audit import AuditLog
        from justicelink.store.db import Store

        log = AuditLog(Store(db), key_path=audit_key, create_key=False)
        result = log.verify(checkpoints=checkpoints)
    if as_json:
        print_json(result.__dict__)
    elif result.ok:
        against = f" against {result.checkpoints:,} checkpoints" if result.checkpoints else ""
        out.print(f"audit log intact: {result.entries:,} entries verified{against}")
    elif result.first_bad is not None:
        err.print(
            f"[bold red]audit log broken[/] at entry {result.first_bad}: {result.reason}",
            soft_wrap=True,
        )
    else:
        err.print(f"[bold red]audit log broken[/]: {result.reason}", soft_wrap=True)
    if not result.ok:
        raise typer.Exit(1)


@app.command("checkpoint")
def audit_checkpoint(
    export: Annotated[
        Path | None,
        typer.Option(
            "--export",
            help="Append the signed checkpoint to this file (JSON lines; '-' for standard "
            "output). Put it on write-once storage or another system.",
        ),
    ] = None,
    public_key: Annotated[
        bool, typer.Option("--public-key", help="Print only the key that checks checkpoints.")
    ] = False,
    db: DB = DEFAULT_URL,
    audit_key: AUDIT_KEY = None,
    as_json: AS_JSON = False,
) -> None:
    """Sign the chain's head (Ed25519) and export it, e.g. hourly from cron.

    A checkpoint states "the log had N entries ending with hash H" under a key derived from
    the audit key; its public half (--public-key) lets another system check checkpoints
    without being able to forge them.

    Example:

        justicelink audit checkpoint --export /mnt/worm/justicelink-audit.jsonl
    """
    with user_errors():
        from justicelink.errors import StoreError
        from justicelink.store.audit import AuditLog
        from justicelink.store.db import Store

        log = AuditLog(Store(db), key_path=audit_key, create_key=False)
        if public_key:
            key = log.key.public_key
        else:
            if export is None:
                raise StoreError("give --export FILE (or - for standard output)")
            checkpoint = log.export_checkpoint(None if str(export) == "-" else export)
    if public_key:
        print_json({"public_key": key}) if as_json else out.print(key)
        return
    if str(export) == "-" or as_json:
        print_json(checkpoint)
    else:
        out.print(f"checkpoint of entry {checkpoint['seq']:,} appended to {export}", soft_wrap=True)


@app.command("reset-witness")
def audit_reset_witness(
    reason: Annotated[
        str, typer.Option(help="Why: what was found about the missing or altered witness.")
    ],
    db: DB = DEFAULT_URL,
    audit_key: AUDIT_KEY = None,
    as_json: AS_JSON = False,
) -> None:
    """Write a new witness after investigating why the old one was missing or altered.

    The reset is itself an audit entry (with the reason), then the chain is verified.

    Example:

        justicelink audit reset-witness --reason "restored the key volume from tape, ticket 812"
    """
    with user_errors():
        from justicelink.cli._store import operator
        from justicelink.errors import StoreError
        from justicelink.policy.inputs import printable
        from justicelink.store.audit import AuditLog
        from justicelink.store.db import Store

        if len(reason.strip()) < 10 or not printable(reason):
            raise StoreError("give the reason in at least 10 printable characters")
        log = AuditLog(Store(db), key_path=audit_key, create_key=False)
        result = log.reset_witness(operator(), reason=reason.strip())
    if as_json:
        print_json(result.__dict__)
    elif result.ok:
        out.print(f"witness reset; audit log intact: {result.entries:,} entries verified")
    else:
        err.print(f"witness reset, but the audit log is broken: {result.reason}", soft_wrap=True)
    if not result.ok:
        raise typer.Exit(1)


@app.command("purge")
def audit_purge(
    keep_days: Annotated[
        int, typer.Option(help="Retention: erase entries older than this many days.", min=1)
    ],
    db: DB = DEFAULT_URL,
    audit_key: AUDIT_KEY = None,
    as_json: AS_JSON = False,
) -> None:
    """Apply the retention period. The erasure is itself an audit entry; the chain verifies.

    Example:

        justicelink audit purge --keep-days 730
    """
    with user_errors():
        from justicelink.cli._store import operator
        from justicelink.store.audit import AuditLog
        from justicelink.store.db import Store

        erased = AuditLog(Store(db), key_path=audit_key, create_key=False).purge(
            operator(), keep_days=keep_days
        )
    if as_json:
        print_json({"erased": erased, "keep_days": keep_days})
    else:
        out.print(f"erased {erased:,} entries older than {keep_days} days")
