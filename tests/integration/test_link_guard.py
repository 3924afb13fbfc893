"""Guarded blocking: a rule over the budget is split or left out, in one line, and the run
goes on; resource errors become one line saying what to change."""

from __future__ import annotations

import errno
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from justicelink.errors import ResourceLimitError
from justicelink.linkage.guard import equality_columns, sample_proportion, split_cap
from justicelink.linkage.model import LinkageEngine
from justicelink.linkage.prepare import prepare_rows, read_case_refs, read_records
from justicelink.linkage.resources import raise_if_resource_error, resource_problem
from justicelink.warehouse.port import open_linkage, open_warehouse


def _records_with_district_as_address(linked_country: Path) -> pa.Table:
    """The small country's records, with the address column holding only the district
    (what a user did who had nowhere else to map a district)."""
    with open_warehouse(linked_country / "w.duckdb", read_only=True) as warehouse:
        rows = read_records(warehouse)
        refs = read_case_refs(warehouse)
    district = pa.array(
        [a.rsplit(",", 1)[-1].strip() if a else None for a in rows.column("address").to_pylist()],
        pa.string(),
    )
    rows = rows.set_column(rows.schema.get_field_index("address"), "address", district)
    prepared, _ = prepare_rows(rows, refs)
    return prepared


def test_a_district_mapped_to_address_is_split_not_scored_whole(linked_country: Path) -> None:
    records = _records_with_district_as_address(linked_country)
    # Independently: the pairs "same address" would make, from the district counts.
    sizes = pc.value_counts(records.column("address_key").drop_null()).field("counts")
    whole = sum(n * (n - 1) // 2 for n in sizes.to_pylist())
    budget = 10 * records.num_rows
    assert whole > budget  # the premise: the rule is far over the budget
    with open_linkage() as backend:
        engine = LinkageEngine.open(backend, records, max_pairs_per_record=10)
        checks = {c.rule: c for c in engine.checks}
        found = engine.blocking_recall({})
    address = checks['l."address_key" = r."address_key"']
    assert address.action == "split"
    assert address.pairs > budget
    assert address.message is not None and "\n" not in address.message
    assert "address_key is shared by many records" in address.message
    counted = pc.value_counts(records.column("address_key").drop_null())
    by_size = sorted(
        zip(counted.field("counts").to_pylist(), counted.field("values").to_pylist(), strict=True)
    )
    assert repr(by_size[-1][1]) in address.message  # the commonest district is named
    assert "map it to `area`" in address.message
    # Every other rule of the model stays, and the run compares far fewer pairs in all.
    assert [c.action for c in engine.checks].count("kept") == len(engine.checks) - 1
    assert found.pairs < whole


def test_a_rule_that_cannot_be_split_is_left_out(linked_country: Path) -> None:
    records = _records_with_district_as_address(linked_country)
    model_rules = [
        {"blocking_rule": 'l."name_key" = r."name_key"', "sql_dialect": "duckdb"},
        {
            "blocking_rule": "l.address_key = r.address_key and l.agency_id <> r.agency_id",
            "sql_dialect": "duckdb",
        },
    ]
    with open_linkage() as backend:
        engine = LinkageEngine.open(backend, records)
        model = {**engine.model_json(), "blocking_rules_to_generate_predictions": model_rules}
    with open_linkage() as backend:
        engine = LinkageEngine.open(backend, records, model, max_pairs_per_record=5)
        actions = [c.action for c in engine.checks]
        kept = engine.linker.misc.save_model_to_json()["blocking_rules_to_generate_predictions"]
        # the saved model keeps the rules as given: the guard decides again on every run
        assert engine.model_json()["blocking_rules_to_generate_predictions"] == model_rules
    assert actions == ["kept", "refused"]
    assert [r["blocking_rule"] for r in kept] == ['l."name_key" = r."name_key"']


def test_rules_are_read_as_columns_only_when_they_are_plain_equalities() -> None:
    assert equality_columns('l."dob_exact" = r."dob_exact" AND l.district = r.district') == [
        "dob_exact",
        "district",
    ]
    assert equality_columns("l.a = r.b") is None
    assert equality_columns("l.a = r.a and l.y is null") is None


def test_the_split_keeps_the_largest_blocks_that_fit() -> None:
    # Blocks of 2, 3, 10 and 1,000 records make 1, 3, 45 and 499,500 pairs.
    assert split_cap([1000, 10, 3, 2], budget=49) == 10
    assert split_cap([1000, 10, 3, 2], budget=48) == 3
    assert split_cap([5], budget=0) == 1


def test_counting_samples_only_at_scale() -> None:
    assert sample_proportion(2_000) == 1.0
    assert 0.04 < sample_proportion(100_000) < 0.05
    # The pairs counting creates, for a rule pairing every record with every other:
    assert (sample_proportion(1_000_000) * 1_000_000) ** 2 / 2 <= 1.01e7


class OutOfMemoryException(RuntimeError):  # noqa: N818  (DuckDB's own name for it)
    """Named as DuckDB names its own (the detector goes by name, not by import)."""


def test_resource_errors_become_one_line_saying_what_to_change() -> None:
    try:
        try:
            raise OutOfMemoryException("Out of Memory Error: failed to allocate 1.2 GiB")
        except OutOfMemoryException as inner:
            raise RuntimeError("Error executing the following sql for table x") from inner
    except RuntimeError as wrapped:
        with pytest.raises(ResourceLimitError) as caught:
            raise_if_resource_error(wrapped, "scoring record pairs", "12GB")
    message = str(caught.value)
    assert "\n" not in message
    assert "ran out of memory while scoring record pairs" in message
    assert "JUSTICELINK_LINK_MEMORY" in message and "--max-pairs-per-record" in message
    assert resource_problem(OSError(errno.ENOSPC, "No space left on device")) == "disk"
    assert resource_problem(ValueError("a mistake")) is None
    raise_if_resource_error(ValueError("a mistake"), "x", "1GB")  # not a resource error
