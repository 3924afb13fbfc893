"""A linkage run that fails leaves the warehouse as it was."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from justicelink.errors import WarehouseError
from justicelink.linkage import results as link_results
from justicelink.linkage import run as link_run


def _snapshot(db: Path) -> tuple[object, ...]:
    with duckdb.connect(str(db), read_only=True) as con:
        return tuple(
            con.execute(f"select count(*), min(link_run_id) from {t}").fetchall()[0]
            for t in ("person", "record_person", "link_pair", "link_run")
        )


def test_a_failed_write_leaves_the_previous_persons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for args in (
        ["synth", "--out", "c", "--people", "300", "--seed", "3"],
        ["ingest", "c", "--warehouse", "w.duckdb"],
    ):
        subprocess.run(
            [sys.executable, "-m", "justicelink", *args],
            cwd=tmp_path,
            check=True,
            capture_output=True,
        )
    db = tmp_path / "w.duckdb"
    link_run.link(db)
    before = _snapshot(db)
    original = link_results._replace

    def fail_on_run_table(warehouse: object, table: str, rows: object, run_id: str | None) -> None:
        if table == "link_run":
            raise OSError("disk full")
        original(warehouse, table, rows, run_id)  # type: ignore[arg-type]

    monkeypatch.setattr(link_results, "_replace", fail_on_run_table)
    with pytest.raises(WarehouseError, match="could not write the linkage results"):
        link_run.link(db, threshold=0.5)
    assert _snapshot(db) == before
