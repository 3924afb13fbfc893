"""`justicelink coop`: the central authority's register, legal basis, checks and exchange."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from justicelink.cli import coop_analysis, coop_exchange
from justicelink.cli._common import err, out, print_json, user_errors
from justicelink.cli.coop_options import (
    AUDIT_KEY,
    DB,
    DIR,
    JSON,
    day,
    kind_of,
    open_register,
)
from justicelink.store.db import DEFAULT_URL

app = typer.Typer(
    help=(
        "International cooperation: the register of incoming and outgoing requests, the "
        "legal-basis finder, the completeness check, deadlines, statistics and signed, "
        "encrypted exchange with counterparts. For example:\n\n"
        "    justicelink coop import country/cooperation/requests.jsonl\n\n"
        "    justicelink coop basis --from XEX --to THA --type mla --iccs 06012\n\n"
        "    justicelink coop check request.json\n\n"
        "Country files (practice.yaml, bilateral.yaml, declarations.csv, keys/) live in the "
        "cooperation folder --dir (default ./cooperation, or $JUSTICELINK_COOP_DIR)."
    ),
    no_args_is_help=True,
)
app.command("basis")(coop_analysis.basis_command)
app.command("dual-criminality")(coop_analysis.dual_criminality_command)
app.command("check")(coop_analysis.check_command)
app.command("draft")(coop_analysis.draft_command)
app.command("due")(coop_analysis.due_command)
app.command("stats")(coop_analysis.stats_command)
app.command("parties")(coop_analysis.parties_command)
app.add_typer(coop_exchange.keys_app, name="keys")
app.command("pack")(coop_exchange.pack_command)
app.command("open")(coop_exchange.open_command)


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="JSON (one request or a list) or JSON lines.")],
    direction: Annotated[
        str | None,
        typer.Option(help="incoming or outgoing, for requests that do not say (`direction`)."),
    ] = None,
    warehouse: Annotated[
        Path | None,
        typer.Option(help="Look for the requests' persons in this warehouse (read-only)."),
    ] = None,
    on: Annotated[
        str | None, typer.Option(help="Date of registration for requests without history.")
    ] = None,
    db: DB = DEFAULT_URL,
    directory: DIR = Path("cooperation"),
    audit_key: AUDIT_KEY = None,
    as_json: JSON = False,
) -> None:
    """Add requests to the register (validated against the JSON format; see docs).

    A request already held (same reference from the same state) is skipped.

    Example:

        justicelink coop import country/cooperation/requests.jsonl --warehouse country.duckdb
    """
    with user_errors():
        from justicelink.app.cooperation import import_requests
        from justicelink.cooperation.vocabulary import Direction
        from justicelink.errors import CooperationError

        register = open_register(db, audit_key, directory)
        way = Direction(direction) if direction in ("incoming", "outgoing") else None
        if direction is not None and way is None:
            raise CooperationError("--direction is incoming or outgoing")
        with err.status("[bold]coop import[/]") as status:
            result = import_requests(
                register,
                file,
                direction=way,
                warehouse=warehouse,
                on=day(on),
                progress=lambda n, total: status.update(f"[bold]coop import[/] {n:,}/{total:,}"),
            )
    if as_json:
        print_json(result.to_json())
        return
    found = sum(1 for ms in result.matches.values() for m in ms if m.match)
    out.print(
        f"Registered {len(result.added):,} request(s)"
        + (f", skipped {len(result.skipped):,} already held" if result.skipped else "")
        + (f"; {found:,} person(s) found in the warehouse" if warehouse else "")
        + "."
    )


@app.command("list")
def list_command(
    direction: Annotated[str | None, typer.Option(help="incoming or outgoing.")] = None,
    status: Annotated[str | None, typer.Option(help="Current status, e.g. received.")] = None,
    state: Annotated[str | None, typer.Option(help="Counterpart state (ISO3).")] = None,
    kind: Annotated[str | None, typer.Option("--type", help="Request type, e.g. mla.")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Open requests only.")] = False,
    on: Annotated[str | None, typer.Option(help="Reference date for days left (today).")] = None,
    db: DB = DEFAULT_URL,
    directory: DIR = Path("cooperation"),
    audit_key: AUDIT_KEY = None,
    as_json: JSON = False,
) -> None:
    """List the register with status and due dates.

    Example:

        justicelink coop list --direction incoming --open
    """
    with user_errors():
        from justicelink.app.cooperation import list_requests
        from justicelink.cooperation.vocabulary import Direction, Status

        register = open_register(db, audit_key, directory)
        rows = list_requests(
            register,
            direction=Direction(direction) if direction else None,
            status=Status(status) if status else None,
            state=state,
            kind=kind_of(kind) if kind else None,
            open_only=open_only,
            on=day(on),
        )
    if as_json:
        print_json({"requests": rows})
        return
    table = Table("no.", "reference", "dir.", "type", "state", "status", "due", "days left")
    for r in rows:
        late = r["overdue"]
        table.add_row(
            str(r["request_id"]),
            r["reference"] or "",
            r["direction"][:3],
            r["type"],
            r["counterpart"],
            r["status"] or "",
            r["due_on"] or "",
            ("[red]" if late else "")
            + ("" if r["days_left"] is None or not r["open"] else str(r["days_left"])),
        )
    out.print(table)
    out.print(f"{len(rows):,} request(s); {sum(r['overdue'] for r in rows):,} overdue")


@app.command("show")
def show_command(
    request_id: Annotated[int, typer.Argument(help="Register number.")],
    db: DB = DEFAULT_URL,
    directory: DIR = Path("cooperation"),
    audit_key: AUDIT_KEY = None,
    as_json: JSON = False,
) -> None:
    """One request: its content, history, persons found, due date and (outgoing) gaps.

    Example:

        justicelink coop show 12
    """
    with user_errors():
        from justicelink.app.cooperation import show_request

        data = show_request(open_register(db, audit_key, directory), request_id)
    if as_json:
        print_json(data)
        return
    _print_request(data)


def _print_request(data: dict[str, Any]) -> None:
    r = data["request"]
    out.print(
        f"[bold]{data['request_id']}[/] {r.get('reference') or ''}  {r['type']}  "
        f"{r['requesting_state']} -> {r['requested_state']}  ({data['direction']})"
    )
    for key in (
        "requesting_authority",
        "subject_matter",
        "facts_summary",
        "assistance_sought",
        "purpose",
        "urgency",
        "language",
    ):
        if r.get(key):
            out.print(f"  {key.replace('_', ' ')}: {r[key]}")
    for p in r.get("persons", []):
        found = (
            f"  [green]warehouse person {p['warehouse_person_id']}[/]"
            if p.get("warehouse_person_id")
            else ""
        )
        out.print(
            f"  person: {p.get('name') or p.get('family_name')} "
            f"{p.get('date_of_birth') or ''}{found}"
        )
    for h in r.get("status_history", []):
        ground = f" ({h['ground']})" if h.get("ground") else ""
        out.print(f"  {h['date']}  {h['status']}{ground}")
    if data["due_on"]:
        out.print(f"  due {data['due_on']}" + ("  [red]overdue[/]" if data["overdue"] else ""))
    if data.get("check"):
        for item in data["check"]["missing"]:
            out.print(f"  [red]missing {item['element']}[/]: {item['text']}")


@app.command("status")
def status_command(
    request_id: Annotated[int, typer.Argument(help="Register number.")],
    set_: Annotated[
        str,
        typer.Option(
            "--set",
            help="received, acknowledged, more_information_requested, "
            "executed_in_part, executed, refused, withdrawn, sent, draft.",
        ),
    ],
    on: Annotated[str | None, typer.Option(help="Date of the step (today).")] = None,
    ground: Annotated[
        str | None, typer.Option(help="Ground of a refusal, e.g. dual_criminality.")
    ] = None,
    note: Annotated[str | None, typer.Option(help="A note kept with the step.")] = None,
    db: DB = DEFAULT_URL,
    directory: DIR = Path("cooperation"),
    audit_key: AUDIT_KEY = None,
    as_json: JSON = False,
) -> None:
    """Record a step of a request's history (audited).

    Example:

        justicelink coop status 12 --set refused --ground dual_criminality --on 2024-03-01
    """
    with user_errors():
        from justicelink.app.cooperation import set_status
        from justicelink.cooperation.vocabulary import RefusalGround, Status
        from justicelink.errors import CooperationError

        try:
            status = Status(set_)
            reason = RefusalGround(ground) if ground else None
        except ValueError as exc:
            raise CooperationError(str(exc)) from None
        data = set_status(
            open_register(db, audit_key, directory),
            request_id,
            status,
            on=day(on),
            ground=reason,
            note=note,
        )
    if as_json:
        print_json(data)
        return
    out.print(
        f"Request {request_id}: {status.value} on {day(on) or dt.date.today()}; "
        f"due {data['due_on'] or '-'}"
    )


@app.command("export")
def export_command(
    out_file: Annotated[
        Path | None, typer.Option("--out", help="File to write (JSON); default: stdout.")
    ] = None,
    ids: Annotated[
        list[int] | None, typer.Option("--id", help="Only this register number (repeatable).")
    ] = None,
    direction: Annotated[str | None, typer.Option(help="incoming or outgoing.")] = None,
    db: DB = DEFAULT_URL,
    directory: DIR = Path("cooperation"),
    audit_key: AUDIT_KEY = None,
    as_json: JSON = False,
) -> None:
    """Export requests in the JSON format, with their history (audited as a disclosure).

    Example:

        justicelink coop export --direction outgoing --out outgoing.json
    """
    with user_errors():
        from justicelink.app.cooperation import export_requests
        from justicelink.cooperation.vocabulary import Direction

        documents = export_requests(
            open_register(db, audit_key, directory),
            ids=ids,
            direction=Direction(direction) if direction else None,
        )
        text = json.dumps(documents, indent=2, ensure_ascii=False) + "\n"
        if out_file is None:
            sys.stdout.write(text)
            return
        out_file.write_text(text, encoding="utf-8")
    if as_json:
        print_json({"exported": len(documents), "out": str(out_file)})
    else:
        out.print(f"Exported {len(documents):,} request(s) to {out_file}.")
