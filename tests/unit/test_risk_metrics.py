"""Risk metrics against examples worked by hand (and DeLong against a bootstrap)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from justicelink.risk.flags import (
    POOLED,
    apply_thresholds,
    equal_fpr_thresholds,
    top_share,
)
from justicelink.risk.metrics import (
    auc,
    auc_delong_ci,
    auc_difference,
    brier,
    delong_standard_error,
    error_rates,
    expected_calibration_error,
    reliability_table,
)

# Three reoffenders scored 0.8, 0.6, 0.4; two others scored 0.7, 0.3. Of the 6 pairs the
# reoffender is ranked higher in 4: (0.8, 0.7) (0.8, 0.3) (0.6, 0.3) (0.4, 0.3).
Y = [1, 1, 1, 0, 0]
S = [0.8, 0.6, 0.4, 0.7, 0.3]


def test_auc_of_a_tiny_set_by_hand() -> None:
    assert auc(Y, S) == pytest.approx(4 / 6)


def test_a_tie_counts_one_half() -> None:
    # pairs: (0.8, 0.5) 1, (0.8, 0.2) 1, (0.5, 0.5) 1/2, (0.5, 0.2) 1 -> 3.5 / 4
    assert auc([1, 1, 0, 0], [0.8, 0.5, 0.5, 0.2]) == pytest.approx(0.875)


def test_auc_is_undefined_with_one_outcome() -> None:
    assert auc([1, 1], [0.2, 0.3]) is None


def test_delong_variance_by_hand() -> None:
    # Placements: each reoffender's share of non-reoffenders below it: 1, 1/2, 1/2
    # (variance 1/12); each non-reoffender's share of reoffenders above it: 1/3, 1
    # (variance 2/9). Var(AUC) = (1/12) / 3 + (2/9) / 2 = 5/36.
    assert delong_standard_error(Y, S) == pytest.approx(math.sqrt(5 / 36))
    lo, hi = auc_delong_ci(Y, S) or (None, None)
    assert (lo, hi) == (0.0, 1.0)  # 2/3 ± 1.96 x 0.373, clipped


def test_delong_standard_error_agrees_with_a_bootstrap() -> None:
    rng = np.random.default_rng(4)
    y = (rng.random(1500) < 0.4).astype(int)
    score = y * 0.8 + rng.normal(0, 1, 1500)
    boot = []
    for _ in range(400):
        i = rng.integers(0, 1500, 1500)
        boot.append(auc(y[i], score[i]))
    assert delong_standard_error(y, score) == pytest.approx(np.std(boot), rel=0.15)


def test_paired_difference_of_a_score_with_itself_is_zero() -> None:
    d = auc_difference(Y, S, S)
    assert d.difference == 0 and d.p_value == 1.0


def test_brier_by_hand() -> None:
    assert brier([0, 1], [0.2, 0.9]) == pytest.approx((0.2**2 + 0.1**2) / 2)


def test_reliability_and_ece_by_hand() -> None:
    p = [0.05, 0.15, 0.15, 0.95]
    y = [0, 0, 1, 1]
    table = reliability_table(y, p)
    assert [(b.lower, b.upper, b.n) for b in table] == [(0.0, 0.1, 1), (0.1, 0.2, 2), (0.9, 1.0, 1)]
    assert table[1].observed == 0.5 and table[1].mean_predicted == pytest.approx(0.15)
    # (1 x 0.05 + 2 x |0.5 - 0.15| + 1 x 0.05) / 4
    assert expected_calibration_error(y, p) == pytest.approx(0.2)


def test_probability_one_falls_in_the_last_bin() -> None:
    assert [(b.lower, b.n) for b in reliability_table([1], [1.0])] == [(0.9, 1)]


def test_error_rates_by_hand() -> None:
    y = [1, 1, 1, 0, 0, 0, 0, 0]
    flagged = [1, 1, 0, 1, 0, 0, 0, 0]  # TP 2, FN 1, FP 1, TN 4
    r = error_rates(y, flagged)
    assert (r.fpr, r.fnr, r.ppv, r.npv, r.selection_rate) == pytest.approx(
        (1 / 5, 1 / 3, 2 / 3, 4 / 5, 3 / 8)
    )


def test_a_rate_without_denominator_is_none() -> None:
    assert error_rates([1, 1], [1, 0]).fpr is None


def test_top_share_flags_exactly_the_count_even_with_ties() -> None:
    score = np.array([3, 2, 2, 2, 2, 1])
    flagged = top_share(score, 3, seed=1)
    assert flagged.sum() == 3 and flagged[0] and not flagged[5]
    assert (top_share(score, 3, seed=1) == flagged).all()  # the same every run


def test_equal_fpr_thresholds_by_hand() -> None:
    # Group a's non-reoffenders are scored 0.1..0.8, group b's 0.5..0.85: to flag at most 1
    # in 4 of each (FPR 25 %), a's threshold sits just above 0.6 and b's just above 0.75.
    p = np.array([0.1, 0.3, 0.6, 0.8, 0.9, 0.5, 0.7, 0.75, 0.85, 0.95])
    y = np.array([0, 0, 0, 0, 1, 0, 0, 0, 0, 1], dtype=np.int8)
    g = np.array(["a"] * 5 + ["b"] * 5, dtype=object)
    t = equal_fpr_thresholds(p, y, g, fpr=0.25, min_rows=1)
    assert 0.6 < t["a"] <= 0.8 and 0.75 < t["b"] <= 0.85
    flagged = apply_thresholds(p, g, t)
    assert flagged.tolist() == [False, False, False, True, True, False, False, False, True, True]
    assert POOLED in t  # for values never seen in training


def test_equal_fpr_thresholds_hit_a_share() -> None:
    rng = np.random.default_rng(0)
    g = rng.choice(np.array(["a", "b"], dtype=object), 4000)
    y = (rng.random(4000) < np.where(g == "a", 0.5, 0.3)).astype(np.int8)
    p = np.clip(0.3 * y + rng.normal(np.where(g == "a", 0.45, 0.3), 0.15), 0, 1)
    t = equal_fpr_thresholds(p, y, g, share=0.3)
    flagged = apply_thresholds(p, g, t)
    assert flagged.mean() == pytest.approx(0.3, abs=0.005)
    fpr = [error_rates(y[g == v], flagged[g == v]).fpr for v in ("a", "b")]
    assert abs(fpr[0] - fpr[1]) < 0.01  # type: ignore[operator]
