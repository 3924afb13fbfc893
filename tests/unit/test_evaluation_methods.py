"""The evaluation's statistics, each against a hand-worked example or a textbook formula."""

from __future__ import annotations

import datetime as dt
import math
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest

from justicelink.errors import EvaluationError
from justicelink.evaluation import parse_participants
from justicelink.evaluation.balance import balance
from justicelink.evaluation.design import DUPLICATE, INCOMPLETE, NO_INDEX_EVENT, TOO_LATE, choose
from justicelink.evaluation.matching import match, odds_weights
from justicelink.evaluation.outcomes import (
    Estimate,
    difference,
    e_value,
    maryland,
    minimum_detectable_reduction,
)


def test_difference_with_a_robust_standard_error_by_hand() -> None:
    # Means 0.75 and 0.25; HC1: n/(n-k) * (sum e_t^2 / n_t^2 + sum e_c^2 / n_c^2)
    # = 8/6 * (0.75/16 + 0.75/16) = 0.125, so the standard error is sqrt(0.125).
    e = difference(np.array([1.0, 0, 1, 1]), np.ones(4), np.array([0.0, 0, 1, 0]), np.ones(4))
    se = math.sqrt(0.125)
    assert e.difference == pytest.approx(0.5)
    assert e.standard_error == pytest.approx(se)
    assert e.ci == pytest.approx((0.5 - 1.959964 * se, 0.5 + 1.959964 * se), abs=1e-5)
    assert e.p_value == pytest.approx(2 * (1 - NormalDist().cdf(0.5 / se)), abs=1e-6)


def test_a_comparison_used_twice_counts_twice() -> None:
    # Weight 2 on one comparison is the same as that comparison listed twice.
    twice = difference(np.array([1.0, 0]), np.ones(2), np.array([1.0, 0, 0]), np.ones(3))
    weighted = difference(np.array([1.0, 0]), np.ones(2), np.array([1.0, 0]), np.array([1, 2.0]))
    assert weighted.comparison == pytest.approx(twice.comparison) == pytest.approx(1 / 3)
    assert weighted.difference == pytest.approx(twice.difference)


def test_minimum_detectable_reduction_follows_cohens_h() -> None:
    # Two groups of 100, comparison rate 30%: h = (z_.975 + z_.8) * sqrt(2 / 100).
    z = NormalDist().inv_cdf(0.975) + NormalDist().inv_cdf(0.8)
    h = z * math.sqrt(2 / 100)
    expected = 0.3 - math.sin(math.asin(math.sqrt(0.3)) - h / 2) ** 2
    assert minimum_detectable_reduction(0.3, 100, 100) == pytest.approx(expected, abs=1e-4)
    assert minimum_detectable_reduction(0.0, 100, 100) is None


def test_e_value_by_hand() -> None:
    # Rates 0.2 against 0.4: risk ratio 0.5, inverted 2, E = 2 + sqrt(2 * 1).
    e = Estimate(0.2, 0.4, -0.2, (-0.3, -0.1), 0.001, 0.05)
    point, limit = e_value(e)
    assert point == pytest.approx(2 + math.sqrt(2), abs=1e-3)
    # The limit nearer no effect: -0.1, a risk ratio of 0.75, inverted 4/3.
    assert limit == pytest.approx(4 / 3 + math.sqrt(4 / 3 * (1 / 3)), abs=1e-3)
    across = Estimate(0.2, 0.4, -0.2, (-0.3, 0.05), 0.2, 0.1)
    assert e_value(across)[1] == 1.0


def test_maryland_levels() -> None:
    assert maryland(100, 60, balanced=True).level == 3
    assert maryland(100, 60, balanced=False).level == 2
    assert maryland(59, 60, balanced=True).level == 0


def test_matching_with_replacement_and_a_caliper_by_hand() -> None:
    score_t = np.array([0.5, 0.5, 0.99])
    score_c = np.array([0.49, 0.51, 0.2, 0.9])
    m = match(score_t, score_c, caliper_sd=0.2, max_matches=2)
    # The first two participants share the two nearest comparisons, half each, twice over;
    # the third lies above every comparison score: outside the common support.
    assert m.matched.tolist() == [True, True, False]
    assert m.outside_support.tolist() == [False, False, True]
    assert m.weights.tolist() == pytest.approx([1.0, 1.0, 0.0, 0.0])
    w_t, w_c = odds_weights(score_t, score_c)
    assert w_t.tolist() == [1.0, 1.0, 0.0]
    # The common support runs from the lowest participant's score (0.5) to the highest
    # comparison's (0.9): comparisons below it take no weight.
    odds = np.array([0.0, 0.51 / 0.49, 0.0, 9.0])
    assert w_c == pytest.approx(odds / odds.sum() * 2)


