"""Use cases of the central authority: the register, legal basis, checks, deadlines, statistics.

Each function is one use case, called by the CLI (and later the web app). Every operation on
the register is written to the store's audit log: imports and status changes as
``alteration``, look-ups as ``consultation``, exports as ``disclosure``, and the search for
a request's persons in the warehouse as ``combination`` (EU Directive 2016/680 art. 25).
Keys, packing and opening are in :mod:`justicelink.app.cooperation_exchange`.
"""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from justicelink.app.cooperation_analysis import (
    check_file,
    check_one,
    dual_criminality,
    legal_basis,
    load_one,
    party_lists,
    refresh_parties,
)
from justicelink.cooperation.country import load_practice
from justicelink.cooperation.deadlines import DueItem, Step, clock_start, due_date, due_item
from justicelink.cooperation.model import CooperationRequest, StatusChange, read_requests
from justicelink.cooperation.persons import PersonMatch, match_persons
from justicelink.cooperation.stats import RequestFacts, processing_statistics
from justicelink.cooperation.vocabulary import (
    FINAL_STATUSES,
    Direction,
    RefusalGround,
    RequestType,
    Status,
)
from justicelink.errors import CooperationError
from justicelink.store.audit import Actor, AuditLog
from justicelink.store.cooperation import (
    Entry,
    NewEntry,
    PersonLink,
    StatusRow,
    add_entry,
    add_status,
    find_by_reference,
    get_entry,
    list_entries,
)
from justicelink.store.db import Store
from justicelink.warehouse.port import open_warehouse

# Every cooperation use case can be imported from here (the ones that do not touch the
# register live in cooperation_analysis).
__all__ = [
    "Register",
    "check_file",
    "check_one",
    "cli_actor",
    "dual_criminality",
    "due_requests",
    "export_requests",
    "import_requests",
    "legal_basis",
    "list_requests",
    "load_one",
    "owned_by",
    "party_lists",
    "refresh_parties",
    "set_status",
    "show_request",
    "statistics",
]

REGISTER = "cooperation register"


def cli_actor() -> Actor:
    """Who runs a CLI command: the operating-system account, as a central-authority officer."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        name = "unknown"
    return Actor(f"cli:{name}", "central_authority")


@dataclass(frozen=True)
class Register:
    """The register and what operating on it needs.

    Attributes:
        store: The operational store holding the register.
        audit: Its audit log.
        actor: Who is acting.
        directory: The cooperation folder (practice.yaml, bilateral.yaml, keys, ...).
    """

    store: Store
    audit: AuditLog
    actor: Actor
    directory: Path


@dataclass
class ImportResult:
    """What an import did."""

    added: list[int] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # references already in the register
    matches: dict[int, list[PersonMatch]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "skipped": self.skipped,
            "persons_found": {
                str(k): [m.__dict__ for m in v if m.match] for k, v in self.matches.items()
            },
        }


def _steps(history: list[StatusChange] | list[StatusRow]) -> list[Step]:
    steps = []
    for h in history:
        if isinstance(h, StatusChange):
            steps.append(Step(h.status, h.date, h.ground.value if h.ground else None))
        else:
            steps.append(Step(Status(h.status), h.on, h.ground))
    return steps


def _counterpart(direction: Direction, document: dict[str, Any]) -> str:
    key = "requesting_state" if direction is Direction.INCOMING else "requested_state"
    return str(document[key])


def _due(
    register: Register, direction: Direction, document: dict[str, Any], steps: list[Step]
) -> dt.date | None:
    request = CooperationRequest.model_validate(document)
    return due_date(
        direction=direction,
        kind=request.type,
        urgency=request.urgency,
        counterpart=_counterpart(direction, document),
        start=clock_start(steps),
        deadline=request.deadline,
        practice=load_practice(register.directory),
    )[0]


def entry_request(entry: Entry) -> CooperationRequest:
    """A register entry as a request in the exchange format, with history and person links."""
    document = dict(entry.document)
    document["direction"] = entry.direction
    document["status_history"] = [
        {"status": h.status, "date": h.on.isoformat(), "ground": h.ground, "note": h.note}
        for h in entry.history
    ]
    persons = [dict(p) for p in document.get("persons", [])]
    for link in entry.links:
        if link.warehouse_person_id and 0 < link.ordinal <= len(persons):
            persons[link.ordinal - 1]["warehouse_person_id"] = link.warehouse_person_id
    document["persons"] = persons
    return CooperationRequest.model_validate(document)


def import_requests(
    register: Register,
    path: Path,
    *,
    direction: Direction | None = None,
    warehouse: Path | None = None,
    on: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Add the requests of a file to the register.

    A request without history is registered as ``received`` (incoming) or ``draft``
    (outgoing) on ``on`` (today by default). A request whose reference the register holds
    already from the same state is skipped. With a warehouse, each request's persons are
    looked for among the country's records (read-only), and the look-up is audited.

    Raises:
        CooperationError: invalid file, or a request whose direction is not known.
    """
    requests = read_requests(path)
    day = on or dt.date.today()
    result = ImportResult()
    wh = open_warehouse(warehouse, read_only=True) if warehouse else None
    try:
        for number, request in enumerate(requests, start=1):
            way = direction or request.direction
            if way is None:
                raise CooperationError(
                    f"{path}: request {number}: no direction: give `direction` in the file "
                    "or --direction incoming|outgoing"
                )
            ref = request.reference
            if ref and find_by_reference(register.store, ref, request.requesting_state):
                result.skipped.append(ref)
                continue
            history = request.status_history or [
                StatusChange(
                    status=Status.RECEIVED if way is Direction.INCOMING else Status.DRAFT,
                    date=day,
                    ground=None,
                )
            ]
            steps = _steps(history)
            document = request.to_json()
            for key in ("status_history", "direction"):
                document.pop(key, None)
            matches = match_persons(wh, request.persons) if wh and request.persons else []
            links = [PersonLink(m.ordinal, m.person_id, m.records, m.match) for m in matches]
            new = NewEntry(
                direction=way.value,
                document=document,
                history=[
                    StatusRow(h.status.value, h.date, h.ground.value if h.ground else None, h.note)
                    for h in history
                ],
                persons=document.get("persons", []),
                offences=document.get("offences", []),
                links=links,
                received_on=clock_start(steps),
                due_on=_due(register, way, document, steps),
            )
            rid = add_entry(register.store, new)
            result.added.append(rid)
            register.audit.record(
                register.actor,
                "alteration",
                object=f"coop request {rid}",
                detail={"operation": "import", "file": str(path), "reference": ref},
            )
            if wh is not None and request.persons:
                result.matches[rid] = matches
                register.audit.record(
                    register.actor,
                    "combination",
                    object=f"coop request {rid}",
                    purpose="identify the persons of a cooperation request in national records",
                    detail={
                        "warehouse": str(warehouse),
                        "found": sum(1 for m in matches if m.match),
                    },
                )
            if progress is not None:
                progress(number, len(requests))
    finally:
        if wh is not None:
            wh.close()
    return result


