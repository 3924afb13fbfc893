"""Truth check of the matching step, fast: generated cohorts with a known effect, 20 seeds.

The full check runs the whole pipeline on 20 synthetic countries (benchmarks/evaluation.py,
results in docs/benchmarks.md). Here the matching and estimation alone run on cohorts of
index events generated directly: referral depends on the record (previous offences, custody,
youth) and on a motivation that does not affect reoffending; reoffending depends on the
record; the programme adds a known amount to each participant's probability of reoffending.
The true effect on the participants is the mean of that amount over them (computed from the
probabilities, not from the estimator). Expected: the 95% interval covers it in at least 18
of 20 cohorts, the placebo (no effect) is significant in few, and the naive difference is
biased where the matched one is not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from justicelink.evaluation.analysis import Settings, analyse

SEEDS = range(20)


def _cohort(seed: int, effect: float) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    rng = np.random.default_rng(seed)
    n = 3000
    age = rng.integers(15, 60, n).astype(float)
    previous = rng.poisson(np.exp(rng.normal(0.3, 0.9, n)))
    custodial = rng.binomial(np.minimum(previous, 3), 0.2)
    young = age < 25
    base = 1 / (1 + np.exp(-(-1.8 + 0.5 * np.log1p(previous) + 0.5 * young + 0.4 * custodial)))
    motivation = rng.normal(size=n)
    referral = -3.2 + 0.9 * np.log1p(previous) + 0.6 * (custodial > 0) + 0.6 * young
    treated = rng.random(n) < 1 / (1 + np.exp(-(referral + 0.7 * motivation)))
    chance = np.clip(base + np.where(treated, effect, 0.0), 0, 1)
    reoffended = rng.random(n) < chance
    index = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D")
    frame = pd.DataFrame(
        {
            "person_id": [f"P{i}" for i in range(n)],
            "index_date": index,
            "first_offence": index - pd.to_timedelta(previous * 200, unit="D"),
            "age": age,
            "sex": np.where(rng.random(n) < 0.15, "female", "male"),
            "previous_offences": previous,
            "custodial_sentences": custodial,
            "index_offence_section": rng.choice(["01", "02", "05", "07"], n),
            "disposal": rng.choice(["caution", "non-custodial", "custody"], n),
            "area": rng.choice(["North", "South", "East"], n),
            "reoffences": reoffended * (1 + rng.poisson(0.4, n)),
            "first_reoffence": index + pd.to_timedelta(rng.integers(1, 365, n), unit="D"),
            "custodial_reoffences": reoffended * (rng.random(n) < 0.2),
        }
    )
    frame.loc[~reoffended, "first_reoffence"] = pd.NaT
    truth = float((chance[treated] - base[treated]).mean())
    return frame[treated].reset_index(drop=True), frame[~treated].reset_index(drop=True), truth


@dataclass(frozen=True)
class Run:
    """One cohort's true effect and what the evaluation said of it."""

    truth: float
    estimate: float
    low: float
    high: float
    p_value: float
    naive: float

    @property
    def covered(self) -> bool:
        return self.low <= self.truth <= self.high


@pytest.fixture(scope="module")
def runs() -> dict[float, list[Run]]:
    """The evaluation of a programme that lowers reoffending by 8 points, and of a placebo."""
    out: dict[float, list[Run]] = {}
    for effect in (-0.08, 0.0):
        out[effect] = []
        for seed in SEEDS:
            treated, pool, truth = _cohort(seed, effect)
            a = analyse(treated, pool, Settings())
            rate = a.estimates["proven_reoffending_rate"]
            naive = a.naive["proven_reoffending_rate"].difference
            out[effect].append(Run(truth, rate.difference, *rate.ci, rate.p_value, naive))
    return out


def test_the_interval_covers_the_true_effect_in_at_least_18_of_20(
    runs: dict[float, list[Run]],
) -> None:
    assert sum(r.covered for r in runs[-0.08]) >= 18


def test_a_placebo_is_rarely_significant(runs: dict[float, list[Run]]) -> None:
    # About 5% expected: 1 in 20; more than 3 would be a test that rejects too often.
    assert sum(r.p_value < 0.05 for r in runs[0.0]) <= 3
    assert sum(r.covered for r in runs[0.0]) >= 18


def test_the_naive_difference_is_biased_and_the_matched_one_is_not(
    runs: dict[float, list[Run]],
) -> None:
    rows = runs[-0.08]
    matched_bias = np.mean([r.estimate - r.truth for r in rows])
    naive_bias = np.mean([r.naive - r.truth for r in rows])
    # Participants have longer records, so they reoffend more whatever the programme does.
    assert naive_bias > 0.05
    assert abs(matched_bias) < 0.015


def test_a_risk_score_where_one_exists_is_matched_on() -> None:
    treated, pool, _ = _cohort(0, 0.0)
    scored_t = treated.assign(risk_score=treated["previous_offences"] * 0.1)
    scored_c = pool.assign(risk_score=pool["previous_offences"] * 0.1)
    features = {r.feature for r in analyse(scored_t, scored_c, Settings()).balance}
    assert "risk_score" in features
    # A score missing for some index events is not used at all.
    partial = scored_c.assign(risk_score=scored_c["risk_score"].where(scored_c.index > 0))
    features = {r.feature for r in analyse(scored_t, partial, Settings()).balance}
    assert "risk_score" not in features
