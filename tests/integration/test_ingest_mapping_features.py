"""Each mapping feature of docs/mapping.md ("Mapping the records you have"), loaded from a
small hand-made extract and read back from the warehouse."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter

from justicelink.errors import MappingError
from justicelink.ingest import ingest
from justicelink.ingest.check import check_mapping

HEADER = """version: 1
agencies:
  - id: police
    kind: police
    files:
"""


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _country(tmp_path: Path, rows: list[dict[str, str]], columns: str) -> Path:
    """A one-file country: police/persons.csv with ``rows``, mapped with ``columns``."""
    _write_csv(tmp_path / "police" / "persons.csv", rows)
    (tmp_path / "agencies.yaml").write_text(
        HEADER
        + "      - path: police/persons.csv\n        format: csv\n"
        + "        entity: person_record\n        key: id\n        columns:\n"
        + "".join(f"          {line}\n" for line in columns.strip().splitlines()),
        encoding="utf-8",
    )
    return tmp_path


def _query(folder: Path, sql: str) -> list[dict[str, object]]:
    with duckdb.connect(str(folder / "w.duckdb"), read_only=True) as con:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _load(folder: Path, columns: str, table: str = "person_record") -> list[dict[str, object]]:
    """Ingest ``folder`` and read ``columns`` of ``table`` in file order."""
    ingest(folder, folder / "w.duckdb")
    return _query(folder, f"SELECT {columns} FROM {table} ORDER BY source_file, source_row")


def test_area_is_a_field_of_persons_and_events_with_values(tmp_path: Path) -> None:
    rows = [
        {"id": "1", "name": "Ana Lima", "district": "D01"},
        {"id": "2", "name": "Ravi Prasad", "district": "D09"},
    ]
    folder = _country(
        tmp_path,
        rows,
        "full_name: name\narea: {column: district, values: {D01: Central, D02: Harbour}}",
    )
    _write_csv(
        folder / "police" / "arrests.csv",
        [{"no": "A1", "id": "1", "on": "2020-01-02", "where": "Harbour"}],
    )
    with (folder / "agencies.yaml").open("a", encoding="utf-8") as handle:
        handle.write(
            "      - path: police/arrests.csv\n        format: csv\n        entity: case_event\n"
            "        key: no\n        columns: {record_key: id, event_type: {column: no, "
            "values: {A1: arrest}}, event_date: on, area: where}\n"
        )
    loaded = _load(folder, "area, area_raw")
    assert loaded == [
        {"area": "Central", "area_raw": "D01"},
        {"area": None, "area_raw": "D09"},  # unlisted code: reported, never guessed
    ]
    assert _load(folder, "area", "case_event") == [{"area": "Harbour"}]
    with duckdb.connect(str(folder / "w.duckdb"), read_only=True) as con:
        issues = con.execute("SELECT raw_value, reason FROM value_issue").fetchall()
    assert issues == [("D09", "code not in the value map of area")]


def test_nationality_takes_a_value_map(tmp_path: Path) -> None:
    rows = [{"id": "1", "name": "A", "nat": "VN"}, {"id": "2", "name": "B", "nat": "00"}]
    folder = _country(
        tmp_path,
        rows,
        "full_name: name\nnationality: {column: nat, values: {VN: Viet Nam, '00': null}}",
    )
    assert _load(folder, "nationality, nationality_raw") == [
        {"nationality": "Viet Nam", "nationality_raw": "VN"},
        {"nationality": None, "nationality_raw": "00"},
    ]


def test_masked_and_partial_id_numbers_keep_their_visible_part(tmp_path: Path) -> None:
    rows = [
        {"id": "1", "name": "A", "nic": "****1234", "last4": "1234"},
        {"id": "2", "name": "B", "nic": "S12XXX78", "last4": "0078"},
        {"id": "3", "name": "C", "nic": "S1231234", "last4": ""},
    ]
    folder = _country(tmp_path, rows, "full_name: name\nid_number: {column: nic, mask: '*X'}")
    assert _load(folder, "id_number, id_number_visible") == [
        {"id_number": "****1234", "id_number_visible": "****1234"},
        {"id_number": "S12XXX78", "id_number_visible": "S12***78"},
        {"id_number": "S1231234", "id_number_visible": None},  # nothing hidden: a full number
    ]
    partial = _country(
        tmp_path / "p", rows, "full_name: name\nid_number: {column: last4, partial: end}"
    )
    assert [r["id_number_visible"] for r in _load(partial, "id_number_visible")] == [
        "*1234",
        "*0078",
        None,
    ]


def test_name_order_auto_splits_each_row_its_own_way(tmp_path: Path) -> None:
    names = [
        "NGUYEN Van An",
        "Van An NGUYEN",
        "Nguyen, Van An",
        "Juan Dela Cruz",
        "Ahmad bin Ismail",
        "Chen Bin",
        "Lan Nguyen Thi",
        "Siti Aminah",
    ]
    rows = [{"id": str(i), "name": n} for i, n in enumerate(names)]
    folder = _country(tmp_path, rows, "full_name: {column: name, name_order: auto}")
    loaded = _load(folder, "family_name, given_names, name_order, full_name")
    assert [(r["family_name"], r["given_names"], r["name_order"]) for r in loaded] == [
        ("NGUYEN", "Van An", "capitals"),
        ("NGUYEN", "Van An", "capitals"),
        ("Nguyen", "Van An", "comma"),
        ("Dela Cruz", "Juan", "given_first"),
        ("bin Ismail", "Ahmad", "patronymic"),
        ("Chen", "Bin", "family_first"),
        ("Nguyen Thi", "Lan", "given_first"),
        (None, None, None),
    ]
    assert [r["full_name"] for r in loaded] == names


def test_a_declared_order_keeps_multi_word_family_names_whole(tmp_path: Path) -> None:
    rows = [{"id": "1", "name": "Maria  de los Santos"}]
    folder = _country(tmp_path, rows, "full_name: {column: name, name_order: given_first}")
    assert _load(folder, "family_name, given_names") == [
        {"family_name": "de los Santos", "given_names": "Maria"}
    ]


def test_fields_built_from_several_columns(tmp_path: Path) -> None:
    rows = [
        {"id": "1", "first": "Ana", "second": "Maria", "mid": "Luz", "last": "Lima",
         "house": "12", "street": "Rizal St", "village": "San Jose",
         "a1": "Annie", "a2": "", "d": "05", "m": "03", "y": "1990"},
        {"id": "2", "first": "Ravi", "second": "", "mid": "", "last": "Prasad",
         "house": "", "street": "Main Rd", "village": "",
         "a1": "", "a2": "R. Prasad", "d": "", "m": "", "y": "1987"},
    ]  # fmt: skip
    folder = _country(
        tmp_path,
        rows,
        """given_names: {column: [first, second]}