def _summary(entry: Entry, on: dt.date) -> dict[str, Any]:
    item = due_item(
        request_id=entry.request_id,
        document=entry.document,
        direction=entry.direction,
        status=entry.status,
        received_on=entry.received_on,
        due_on=entry.due_on,
        on=on,
    )
    closed = entry.status in {s.value for s in FINAL_STATUSES}
    return {
        **item.to_json(),
        "urgency": entry.document.get("urgency", "normal"),
        "open": not closed,
        "overdue": item.overdue and not closed,
        "reminder": None,
    }


def owned_by(document: dict[str, Any], owner: str) -> bool:
    """Whether ``owner`` (an authority's name) makes, conducts or executes the request."""
    names = ("requesting_authority", "conducting_authority", "requested_authority")
    wanted = owner.strip().casefold()
    return any(str(document.get(n) or "").strip().casefold() == wanted for n in names)


def list_requests(
    register: Register,
    *,
    direction: Direction | None = None,
    status: Status | None = None,
    state: str | None = None,
    kind: RequestType | None = None,
    open_only: bool = False,
    on: dt.date | None = None,
    owner: str | None = None,
) -> list[dict[str, Any]]:
    """The register's requests with their status and due date, filtered (``owner``: only
    the requests that authority makes, conducts or executes)."""
    entries = list_entries(
        register.store,
        direction=direction.value if direction else None,
        statuses=[status.value] if status else None,
        state=state.upper() if state else None,
        type=kind.value if kind else None,
    )
    if owner is not None:
        entries = [e for e in entries if owned_by(e.document, owner)]
    day = on or dt.date.today()
    rows = [_summary(e, day) for e in entries]
    if open_only:
        rows = [r for r in rows if r["open"]]
    register.audit.record(
        register.actor,
        "consultation",
        object=REGISTER,
        detail={
            "listed": [r["request_id"] for r in rows],
            "direction": direction,
            "status": status,
            "state": state,
            "owner": owner,
        },
    )
    return rows


def _entry(register: Register, request_id: int) -> Entry:
    entry = get_entry(register.store, request_id)
    if entry is None:
        raise CooperationError(f"no request {request_id} in the register")
    return entry