def test_standardised_mean_difference_by_hand() -> None:
    frame = pd.DataFrame(
        {
            "age": [20.0, 30.0, 20.0, 40.0],
            "previous_offences": [1.0, 3.0, 1.0, 1.0],
            "custodial_sentences": [0.0] * 4,
            "years_since_first_offence": [1.0] * 4,
            "index_year": [2020.0] * 4,
            "sex": ["male"] * 4,
            "age_band": ["x"] * 4,
            "index_offence_section": ["01"] * 4,
            "disposal": ["custody"] * 4,
            "previous_band": ["1-2"] * 4,
            "area": ["a", "a", "b", "a"],
        }
    )
    rows = {
        r.feature: r
        for r in balance(frame.iloc[:2], frame.iloc[2:], np.ones(2), np.array([1.0, 0.0]))
    }
    # Age: means 25 and 30, variances 50 and 200: (25 - 30) / sqrt(125).
    assert rows["age"].smd_before == pytest.approx(-5 / math.sqrt(125), abs=1e-4)
    # After weighting the pool is its first row (age 20): (25 - 20) / sqrt(125).
    assert rows["age"].smd_after == pytest.approx(5 / math.sqrt(125), abs=1e-4)
    assert rows["area = a"].participants_count == 2


def _events() -> pd.DataFrame:
    day = pd.Timestamp
    rows = [
        ("A", "e1", day("2020-01-10")),
        ("A", "e2", day("2020-06-01")),
        ("B", "e3", day("2019-01-01")),
        ("C", "e4", day("2022-12-01")),
        ("D", "e5", day("2020-03-01")),
        ("E", "e6", day("2020-04-01")),
    ]
    frame = pd.DataFrame(rows, columns=["person_id", "event_id", "index_date"])
    return frame.assign(first_offence=frame["index_date"])


def test_the_index_date_rule_and_who_is_left_out() -> None:
    text = (
        "agency,record_key,start_date\n"
        "ngo,1,2020-02-01\n"  # A: first event on or after the start is e2
        "ngo,2,2020-01-01\n"  # B: only an earlier event
        "ngo,3,2020-01-01\n"  # C: event too late for a complete follow-up
        "ngo,4,2020-01-10\n"  # A again, earlier: this row counts, row 2 does not
        "ngo,5,2010-01-01\n"  # D: an event ten years after the start
        "ngo,6,\n"  # no start
        "ngo,7,2020-01-01\n"  # not linked
    )
    rows = parse_participants(text)
    persons = {2: "A", 3: "B", 4: "C", 5: "A", 6: "D"}
    design = choose(
        _events(),
        rows,
        persons,
        {8: "the record is not linked to a person"},
        last_complete=dt.date(2022, 7, 1),
        max_gap_days=1096,
    )
    assert design.participants[["row", "event_id"]].values.tolist() == [[5, "e1"]]
    reasons = {x.row: x.reason for x in design.left_out}
    assert reasons == {
        2: DUPLICATE,
        3: NO_INDEX_EVENT,
        4: INCOMPLETE,
        6: TOO_LATE,
        7: "missing start_date",
        8: "the record is not linked to a person",
    }
    # The pool: other people's events in the participants' period (2020-01-10 only).
    assert design.pool["event_id"].tolist() == []


def test_the_participant_file_shapes() -> None:
    by_person = parse_participants("person_id,start_date,extra\nP1,2020-01-02,x\nP2,02/01/2020,y\n")
    assert by_person[0].person_id == "P1"
    assert by_person[0].start_date == dt.date(2020, 1, 2)
    assert by_person[1].problem == "start_date '02/01/2020' is not a date (YYYY-MM-DD)"
    with pytest.raises(EvaluationError, match="header must name"):
        parse_participants("name,start\nx,2020-01-01\n")
    with pytest.raises(EvaluationError, match="no participant rows"):
        parse_participants("person_id,start_date\n")
