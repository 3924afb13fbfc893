"""Linkage scores against examples worked out by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from justicelink.errors import TruthFileError
from justicelink.linkage.evaluate import evaluate, read_truth, true_persons

# Truth: {a, b, c} is one person, {d, e} another. Predicted: {a, b} and {c, d, e}.
TRUTH = {"a": "T1", "b": "T1", "c": "T1", "d": "T2", "e": "T2"}
PREDICTED = {"a": "X", "b": "X", "c": "Y", "d": "Y", "e": "Y"}


def test_pairwise_scores_match_the_hand_count() -> None:
    # True pairs ab ac bc de (4); predicted ab cd ce de (4); correct ab de (2).
    result = evaluate(PREDICTED, TRUTH)
    assert (result.true_pairs, result.predicted_pairs, result.correct_pairs) == (4, 4, 2)
    assert result.pairwise.precision == pytest.approx(0.5)
    assert result.pairwise.recall == pytest.approx(0.5)
    assert result.pairwise.f1 == pytest.approx(0.5)


def test_bcubed_scores_match_the_hand_count() -> None:
    # Precision per record: a 1, b 1, c 1/3, d 2/3, e 2/3 -> 11/15.
    # Recall per record: a 2/3, b 2/3, c 1/3, d 1, e 1 -> 11/15.
    result = evaluate(PREDICTED, TRUTH)
    assert result.bcubed.precision == pytest.approx(11 / 15)
    assert result.bcubed.recall == pytest.approx(11 / 15)


def test_a_perfect_linkage_scores_one_and_all_singletons_score_zero_recall() -> None:
    perfect = evaluate(TRUTH, TRUTH)
    assert (perfect.pairwise.f1, perfect.bcubed.f1) == (1.0, 1.0)
    alone = evaluate({r: r for r in TRUTH}, TRUTH)
    assert alone.pairwise.recall == 0.0
    assert alone.bcubed.precision == 1.0
    assert alone.bcubed.recall == pytest.approx((1 / 3 * 3 + 1 / 2 * 2) / 5)


def test_records_unknown_to_the_truth_are_counted_not_scored() -> None:
    result = evaluate({**PREDICTED, "z": "X"}, TRUTH)
    assert result.missing_from_truth == 1
    assert result.records == 5


def test_truth_is_keyed_by_the_loaded_row_not_the_record_key(tmp_path: Path) -> None:
    # Two rows share the key K1 (a planted duplicate); only row 2 was loaded.
    (tmp_path / "records.csv").write_text(
        "agency,record_key,person_id,source_file,source_row\n"
        "police,K1,P1,police/persons.csv,1\n"
        "police,K1,P2,police/persons.csv,2\n",
        encoding="utf-8",
    )
    truth = read_truth(tmp_path)
    assert true_persons(truth, {"police:K1": ("police/persons.csv", 2)}) == {"police:K1": "P2"}


def test_a_truth_file_without_its_columns_is_refused(tmp_path: Path) -> None:
    (tmp_path / "records.csv").write_text("agency,person_id\npolice,P1\n", encoding="utf-8")
    with pytest.raises(TruthFileError, match=r"records\.csv: needs the columns"):
        read_truth(tmp_path)
