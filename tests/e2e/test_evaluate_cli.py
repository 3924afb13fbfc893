"""`justicelink evaluate` as a user runs it, on the small linked synthetic country.

The country (600 persons) is too small for any programme to reach 60 matched participants,
so this checks what the command reports when it cannot run, who it could not evaluate and
why, the files it writes and its errors; tests/integration/test_evaluation_country.py checks
the figures on a country large enough.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from _cli import run_cli


def _no_nan(constant: str) -> None:
    raise AssertionError(f"{constant} is not JSON")


def _participants(country: Path) -> list[dict[str, str]]:
    with (country / "ngo" / "participations.csv").open(encoding="utf-8") as handle:
        return [r for r in csv.DictReader(handle) if r["started"]]


def test_a_participant_file_is_evaluated_and_every_row_accounted_for(
    linked_country: Path, tmp_path: Path
) -> None:
    started = _participants(linked_country / "country")
    listing = tmp_path / "participants.csv"
    lines = ["agency,record_key,start_date"]
    lines += [f"ngo,{r['participant_no']},{r['started']}" for r in started]
    lines += ["ngo,NO-SUCH-KEY,2020-01-01", "nowhere,X1,2020-01-01", "ngo,NG0000001,01/02/2020"]
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli(
        "evaluate",
        "--participants",
        str(listing),
        "--programme",
        "All programmes",
        "--warehouse",
        str(linked_country / "w.duckdb"),
        "--out",
        str(tmp_path / "out"),
        "--json",
        cwd=tmp_path,
    )
    data = json.loads(result.stdout, parse_constant=_no_nan)
    assert data["participants"] == len(lines) - 1
    assert {"matched_participants", "outcomes", "balance", "not_evaluated"} <= set(data)
    left = {x["row"]: x["reason"] for x in data["not_evaluated"]}
    n = len(lines)
    assert left[n - 2].startswith("no record with this key at ngo")
    assert left[n - 1] == "no agency 'nowhere' in the warehouse"
    assert left[n] == "start_date '01/02/2020' is not a date (YYYY-MM-DD)"
    assert data["evaluated_participants"] + len(left) == data["participants"]
    assert not data["can_run"]
    assert "60" in data["cannot_run_reason"]
    assert data["outcomes"] == {}
    written = {Path(f).name for f in data["files"]}
    assert written == {"evaluation.html", "evaluation.json", "not_evaluated.csv"}
    html = (tmp_path / "out" / "evaluation.html").read_text(encoding="utf-8")
    assert "cannot be run" in html
    assert "<script" not in html and "src=" not in html
    with (tmp_path / "out" / "not_evaluated.csv").open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == len(left) + len(data["unmatched"])


def test_a_programme_in_the_warehouse_is_evaluated_by_name(
    linked_country: Path, tmp_path: Path
) -> None:
    result = run_cli(
        "evaluate",
        "--programme",
        "community mentoring",
        "--warehouse",
        str(linked_country / "w.duckdb"),
        "--out",
        str(tmp_path / "cm"),
        cwd=tmp_path,
    )
    assert "Cannot be run" in result.stdout
    assert (tmp_path / "cm" / "evaluation.html").is_file()


def test_mistakes_end_in_one_line(linked_country: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("name,started\nA,2020-01-01\n", encoding="utf-8")
    warehouse = str(linked_country / "w.duckdb")
    for args, needle in (
        (["--participants", str(bad), "--programme", "X"], "header must name"),
        (["--participants", str(tmp_path / "none.csv"), "--programme", "X"], "not found"),
        (["--programme", "No Such Programme"], "no programme named 'No Such Programme'"),
    ):
        result = run_cli("evaluate", *args, "--warehouse", warehouse, cwd=tmp_path, ok=False)
        assert result.returncode == 1
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and needle in lines[0], result.stderr
        assert "Traceback" not in result.stderr
