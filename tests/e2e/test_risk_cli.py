"""`justicelink risk fit` as a user runs it: the JSON keys, the files, the one-line errors.

The first test runs the installed command in a subprocess; the others call the same Typer
app in-process (CliRunner), which spares a second of start-up per case.
"""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

import pytest
from _cli import run_cli
from typer.testing import CliRunner

from fixtures.synthetic_cohort import make_cohort
from justicelink.cli import app


def invoke(*args: str, cwd: Path, ok: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the CLI in-process with ``cwd`` as the working directory; the same result shape."""
    import os

    here = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    finally:
        os.chdir(here)
    if ok:
        assert result.exit_code == 0, result.stderr
    return subprocess.CompletedProcess(list(args), result.exit_code, result.stdout, result.stderr)


REQUIRED = {"auc", "auc_ci", "brier", "ece", "calibration", "by_group", "model"}
GROUP_KEYS = {"n", "selection_rate", "fpr", "fnr", "ppv", "calibration_in_the_large"}


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("risk")
    make_cohort(3000, seed=3).write(folder)
    return folder


def test_json_has_the_documented_keys(cohort: Path) -> None:
    result = run_cli(
        "risk", "fit", "--data", "cohort.csv", "--mapping", "cohort.yaml", "--folds", "5",
        "--compare", "decile_score", "--json", cwd=cohort,
    )  # fmt: skip
    doc = json.loads(result.stdout)
    assert doc.keys() >= REQUIRED
    assert 0.6 < doc["auc"] < 0.8 and doc["auc_ci"][0] < doc["auc"] < doc["auc_ci"][1]
    assert set(doc["by_group"]) == {"race", "sex", "age_cat"}
    for values in doc["by_group"].values():
        for row in values.values():
            assert row.keys() >= GROUP_KEYS
    assert doc["calibration"][0].keys() == {"bin", "n", "mean_predicted", "observed"}
    assert sum(b["n"] for b in doc["calibration"]) == 3000
    assert doc["model"]["kind"] == "points" and doc["model"]["predictors"]
    assert doc["flagging"]["flagged"] == 900  # the default share, 30 %
    assert doc["compare"]["instrument"]["flagged"] == 900
    # sex is listed only as a group: never a predictor
    assert "sex" not in [p["name"] for p in doc["model"]["predictors"]]


def test_threshold_and_opt_in_equal_fpr(cohort: Path) -> None:
    result = invoke(
        "risk", "fit", "--data", "cohort.csv", "--mapping", "cohort.yaml", "--folds", "5",
        "--threshold", "0.5", "--equalise-fpr", "race", "--json", cwd=cohort,
    )  # fmt: skip
    doc = json.loads(result.stdout)
    assert doc["flagging"]["threshold"] == 0.5 and doc["flagging"]["equalise_fpr"] == "race"
    assert doc["fairness_tradeoff"]["race"]["flags_reported"] == "equal_fpr_thresholds"
    assert doc["model"]["flag"]["by_group"]["column"] == "race"


def test_out_writes_the_model_card_and_each_persons_terms(cohort: Path, tmp_path: Path) -> None:
    out = tmp_path / "model"
    result = invoke(
        "risk", "fit", "--data", "cohort.csv", "--mapping", "cohort.yaml", "--folds", "5",
        "--out", str(out), cwd=cohort,
    )  # fmt: skip
    assert "AUC" in result.stdout and "Points" in result.stdout
    assert {p.name for p in out.iterdir()} == {
        "model.json",
        "model.md",
        "validation.json",
        "scores.csv",
    }
    with (out / "scores.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 3000
    terms = [k for k in rows[0] if k.endswith("(band: points)")]
    for row in rows[:50]:
        assert sum(int(row[k].rsplit(": ", 1)[1]) for k in terms) == int(row["score"])
    again = tmp_path / "again"
    invoke(
        "risk", "fit", "--data", "cohort.csv", "--mapping", "cohort.yaml", "--folds", "5",
        "--out", str(again), cwd=cohort,
    )  # fmt: skip
    assert (again / "model.json").read_bytes() == (out / "model.json").read_bytes()


@pytest.mark.parametrize(
    ("edit", "args", "message"),
    [
        (None, ["--flag-share", "0.2", "--threshold", "0.5"], "give --flag-share or --threshold"),
        (None, ["--flag-share", "1.5"], "--flag-share must be between 0 and 1"),
        (None, ["--equalise-fpr", "nation"], "'nation' is not one of the group columns"),
        (None, ["--compare", "no_such"], "column 'no_such' not found"),
        ("outcome", [], "row 2, column 'two_year_recid': 'yes' is not 0 or 1"),
        ("age", [], "row 2, column 'age': 'old' is not a number"),
        ("date", [], "row 2, column 'c_jail_in': '2013-02-30' is not a date"),
    ],
)
def test_bad_input_is_one_line(
    tmp_path: Path, edit: str | None, args: list[str], message: str
) -> None:
    cohort = make_cohort(200, seed=1)
    if edit == "outcome":
        cohort.columns["two_year_recid"][1] = "yes"
    elif edit == "age":
        cohort.columns["age"][1] = "old"
    elif edit == "date":
        cohort.columns["c_jail_in"][1] = "2013-02-30"
    cohort.write(tmp_path)
    result = invoke(
        "risk", "fit", "--data", "cohort.csv", "--mapping", "cohort.yaml", "--folds", "5", *args,
        cwd=tmp_path, ok=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_too_few_outcomes_for_the_folds(tmp_path: Path) -> None:
    cohort = make_cohort(30, seed=1)
    cohort.columns["two_year_recid"] = ["1", "1", "1"] + ["0"] * 27
    cohort.write(tmp_path)
    result = invoke(
        "risk", "fit", "--data", "cohort.csv", "--mapping", "cohort.yaml", "--folds", "10",
        cwd=tmp_path, ok=False,
    )  # fmt: skip
    assert result.returncode == 1 and "only 3 of 30 rows reoffended" in result.stderr


def test_without_data_it_says_what_to_give(tmp_path: Path) -> None:
    result = invoke("risk", "fit", cwd=tmp_path, ok=False)
    assert result.returncode == 1 and "give --data" in result.stderr


def test_a_comparison_column_without_scores(tmp_path: Path) -> None:
    cohort = make_cohort(200, seed=1)
    cohort.columns["decile_score"] = [""] * 200
    cohort.write(tmp_path)
    result = invoke(
        "risk", "fit", "--data", "cohort.csv", "--mapping", "cohort.yaml", "--folds", "5",
        "--compare", "decile_score", cwd=tmp_path, ok=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "'decile_score' has a score for 0 rows" in result.stderr
