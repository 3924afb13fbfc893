"""Tests of the synthetic country generator against its own truth files and agencies.yaml."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest
import yaml
from python_calamine import CalamineWorkbook

from justicelink.synth import SynthError, generate_country

QUARANTINE = {"missing_key", "duplicate_key", "bad_date", "unknown_code", "orphan_reference"}


@pytest.fixture(scope="module")
def country(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("country")
    generate_country(out, people=3000, seed=7)
    return out


def _rows(country: Path, spec: dict[str, object]) -> tuple[list[str], list[dict[str, object]]]:
    path = country / str(spec["path"])
    fmt = spec["format"]
    if fmt == "csv":
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh, delimiter=str(spec.get("delimiter", ",")))
            rows: list[dict[str, object]] = list(reader)
            return list(reader.fieldnames or []), rows
    if fmt == "jsonl":
        objs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        return list(objs[0]), objs
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(str(spec["sheet"])).to_python()
    header = [str(h) for h in sheet[0]]
    return header, [dict(zip(header, r, strict=True)) for r in sheet[1:]]


def _files(country: Path) -> list[dict[str, object]]:
    mapping = yaml.safe_load((country / "agencies.yaml").read_text(encoding="utf-8"))
    return [f for a in mapping["agencies"] for f in a["files"]]


def _name(spec: dict[str, object]) -> str:
    return f"{spec['path']}#{spec['sheet']}" if "sheet" in spec else str(spec["path"])


def _columns(spec: dict[str, object]) -> set[str]:
    cols = spec["columns"]
    assert isinstance(cols, dict)
    out = {c if isinstance(c, str) else c["column"] for c in cols.values()}
    key = spec["key"]
    return out | ({key} if isinstance(key, str) else set(key))  # type: ignore[arg-type]


def test_bad_arguments_raise() -> None:
    with pytest.raises(SynthError):
        generate_country(Path("unused"), people=0)
    with pytest.raises(ValueError, match="before"):
        generate_country(Path("unused"), first_year=2020, last_year=2019)


def test_same_seed_same_bytes_and_other_seed_differs(tmp_path: Path) -> None:
    def digest(out: Path) -> str:
        h = hashlib.sha256()
        for f in sorted(out.rglob("*")):
            if f.is_file() and f.suffix != ".xlsx" and f.name != "summary.json":
                h.update(f.read_bytes())
        return h.hexdigest()

    a, b, c = (
        generate_country(tmp_path / x, people=300, seed=s)
        for x, s in (("a", 3), ("b", 3), ("c", 4))
    )
    assert digest(a.out) == digest(b.out)
    assert (a.out / "prisons/prisons.xlsx").read_bytes() == (
        b.out / "prisons/prisons.xlsx"
    ).read_bytes()
    assert digest(a.out) != digest(c.out)


def test_every_extract_has_the_mapped_columns(country: Path) -> None:
    for spec in _files(country):
        header, rows = _rows(country, spec)
        assert set(header) == _columns(spec), spec["path"]
        assert rows


def test_persons_rows_are_in_truth_records(country: Path) -> None:
    with (country / "truth/records.csv").open(encoding="utf-8") as fh:
        truth = {(r["source_file"], int(r["source_row"])): r for r in csv.DictReader(fh)}
    for spec in _files(country):
        if spec["entity"] != "person_record":
            continue
        _, rows = _rows(country, spec)
        for i, row in enumerate(rows, start=1):
            t = truth[(_name(spec), i)]
            assert str(row[str(spec["key"])] or "") == t["record_key"]


def test_a_third_of_person_records_carry_errors(country: Path) -> None:
    with (country / "truth/persons.csv").open(encoding="utf-8") as fh:
        persons = {r["person_id"]: r for r in csv.DictReader(fh)}
    with (country / "truth/records.csv").open(encoding="utf-8") as fh:
        records = list(csv.DictReader(fh))
    with (country / "police/persons.csv").open(encoding="utf-8") as fh:
        police = list(csv.DictReader(fh))
    errors = 0
    police_records = [r for r in records if r["agency"] == "police"]
    for rec in police_records:
        row = police[int(rec["source_row"]) - 1]
        true = persons[rec["person_id"]]
        iso = true["date_of_birth"]
        dob = f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"
        errors += (
            row["surname"] != true["family_name"]
            or row["given_names"] != true["given_names"]
            or row["dob"] != dob
            or row["nic"] != true["id_number"]
        )
    assert errors / len(police_records) >= 1 / 3


def test_every_file_has_quarantining_defects(country: Path) -> None:
    with (country / "truth/defects.csv").open(encoding="utf-8") as fh:
        defects = list(csv.DictReader(fh))
    by_file = Counter(d["source_file"] for d in defects if d["defect"] in QUARANTINE)
    for spec in _files(country):
        _, rows = _rows(country, spec)
        if len(rows) >= 10:
            assert by_file[_name(spec)] >= 2, spec["path"]
    rows_with_quarantine = Counter(
        (d["source_file"], d["source_row"]) for d in defects if d["expect"] == "quarantine"
    )
    assert max(rows_with_quarantine.values()) == 1
    assert {d["defect"] for d in defects} >= QUARANTINE | {"bad_dob", "unmapped_offence_code"}


def test_every_true_person_appears(country: Path) -> None:
    with (country / "truth/records.csv").open(encoding="utf-8") as fh:
        seen = {r["person_id"] for r in csv.DictReader(fh)}
    with (country / "truth/persons.csv").open(encoding="utf-8") as fh:
        persons = {r["person_id"] for r in csv.DictReader(fh)}
    assert len(persons) == 3000
    assert persons == seen


def _events(country: Path) -> list[dict[str, str]]:
    with (country / "truth/events.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_age_crime_curve_peaks_young(country: Path) -> None:
    with (country / "truth/persons.csv").open(encoding="utf-8") as fh:
        dob = {
            r["person_id"]: dt.date.fromisoformat(r["date_of_birth"]) for r in csv.DictReader(fh)
        }
    ages = Counter()
    for e in _events(country):
        if e["event_type"] == "offence":
            ages[(dt.date.fromisoformat(e["event_date"]) - dob[e["person_id"]]).days // 3652] += 1
    assert ages.most_common(1)[0][0] in (1, 2)  # ages 10-19 or 20-29


def test_reoffending_within_a_year_is_plausible(country: Path) -> None:
    offences: dict[str, list[dt.date]] = {}
    convictions: dict[str, dt.date] = {}
    for e in _events(country):
        d = dt.date.fromisoformat(e["event_date"])
        if e["event_type"] == "offence":
            offences.setdefault(e["person_id"], []).append(d)
        elif e["outcome"] == "convicted" and d.year == 2019:
            convictions.setdefault(e["person_id"], d)
    reoffended = sum(
        any(c < d <= c + dt.timedelta(days=365) for d in offences[p])
        for p, c in convictions.items()
    )
    assert 0.15 <= reoffended / len(convictions) <= 0.5


def test_unmapped_codes_occur_and_iccs_codes_exist(country: Path) -> None:
    iccs_file = Path(__file__).parents[2] / "src/justicelink/classification/data"
    with (iccs_file / "iccs_v1_categories.csv").open(encoding="utf-8") as fh:
        known = {r["code"] for r in csv.DictReader(fh)}
    with (country / "reference/penal_code.csv").open(encoding="utf-8") as fh:
        penal = {r["national_code"]: r["iccs_code"] for r in csv.DictReader(fh)}
    assert set(penal.values()) <= known
    with (country / "police/incidents.csv").open(encoding="utf-8") as fh:
        used = {r["offence_code"] for r in csv.DictReader(fh)}
    assert len(used - set(penal)) >= 3
