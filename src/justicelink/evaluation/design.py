"""Who is evaluated, at which index event, and whom they are compared with.

The index-date rule: a participant's index event is their first proven-reoffending index event
(a caution, a conviction with a non-custodial sentence, or a release from custody) dated on or
after the programme start. For someone in custody when the programme starts that is the
release that follows; for a community programme that starts on the day of the court order,
that conviction. The follow-up year starts there.

The comparison pool: every index event dated within the span of the participants' index
dates whose person had not started the programme (nor, by default, any programme the
warehouse records) by that index date. Whether someone takes part later does not keep their
earlier events out: later participation follows from later offending, and leaving out the
events of people who would go on to take part would leave the pool with fewer of those who
reoffend, and flatter the programme (the same holds for keeping one event per person and
year, which drops the events of the busiest offenders).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from justicelink.evaluation.participants import Participant


@dataclass(frozen=True)
class NotEvaluated:
    """A participant left out of the evaluation, and why (in words an organisation can act on).

    Attributes:
        row: Line of the participant file.
        participant: How the file names the participant (``agency:key`` or the person id).
        reason: The reason, one of a few fixed phrases (counted in the report).
        detail: The particulars of this row (dates, the other row), or empty.
    """

    row: int
    participant: str
    reason: str
    detail: str = ""


NO_INDEX_EVENT = "no caution, non-custodial conviction or release on or after the start"
TOO_LATE = "the first index event after the start is too long after it"
INCOMPLETE = "the follow-up year (and six months for courts) is not over within the data"
DUPLICATE = "the same person appears on an earlier row"


@dataclass(frozen=True)
class Design:
    """Participants at their index events, the comparison pool, and who was left out.

    Attributes:
        participants: One row per evaluated participant (the events frame's columns, plus
            ``row``, ``participant`` and ``start_date``).
        pool: Candidate comparison index events.
        left_out: Participants not evaluated, with the reason.
        last_complete: The latest index date with a complete follow-up.
    """

    participants: pd.DataFrame
    pool: pd.DataFrame
    left_out: list[NotEvaluated]
    last_complete: dt.date


def choose(
    events: pd.DataFrame,
    participants: Sequence[Participant],
    persons: dict[int, str],
    reasons: dict[int, str],
    *,
    last_complete: dt.date,
    max_gap_days: int,
    treated: Mapping[str, dt.date] | None = None,
) -> Design:
    """Apply the index-date rule and build the comparison pool.

    Args:
        events: Index events (see :func:`justicelink.evaluation.cohort.index_events`), covering
            at least the participants' starts to the end of the data, ordered by person then
            the cohorts' tie rule.
        participants: The rows of the participant file.
        persons: Row -> person id for the rows the linkage found.
        reasons: Row -> why the linkage found no person.
        last_complete: Latest index date whose follow-up ends within the data.
        max_gap_days: Longest wait from the start to the index event.
        treated: Person -> the first day they started any programme the warehouse
            records: their index events from that day on are kept out of the pool.
    """
    left: list[NotEvaluated] = []
    chosen: list[pd.Series] = []
    seen: dict[str, int] = {}
    by_person = {k: g for k, g in events.groupby("person_id", sort=False)}
    ordered = sorted(participants, key=lambda p: (p.start_date or dt.date.max, p.row))
    for p in ordered:
        if p.problem is not None:
            left.append(NotEvaluated(p.row, p.label, p.problem))
            continue
        person = persons.get(p.row)
        if person is None:
            left.append(NotEvaluated(p.row, p.label, reasons.get(p.row, "not found")))
            continue
        if person in seen:
            detail = f"row {seen[person]}, whose start is earlier or the same, counts"
            left.append(NotEvaluated(p.row, p.label, DUPLICATE, detail))
            continue
        seen[person] = p.row
        if p.start_date is None:  # rows without a problem have one; this narrows the type
            continue
        start = pd.Timestamp(p.start_date)
        group = by_person.get(person)
        after = None if group is None else group[group["index_date"] >= start]
        if after is None or after.empty:
            left.append(NotEvaluated(p.row, p.label, NO_INDEX_EVENT, f"start {p.start_date}"))
            continue
        event = after.iloc[0]
        day = event["index_date"].date()
        if (day - p.start_date).days > max_gap_days:
            detail = f"start {p.start_date}, index date {day}: more than {max_gap_days} days"
            left.append(NotEvaluated(p.row, p.label, TOO_LATE, detail))
            continue
        if day > last_complete:
            detail = f"index date {day}; the data allow index dates up to {last_complete}"
            left.append(NotEvaluated(p.row, p.label, INCOMPLETE, detail))
            continue
        extra = pd.Series({"row": p.row, "participant": p.label, "start_date": start})
        chosen.append(pd.concat([event, extra]))
    frame = pd.DataFrame(chosen).reset_index(drop=True)
    left.sort(key=lambda x: x.row)
    if frame.empty:
        return Design(frame, events.iloc[0:0], left, last_complete)
    lo, hi = frame["index_date"].min(), frame["index_date"].max()
    started = dict(treated or {})
    for p in participants:
        person = persons.get(p.row)
        if person is not None and p.start_date is not None:
            started[person] = min(started.get(person, p.start_date), p.start_date)
    first_start = (
        events["person_id"]
        .map({k: pd.Timestamp(v) for k, v in started.items()})
        .fillna(pd.Timestamp.max)
    )
    pool = events[
        (events["index_date"] >= lo)
        & (events["index_date"] <= hi)
        & (events["index_date"] <= pd.Timestamp(last_complete))
        & (events["index_date"] < first_start)
    ]
    return Design(frame, pool.reset_index(drop=True), left, last_complete)