middle_names: mid
family_name: last
address: {column: [house, street, village], separator: ", "}
aliases: {column: [a1, a2]}
date_of_birth: {column: [d, m, y], separator: "/", format: ["%d/%m/%Y", "%Y"]}""",
    )
    loaded = _load(
        folder,
        "given_names, middle_names, full_name, address, aliases, date_of_birth, dob_precision",
    )
    assert loaded == [
        {
            "given_names": "Ana Maria",
            "middle_names": "Luz",
            "full_name": "Ana Maria Luz Lima",
            "address": "12, Rizal St, San Jose",
            "aliases": "Annie",
            "date_of_birth": dt.date(1990, 3, 5),
            "dob_precision": "day",
        },
        {
            "given_names": "Ravi",
            "middle_names": None,
            "full_name": "Ravi Prasad",
            "address": "Main Rd",
            "aliases": "R. Prasad",
            "date_of_birth": dt.date(1987, 1, 1),
            "dob_precision": "year",
        },
    ]


def test_a_person_only_extract_keeps_its_case_number(tmp_path: Path) -> None:
    rows = [{"id": "1", "name": "Ana Lima", "case": "CR-2020-17"}]
    folder = _country(tmp_path, rows, "full_name: name\ncase_ref: case")
    assert _load(folder, "case_ref") == [{"case_ref": "CR-2020-17"}]
    assert _query(folder, "SELECT count(*) AS n FROM case_event") == [{"n": 0}]


def _xlsx(path: Path, header: list[str], rows: list[list[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Persons")
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), dates)
            else:
                sheet.write(r, c, value)
    book.close()


PEOPLE = [
    ("1", "Ana Lima", dt.date(1990, 3, 5)),
    ("2", "Ravi Prasad", dt.date(1987, 11, 30)),
    ("3", "Mele Tupou", None),
]


def _three_formats(tmp_path: Path, date_format: str, parquet_dob: str = "dob") -> Path:
    """The same three people as CSV text, XLSX date cells and Parquet typed columns."""
    _write_csv(
        tmp_path / "police" / "persons.csv",
        [{"id": i, "name": n, "dob": d.isoformat() if d else ""} for i, n, d in PEOPLE],
    )
    _xlsx(
        tmp_path / "courts" / "persons.xlsx",
        ["id", "name", "dob"],
        [[i, n, d if d else ""] for i, n, d in PEOPLE],
    )
    (tmp_path / "prisons").mkdir()
    pq.write_table(
        pa.table(
            {
                "id": [int(i) for i, _, _ in PEOPLE],
                "name": [n for _, n, _ in PEOPLE],
                # a timestamp date of birth (as many databases export it) ...
                "dob": pa.array(
                    [dt.datetime.combine(d, dt.time()) if d else None for _, _, d in PEOPLE],
                    pa.timestamp("us"),
                ),
                # ... and a date one, beside it
                "born": pa.array([d for _, _, d in PEOPLE], pa.date32()),
            }
        ),
        tmp_path / "prisons" / "persons.parquet",
    )
    agencies = []
    for agency, path, fmt, dob in (
        ("police", "police/persons.csv", "csv", "dob"),
        ("courts", "courts/persons.xlsx", "xlsx", "dob"),
        ("prisons", "prisons/persons.parquet", "parquet", parquet_dob),
    ):
        kind = {"police": "police", "courts": "court", "prisons": "prison"}[agency]
        agencies.append(
            f"  - id: {agency}\n    kind: {kind}\n"
            f"    files:\n      - path: {path}\n        format: {fmt}\n"
            "        entity: person_record\n        key: id\n"
            f"        columns: {{full_name: name, date_of_birth: {{column: {dob}, "
            f"format: '{date_format}'}}}}\n"
        )
    (tmp_path / "agencies.yaml").write_text("version: 1\nagencies:\n" + "".join(agencies), "utf-8")
    return tmp_path


def test_csv_xlsx_and_parquet_with_typed_dates_load_the_same_people(tmp_path: Path) -> None:
    folder = _three_formats(tmp_path, "%Y-%m-%d")
    loaded = _load(folder, "agency_id, record_key, full_name, date_of_birth, dob_precision")
    by_agency: dict[str, list[tuple[object, ...]]] = {}
    for row in loaded:
        by_agency.setdefault(str(row["agency_id"]), []).append(
            (row["record_key"], row["full_name"], row["date_of_birth"], row["dob_precision"])
        )
    expected = [(i, n, d, "day" if d else None) for i, n, d in PEOPLE]
    assert by_agency == {"police": expected, "courts": expected, "prisons": expected}


def test_a_parquet_date_column_loads_as_the_date(tmp_path: Path) -> None:
    folder = _three_formats(tmp_path, "%Y-%m-%d", parquet_dob="born")
    ingest(folder, folder / "w.duckdb")
    rows = _query(
        folder,
        "SELECT date_of_birth FROM person_record WHERE agency_id = 'prisons' ORDER BY source_row",
    )
    assert [r["date_of_birth"] for r in rows] == [d for _, _, d in PEOPLE]


def test_mapping_check_fails_on_a_format_that_reads_no_value(tmp_path: Path) -> None:
    # Date cells of a workbook read as %Y-%m-%d: a declared %d/%m/%Y reads none of them.
    folder = _three_formats(tmp_path, "%d/%m/%Y")
    with pytest.raises(MappingError) as caught:
        check_mapping(folder)
    message = str(caught.value)
    assert "columns.date_of_birth (dob)" in message
    assert "every sampled value would load as NULL" in message
    assert "%Y-%m-%d" in message and "\n" not in message


def test_mapping_check_passes_a_mapping_that_reads_its_columns(tmp_path: Path) -> None:
    _, files = check_mapping(_three_formats(tmp_path, "%Y-%m-%d"))
    assert [f.rows for f in files] == [3, 3, 3]
    assert all(c.unusable == 0 and c.sampled == 2 for f in files for c in f.columns)


def test_ingest_warns_when_a_whole_column_loads_as_null(tmp_path: Path) -> None:
    folder = _three_formats(tmp_path, "%d/%m/%Y")
    report = ingest(folder, folder / "w.duckdb")
    warned = {f.path: f.warnings for f in report.files}
    assert warned["police/persons.csv"] == [
        "police/persons.csv: columns.date_of_birth (dob): 2 of 2 values cannot be read, "
        "e.g. '1987-11-30': the whole column loads as NULL; check its format or values"
    ]
