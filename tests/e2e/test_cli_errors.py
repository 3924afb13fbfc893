"""A user's mistake ends in one line on stderr and exit code 1, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "justicelink", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
    )


def _assert_one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0]


def test_missing_folder(tmp_path: Path) -> None:
    _assert_one_line_error(_run("ingest", "nowhere", cwd=tmp_path), "nowhere", "not found")


def test_absent_mapped_column(tiny: Path, tmp_path: Path) -> None:
    (tiny / "police" / "incidents.csv").write_text("incident_no,when\nI1,x\n", encoding="utf-8")
    result = _run("ingest", str(tiny), cwd=tmp_path)
    _assert_one_line_error(result, "incidents.csv", "mapped column 'date_recorded' not found")
    assert not (tmp_path / "justicelink.duckdb").exists()


def test_unknown_format(tiny: Path, tmp_path: Path) -> None:
    mapping = tiny / "agencies.yaml"
    mapping.write_text(
        mapping.read_text(encoding="utf-8").replace("format: csv", "format: dbf", 1), "utf-8"
    )
    _assert_one_line_error(_run("ingest", str(tiny), cwd=tmp_path), "agencies.yaml", "format")


def test_malformed_yaml(tiny: Path, tmp_path: Path) -> None:
    (tiny / "agencies.yaml").write_text("agencies: [\n  - id: x\n", encoding="utf-8")
    _assert_one_line_error(_run("ingest", str(tiny), cwd=tmp_path), "malformed YAML", "line")


def test_bad_years_for_synth(tmp_path: Path) -> None:
    result = _run("synth", "--out", "c", "--years", "2023-2018", cwd=tmp_path)
    _assert_one_line_error(result, "--years", "before the first")


def test_ingest_json_reconciles(tiny: Path, tmp_path: Path) -> None:
    result = _run("ingest", str(tiny), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) >= {"files", "unmapped_offence_codes"}
    for file in payload["files"]:
        assert set(file) >= {"path", "read", "loaded", "quarantined"}
        assert file["read"] == file["loaded"] + file["quarantined"]
    assert payload["unmapped_offence_codes"] == {"PC-999": 1}


@pytest.mark.parametrize("command", [[], ["synth"], ["ingest"], ["mapping", "check"]])
def test_help_teaches_with_an_example(command: list[str], tmp_path: Path) -> None:
    result = _run(*command, "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "justicelink" in result.stdout
    assert "Example" in result.stdout or "synth --out" in result.stdout


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["users", "add", "ana", "--role", "analyst"], ["--password-stdin"]),
        (["users", "add", "ana", "--role", "judge", "--password-stdin"], ["unknown role 'judge'"]),
        (["serve", "--warehouse", "none.duckdb"], ["none.duckdb", "no warehouse here"]),
        (["audit", "verify", "--db", "postgresql://u@127.0.0.1:1/x"], ["cannot open the store"]),
        (["audit", "verify", "--db", "not a url"], ["is not a database URL"]),
    ],
)
def test_web_commands_fail_in_one_line(tmp_path: Path, args: list[str], needles: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "justicelink", *args],
        cwd=tmp_path,
        input="a long enough passphrase\n",
        capture_output=True,
        text=True,
        check=False,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "NO_COLOR": "1", "HOME": str(tmp_path)},
    )
    _assert_one_line_error(result, *needles)


def test_mapping_check_refuses_a_date_format_that_reads_nothing(tiny: Path, tmp_path: Path) -> None:
    # The tiny police persons file writes dates of birth as 03/02/1990; declared ISO, the
    # column would load empty, and `mapping check` says so in one line.
    mapping = tiny / "agencies.yaml"
    text = mapping.read_text(encoding="utf-8")
    assert 'format: ["%d/%m/%Y", "%Y"]' in text
    mapping.write_text(text.replace('format: ["%d/%m/%Y", "%Y"]', 'format: "%Y-%m-%d"'), "utf-8")
    result = _run("mapping", "check", str(tiny), cwd=tmp_path)
    _assert_one_line_error(
        result, "police/persons.csv", "columns.date_of_birth (dob)", "would load as NULL"
    )


def test_unknown_noise_profile_for_synth(tmp_path: Path) -> None:
    result = _run("synth", "--out", "c", "--noise-profile", "loud", cwd=tmp_path)
    _assert_one_line_error(result, "noise profile 'loud' is not known", "harsh")
