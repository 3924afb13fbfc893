"""A small synthetic country through `justicelink synth` and `justicelink ingest`, checked
against the generator's truth files, never against the warehouse's own numbers."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import duckdb
import pytest
from _cli import run_cli


def _cli(*args: str, cwd: Path) -> str:
    return run_cli(*args, cwd=cwd).stdout


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def country(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, object]]:
    root = tmp_path_factory.mktemp("country")
    _cli("synth", "--out", "c", "--people", "1500", "--seed", "11", cwd=root)
    report = json.loads(_cli("ingest", "c", "--warehouse", "w.duckdb", "--json", cwd=root))
    return root / "c", root / "w.duckdb", report


def _planted(folder: Path) -> set[tuple[str, int]]:
    """(file, row) of every row the generator broke so that it must be quarantined."""
    return {
        (d["source_file"], int(d["source_row"]))
        for d in _csv(folder / "truth" / "defects.csv")
        if d["expect"] == "quarantine"
    }


def _query(db: Path, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_each_file_reconciles_with_the_rows_written(country: tuple[Path, Path, dict]) -> None:
    folder, _, report = country
    written = json.loads((folder / "truth" / "summary.json").read_text())["rows_by_file"]
    files = {f["path"]: f for f in report["files"]}
    for path, rows in written.items():
        assert files[path]["read"] == rows, path
        assert files[path]["read"] == files[path]["loaded"] + files[path]["quarantined"]


def test_exactly_the_planted_bad_rows_are_quarantined(country: tuple[Path, Path, dict]) -> None:
    folder, db, _ = country
    planted = _planted(folder)
    quarantined = set(_query(db, "SELECT DISTINCT source_file, source_row FROM quarantine"))
    assert planted, "the generator planted no bad rows"
    assert quarantined == planted


def test_person_records_match_the_truth(country: tuple[Path, Path, dict]) -> None:
    folder, db, _ = country
    planted = _planted(folder)
    truth = {
        (r["agency"], r["record_key"])
        for r in _csv(folder / "truth" / "records.csv")
        if (r["source_file"], int(r["source_row"])) not in planted
    }
    loaded = set(_query(db, "SELECT agency_id, record_key FROM person_record"))
    assert loaded == truth


def test_bad_dates_of_birth_load_with_their_raw_value(country: tuple[Path, Path, dict]) -> None:
    folder, db, _ = country
    bad = [d for d in _csv(folder / "truth" / "defects.csv") if d["defect"] == "bad_dob"]
    assert bad
    for defect in bad:
        rows = _query(
            db,
            "SELECT date_of_birth, date_of_birth_raw FROM person_record"
            " WHERE source_file = ? AND source_row = ?",
            [defect["source_file"], int(defect["source_row"])],
        )
        assert len(rows) == 1 and rows[0][0] is None and rows[0][1], defect


def test_incidents_by_iccs_section_match_the_true_offences(
    country: tuple[Path, Path, dict],
) -> None:
    folder, db, _ = country
    crosswalk = {r["national_code"] for r in _csv(folder / "reference" / "penal_code.csv")}
    # Rows planted as bad, or whose code was garbled in the extract, are not counted.
    planted = {
        int(d["source_row"])
        for d in _csv(folder / "truth" / "defects.csv")
        if d["source_file"] == "police/incidents.csv"
    }
    # ICCS codes nest by prefix: the section is the first two digits of the true code.
    expected = Counter(
        r["iccs_code"][:2]
        for r in _csv(folder / "truth" / "incidents.csv")
        if int(r["source_row"]) not in planted and r["national_code"] in crosswalk
    )
    rows = _query(
        db,
        "SELECT c.level1_code, count(*) FROM incident i JOIN iccs_category c"
        " ON c.code = i.iccs_code WHERE i.iccs_source = 'crosswalk' GROUP BY ALL",
    )
    assert dict(rows) == dict(expected)


def test_a_garbled_offence_code_is_recovered_with_the_true_code(
    country: tuple[Path, Path, dict],
) -> None:
    folder, db, _ = country
    true = {int(r["source_row"]): r["iccs_code"] for r in _csv(folder / "truth" / "incidents.csv")}
    recovered = _query(
        db,
        "SELECT source_row, iccs_code, iccs_source FROM incident"
        " WHERE iccs_source LIKE 'recovered%'",
    )
    assert recovered  # the synthetic police garble some codes that the arrest records keep
    for row, code, source in recovered:
        assert code == true[int(row)], (row, source)


def test_unmapped_codes_are_those_missing_from_the_crosswalk(
    country: tuple[Path, Path, dict],
) -> None:
    folder, _, report = country
    crosswalk = {r["national_code"] for r in _csv(folder / "reference" / "penal_code.csv")}
    unmapped = report["unmapped_offence_codes"]
    assert unmapped
    assert not set(unmapped) & crosswalk
    # Every code the true penal code leaves out of the crosswalk is reported.
    true_codes = {r["national_code"] for r in _csv(folder / "truth" / "incidents.csv")}
    assert true_codes - crosswalk <= set(unmapped)
