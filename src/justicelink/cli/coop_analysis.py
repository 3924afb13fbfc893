"""`justicelink coop basis|dual-criminality|check|draft|due|stats|parties`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from justicelink.cli._common import out, print_json, user_errors
from justicelink.cli.coop_options import AUDIT_KEY, DB, DIR, JSON, day, kind_of, open_register
from justicelink.store.db import DEFAULT_URL

PENAL_CODE = Annotated[
    Path | None,
    typer.Option(
        envvar="JUSTICELINK_PENAL_CODE",
        help="The national penal code CSV with max_penalty_years (e.g. "
        "country/reference/penal_code.csv; also $JUSTICELINK_PENAL_CODE).",
    ),
]
_MARK = {"met": "[green]met[/]", "not_met": "[red]not met[/]", "to_check": "[yellow]check[/]"}


def basis_command(
    from_state: Annotated[str, typer.Option("--from", help="Requesting state (ISO3).")],
    to_state: Annotated[str, typer.Option("--to", help="Requested state (ISO3).")],
    kind: Annotated[str, typer.Option("--type", help="mla, extradition, confiscation, ...")],
    iccs: Annotated[str | None, typer.Option(help="The offence's ICCS code.")] = None,
    date: Annotated[str | None, typer.Option(help="Date (YYYY-MM-DD); default today.")] = None,
    max_penalty: Annotated[
        float | None, typer.Option(help="The offence's maximum penalty, in years.", min=0)
    ] = None,
    penal_code: PENAL_CODE = None,
    directory: DIR = Path("cooperation"),
    as_json: JSON = False,
) -> None:
    """Which instruments bind both states for this request on the date, and what to cite.

    Reads the dated party lists (UNTOC, UNCAC, 1988 Convention, ASEAN MLAT) with each
    convention's entry-into-force article, the country's bilateral.yaml and states'
    declarations; says "unknown" where a date is not known, and reciprocity where
    nothing applies.

    Example:

        justicelink coop basis --from MYS --to THA --type mla --iccs 06012 --date 2024-01-15
    """
    with user_errors():
        from justicelink.app.cooperation import legal_basis

        result = legal_basis(
            from_state,
            to_state,
            kind_of(kind),
            iccs=iccs,
            on=day(date),
            max_penalty_years=max_penalty,
            directory=directory,
            penal_code=penal_code,
        )
    data = result.to_json()
    if as_json:
        print_json(data)
        return
    out.print(
        f"[bold]{data['type']}[/] {data['from']} -> {data['to']}"
        + (f", ICCS {data['iccs']}" if data["iccs"] else "")
        + f", on {data['date']}"
    )
    for title, key in (("Applies", "instruments"), ("Undetermined", "undetermined")):
        for f in data[key]:
            out.print(f"[bold]{title}:[/] {f['cite']} — {f['reason']}")
            for c in f["scope"]:
                out.print(f"    {_MARK[c['status']]} {c['condition']}: {c['text']}")
            if f.get("extradition_basis"):
                b = f["extradition_basis"]
                out.print(f"    extradition basis ({b['state']}): {b['position']} — {b['text']}")
            for note in f["notes"]:
                out.print(f"    note: {note}")
    for f in data["not_applicable"]:
        out.print(f"[dim]Not applicable: {f['instrument']} — {f['reason']}[/]")
    if data["reciprocity"]["applies"]:
        out.print(f"[bold]Reciprocity:[/] {data['reciprocity']['text']}")
    if data["dual_criminality"]:
        _print_dual(data["dual_criminality"])
    for d in data["data"]:
        out.print(f"[dim]data: {d['instrument']} as of {d['as_of']} — {d['source']}[/]")
    out.print(f"[dim]{data['notice']}[/]")


def _years(value: float | str | None) -> str:
    if value is None:
        return "penalty unknown"
    return value if isinstance(value, str) else f"{value:g} years"


def _print_dual(d: dict[str, Any]) -> None:
    out.print(f"[bold]Dual criminality[/] (pre-check) for ICCS {d['iccs']} {d['label']}:")
    for name, verdict in d["verdicts"].items():
        out.print(f"    {name}: {verdict}")
    for m in d["matches"]:
        out.print(
            f"    {m['national_code']} {m['title']} (ICCS {m['iccs']}, {m['relation']}): "
            f"max {_years(m['max_penalty_years'])}"
        )
    out.print(f"    [dim]{d['notice']}[/]")


def dual_criminality_command(
    iccs: Annotated[str, typer.Option(help="The foreign offence's ICCS code.")],
    kind: Annotated[str, typer.Option("--type", help="extradition, mla, ...")] = "extradition",
    penal_code: PENAL_CODE = None,
    threshold: Annotated[
        float | None, typer.Option(help="A treaty's own minimum penalty, in years.", min=0)
    ] = None,
    as_json: JSON = False,
) -> None:
    """Pre-check dual criminality against the national penal code (a lawyer decides).

    National offences in the same ICCS class, and their maximum penalties against the
    instrument's threshold (extradition 1 year, UNTOC serious crime 4 years).

    Example:

        justicelink coop dual-criminality --iccs 0502 --type extradition
        --penal-code country/reference/penal_code.csv
    """
    with user_errors():
        from justicelink.app.cooperation import dual_criminality
        from justicelink.errors import CooperationError

        if penal_code is None:
            raise CooperationError("give the national penal code with --penal-code")
        result = dual_criminality(iccs, kind_of(kind), penal_code, threshold=threshold)
    if as_json:
        print_json(result.to_json())
    else:
        _print_dual(result.to_json())


def check_command(
    file: Annotated[Path, typer.Argument(help="The request (JSON format), as it would be sent.")],
    directory: DIR = Path("cooperation"),
    as_json: JSON = False,
) -> None:
    """What an outgoing request lacks, by element, and the grounds it may meet.

    Missing elements follow UNTOC 18(15)(a)-(f) and 18(14) (UNCAC 46(15), 1988 7(10) when the
    request invokes them) and the extradition documents; warnings name the grounds the
    requested state may invoke. --json gives {"missing": [{"element", "text"}], "warnings"}.

    Example:

        justicelink coop check request.json --json
    """
    with user_errors():
        from justicelink.app.cooperation import check_file

        result = check_file(file, directory)
    if as_json:
        print_json(result.to_json())
        return
    if result.complete:
        out.print("[green]No element missing.[/]")
    for item in result.missing:
        out.print(f"[red]missing {item.element}[/]: {item.text}")
    for item in result.warnings:
        out.print(f"[yellow]warning {item.element}[/]: {item.text}")


def draft_command(
    source: Annotated[str, typer.Argument(help="A request JSON file, or a register number.")],
    out_file: Annotated[Path, typer.Option("--out", help="The .docx file to write.")],
    templates: Annotated[
        Path | None, typer.Option(help="A folder with your own request templates.")
    ] = None,
    db: DB = DEFAULT_URL,
    directory: DIR = Path("cooperation"),
    audit_key: AUDIT_KEY = None,
    as_json: JSON = False,
) -> None:
    """Draft the request as a Word document, each gap marked \\[missing: ...].

    Example:

        justicelink coop draft request.json --out request.docx
    """
    with user_errors():
        from justicelink.app.cooperation_draft import draft_request

        register = open_register(db, audit_key, directory) if source.isdigit() else None
        path = draft_request(
            source, out_file, register=register, directory=directory, templates=templates
        )
    if as_json:
        print_json({"draft": str(path), "bytes": path.stat().st_size})
    else:
        out.print(f"Draft written to {path}.")


def due_command(
    on: Annotated[str | None, typer.Option(help="Reference date (today).")] = None,
    within: Annotated[
        int | None, typer.Option(help="Also list requests due within this many days.", min=0)
    ] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Overdue requests only.")] = False,
    db: DB = DEFAULT_URL,
    directory: DIR = Path("cooperation"),
    audit_key: AUDIT_KEY = None,
    as_json: JSON = False,
) -> None:
    """Open requests by due date, with a reminder for each overdue one.

    Example:

        justicelink coop due --within 14
    """
    with user_errors():
        from justicelink.app.cooperation import due_requests

        items = due_requests(
            open_register(db, audit_key, directory),
            on=day(on),
            within=within,
            overdue_only=overdue,
        )
    if as_json:
        print_json({"requests": [i.to_json() for i in items]})
        return
    table = Table("no.", "reference", "dir.", "type", "state", "status", "due", "days left")
    for i in items:
        table.add_row(
            str(i.request_id),
            i.reference or "",
            i.direction[:3],
            i.type,
            i.counterpart,
            i.status or "",
            str(i.due_on or ""),
            ("[red]" if i.overdue else "") + str(i.days_left),
        )
    out.print(table)
    for i in items:
        if i.reminder:
            out.print(f"[bold]{i.request_id}[/]: {i.reminder}")


def stats_command(
    start: Annotated[str | None, typer.Option("--from", help="First day of the period.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day of the period.")] = None,
    db: DB = DEFAULT_URL,
    directory: DIR = Path("cooperation"),
    audit_key: AUDIT_KEY = None,
    as_json: JSON = False,
) -> None:
    """Processing statistics for the conventions' review mechanisms.

    Requests by type, counterpart and outcome; median and 90th-percentile days from receipt
    to execution; refusals by ground.

    Example:

        justicelink coop stats --from 2023-01-01 --to 2023-12-31 --json
    """
    with user_errors():
        from justicelink.app.cooperation import statistics

        register = open_register(db, audit_key, directory)
        data = statistics(register.store, start=day(start), end=day(end))
        register.audit.record(register.actor, "consultation", object="cooperation statistics")
    if as_json:
        print_json(data)
        return
    days = data["days_to_execution"]
    out.print(
        f"{data['requests']:,} requests; executed: {days['count']:,}, median "
        f"{days['median']} days, 90th percentile {days['p90']} days"
    )
    for key in ("by_type", "by_direction", "by_outcome", "refusals_by_ground", "by_counterpart"):
        items = ", ".join(f"{k} {v}" for k, v in list(data[key].items())[:12])
        out.print(f"  {key.replace('_', ' ')}: {items}")


def parties_command(
    refresh: Annotated[
        Path | None, typer.Option(help="Replace a party list with this CSV (same columns).")
    ] = None,
    treaty: Annotated[
        str | None, typer.Option(help="untoc, uncac, drugs1988 or asean_mlat.")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date the refreshed list is complete to.")
    ] = None,
    source: Annotated[str | None, typer.Option(help="Where the refreshed list comes from.")] = None,
    state: Annotated[str | None, typer.Option(help="Show one state's rows (ISO3).")] = None,
    directory: DIR = Path("cooperation"),
    as_json: JSON = False,
) -> None:
    """The party lists in use, with their as-of dates and sources; --refresh replaces one.

    Example:

        justicelink coop parties --refresh untoc.csv --treaty untoc --as-of 2026-01-15
        --source "UNTC XVIII-12 status page"
    """
    with user_errors():
        from justicelink.app.cooperation import party_lists, refresh_parties
        from justicelink.errors import CooperationError

        if refresh is not None:
            if treaty is None:
                raise CooperationError("--refresh needs --treaty")
            refresh_parties(
                directory,
                treaty,
                refresh,
                as_of=day(as_of) or dt.date.today(),
                source=source or f"refreshed from {refresh.name}",
            )
        lists = party_lists(directory)
    rows: list[dict[str, Any]] = []
    for p in lists:
        entry: dict[str, Any] = p.to_json()
        if state:
            row = p.rows.get(state.upper())
            entry["state"] = (
                {
                    "iso3": row.iso3,
                    "country": row.country,
                    "signature": row.signature or None,
                    "deposit": row.deposit.text or None,
                    "action": row.action or None,
                }
                if row
                else None
            )
        rows.append(entry)
    if as_json:
        print_json({"lists": rows})
        return
    for r in rows:
        out.print(
            f"[bold]{r['instrument']}[/]: {r['parties']} parties as of {r['as_of']} "
            f"({r['origin']}); source: {r['source']}"
        )
        if state:
            s = r["state"]
            out.print(
                "    "
                + (
                    f"{s['iso3']} deposit {s['deposit'] or 'date unknown'} {s['action'] or ''}"
                    if s
                    else f"{state.upper()} not a party"
                )
            )
