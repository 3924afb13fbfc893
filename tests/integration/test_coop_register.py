"""The register on SQLite and PostgreSQL: import, status, export, due dates, statistics."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from justicelink.app.cooperation import (
    Register,
    due_requests,
    export_requests,
    import_requests,
    set_status,
    statistics,
)
from justicelink.cooperation.vocabulary import Direction, RefusalGround, Status
from justicelink.errors import CooperationError
from justicelink.store import Actor, AuditLog, Store

PRACTICE = """as_of: 2024-01-01
source: test
targets: {normal: 60, urgent: 20, very_urgent: 5}
counterparts:
  THA: {languages: [en, th], days: {mla: 100}}
"""


def _request(reference: str, direction: str, history: list[dict[str, str]]) -> dict[str, object]:
    incoming = direction == "incoming"
    return {
        "type": "mla",
        "reference": reference,
        "direction": direction,
        "requesting_state": "THA" if incoming else "XEX",
        "requested_state": "XEX" if incoming else "THA",
        "requesting_authority": "OAG" if incoming else "CA Examplia",
        "persons": [{"name": "Aran Test", "date_of_birth": "1980-02-03"}],
        "offences": [{"national_code": "X-1", "iccs": "0401", "max_penalty_years": 10}],
        "status_history": history,
    }


@pytest.fixture
def register(store: Store, tmp_path: Path) -> Register:
    folder = tmp_path / "coop"
    folder.mkdir()
    (folder / "practice.yaml").write_text(PRACTICE, encoding="utf-8")
    return Register(
        store,
        AuditLog(store, key_path=tmp_path / "audit.key"),
        Actor("officer", "central_authority"),
        folder,
    )


def test_a_year_in_the_register(register: Register, tmp_path: Path) -> None:
    requests = [
        # Incoming, received 1 Feb: own target 60 days -> due 1 Apr; executed after 40 days.
        _request(
            "THA-1",
            "incoming",
            [
                {"status": "received", "date": "2024-02-01"},
                {"status": "executed", "date": "2024-03-12"},
            ],
        ),
        # Outgoing, received by THA on 10 Jan: THA usually takes 100 days -> due 19 Apr.
        _request(
            "XEX-1",
            "outgoing",
            [
                {"status": "sent", "date": "2024-01-05"},
                {"status": "received", "date": "2024-01-10"},
            ],
        ),
        # Incoming, received 1 Mar, executed in part after 60 days.
        _request(
            "THA-2",
            "incoming",
            [
                {"status": "received", "date": "2024-03-01"},
                {"status": "executed_in_part", "date": "2024-04-30"},
            ],
        ),
    ]
    path = tmp_path / "requests.json"
    path.write_text(json.dumps(requests), encoding="utf-8")
    result = import_requests(register, path)
    assert result.added == [1, 2, 3]
    assert import_requests(register, path).skipped == ["THA-1", "XEX-1", "THA-2"]

    due = due_requests(register, on=dt.date(2024, 5, 1))
    assert [(d.reference, d.due_on, d.days_left) for d in due] == [
        ("XEX-1", dt.date(2024, 4, 19), -12)
    ]
    assert due[0].reminder is not None and "12 days late" in due[0].reminder

    with pytest.raises(CooperationError, match="ground"):
        set_status(register, 2, Status.REFUSED, on=dt.date(2024, 5, 2))
    set_status(
        register, 2, Status.REFUSED, on=dt.date(2024, 5, 2), ground=RefusalGround.DUAL_CRIMINALITY
    )

    stats = statistics(register.store)
    # Executed: 40 and 60 days -> median 50, p90 = 40 + 0.9 * 20 = 58.
    assert stats["days_to_execution"]["count"] == 2
    assert (stats["days_to_execution"]["median"], stats["days_to_execution"]["p90"]) == (50, 58)
    assert stats["by_outcome"] == {"executed": 1, "executed_in_part": 1, "refused": 1}
    assert stats["refusals_by_ground"] == {"dual_criminality": 1}
    assert statistics(register.store, start=dt.date(2024, 2, 1))["requests"] == 2

    exported = export_requests(register, direction=Direction.OUTGOING)
    assert [e["reference"] for e in exported] == ["XEX-1"]
    assert exported[0]["status_history"][-1] == {
        "status": "refused",
        "date": "2024-05-02",
        "ground": "dual_criminality",
    }
    assert register.audit.verify().ok
    actions = [e.action for e in register.audit.entries(limit=100)]
    assert actions.count("alteration") == 4 and "disclosure" in actions
