"""JSON lines whose date columns hold nothing but well-formed dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from justicelink.ingest import ingest


def test_iso_dates_in_json_lines_load_as_the_dates_they_are(tiny: Path) -> None:
    # Arrow's JSON reader takes a column of ISO date strings for timestamps; they must still
    # load as the dates written, not be rejected as "2020-03-04 00:00:00".
    (tiny / "police" / "actions.jsonl").write_text(
        '{"id": "X1", "person_no": "P1", "action": "ARREST", "when": "2020-03-04", '
        '"offence_on": "2020-03-01"}\n'
        '{"id": "X2", "person_no": "P2", "action": "CAUTION", "when": "2021-12-31", '
        '"offence_on": "2021-12-24"}\n',
        encoding="utf-8",
    )
    mapping = tiny / "agencies.yaml"
    mapping.write_text(
        mapping.read_text(encoding="utf-8")
        + """      - path: police/actions.jsonl
        format: jsonl
        entity: case_event
        key: id
        columns:
          record_key: person_no
          event_type: {column: action, values: {ARREST: arrest, CAUTION: caution}}
          event_date: {column: when, format: "%Y-%m-%d"}
          offence_date: {column: offence_on, format: "%Y-%m-%d"}
""",
        encoding="utf-8",
    )
    ingest(tiny, tiny / "w.duckdb")
    with duckdb.connect(str(tiny / "w.duckdb"), read_only=True) as con:
        rows = con.execute(
            "SELECT event_date, offence_date FROM case_event "
            "WHERE source_file = 'police/actions.jsonl' ORDER BY source_row"
        ).fetchall()
    assert rows == [
        (dt.date(2020, 3, 4), dt.date(2020, 3, 1)),
        (dt.date(2021, 12, 31), dt.date(2021, 12, 24)),
    ]
