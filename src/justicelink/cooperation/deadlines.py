"""Due dates, overdue lists and reminders.

The clock starts when the requested state's central authority received the request (the
first ``received`` step; for an outgoing request without one, the day it was ``sent``).

- Incoming: due after the authority's own target for the urgency (``practice.yaml``
  ``targets``; 90, 30 and 7 days by default), or by the deadline the requesting state
  asked for if that is sooner (UNTOC 18(24)).
- Outgoing: due by the deadline this state asked for; otherwise after the days the
  counterpart usually takes for that type (``practice.yaml`` ``counterparts``), or, when its
  practice is unknown, after the target for the urgency.

The clock does not stop while more information is awaited: the list shows that status so
the officer sees why a request is late.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from justicelink.cooperation.country import PracticeFile
from justicelink.cooperation.vocabulary import (
    FINAL_STATUSES,
    Direction,
    RequestType,
    Status,
    Urgency,
)


@dataclass(frozen=True)
class Step:
    """One status step as deadlines and statistics need it."""

    status: Status
    on: dt.date
    ground: str | None = None


def clock_start(history: Sequence[Step]) -> dt.date | None:
    """The day the requested state received the request (else the day it was sent)."""
    for wanted in (Status.RECEIVED, Status.SENT):
        days = [s.on for s in history if s.status is wanted]
        if days:
            return min(days)
    return None


def outcome(history: Sequence[Step]) -> Step | None:
    """The closing step (executed, executed in part, refused, withdrawn), or None if open."""
    last = history[-1] if history else None
    return last if last is not None and last.status in FINAL_STATUSES else None


def due_date(
    *,
    direction: Direction,
    kind: RequestType,
    urgency: Urgency,
    counterpart: str,
    start: dt.date | None,
    deadline: dt.date | None,
    practice: PracticeFile,
) -> tuple[dt.date | None, str]:
    """When a request is due, and why (None before the clock starts)."""
    if start is None:
        return None, "not yet received or sent"
    target = practice.targets.get(urgency, 90)
    if direction is Direction.INCOMING:
        due = start + dt.timedelta(days=target)
        if deadline is not None and deadline < due:
            return deadline, f"the deadline {counterpart} asked for"
        return due, f"own target for {urgency.value} requests: {target} days"
    if deadline is not None:
        return deadline, "the deadline this request asked for"
    known = practice.counterparts.get(counterpart)
    if known is not None and kind in known.days:
        days = known.days[kind]
        return start + dt.timedelta(days=days), f"{counterpart} usually takes {days} days"
    return (
        start + dt.timedelta(days=target),
        f"{counterpart}'s practice unknown: target for {urgency.value} requests, {target} days",
    )


@dataclass(frozen=True)
class DueItem:
    """An open request and where it stands against its due date."""

    request_id: int
    reference: str | None
    direction: str
    type: str
    counterpart: str
    status: str | None
    received_on: dt.date | None
    due_on: dt.date | None
    days_left: int | None
    overdue: bool
    reminder: str | None

    def to_json(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        for key in ("received_on", "due_on"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


def reminder_text(item: DueItem, authority: str | None) -> str:
    """A reminder to send (outgoing) or an internal chaser (incoming) for an overdue request."""
    late = -(item.days_left or 0)
    ref = item.reference or f"register no. {item.request_id}"
    if item.direction == Direction.OUTGOING:
        to = authority or f"the central authority of {item.counterpart}"
        return (
            f"To {to}: our request {ref} ({item.type.replace('_', ' ')}), received on "
            f"{item.received_on}, was expected by {item.due_on} and is {late} days late. "
            "Please tell us where it stands and whether you need anything more from us."
        )
    return (
        f"Internal: the request {ref} from {item.counterpart} ({item.type.replace('_', ' ')}) "
        f"was due by {item.due_on} and is {late} days late: ask the executing authority for "
        f"its state and tell {item.counterpart} (UNTOC 18(24))."
    )


def due_item(
    *,
    request_id: int,
    document: dict[str, Any],
    direction: str,
    status: str | None,
    received_on: dt.date | None,
    due_on: dt.date | None,
    on: dt.date,
) -> DueItem:
    """Where one open request stands on ``on``."""
    counterpart = (
        document["requesting_state"]
        if direction == Direction.INCOMING
        else document["requested_state"]
    )
    days_left = (due_on - on).days if due_on else None
    overdue = days_left is not None and days_left < 0
    item = DueItem(
        request_id,
        document.get("reference"),
        direction,
        document["type"],
        counterpart,
        status,
        received_on,
        due_on,
        days_left,
        overdue,
        None,
    )
    if not overdue:
        return item
    return DueItem(
        **{**item.__dict__, "reminder": reminder_text(item, document.get("requested_authority"))}
    )
