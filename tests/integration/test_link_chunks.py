"""Scoring pairs in chunks (for large countries) keeps exactly the pairs of one pass."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlglot.expressions as exp

from justicelink.linkage import model as model_module
from justicelink.linkage.model import LinkageEngine, predict_chunks
from justicelink.linkage.prepare import prepare_rows, read_case_refs, read_records
from justicelink.linkage.run import stored_model
from justicelink.warehouse import duckdb as duckdb_module
from justicelink.warehouse.duckdb import memory_limit
from justicelink.warehouse.port import open_linkage, open_warehouse


def test_chunks_grow_with_the_records() -> None:
    assert [predict_chunks(n) for n in (1, 1_500_000, 1_500_001, 2_300_000, 4_600_000)] == [
        1,
        1,
        2,
        2,
        4,
    ]


def test_the_memory_limit_can_be_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(duckdb_module.MEMORY_ENV, "3GB")
    assert memory_limit() == "3GB"
    monkeypatch.delenv(duckdb_module.MEMORY_ENV)
    assert memory_limit().endswith("GB") and int(memory_limit()[:-2]) >= 1


def test_chunked_scoring_keeps_the_same_pairs(
    linked_country: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_warehouse(linked_country / "w.duckdb", read_only=True) as warehouse:
        rows = read_records(warehouse)
        records, _ = prepare_rows(rows, read_case_refs(warehouse))
        _, trained = stored_model(warehouse)

    def scored(chunk_records: int) -> list[tuple[object, ...]]:
        monkeypatch.setattr(model_module, "CHUNK_RECORDS", chunk_records)
        with open_linkage() as backend:
            engine = LinkageEngine.open(backend, records, trained)
            frame = engine.predict(0.01)
            table = backend.query(
                exp.select("unique_id_l", "unique_id_r", "round(match_probability, 9) AS p")
                .from_(exp.to_table(frame.physical_name))
                .order_by("unique_id_l", "unique_id_r")
            )
        return [tuple(r.values()) for r in table.to_pylist()]

    whole = scored(10**9)
    assert len(whole) > 100
    assert predict_chunks(records.num_rows) == 1
    monkeypatch.setattr(model_module, "CHUNK_RECORDS", 400)
    assert predict_chunks(records.num_rows) >= 3
    assert scored(400) == whole
