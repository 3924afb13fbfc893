"""The points score on a synthetic cohort whose true probability of reoffending is known.

The expected values come from the generator's truth (tests/fixtures/synthetic_cohort.py):
the true probability's AUC is the ceiling, race has no effect once the record is known,
male sex raises the true risk (and sex is a group here, not a predictor), and the compared
decile score is a noisier function of the truth.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from fixtures.synthetic_cohort import make_cohort
from justicelink.app.risk import CohortFit, fit_cohort
from justicelink.errors import RiskModelError
from justicelink.risk.metrics import auc
from justicelink.risk.serialise import load_model, model_from_json, save_model

N = 20_000


@pytest.fixture(scope="module")
def fitted(tmp_path_factory: pytest.TempPathFactory) -> tuple[CohortFit, np.ndarray]:
    folder = tmp_path_factory.mktemp("cohort")
    cohort = make_cohort(N, seed=7)
    data = cohort.write(folder)
    fit = fit_cohort(data, folder / "cohort.yaml", folds=10, compare="decile_score")
    return fit, cohort.true_probability


def test_out_of_fold_auc_reaches_the_ceiling_and_is_calibrated(
    fitted: tuple[CohortFit, np.ndarray],
) -> None:
    fit, truth = fitted
    doc = fit.result.to_json()
    ceiling = auc(fit.cohort.table.outcome, truth)
    assert ceiling is not None
    assert abs(doc["auc"] - ceiling) <= 0.02, (doc["auc"], ceiling)
    assert doc["ece"] <= 0.02
    lo, hi = doc["auc_ci"]
    assert lo < doc["auc"] < hi and hi - lo < 0.03


def test_banding_beats_the_plain_logistic_model_on_non_linear_truth(
    fitted: tuple[CohortFit, np.ndarray],
) -> None:
    doc = fitted[0].result.to_json()
    assert doc["auc"] > doc["plain_logistic"]["auc"]


def test_the_noisier_instrument_is_validated_against_the_model(
    fitted: tuple[CohortFit, np.ndarray],
) -> None:
    compare = fitted[0].result.to_json()["compare"]
    assert compare["n"] == N and compare["rows_without_score"] == 0
    assert compare["instrument"]["flagged"] == compare["model_on_same_rows"]["flagged"]
    assert compare["auc_difference"]["model_minus_instrument"] > 0
    assert compare["auc_difference"]["p_value"] < 0.01


def test_calibration_in_the_large_by_group_shows_what_leaving_sex_out_costs(
    fitted: tuple[CohortFit, np.ndarray],
) -> None:
    by_group = fitted[0].result.to_json()["by_group"]
    # Race has no effect given the record: calibrated within each large group.
    for value in ("Group A", "Group B"):
        assert abs(by_group["race"][value]["calibration_in_the_large"]) < 0.02
    # Men truly reoffend more; a model without sex over-predicts for women.
    assert by_group["sex"]["Female"]["calibration_in_the_large"] < -0.03


def test_the_tradeoff_shows_equal_fpr_thresholds_closing_the_gap(
    fitted: tuple[CohortFit, np.ndarray],
) -> None:
    race = fitted[0].result.to_json()["fairness_tradeoff"]["race"]
    assert race["flags_reported"] == "single_threshold"
    assert race["single_threshold"]["fpr_gap"] > 0.05  # base rates differ: one threshold
    per_group = race["equal_fpr_thresholds"]["by_value"]
    assert abs(per_group["Group A"]["fpr"] - per_group["Group B"]["fpr"]) < 0.03
    thresholds = race["equal_fpr_thresholds"]["thresholds"]
    assert thresholds["Group A"] > thresholds["Group B"]  # the same risk, different decisions


def test_each_score_is_the_sum_of_its_terms(fitted: tuple[CohortFit, np.ndarray]) -> None:
    result = fitted[0].result
    model = result.model.points
    terms = model.terms(result.table)
    assert (terms.sum(axis=1) == model.score(result.table)).all()
    low, high = model.score_range()
    assert low == 0 and high > 40
    assert model.slope == pytest.approx(np.log(2) / 10, rel=0.15)


def test_the_saved_model_round_trips_and_carries_its_manifest(
    fitted: tuple[CohortFit, np.ndarray], tmp_path: Path
) -> None:
    result = fitted[0].result
    path = tmp_path / "model.json"
    save_model(result.model, path)
    again = load_model(path)
    table = result.table
    assert (again.points.score(table) == result.model.points.score(table)).all()
    assert np.allclose(again.points.probability(table), result.model.points.probability(table))
    manifest = json.loads(path.read_text(encoding="utf-8"))["manifest"]
    assert manifest["inputs"]["data"]["sha256"] == fitted[0].cohort.data_sha256
    assert manifest["rows"] == {"read": N, "used": N, "excluded_outcome_missing": 0}
    assert manifest["validation"]["folds"] == 10 and manifest["justicelink_version"]


def test_a_model_of_another_version_is_refused(fitted: tuple[CohortFit, np.ndarray]) -> None:
    doc = fitted[0].result.model.to_json()
    with pytest.raises(RiskModelError, match="format version 2"):
        model_from_json({**doc, "format_version": 2})
    with pytest.raises(RiskModelError, match="not a justicelink risk model"):
        model_from_json({"format": "something else"})


def test_own_splits_validate_on_the_tested_rows_only(tmp_path: Path) -> None:
    # A temporal validation as the warehouse path will run it: train on the earlier 60 %,
    # test on the later 40 %; the metrics speak for the tested rows alone.
    from justicelink.risk.cohort_file import read_cohort
    from justicelink.risk.fit import Provenance, fit_and_validate
    from justicelink.risk.validate import ValidationSettings, cross_validate

    make_cohort(3000, seed=5).write(tmp_path)
    table = read_cohort(tmp_path / "cohort.csv", tmp_path / "cohort.yaml").table
    earlier, later = np.arange(0, 1800), np.arange(1800, 3000)
    result = fit_and_validate(
        table,
        ValidationSettings(),
        Provenance(outcome="two_year_recid"),
        splits=[(earlier, later)],
        scheme="train on the earlier 60 %, test on the later 40 %",
    )
    doc = result.to_json()
    assert doc["n"] == 1200 and doc["folds"] == 1
    assert doc["flagging"]["flagged"] == 360  # 30 % of the tested rows
    assert sum(b["n"] for b in doc["calibration"]) == 1200
    assert doc["method"]["validation"].startswith("train on the earlier 60 %")
    assert doc["auc"] == pytest.approx(auc(table.outcome[later], result.oof.probability[later]))
    with pytest.raises(RiskModelError, match="test a row twice"):
        cross_validate(table, ValidationSettings(), splits=[(earlier, later), (earlier, later)])


def test_a_tiny_cohort_still_gives_strict_json(tmp_path: Path) -> None:
    # 60 people, a group value where everyone reoffended: rates without a denominator are
    # null, never NaN or Infinity.
    cohort = make_cohort(60, seed=9)
    for i in range(5):
        cohort.columns["race"][i] = "Group Z"
        cohort.columns["two_year_recid"][i] = "1"
    cohort.write(tmp_path)
    fit = fit_cohort(
        tmp_path / "cohort.csv",
        tmp_path / "cohort.yaml",
        folds=3,
        equalise_fpr="race",
        compare="decile_score",
    )
    text = json.dumps(fit.result.to_json(), allow_nan=False)
    assert json.loads(text)["by_group"]["race"]["Group Z"]["fpr"] is None
