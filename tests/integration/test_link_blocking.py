"""The blocking rules choose the pairs the model scores: what they keep, against the truth."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest

from justicelink.linkage import model as model_module
from justicelink.linkage.model import LinkageEngine
from justicelink.linkage.prepare import SOURCE_COLUMNS, prepare_rows, read_case_refs, read_records
from justicelink.warehouse.port import open_linkage, open_warehouse


def _rows(*records: dict[str, object]) -> pa.Table:
    return pa.table({c: [r.get(c) for r in records] for c in SOURCE_COLUMNS})


# Two persons whose records only the one-typo rules bring together (worked by hand): a typo
# changes the sound of "George", and the court record has no date of birth; "Julie" and
# "Juli" differ by a letter and their years of birth by one.
_TYPO_PAIRS = _rows(
    {"record_id": "police:1", "agency_id": "police", "family_name": "Saha",
     "given_names": "George", "sex": "male", "date_of_birth": dt.date(1998, 4, 30),
     "dob_precision": "day"},
    {"record_id": "courts:1", "agency_id": "courts", "family_name": "Saha",
     "given_names": "Georde", "sex": "male"},
    {"record_id": "police:2", "agency_id": "police", "full_name": "Julie", "sex": "female",
     "birth_year": 1985},
    {"record_id": "courts:2", "agency_id": "courts", "full_name": "Juli", "sex": "female",
     "date_of_birth": dt.date(1986, 3, 28), "dob_precision": "day"},
    {"record_id": "police:3", "agency_id": "police", "full_name": "Ana Lima", "sex": "female",
     "birth_year": 1990},
)  # fmt: skip
_TYPO_TRUTH = {
    "police:1": "p1",
    "courts:1": "p1",
    "police:2": "p2",
    "courts:2": "p2",
    "police:3": "p3",
}


def _kept(monkeypatch: pytest.MonkeyPatch, without_one_typo_rules: bool) -> int:
    if without_one_typo_rules:
        rules = [
            rule
            for rule in model_module.blocking_rules()
            if "name_edit" not in str(rule.get_blocking_rule("duckdb").blocking_rule_sql)
        ]
        assert len(rules) == len(model_module.blocking_rules()) - 2
        monkeypatch.setattr(model_module, "blocking_rules", lambda: rules)
    records, _ = prepare_rows(_TYPO_PAIRS)
    with open_linkage() as backend:
        found = LinkageEngine.open(backend, records).blocking_recall(_TYPO_TRUTH)
    assert found.true_pairs == 2
    return found.kept


def test_names_a_typo_apart_meet_without_a_full_date_of_birth(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _kept(monkeypatch, without_one_typo_rules=False) == 2
    # and only through the one-typo rules
    assert _kept(monkeypatch, without_one_typo_rules=True) == 0


def test_blocking_keeps_nearly_every_true_pair_of_a_synthetic_country(
    linked_country: Path,
) -> None:
    with open_warehouse(linked_country / "w.duckdb", read_only=True) as warehouse:
        rows = read_records(warehouse)
        records, incomparable = prepare_rows(rows, read_case_refs(warehouse))
    # The truth, read here from the generator's file: record -> person, by source row.
    with (linked_country / "country" / "truth" / "records.csv").open(encoding="utf-8") as handle:
        by_row = {
            (r["source_file"], r["source_row"]): r["person_id"] for r in csv.DictReader(handle)
        }
    truth = {
        r["record_id"]: by_row[(r["source_file"], str(r["source_row"]))]
        for r in rows.select(["record_id", "source_file", "source_row"]).to_pylist()
    }
    with open_linkage() as backend:
        found = LinkageEngine.open(backend, records).blocking_recall(truth)
    compared = [truth[r] for r in records.column("unique_id").to_pylist()]
    sizes = {p: compared.count(p) for p in set(compared)}
    assert found.true_pairs == sum(n * (n - 1) // 2 for n in sizes.values()) > 500
    assert found.recall >= 0.995
    # Far fewer pairs than all of them: blocking is what makes linkage affordable.
    assert found.pairs < 0.05 * len(compared) * (len(compared) - 1) / 2
    assert not incomparable
