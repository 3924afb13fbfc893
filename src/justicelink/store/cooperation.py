"""The register of cooperation requests in the operational store.

A request is kept whole as its JSON document (the exchange format, without its history),
beside the columns the register is searched and counted by; its status history, persons and
offences are rows of their own. This module stores and reads plain values: turning them
into requests is the application layer's work (storage knows no domain types).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Date, DateTime, Float, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from justicelink.store.audit import utc_now
from justicelink.store.db import Store
from justicelink.store.schema import Base


class CoopRequest(Base):
    """One request, incoming or outgoing (schema: migration 0003)."""

    __tablename__ = "coop_request"

    request_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference: Mapped[str | None] = mapped_column(String(100))
    direction: Mapped[str] = mapped_column(String(10))
    type: Mapped[str] = mapped_column(String(40))
    requesting_state: Mapped[str] = mapped_column(String(3))
    requested_state: Mapped[str] = mapped_column(String(3))
    requesting_authority: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(30))
    urgency: Mapped[str] = mapped_column(String(20))
    language: Mapped[str | None] = mapped_column(String(20))
    legal_basis: Mapped[str | None] = mapped_column(String(100))
    # The day the requested state's central authority received it (clock start).
    received_on: Mapped[dt.date | None] = mapped_column(Date)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str | None] = mapped_column(String(40))
    status_on: Mapped[dt.date | None] = mapped_column(Date)
    document: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class CoopStatus(Base):
    """One step of a request's history."""

    __tablename__ = "coop_status"

    status_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("coop_request.request_id"))
    status: Mapped[str] = mapped_column(String(40))
    happened_on: Mapped[dt.date] = mapped_column(Date)
    ground: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)
    recorded_by: Mapped[str | None] = mapped_column(String(100))


class CoopPerson(Base):
    """A person a request concerns, with the warehouse person found for them (if any)."""

    __tablename__ = "coop_person"

    row_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("coop_request.request_id"))
    ordinal: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(Text)
    date_of_birth: Mapped[str | None] = mapped_column(String(10))
    nationality: Mapped[str | None] = mapped_column(String(60))
    role: Mapped[str | None] = mapped_column(String(40))
    warehouse_person_id: Mapped[str | None] = mapped_column(String(64))
    warehouse_records: Mapped[str | None] = mapped_column(Text)  # JSON list of record ids
    match: Mapped[str | None] = mapped_column(String(20))


class CoopOffence(Base):
    """An offence a request concerns."""

    __tablename__ = "coop_offence"

    row_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("coop_request.request_id"))
    ordinal: Mapped[int] = mapped_column(Integer)
    national_code: Mapped[str | None] = mapped_column(String(60))
    iccs: Mapped[str | None] = mapped_column(String(6))
    max_penalty_years: Mapped[float | None] = mapped_column(Float)


@dataclass(frozen=True)
class StatusRow:
    status: str
    on: dt.date
    ground: str | None = None
    note: str | None = None
    recorded_by: str | None = None


@dataclass(frozen=True)
class PersonLink:
    """What the register knows of one person: the warehouse person found, if any."""

    ordinal: int
    warehouse_person_id: str | None
    records: list[str]
    match: str | None


@dataclass(frozen=True)
class Entry:
    """One register entry as stored."""

    request_id: int
    direction: str
    document: dict[str, Any]
    history: list[StatusRow]
    received_on: dt.date | None
    due_on: dt.date | None
    status: str | None
    status_on: dt.date | None
    links: list[PersonLink] = field(default_factory=list)


@dataclass(frozen=True)
class NewEntry:
    """What :func:`add_entry` stores: the JSON document and the columns drawn from it."""

    direction: str
    document: dict[str, Any]
    history: list[StatusRow]
    persons: list[dict[str, Any]]
    offences: list[dict[str, Any]]
    links: list[PersonLink]
    received_on: dt.date | None
    due_on: dt.date | None


