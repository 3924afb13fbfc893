"""Due dates from urgency, the requesting state's deadline and the counterpart's practice."""

from __future__ import annotations

import datetime as dt

from justicelink.cooperation.country import Counterpart, PracticeFile
from justicelink.cooperation.deadlines import Step, clock_start, due_date, outcome
from justicelink.cooperation.vocabulary import Direction, RequestType, Status, Urgency

D = dt.date
PRACTICE = PracticeFile(
    targets={Urgency.NORMAL: 90, Urgency.URGENT: 30, Urgency.VERY_URGENT: 7},
    counterparts={"THA": Counterpart(days={RequestType.MLA: 120})},
)


def _due(
    direction: Direction,
    urgency: Urgency,
    deadline: dt.date | None = None,
    counterpart: str = "THA",
) -> dt.date | None:
    return due_date(
        direction=direction,
        kind=RequestType.MLA,
        urgency=urgency,
        counterpart=counterpart,
        start=D(2024, 1, 1),
        deadline=deadline,
        practice=PRACTICE,
    )[0]


def test_incoming_requests_are_due_after_the_own_target_or_the_asked_deadline() -> None:
    assert _due(Direction.INCOMING, Urgency.NORMAL) == D(2024, 3, 31)  # 1 Jan + 90 days
    assert _due(Direction.INCOMING, Urgency.URGENT) == D(2024, 1, 31)  # + 30
    assert _due(Direction.INCOMING, Urgency.NORMAL, D(2024, 2, 15)) == D(2024, 2, 15)
    assert _due(Direction.INCOMING, Urgency.VERY_URGENT, D(2024, 2, 15)) == D(2024, 1, 8)


def test_outgoing_requests_follow_the_counterparts_practice() -> None:
    assert _due(Direction.OUTGOING, Urgency.NORMAL) == D(2024, 4, 30)  # THA: 120 days
    assert _due(Direction.OUTGOING, Urgency.NORMAL, counterpart="SGP") == D(2024, 3, 31)
    assert _due(Direction.OUTGOING, Urgency.URGENT, D(2024, 2, 1)) == D(2024, 2, 1)


def test_the_clock_starts_on_receipt_and_a_closing_step_is_the_outcome() -> None:
    history = [
        Step(Status.SENT, D(2024, 1, 1)),
        Step(Status.RECEIVED, D(2024, 1, 9)),
        Step(Status.REFUSED, D(2024, 3, 1), "nationality"),
    ]
    assert clock_start(history) == D(2024, 1, 9)
    assert clock_start(history[:1]) == D(2024, 1, 1)
    closing = outcome(history)
    assert closing is not None and closing.ground == "nationality"
    assert outcome(history[:2]) is None