def show_request(
    register: Register, request_id: int, *, on: dt.date | None = None, owner: str | None = None
) -> dict[str, Any]:
    """One request: its document, history, persons found, due date and completeness.

    Raises:
        CooperationError: no such request, or (with ``owner``) not one of that authority's
            requests: the same answer, so nobody learns what exists beyond their own (the
            refusal is audited).
    """
    entry = _entry(register, request_id)
    if owner is not None and not owned_by(entry.document, owner):
        register.audit.record(
            register.actor, "denied", outcome="denied", object=f"coop request {request_id}"
        )
        raise CooperationError(f"no request {request_id} in the register")
    request = entry_request(entry)
    register.audit.record(register.actor, "consultation", object=f"coop request {request_id}")
    summary = _summary(entry, on or dt.date.today())
    return {
        **summary,
        "request": request.to_json(),
        "persons_found": [link.__dict__ for link in entry.links if link.match],
        "check": check_one(request, register.directory).to_json()
        if entry.direction == Direction.OUTGOING
        else None,
    }


def set_status(
    register: Register,
    request_id: int,
    status: Status,
    *,
    on: dt.date | None = None,
    ground: RefusalGround | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """Record a step of a request's history (a refusal needs its ground).

    Raises:
        CooperationError: unknown request, a refusal without a ground, or a ground on
            another status.
    """
    if status is Status.REFUSED and ground is None:
        raise CooperationError("a refusal needs its ground (--ground)")
    if ground is not None and status is not Status.REFUSED:
        raise CooperationError("--ground goes with --set refused only")
    entry = _entry(register, request_id)
    day = on or dt.date.today()
    row = StatusRow(
        status.value, day, ground.value if ground else None, note, register.actor.user_name
    )
    steps = _steps([*entry.history, row])
    steps.sort(key=lambda s: s.on)
    direction = Direction(entry.direction)
    add_status(
        register.store,
        request_id,
        row,
        received_on=clock_start(steps),
        due_on=_due(register, direction, entry.document, steps),
    )
    register.audit.record(
        register.actor,
        "alteration",
        object=f"coop request {request_id}",
        detail={"operation": "status", "status": status.value, "on": day, "ground": ground},
    )
    return show_request(register, request_id, on=day)


def export_requests(
    register: Register, *, ids: list[int] | None = None, direction: Direction | None = None
) -> list[dict[str, Any]]:
    """Requests in the exchange format, with their history (audited as a disclosure)."""
    entries = list_entries(register.store, direction=direction.value if direction else None)
    if ids:
        wanted = set(ids)
        entries = [e for e in entries if e.request_id in wanted]
        missing = wanted - {e.request_id for e in entries}
        if missing:
            raise CooperationError(f"no request {min(missing)} in the register")
    documents = [entry_request(e).to_json() for e in entries]
    register.audit.record(
        register.actor,
        "disclosure",
        object=REGISTER,
        detail={"exported": [e.request_id for e in entries]},
    )
    return documents


def due_requests(
    register: Register,
    *,
    on: dt.date | None = None,
    within: int | None = None,
    overdue_only: bool = False,
) -> list[DueItem]:
    """Open requests by due date: overdue ones (with a reminder) and those due ``within`` days."""
    day = on or dt.date.today()
    items = []
    for entry in list_entries(register.store):
        if entry.status in {s.value for s in FINAL_STATUSES} or entry.status == Status.DRAFT:
            continue
        item = due_item(
            request_id=entry.request_id,
            document=entry.document,
            direction=entry.direction,
            status=entry.status,
            received_on=entry.received_on,
            due_on=entry.due_on,
            on=day,
        )
        if overdue_only and not item.overdue:
            continue
        if (
            within is not None
            and not item.overdue
            and (item.days_left is None or item.days_left > within)
        ):
            continue
        items.append(item)
    items.sort(key=lambda i: (i.due_on or dt.date.max, i.request_id))
    register.audit.record(
        register.actor, "consultation", object=REGISTER, detail={"due_list": len(items)}
    )
    return items


def statistics(
    store: Store, *, start: dt.date | None = None, end: dt.date | None = None
) -> dict[str, Any]:
    """Processing statistics of the register (aggregates; see cooperation.stats for the
    definitions). The report and the dashboard call this."""
    facts = []
    for entry in list_entries(store):
        direction = Direction(entry.direction)
        facts.append(
            RequestFacts(
                direction,
                str(entry.document["type"]),
                _counterpart(direction, entry.document),
                _steps(entry.history),
            )
        )
    return processing_statistics(facts, start=start, end=end)


def request_from(source: str, register: Register | None) -> tuple[CooperationRequest, Path]:
    """A request from a JSON file, or (digits) from the register."""
    path = Path(source)
    if path.is_file() or not source.isdigit():
        return load_one(path)
    if register is None:  # pragma: no cover - the CLI always passes one
        raise CooperationError("a register number needs the store (--db)")
    entry = _entry(register, int(source))
    register.audit.record(register.actor, "consultation", object=f"coop request {source}")
    return entry_request(entry), register.directory
