"""`justicelink link` on a small synthetic country, judged by the generator's truth."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import duckdb
import pytest
from _cli import run_cli as _cli


def _query(db: Path, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    root = tmp_path_factory.mktemp("linked")
    _cli("synth", "--out", "c", "--people", "1500", "--seed", "5", cwd=root)
    _cli("ingest", "c", "--warehouse", "w.duckdb", cwd=root)
    report = json.loads(
        _cli(
            "link", "--warehouse", "w.duckdb", "--evaluate", "c/truth", "--json",
            "--save-model", "model.json", cwd=root,
        ).stdout
    )  # fmt: skip
    return root, report


def test_linkage_finds_the_true_persons(linked: tuple[Path, dict]) -> None:
    root, report = linked
    evaluation = report["evaluation"]
    assert evaluation["pairwise"]["f1"] >= 0.95
    assert evaluation["bcubed"]["f1"] >= 0.97
    # The truth, read here independently: persons behind the loaded records.
    with (root / "c" / "truth" / "records.csv").open(encoding="utf-8", newline="") as handle:
        truth = {
            (r["source_file"], int(r["source_row"])): r["person_id"] for r in csv.DictReader(handle)
        }
    loaded = _query(root / "w.duckdb", "select source_file, source_row from person_record")
    true_persons = {truth[(f, int(r))] for f, r in loaded}
    assert abs(report["persons"] - len(true_persons)) / len(true_persons) < 0.03


def test_every_record_gets_exactly_one_person(linked: tuple[Path, dict]) -> None:
    root, report = linked
    db = root / "w.duckdb"
    records = _query(db, "select count(*) from person_record")[0][0]
    assigned = _query(db, "select count(*), count(distinct record_id) from record_person")[0]
    assert assigned == (records, records) == (report["records"], report["records"])
    persons = _query(db, "select count(*), sum(records) from person")[0]
    assert persons == (report["persons"], records)


def test_json_has_the_documented_shape(linked: tuple[Path, dict]) -> None:
    _, report = linked
    assert {"records", "persons", "evaluation"} <= set(report)
    for view in ("pairwise", "bcubed"):
        assert set(report["evaluation"][view]) == {"precision", "recall", "f1"}


def test_explain_reproduces_the_runs_score(linked: tuple[Path, dict]) -> None:
    root, _ = linked
    a, b, weight = _query(
        root / "w.duckdb",
        "select record_id_l, record_id_r, match_weight from link_pair "
        "where linked order by match_weight limit 1",
    )[0]
    out = json.loads(
        _cli("link", "explain", str(a), str(b), "--warehouse", "w.duckdb", "--json",
             "--chart", "why.svg", cwd=root).stdout
    )  # fmt: skip
    assert out["match_weight"] == pytest.approx(weight, abs=1e-3)
    assert out["steps"][0]["comparison"] == "prior"
    assert {s["comparison"] for s in out["steps"]} >= {"name", "date_of_birth", "sex"}
    assert (root / "why.svg").read_text(encoding="utf-8").startswith("<svg")


def test_review_decisions_change_the_next_run(linked: tuple[Path, dict]) -> None:
    root, _ = linked
    db = root / "w.duckdb"
    # A link that alone makes a two-record person, and a pair scored below the threshold.
    split = _query(
        db,
        "select p.record_id_l, p.record_id_r from link_pair p "
        "join record_person a on a.record_id = p.record_id_l "
        "join person s on s.person_id = a.person_id "
        "where p.linked and s.records = 2 order by p.record_id_l limit 1",
    )[0]
    join = _query(
        db,
        "select p.record_id_l, p.record_id_r from link_pair p "
        "join record_person a on a.record_id = p.record_id_l "
        "join record_person b on b.record_id = p.record_id_r "
        "where not p.linked and a.person_id <> b.person_id order by p.record_id_l limit 1",
    )[0]
    _cli("link", "review", "--warehouse", "w.duckdb", "--export", "review.csv", cwd=root)
    with (root / "decisions.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id_l", "record_id_r", "decision", "note"])
        writer.writerow([*split, "different", "two people, checked"])
        writer.writerow([*join, "same", "same person, checked"])
        writer.writerow(["x", "y", "", "left undecided"])
    imported = json.loads(
        _cli("link", "review", "--warehouse", "w.duckdb", "--import", "decisions.csv",
             "--json", cwd=root).stdout
    )  # fmt: skip
    assert (imported["same"], imported["different"], imported["skipped"]) == (1, 1, 1)
    rerun = json.loads(
        _cli("link", "--warehouse", "w.duckdb", "--reuse-model", "--json", cwd=root).stdout
    )
    assert rerun["decisions_applied"] == {"same": 1, "different": 1}
    assert "train" not in rerun["seconds"]

    def person(record: object) -> object:
        return _query(db, "select person_id from record_person where record_id = ?", [record])[0]

    assert person(split[0]) != person(split[1])
    assert person(join[0]) == person(join[1])


def test_a_saved_model_links_without_training(linked: tuple[Path, dict]) -> None:
    root, report = linked
    again = json.loads(
        _cli("link", "--warehouse", "w.duckdb", "--model", "model.json", "--json", cwd=root).stdout
    )
    assert again["model_source"] == "model.json"
    assert "train" not in again["seconds"]
    # Same model, same records: about the same persons (reviewed decisions may move one or two).
    assert abs(again["persons"] - report["persons"]) <= 2
    runs = _query(root / "w.duckdb", "select count(*), count(distinct model_json) from link_run")
    assert runs[0][0] >= 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["link", "--warehouse", "missing.duckdb"], "missing.duckdb: no warehouse here"),
        (["link", "--warehouse", "w.duckdb", "--model", "nope.json"], "nope.json: no such model"),
        (
            ["link", "explain", "police:NOPE", "courts:NOPE", "--warehouse", "w.duckdb"],
            "police:NOPE: no such person record",
        ),
        (["link", "review", "--warehouse", "w.duckdb"], "exactly one of --export"),
    ],
)
def test_mistakes_end_in_one_line(linked: tuple[Path, dict], args: list[str], message: str) -> None:
    root, _ = linked
    result = _cli(*args, cwd=root, ok=False)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_bad_review_row_is_named_by_file_row_and_column(linked: tuple[Path, dict]) -> None:
    root, _ = linked
    (root / "bad.csv").write_text(
        "record_id_l,record_id_r,decision\na,b,same\nc,d,maybe\n", encoding="utf-8"
    )
    result = _cli(
        "link", "review", "--warehouse", "w.duckdb", "--import", "bad.csv", cwd=root, ok=False
    )
    assert result.returncode == 1
    assert "bad.csv, row 2, column decision: 'maybe' is not same or different" in result.stderr
    decisions = Counter(
        r[0] for r in _query(root / "w.duckdb", "select decision from link_decision")
    )
    assert decisions["same"] <= 1  # nothing of the bad file was stored


def _truth_by_key(root: Path) -> dict[tuple[str, str], str]:
    """(agency, record key) -> true person, for keys that name one row only."""
    with (root / "c" / "truth" / "records.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    keys = Counter((r["agency"], r["record_key"]) for r in rows)
    return {
        (r["agency"], r["record_key"]): r["person_id"]
        for r in rows
        if keys[(r["agency"], r["record_key"])] == 1 and r["record_key"].strip()
    }


def test_evaluate_takes_a_cluster_file_keyed_by_agency_and_record_key(
    linked: tuple[Path, dict],
) -> None:
    root, _ = linked
    truth = _truth_by_key(root)
    # A sample: every other person's records, so that the scores come with intervals.
    chosen = sorted({p for p in truth.values()})[::2]
    with (root / "clusters.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["agency", "record_key", "person"])
        for (agency, key), person in sorted(truth.items()):
            if person in set(chosen):
                writer.writerow([agency, key, person])
    report = json.loads(
        _cli("link", "--warehouse", "w.duckdb", "--reuse-model", "--evaluate", "clusters.csv",
             "--json", cwd=root).stdout
    )  # fmt: skip
    evaluation = report["evaluation"]
    # The same scores, counted here from record_person and the labels.
    person_of = dict(_query(root / "w.duckdb", "select record_id, person_id from record_person"))
    labelled = {
        f"{a}:{k}": p for (a, k), p in truth.items() if p in set(chosen) and f"{a}:{k}" in person_of
    }
    pairs = lambda groups: sum(n * (n - 1) // 2 for n in groups.values())  # noqa: E731
    true_pairs = pairs(Counter(labelled.values()))
    made = pairs(Counter(person_of[r] for r in labelled))
    correct = pairs(Counter((person_of[r], p) for r, p in labelled.items()))
    assert (
        evaluation["true_pairs"],
        evaluation["predicted_pairs"],
        evaluation["correct_pairs"],
    ) == (
        true_pairs,
        made,
        correct,
    )
    assert evaluation["labels"] == "clusters" and evaluation["sample"] is True
    low, high = evaluation["intervals"]["pairwise_precision"]
    assert low <= evaluation["pairwise"]["precision"] <= high
    assert evaluation["intervals"]["method"] == "Wilson score, 95%"
    assert "courts|prosecution" in evaluation["by_agency_pair"]


def test_evaluate_takes_labelled_pairs_and_a_filled_in_review_export(
    linked: tuple[Path, dict],
) -> None:
    root, _ = linked
    truth = _truth_by_key(root)
    _cli("link", "review", "--warehouse", "w.duckdb", "--export", "sample.csv",
         "--low", "0.01", "--high", "1", "--limit", "200", cwd=root)  # fmt: skip
    with (root / "sample.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    decided = []
    for row in rows:
        a, b = (tuple(row[c].split(":", 1)) for c in ("record_id_l", "record_id_r"))
        if a in truth and b in truth:  # a reviewer who knows the truth
            row["decision"] = "same" if truth[a] == truth[b] else "different"
            decided.append(row)
    with (root / "filled.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(decided)
    report = json.loads(
        _cli("link", "--warehouse", "w.duckdb", "--reuse-model", "--evaluate", "filled.csv",
             "--json", cwd=root).stdout
    )  # fmt: skip
    evaluation = report["evaluation"]
    assert evaluation["labels"] == "pairs" and "bcubed" not in evaluation
    assert evaluation["true_pairs"] == sum(1 for r in decided if r["decision"] == "same")
    # the same pairs as agency/key columns give the same scores
    with (root / "pairs.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["agency_a", "key_a", "agency_b", "key_b", "label"])
        for row in decided:
            writer.writerow([*row["record_id_l"].split(":", 1), *row["record_id_r"].split(":", 1),
                             row["decision"]])  # fmt: skip
    again = json.loads(
        _cli("link", "--warehouse", "w.duckdb", "--reuse-model", "--evaluate", "pairs.csv",
             "--json", cwd=root).stdout
    )["evaluation"]  # fmt: skip
    assert again["pairwise"] == evaluation["pairwise"]
    # and the text report says which interval it gives
    text = _cli("link", "--warehouse", "w.duckdb", "--reuse-model", "--evaluate", "pairs.csv",
                cwd=root).stdout  # fmt: skip
    assert "Wilson score, 95%" in text and "By agency pair" in text


def test_a_rule_over_the_budget_is_split_with_a_warning_and_the_run_goes_on(
    linked: tuple[Path, dict],
) -> None:
    root, _ = linked
    result = _cli("link", "--warehouse", "w.duckdb", "--reuse-model",
                  "--max-pairs-per-record", "1", "--json", cwd=root)  # fmt: skip
    report = json.loads(result.stdout)
    actions = {r["rule"]: r["action"] for r in report["blocking_rules"]}
    over = [r for r in report["blocking_rules"] if r["pairs"] > report["records"]]
    assert over and all(actions[r["rule"]] in ("split", "refused") for r in over)
    assert all(r["action"] == "kept" for r in report["blocking_rules"] if r not in over)
    # One warning line per rule split or left out, on stderr, and no traceback.
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == len(over) == len(report["warnings"])
    assert "Traceback" not in result.stderr
    assert report["persons"] > 0
