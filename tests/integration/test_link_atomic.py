"""A linkage run that fails leaves the warehouse as it was."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest
import sqlglot.expressions as exp

from justicelink.errors import WarehouseError
from justicelink.linkage import run as link_run
from justicelink.warehouse.duckdb import DuckDBWarehouse
from justicelink.warehouse.port import open_warehouse
from justicelink.warehouse.spark import Catalog


def _snapshot(db: Path) -> tuple[object, ...]:
    with open_warehouse(db, read_only=True) as w:
        return tuple(
            w.fetch(exp.select("count(*)", "min(link_run_id)").from_(t))[0]
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
    original = DuckDBWarehouse.append_rows

    def fail_on_run_table(warehouse: DuckDBWarehouse, table: str, rows: pa.Table) -> None:
        if table == "link_run":
            raise OSError("disk full")
        original(warehouse, table, rows)

    monkeypatch.setattr(DuckDBWarehouse, "append_rows", fail_on_run_table)
    with pytest.raises(WarehouseError, match="could not write the linkage results"):
        link_run.link(db, threshold=0.5)
    assert _snapshot(db) == before


def test_a_parquet_warehouse_commits_all_tables_or_none(tmp_path: Path) -> None:
    """The Spark engine's catalog: staged versions are current only once committed."""
    catalog = Catalog(tmp_path)
    catalog.commit({})
    first = catalog.stage("person", pa.table({"person_id": ["a"]}))
    catalog.commit({"person": first})
    staged = {
        "person": catalog.stage("person", pa.table({"person_id": ["b", "c"]})),
        "record_person": catalog.stage("record_person", pa.table({"record_id": ["r"]})),
    }
    catalog.discard(staged)  # a run that failed before its commit
    assert catalog.current() == {"person": first}
    assert (tmp_path / first).is_dir()
    assert not any((tmp_path / v).exists() for v in staged.values())
    second = catalog.stage("person", pa.table({"person_id": ["d"]}))
    catalog.commit({"person": second})
    assert catalog.current() == {"person": second}
    assert not (tmp_path / first).exists()  # the version it replaced is gone
