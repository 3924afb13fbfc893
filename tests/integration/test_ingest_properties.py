"""Properties: whatever the rows of an extract hold, ingest neither crashes nor loses one.

For any content, every record of every file is counted once, as loaded or quarantined, and
the row numbers of the loaded and quarantined records are exactly 1..read. The record count
is checked against Python's own csv and json modules, independent of the Arrow readers.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from justicelink.ingest import ingest

JSON_SPACE = " \t\r"
FIXTURE = Path(__file__).parents[1] / "fixtures" / "tiny"

cells = st.one_of(
    st.sampled_from(["P1", "P2", "", " ", "M", "F", "Q", "1985", "03/02/1990", "31/13/2020"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
)
rows = st.lists(st.lists(cells, min_size=0, max_size=7), max_size=25)


def _covered_rows(db: Path, label: str, table: str) -> tuple[list[int], list[int]]:
    with duckdb.connect(str(db), read_only=True) as con:
        loaded = [
            r[0]
            for r in con.execute(
                f"SELECT source_row FROM {table} WHERE source_file = ?", [label]
            ).fetchall()
        ]
        quarantined = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT source_row FROM quarantine WHERE source_file = ?", [label]
            ).fetchall()
        ]
    return loaded, quarantined


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(records=rows, garbage=st.binary(max_size=40))
def test_csv_rows_never_vanish(tmp_path: Path, records: list[list[str]], garbage: bytes) -> None:
    folder = tmp_path / "c"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(FIXTURE, folder)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["person_no", "surname", "given_names", "sex", "dob"])
    writer.writerows(records)
    persons = folder / "police" / "persons.csv"
    persons.write_bytes(buffer.getvalue().encode("utf-8") + garbage)
    with persons.open(encoding="utf-8", errors="surrogateescape", newline="") as handle:
        expected = sum(1 for record in list(csv.reader(handle))[1:] if record)
    db = tmp_path / f"w{abs(hash((tuple(map(tuple, records)), garbage)))}.duckdb"
    report = ingest(folder, db)
    for file in report.files:
        assert file.read == file.loaded + file.quarantined
    file = next(f for f in report.files if f.path == "police/persons.csv")
    assert file.read == expected
    loaded, quarantined = _covered_rows(db, file.path, "person_record")
    assert sorted(loaded + quarantined) == list(range(1, expected + 1))


json_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    cells,
    st.lists(st.integers(), max_size=2),
)
json_lines = st.lists(
    st.one_of(
        st.fixed_dictionaries(
            {"person_no": json_values, "surname": json_values},
            optional={"given_names": json_values, "sex": json_values, "dob": json_values},
        ).map(json.dumps),
        st.text(max_size=15),  # anything at all on a line
    ),
    max_size=20,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(lines=json_lines)
def test_jsonl_lines_never_vanish(tmp_path: Path, lines: list[str]) -> None:
    folder = tmp_path / "j"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(FIXTURE, folder)
    mapping = folder / "agencies.yaml"
    text = mapping.read_text(encoding="utf-8")
    mapping.write_text(
        text.replace(
            "police/persons.csv\n        format: csv", "police/persons.jsonl\n        format: jsonl"
        ),
        encoding="utf-8",
    )
    # Every line that holds anything but whitespace is a record (possibly a broken one).
    body = "\n".join(line.replace("\n", " ").replace("\r", " ") for line in lines)
    (folder / "police" / "persons.jsonl").write_text(body, encoding="utf-8")
    # JSON's own whitespace (RFC 8259): a line of anything else is a record, maybe a broken one.
    expected = sum(1 for line in body.split("\n") if line.strip(JSON_SPACE))
    # A file whose objects never name a mapped key is a mapping mistake, not data: skip it.
    objects = [json.loads(x) for x in body.split("\n") if _is_object(x)]
    if objects and not any({"person_no", "surname"} <= set(o) for o in objects):
        return
    db = tmp_path / f"w{abs(hash(tuple(lines)))}.duckdb"
    try:
        report = ingest(folder, db)
    except ValueError as exc:  # a mapped column absent from every object
        assert "mapped column" in str(exc)
        return
    file = next(f for f in report.files if f.path == "police/persons.jsonl")
    assert file.read == expected == file.loaded + file.quarantined
    loaded, quarantined = _covered_rows(db, file.path, "person_record")
    assert sorted(loaded + quarantined) == sorted(
        n for n, line in enumerate(body.split("\n"), start=1) if line.strip(JSON_SPACE)
    )


def _is_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False
