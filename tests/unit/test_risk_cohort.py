"""Reading a cohort file through its mapping: every rule of docs/risk.md, every bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from justicelink.errors import ExtractError, MappingError, SourceFileNotFoundError
from justicelink.risk.cohort_file import read_cohort
from justicelink.risk.table import MISSING_GROUP, PredictorKind, Unit

HEADER = "id,age,priors,degree,jail_in,jail_out,race,sex,reoffended"
ROWS = [
    "1,19,0,F,2013-01-02 10:00:00,2013-01-03 22:00:00,A,Male,1",
    "2,45,3,M,2013-02-01,2013-02-01,B,Female,0",
    "3,,1,,,,,Male,1",
    "4,30,2,F,2014-05-05,2014-05-15,A,Male,",
]
MAPPING = """\
outcome: reoffended
predictors:
  age: number
  priors: number
  degree: category
  jail_in: date
  jail_out: date
groups: [race]
"""


def write(
    folder: Path, rows: list[str] = ROWS, mapping: str = MAPPING, header: str = HEADER
) -> tuple[Path, Path]:
    data = folder / "cohort.csv"
    data.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    spec = folder / "cohort.yaml"
    spec.write_text(mapping, encoding="utf-8")
    return data, spec


def test_missing_outcome_rows_are_counted_and_missing_predictors_kept(tmp_path: Path) -> None:
    cohort = read_cohort(*write(tmp_path))
    table = cohort.table
    assert cohort.rows_read == 4 and cohort.excluded_outcome_missing == 1
    assert table.n == 3 and table.row_numbers().tolist() == [1, 2, 3]
    assert table.outcome.tolist() == [1, 0, 1]
    assert table.missing_counts() == {
        "age": 1,
        "priors": 0,
        "degree": 1,
        "jail_in": 1,
        "jail_out": 1,
    }
    assert table.groups["race"].tolist() == ["A", "B", MISSING_GROUP]


def test_dates_are_measured_from_the_first_date_predictor(tmp_path: Path) -> None:
    by_name = {p.name: p for p in read_cohort(*write(tmp_path)).table.predictors}
    assert by_name["jail_in"].unit is Unit.CALENDAR
    assert by_name["jail_out"].unit is Unit.DAYS
    assert by_name["jail_out"].values[0] == pytest.approx(1.5)  # 10:00 to 22:00 next day
    assert by_name["jail_out"].description == "days from jail_in to jail_out"


def test_since_and_years(tmp_path: Path) -> None:
    mapping = MAPPING.replace(
        "  jail_out: date", "  stay: {kind: date, column: jail_out, since: jail_in, unit: years}"
    )
    by_name = {p.name: p for p in read_cohort(*write(tmp_path, mapping=mapping)).table.predictors}
    assert by_name["stay"].values[0] == pytest.approx(1.5 / 365.25)


def test_protected_attributes_and_groups_are_not_predictors_unless_opted_in(tmp_path: Path) -> None:
    mapping = MAPPING.replace("  age: number", "  age: number\n  sex: category\n  race: category")
    cohort = read_cohort(*write(tmp_path, mapping=mapping))
    assert [p.name for p in cohort.table.predictors] == [
        "age",
        "priors",
        "degree",
        "jail_in",
        "jail_out",
    ]
    reasons = {e.name: e.reason for e in cohort.excluded_predictors}
    assert reasons["sex"].startswith("a protected attribute")
    assert reasons["race"].startswith("a group column")
    opted = read_cohort(*write(tmp_path, mapping=mapping + "protected_predictors: [sex]\n"))
    assert "sex" in [p.name for p in opted.table.predictors]
    assert opted.protected_used == ("sex",)


def test_a_repeated_header_name_is_renamed_and_reported(tmp_path: Path) -> None:
    header = HEADER + ",priors"
    rows = [r + ",9" for r in ROWS]
    mapping = MAPPING.replace("  priors: number", "  priors: number\n  priors.1: number")
    cohort = read_cohort(*write(tmp_path, rows, mapping, header))
    assert cohort.notes == ("the header repeats 'priors': its later copies were read as priors.1",)
    values = {p.name: p.values for p in cohort.table.predictors}
    assert values["priors"].tolist() == [0, 3, 1] and values["priors.1"].tolist() == [9, 9, 9]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("5,30,1,F,,,A,Male,2", "row 5, column 'reoffended': '2' is not 0 or 1"),
        ("5,thirty,1,F,,,A,Male,1", "row 5, column 'age': 'thirty' is not a number"),
        ("5,30,1,F,05/05/2014,,A,Male,1", "row 5, column 'jail_in': '05/05/2014' is not a date"),
        ("5,30,inf,F,,,A,Male,1", "row 5, column 'priors': 'inf' is not a number"),
    ],
)
def test_a_bad_value_names_file_row_and_column(tmp_path: Path, row: str, message: str) -> None:
    data, spec = write(tmp_path, [*ROWS, row])
    with pytest.raises(ExtractError) as caught:
        read_cohort(data, spec)
    assert str(caught.value).startswith(f"{data}: {message}")
    assert "\n" not in str(caught.value)


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    data, spec = write(tmp_path, mapping=MAPPING.replace("priors: number", "prior_count: number"))
    with pytest.raises(ExtractError, match=r"cohort.csv: column 'prior_count' not found"):
        read_cohort(data, spec)


def test_date_formats_from_the_mapping(tmp_path: Path) -> None:
    rows = ["1,19,0,F,02/01/2013,03/01/2013,A,Male,1", "2,45,3,M,,,B,Female,0"]
    mapping = MAPPING + 'date_format: "%d/%m/%Y"\n'
    by_name = {p.name: p for p in read_cohort(*write(tmp_path, rows, mapping)).table.predictors}
    assert by_name["jail_out"].values[0] == 1.0


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ("outcome: y\n", "predictors: Field required"),
        ("outcome: y\npredictors: {age: numbr}\n", "predictors.age"),
        ("outcome: y\npredictors: {age: number}\ncolour: red\n", "colour: Extra inputs"),
        ("outcome: [y\n", "malformed YAML"),
        ("outcome: age\npredictors: {age: number}\n", "the outcome cannot be a predictor"),
    ],
)
def test_mapping_errors_are_one_line(tmp_path: Path, mapping: str, message: str) -> None:
    data, spec = write(tmp_path, mapping=mapping)
    with pytest.raises(MappingError) as caught:
        read_cohort(data, spec)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_friendly_forms_of_the_mapping(tmp_path: Path) -> None:
    mapping = (
        "outcome: reoffended\n"
        "predictors:\n  - {name: age, kind: numeric}\n  - {column: degree, kind: categorical}\n"
        "group: race\n"
    )
    table = read_cohort(*write(tmp_path, mapping=mapping)).table
    assert [(p.name, p.kind) for p in table.predictors] == [
        ("age", PredictorKind.NUMBER),
        ("degree", PredictorKind.CATEGORY),
    ]
    assert list(table.groups) == ["race"]


def test_missing_files(tmp_path: Path) -> None:
    data, spec = write(tmp_path)
    with pytest.raises(SourceFileNotFoundError):
        read_cohort(tmp_path / "nope.csv", spec)
    with pytest.raises(SourceFileNotFoundError):
        read_cohort(data, tmp_path / "nope.yaml")


def test_parquet_is_read_like_csv(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    _, spec = write(tmp_path)
    table = pa.table(
        {
            "age": [19, None],
            "priors": [0, 3],
            "degree": ["F", "M"],
            "jail_in": ["2013-01-01", None],
            "jail_out": ["2013-01-02", None],
            "race": ["A", "B"],
            "reoffended": [1, 0],
        }
    )
    pq.write_table(table, tmp_path / "cohort.parquet")
    cohort = read_cohort(tmp_path / "cohort.parquet", spec)
    assert cohort.table.n == 2 and np.isnan(cohort.table.predictors[0].values[1])
