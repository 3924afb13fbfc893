"""Ingest of the hand-made extract in tests/fixtures/tiny, checked row by row.

Every expected value below was worked out by hand from the fixture files, whose bad rows
were planted on purpose: see the comments beside each.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from justicelink.errors import ExtractError, MappingError
from justicelink.ingest import ingest


def _rows(db: Path, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_every_row_is_loaded_or_quarantined_for_its_reason(tiny: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    report = ingest(tiny, db)
    counts = {f.path: (f.read, f.loaded, f.quarantined) for f in report.files}
    assert counts == {
        "police/persons.csv": (5, 3, 2),  # row 4 has no key, row 5 repeats P1
        "police/incidents.csv": (4, 3, 1),  # row 3 recorded on 31/13/2020
        "police/arrests.csv": (6, 2, 4),  # P9 unknown, ZZZ, no date, a short row
        "reference/population.csv": (2, 2, 0),
    }
    quarantined = _rows(
        db,
        "SELECT source_file, source_row, reason FROM quarantine ORDER BY source_file, source_row",
    )
    assert quarantined == [
        ("police/arrests.csv", 3, "no person with this key in the agency's person_record file"),
        ("police/arrests.csv", 4, "code not in the value map of event_type"),
        ("police/arrests.csv", 5, "missing required value"),
        ("police/arrests.csv", 6, "4 fields where the header has 5"),
        ("police/incidents.csv", 3, "unparseable date (expected %d/%m/%Y)"),
        ("police/persons.csv", 4, "missing key"),
        ("police/persons.csv", 5, "duplicate key: an earlier row has it"),
    ]
    assert report.unmapped_offence_codes == {"PC-999": 1}


def test_source_values_sit_beside_normalised_ones(tiny: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    ingest(tiny, db)
    persons = _rows(
        db,
        "SELECT record_id, full_name, sex, sex_raw, date_of_birth::VARCHAR, dob_precision,"
        " birth_year, date_of_birth_raw FROM person_record ORDER BY record_id",
    )
    assert persons == [
        ("police:P1", "Văn An Nguyễn", "male", "M", "1990-02-03", "day", 1990, "03/02/1990"),
        ("police:P2", "Harpreet Singh", "female", "F", "1985-01-01", "year", 1985, "1985"),
        # Q is not in the value map and 31 February does not exist: NULL beside the raw value.
        ("police:P3", "Tan", None, "Q", None, None, None, "31/02/1970"),
    ]
    incidents = _rows(
        db, "SELECT incident_key, offence_code_raw, iccs_code FROM incident ORDER BY incident_key"
    )
    # pc-379 is coded case-blind; PC-999 is kept with no ICCS code.
    assert incidents == [("I1", "PC-302", "0101"), ("I2", "pc-379", "0502"), ("I4", "PC-999", None)]
    issues = _rows(db, "SELECT source_row, column_name FROM value_issue ORDER BY ALL")
    assert issues == [(3, "dob"), (3, "sex"), (4, "offence_code")]


def test_loading_again_does_not_duplicate(tiny: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    ingest(tiny, db)
    first = _rows(
        db, "SELECT count(*) FROM person_record UNION ALL SELECT count(*) FROM quarantine"
    )
    ingest(tiny, db)
    second = _rows(
        db, "SELECT count(*) FROM person_record UNION ALL SELECT count(*) FROM quarantine"
    )
    assert first == second == [(3,), (7,)]
    assert _rows(db, "SELECT count(*) FROM ingest_run") == [(2,)]


def test_a_failed_run_leaves_the_warehouse_as_it_was(tiny: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    ingest(tiny, db)
    before = _rows(db, "SELECT * FROM person_record ORDER BY record_id")
    # The persons file changes, but the arrests file (loaded after it) has lost a mapped column.
    persons = tiny / "police" / "persons.csv"
    persons.write_text(persons.read_text(encoding="utf-8") + "P7,Kim,Ji,F,1999\n", encoding="utf-8")
    (tiny / "police" / "arrests.csv").write_text("arrest_no,person_no\nA1,P1\n", encoding="utf-8")
    with pytest.raises(ExtractError, match=r"arrests.csv: mapped column 'action' not found"):
        ingest(tiny, db)
    assert _rows(db, "SELECT * FROM person_record ORDER BY record_id") == before


def test_a_failed_first_run_leaves_no_warehouse(tiny: Path, tmp_path: Path) -> None:
    db = tmp_path / "new.duckdb"
    (tiny / "police" / "arrests.csv").write_text("arrest_no\nA1\n", encoding="utf-8")
    with pytest.raises(ExtractError):
        ingest(tiny, db)
    assert not db.exists()


def test_a_missing_extract_is_named_before_anything_is_read(tiny: Path, tmp_path: Path) -> None:
    shutil.rmtree(tiny / "police")
    with pytest.raises(FileNotFoundError, match=r"persons.csv: extract named in .* not found"):
        ingest(tiny, tmp_path / "w.duckdb")


def test_a_crosswalk_with_a_wrong_iccs_code_stops_the_run(tiny: Path, tmp_path: Path) -> None:
    crosswalk = tiny / "reference" / "penal_code.csv"
    crosswalk.write_text(crosswalk.read_text(encoding="utf-8") + "PC-1,X,9999\n", encoding="utf-8")
    with pytest.raises(MappingError, match="row 4: column 'iccs_code': '9999' is not an ICCS"):
        ingest(tiny, tmp_path / "w.duckdb")


def test_a_declared_legacy_encoding_is_read(tiny: Path, tmp_path: Path) -> None:
    # Thai agencies often deliver TIS-620; the mapping says so and names come out intact.
    persons = tiny / "police" / "persons.csv"
    persons.write_bytes(
        "person_no,surname,given_names,sex,dob\nP1,สมบูรณ์,สมชาย,M,1980\n".encode("tis-620")
    )
    mapping = tiny / "agencies.yaml"
    text = mapping.read_text(encoding="utf-8")
    mapping.write_text(
        text.replace("key: person_no\n", "key: person_no\n        encoding: tis-620\n", 1), "utf-8"
    )
    db = tmp_path / "w.duckdb"
    ingest(tiny, db)
    assert _rows(db, "SELECT family_name, given_names FROM person_record") == [("สมบูรณ์", "สมชาย")]


def test_undeclared_legacy_bytes_quarantine_only_their_rows(tiny: Path, tmp_path: Path) -> None:
    persons = tiny / "police" / "persons.csv"
    persons.write_bytes(
        b"person_no,surname,given_names,sex,dob\nP1,Tan,Wei,M,1980\nP2,\xca\xc1,x,F,1981\n"
    )
    db = tmp_path / "w.duckdb"
    report = ingest(tiny, db)
    file = next(f for f in report.files if f.path == "police/persons.csv")
    assert (file.read, file.loaded, file.quarantined) == (2, 1, 1)
    quarantined = _rows(
        db,
        "SELECT source_row, reason FROM quarantine WHERE source_file = ?",
        ["police/persons.csv"],
    )
    assert quarantined == [(2, "not valid UTF-8 text")]


def test_a_key_another_file_loaded_is_quarantined_not_overwritten(
    tiny: Path, tmp_path: Path
) -> None:
    # A second event file of the police whose numbering starts again at A1.
    (tiny / "police" / "cautions.csv").write_text(
        "arrest_no,person_no,action,arrest_date\nA1,P2,CAUTION,01/07/2020\nA9,P2,CAUTION,02/07/2020\n",
        encoding="utf-8",
    )
    mapping = tiny / "agencies.yaml"
    text = mapping.read_text(encoding="utf-8")
    extra = (
        "      - path: police/cautions.csv\n        format: csv\n        entity: case_event\n"
        "        key: arrest_no\n        columns:\n          record_key: person_no\n"
        "          event_type: {column: action, values: {CAUTION: caution}}\n"
        "          event_date: {column: arrest_date, format: '%d/%m/%Y'}\n"
    )
    mapping.write_text(text + extra, encoding="utf-8")
    db = tmp_path / "w.duckdb"
    report = ingest(tiny, db)
    cautions = next(f for f in report.files if f.path == "police/cautions.csv")
    assert (cautions.read, cautions.loaded, cautions.quarantined) == (2, 1, 1)
    # The arrest A1 of arrests.csv (hand-checked: P1, 05/06/2020) is still there.
    assert _rows(
        db, "SELECT record_id, event_date::VARCHAR FROM case_event WHERE event_id = 'police:A1'"
    ) == [("police:P1", "2020-06-05")]
    assert _rows(
        db, "SELECT reason FROM quarantine WHERE source_file = ?", ["police/cautions.csv"]
    ) == [("key already loaded from another file of the agency",)]


def test_a_declared_encoding_applies_to_json_lines(tiny: Path, tmp_path: Path) -> None:
    lines = (
        '{"person_no": "P1", "surname": "王", "given_names": "小明", "sex": "M", "dob": "1990"}\n'
    )
    (tiny / "police" / "persons.jsonl").write_bytes(lines.encode("gb18030"))
    mapping = tiny / "agencies.yaml"
    text = mapping.read_text(encoding="utf-8").replace(
        "path: police/persons.csv\n        format: csv\n",
        "path: police/persons.jsonl\n        format: jsonl\n        encoding: gb18030\n",
    )
    mapping.write_text(text, encoding="utf-8")
    db = tmp_path / "w.duckdb"
    ingest(tiny, db)
    assert _rows(db, "SELECT family_name, given_names FROM person_record") == [("王", "小明")]
