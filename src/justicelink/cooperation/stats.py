"""Processing statistics for the conventions' review mechanisms.

Definitions (also in docs/cooperation.md):

- Counting unit: a request in the register. Period: requests whose clock started (received
  by the requested state, else sent) within the period; all requests when no period is given.
- Counterpart: the other state (the requesting state of an incoming request, the requested
  state of an outgoing one).
- Outcome: the last step if it closes the request (executed, executed in part, refused,
  withdrawn), else ``open``.
- Days to execution: from the clock's start to the closing step of a request executed in
  full or in part; median and 90th percentile by linear interpolation between ranks (the
  method of ``numpy.percentile``). Refused, withdrawn and open requests are not in it.
- Refusals by ground: requests whose outcome is a refusal, by the ground recorded.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from justicelink.cooperation.deadlines import Step, clock_start, outcome
from justicelink.cooperation.vocabulary import Direction, Status

EXECUTED = frozenset({Status.EXECUTED, Status.EXECUTED_IN_PART})


@dataclass(frozen=True)
class RequestFacts:
    """What the statistics need of one request."""

    direction: Direction
    type: str
    counterpart: str
    history: Sequence[Step]


def _days(values: list[int]) -> dict[str, Any]:
    if not values:
        return {"count": 0, "median": None, "p90": None}
    array = np.asarray(values, dtype=np.float64)
    return {
        "count": len(values),
        "median": float(np.percentile(array, 50)),
        "p90": float(np.percentile(array, 90)),
    }


def _sorted(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def processing_statistics(
    requests: Sequence[RequestFacts],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict[str, Any]:
    """Counts by type, counterpart, direction and outcome; days to execution; refusal grounds.

    Args:
        requests: The register's requests.
        start: First day of the period (clock start on or after), or None.
        end: Last day of the period (clock start on or before), or None.
    """
    chosen: list[tuple[RequestFacts, dt.date | None]] = []
    no_start = 0
    for r in requests:
        begun = clock_start(r.history)
        if begun is None:
            no_start += 1
            if start is None and end is None:
                chosen.append((r, begun))
            continue
        if (start is None or begun >= start) and (end is None or begun <= end):
            chosen.append((r, begun))
    by_type: Counter[str] = Counter()
    by_direction: Counter[str] = Counter()
    by_counterpart: Counter[str] = Counter()
    by_outcome: Counter[str] = Counter()
    grounds: Counter[str] = Counter()
    days: list[int] = []
    days_by: dict[str, dict[str, list[int]]] = {"type": {}, "direction": {}}
    type_outcome: dict[str, Counter[str]] = {}
    for r, begun in chosen:
        closing = outcome(r.history)
        result = closing.status.value if closing else "open"
        by_type[r.type] += 1
        by_direction[r.direction.value] += 1
        by_counterpart[r.counterpart] += 1
        by_outcome[result] += 1
        type_outcome.setdefault(r.type, Counter())[result] += 1
        if closing is not None and closing.status is Status.REFUSED:
            grounds[closing.ground or "not recorded"] += 1
        if closing is not None and closing.status in EXECUTED and begun is not None:
            elapsed = (closing.on - begun).days
            days.append(elapsed)
            days_by["type"].setdefault(r.type, []).append(elapsed)
            days_by["direction"].setdefault(r.direction.value, []).append(elapsed)
    return {
        "requests": len(chosen),
        "period": {
            "from": start.isoformat() if start else None,
            "to": end.isoformat() if end else None,
        },
        "without_receipt_date": no_start,
        "by_type": _sorted(by_type),
        "by_direction": _sorted(by_direction),
        "by_counterpart": _sorted(by_counterpart),
        "by_outcome": _sorted(by_outcome),
        "by_type_and_outcome": {k: _sorted(v) for k, v in sorted(type_outcome.items())},
        "days_to_execution": {
            **_days(days),
            "by_type": {k: _days(v) for k, v in sorted(days_by["type"].items())},
            "by_direction": {k: _days(v) for k, v in sorted(days_by["direction"].items())},
        },
        "refusals_by_ground": _sorted(grounds),
    }
