"""Bands: every row lands in exactly one band, bands are full enough, labels read right."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from justicelink.risk.bands import Banding, BandSettings, fit_banding
from justicelink.risk.table import Predictor, PredictorKind, Unit


def _numbers(values: list[float | None]) -> Predictor:
    x = np.asarray([np.nan if v is None else v for v in values], dtype=np.float64)
    return Predictor("x", PredictorKind.NUMBER, x)


def test_a_rare_count_still_gets_its_own_bands() -> None:
    # 92 % zeros: quantile cuts alone would put everyone in one band.
    values = [0.0] * 920 + [1.0] * 50 + [2.0] * 20 + [5.0] * 10
    banding = fit_banding(_numbers(values), np.arange(1000), BandSettings(min_rows=20))
    assert banding.labels() == ["0", "1", "≥ 2", "missing"]


def test_missing_values_get_the_last_band_and_unseen_categories_other() -> None:
    p = Predictor("c", PredictorKind.CATEGORY, np.asarray(["a"] * 30 + ["b"] * 2 + [None], object))
    banding = fit_banding(p, np.arange(33), BandSettings(min_rows=5, min_share=0))
    assert banding.labels() == ["a", "other", "missing"]
    assert banding.assign(np.asarray(["a", "b", "zzz", None], object)).tolist() == [0, 1, 1, 2]


def test_calendar_and_day_labels() -> None:
    calendar = Banding("d", PredictorKind.DATE, Unit.CALENDAR, edges=(15_706.0,))
    assert calendar.labels() == ["before 2013-01-01", "from 2013-01-01", "missing"]
    days = Banding("d", PredictorKind.DATE, Unit.DAYS, edges=(0.5, 2.0))
    assert days.labels() == ["< 0.5 days", "0.5 to < 2 days", "≥ 2 days", "missing"]


def test_banding_round_trips_through_json() -> None:
    banding = fit_banding(_numbers([float(v) for v in range(100)]), np.arange(100), BandSettings())
    again = Banding.from_json("x", banding.to_json())
    assert again == banding


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(
        st.one_of(st.none(), st.integers(-5, 60).map(float), st.floats(-1e4, 1e4)),
        min_size=1,
        max_size=400,
    ),
    max_bands=st.integers(2, 12),
    min_rows=st.integers(1, 40),
)
def test_bands_partition_the_rows_and_respect_the_limits(
    values: list[float | None], max_bands: int, min_rows: int
) -> None:
    predictor = _numbers(values)
    rows = np.arange(len(values))
    banding = fit_banding(predictor, rows, BandSettings(max_bands, 0.0, min_rows))
    bands = banding.assign(predictor.values)
    assert len(banding.labels()) == banding.n_bands
    assert ((bands >= 0) & (bands < banding.n_bands)).all()
    missing = np.isnan(np.asarray(predictor.values, dtype=float))
    assert (bands[missing] == banding.missing_band).all()
    counts = np.bincount(bands[~missing], minlength=banding.n_bands - 1)
    assert banding.n_bands - 1 <= max_bands
    if banding.n_bands > 2:  # more than one value band: each holds min_rows
        assert counts.min() >= min_rows
