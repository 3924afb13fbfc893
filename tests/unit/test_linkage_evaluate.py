"""Linkage scores against examples worked out by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from justicelink.errors import TruthFileError
from justicelink.linkage.evaluate import (
    evaluate,
    evaluate_pairs,
    read_truth,
    true_persons,
    wilson,
)
from justicelink.linkage.labels import read_labels, resolve

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


# --- Labels a country can give (docs/linkage.md, "Judging the quality on your own data") --

AGENCY = {"a": "police", "b": "courts", "c": "courts", "d": "police", "e": "prisons"}


def test_scores_by_agency_pair_match_the_hand_count() -> None:
    # Truth {a b c} {d e}; predicted {a b} {c d e} (as above).
    # police-courts: true ab ac (2), predicted ab cd (2), correct ab (1).
    # courts-courts: true bc (1), predicted none. police-prisons: true de, predicted de.
    # courts-prisons: true none, predicted ce. police-police: none either way.
    result = evaluate(PREDICTED, TRUTH, agency_of=AGENCY)
    by_pair = {
        k: (v.true_pairs, v.predicted_pairs, v.correct_pairs)
        for k, v in result.by_agency_pair.items()
    }
    assert by_pair == {
        "courts|police": (2, 2, 1),
        "courts|courts": (1, 0, 0),
        "police|prisons": (1, 1, 1),
        "courts|prisons": (0, 1, 0),
    }
    assert result.by_agency_pair["courts|police"].pairwise.precision == pytest.approx(0.5)
    # The breakdown adds up to the whole.
    assert sum(v.correct_pairs for v in result.by_agency_pair.values()) == result.correct_pairs


def test_scores_by_tradition_keep_pairs_and_records_of_one_tradition() -> None:
    traditions = {
        "a": "vietnamese",
        "b": "vietnamese",
        "c": "vietnamese",
        "d": "pacific",
        "e": "pacific",
    }
    result = evaluate(PREDICTED, TRUTH, traditions=traditions)
    viet = result.by_tradition["vietnamese"]
    # Among a, b, c: true ab ac bc, predicted ab, correct ab.
    assert (viet.true_pairs, viet.predicted_pairs, viet.correct_pairs) == (3, 1, 1)
    # B-cubed over a, b, c, with their clusters cut to these records: precision 1 each;
    # recall a 2/3, b 2/3, c 1/3.
    assert viet.bcubed is not None
    assert viet.bcubed.precision == pytest.approx(1.0)
    assert viet.bcubed.recall == pytest.approx(5 / 9)


def test_wilson_intervals_match_the_published_worked_example() -> None:
    # Newcombe (1998), Statistics in Medicine 17:857, table I: 81 of 263 -> 0.2553-0.3662.
    low, high = wilson(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)
    assert wilson(0, 0) == (0.0, 1.0)
    assert wilson(10, 10)[1] == pytest.approx(1.0)


def test_labelled_pairs_give_pairwise_scores_with_intervals() -> None:
    pairs = [
        ("a", "b", True),  # linked, same: correct
        ("a", "c", True),  # not linked, same: missed
        ("c", "d", False),  # linked, different: a false link
        ("d", "e", True),  # linked, same: correct
        ("b", "e", False),  # not linked, different
        ("b", "a", True),  # the first pair again: counted once
    ]
    result = evaluate_pairs(PREDICTED, pairs, agency_of=AGENCY)
    assert (result.true_pairs, result.predicted_pairs, result.correct_pairs) == (3, 3, 2)
    assert result.pairwise.precision == pytest.approx(2 / 3)
    assert result.pairwise.recall == pytest.approx(2 / 3)
    assert result.bcubed is None and result.sample
    assert result.intervals["pairwise_precision"] == wilson(2, 3)
    assert result.as_dict()["intervals"]["method"] == "Wilson score, 95%"  # type: ignore[index]
    assert result.by_agency_pair["courts|police"].predicted_pairs == 2  # ab and cd


def test_a_cluster_file_a_pairs_file_and_a_review_export_are_read(tmp_path: Path) -> None:
    clusters = tmp_path / "clusters.csv"
    clusters.write_text(
        "agency,record_key,person,tradition\npolice,P1,X,filipino\ncourts,C-7,X,filipino\n"
        "police,P2,Y,\n",
        encoding="utf-8",
    )
    labels = read_labels(clusters)
    assert labels.kind == "clusters"
    assert labels.persons == {("police", "P1"): "X", ("courts", "C-7"): "X", ("police", "P2"): "Y"}
    ids = {("police", "P1"): "police:P1", ("courts", "C-7"): "courts:C-7"}
    persons, _, traditions, unknown = resolve(labels, ids)
    assert persons == {"police:P1": "X", "courts:C-7": "X"}
    assert traditions == {"police:P1": "filipino", "courts:C-7": "filipino"}
    assert unknown == 1

    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "agency_a,key_a,agency_b,key_b,label\npolice,P1,courts,C-7,same\n"
        "police,P1,police,P2,Different\n",
        encoding="utf-8",
    )
    assert read_labels(pairs).pairs == [
        (("police", "P1"), ("courts", "C-7"), True),
        (("police", "P1"), ("police", "P2"), False),
    ]
    review = tmp_path / "review.csv"
    review.write_text(
        "record_id_l,record_id_r,match_probability,decision,note\n"
        "police:P1,courts:C-7,0.81,same,\npolice:P1,police:P2,0.5,,\n",
        encoding="utf-8",
    )
    read = read_labels(review)
    assert (read.kind, read.rows) == ("pairs", 2)
    assert read.pairs == [(("police", "P1"), ("courts", "C-7"), True)]  # the undecided skipped


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("who,what\n1,2\n", "expected the columns agency, record_key, person"),
        ("agency_a,key_a,agency_b,key_b,label\np,1,c,2,maybe\n", "row 1: 'maybe' is not same"),
        ("agency,record_key,person\np,,X\n", "row 1: agency, record_key and person are needed"),
        ("record_id_l,record_id_r,decision\nP1,courts:2,same\n", "'P1' is not a record id"),
    ],
)
def test_a_malformed_labels_file_is_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "labels.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TruthFileError, match=message) as caught:
        read_labels(path)
    assert "\n" not in str(caught.value)