def add_entry(store: Store, new: NewEntry) -> int:
    """Store a request with its history, persons and offences; returns its register number."""
    doc = new.document
    now = utc_now()
    last = new.history[-1] if new.history else None
    row = CoopRequest(
        reference=doc.get("reference"),
        direction=new.direction,
        type=doc["type"],
        requesting_state=doc["requesting_state"],
        requested_state=doc["requested_state"],
        requesting_authority=doc.get("requesting_authority"),
        channel=doc.get("channel", "central_authority"),
        urgency=doc.get("urgency", "normal"),
        language=doc.get("language"),
        legal_basis=doc.get("legal_basis"),
        received_on=new.received_on,
        due_on=new.due_on,
        status=last.status if last else None,
        status_on=last.on if last else None,
        document=json.dumps(doc, ensure_ascii=False, sort_keys=True),
        created_at=now,
        updated_at=now,
    )
    links = {link.ordinal: link for link in new.links}
    with store.session() as session:
        session.add(row)
        session.flush()
        rid = row.request_id
        for change in new.history:
            session.add(_status_row(rid, change, now))
        for n, person in enumerate(new.persons, start=1):
            link = links.get(n)
            session.add(
                CoopPerson(
                    request_id=rid,
                    ordinal=n,
                    name=person.get("name")
                    or " ".join(
                        x for x in (person.get("given_names"), person.get("family_name")) if x
                    ),
                    date_of_birth=person.get("date_of_birth"),
                    nationality=person.get("nationality"),
                    role=person.get("role"),
                    warehouse_person_id=link.warehouse_person_id if link else None,
                    warehouse_records=json.dumps(link.records) if link else None,
                    match=link.match if link else None,
                )
            )
        for n, offence in enumerate(new.offences, start=1):
            session.add(
                CoopOffence(
                    request_id=rid,
                    ordinal=n,
                    national_code=offence.get("national_code"),
                    iccs=offence.get("iccs"),
                    max_penalty_years=offence.get("max_penalty_years"),
                )
            )
    return rid


def _status_row(request_id: int, change: StatusRow, now: dt.datetime) -> CoopStatus:
    return CoopStatus(
        request_id=request_id,
        status=change.status,
        happened_on=change.on,
        ground=change.ground,
        note=change.note,
        recorded_at=now,
        recorded_by=change.recorded_by,
    )


def add_status(
    store: Store,
    request_id: int,
    change: StatusRow,
    *,
    received_on: dt.date | None,
    due_on: dt.date | None,
) -> None:
    """Append a step to a request's history and update its current status and dates."""
    now = utc_now()
    with store.session() as session:
        row = session.get(CoopRequest, request_id)
        if row is None:
            raise KeyError(request_id)
        session.add(_status_row(request_id, change, now))
        if row.status_on is None or change.on >= row.status_on:
            row.status, row.status_on = change.status, change.on
        row.received_on, row.due_on, row.updated_at = received_on, due_on, now


def _entries(session: Any, rows: list[CoopRequest]) -> list[Entry]:
    """Entries for rows, their histories and persons read in two queries, not two per row."""
    ids = [r.request_id for r in rows]
    history: dict[int, list[StatusRow]] = {i: [] for i in ids}
    links: dict[int, list[PersonLink]] = {i: [] for i in ids}
    for chunk in range(0, len(ids), 500):  # bound the IN list
        part = ids[chunk : chunk + 500]
        for s in session.execute(
            select(CoopStatus)
            .where(CoopStatus.request_id.in_(part))
            .order_by(CoopStatus.happened_on, CoopStatus.status_id)
        ).scalars():
            history[s.request_id].append(
                StatusRow(s.status, s.happened_on, s.ground, s.note, s.recorded_by)
            )
        for p in session.execute(
            select(CoopPerson).where(CoopPerson.request_id.in_(part)).order_by(CoopPerson.ordinal)
        ).scalars():
            records = json.loads(p.warehouse_records) if p.warehouse_records else []
            links[p.request_id].append(
                PersonLink(p.ordinal, p.warehouse_person_id, records, p.match)
            )
    return [
        Entry(
            r.request_id,
            r.direction,
            json.loads(r.document),
            history[r.request_id],
            r.received_on,
            r.due_on,
            r.status,
            r.status_on,
            links[r.request_id],
        )
        for r in rows
    ]


def get_entry(store: Store, request_id: int) -> Entry | None:
    """One entry with its history and person links, or None."""
    with store.session() as session:
        row = session.get(CoopRequest, request_id)
        return None if row is None else _entries(session, [row])[0]


def find_by_reference(store: Store, reference: str, requesting_state: str) -> int | None:
    """The register number of a request already held under this reference, if any."""
    with store.session() as session:
        found = session.execute(
            select(CoopRequest.request_id).where(
                CoopRequest.reference == reference,
                CoopRequest.requesting_state == requesting_state,
            )
        ).first()
        return int(found[0]) if found else None


def list_entries(
    store: Store,
    *,
    direction: str | None = None,
    statuses: list[str] | None = None,
    state: str | None = None,
    type: str | None = None,
) -> list[Entry]:
    """Entries in register order, filtered by direction, current status, counterpart or type."""
    query = select(CoopRequest).order_by(CoopRequest.request_id)
    if direction:
        query = query.where(CoopRequest.direction == direction)
    if statuses:
        query = query.where(CoopRequest.status.in_(statuses))
    if state:
        query = query.where(
            (CoopRequest.requesting_state == state) | (CoopRequest.requested_state == state)
        )
    if type:
        query = query.where(CoopRequest.type == type)
    with store.session() as session:
        return _entries(session, list(session.execute(query).scalars()))
