"""The dashboard's honesty rules on hand-made published rows: a suppressed cell is shown as
suppressed (a sum over it too), never as zero and never dropped; counts are integers; what
the dashboard does not have is refused."""

from __future__ import annotations

import re
from typing import Any

import pytest

from justicelink.measures.catalogue import MEASURES
from justicelink.web.dashboard import (
    DashboardRequestError,
    check_request,
    choose_measure,
    rule,
    view,
)

HELD = next(m for m in MEASURES if m.name == "persons_held")


def _row(year: int, status: str, band: str, value: int | None) -> dict[str, Any]:
    return {
        "year": year,
        "legal_status": status,
        "sex": "total",
        "age_band": band,
        "value": value,
        "suppressed": value is None,
        "protection": "suppressed" if value is None else "",
    }


# Published rows as disclosure control leaves them (no age total): by hand, sentenced 2020
# is 30 + 10 = 40; unsentenced 2020 is 7 + a hidden cell, so its sum is unknown; 2021 has
# every cell published: sentenced 12 + 0 = 12, unsentenced 5 + 6 = 11.
ROWS = [
    _row(2020, "sentenced", "18-29", 30),
    _row(2020, "sentenced", "30-44", 10),
    _row(2020, "unsentenced", "18-29", 7),
    _row(2020, "unsentenced", "30-44", None),
    _row(2021, "sentenced", "18-29", 12),
    _row(2021, "sentenced", "30-44", 0),
    _row(2021, "unsentenced", "18-29", 5),
    _row(2021, "unsentenced", "30-44", 6),
]


def _points(svg: str) -> dict[str, str]:
    """Tooltip of each point: ``series, period`` -> the value text."""
    return dict(re.findall(r"<title>([^<:]+): ([^<]+)</title>", svg))


def test_a_sum_over_a_suppressed_cell_is_suppressed_not_smaller() -> None:
    shown = view(HELD, ROWS, {})
    assert _points(shown.chart) == {
        "sentenced, 2020": "40",
        "sentenced, 2021": "12",
        "unsentenced, 2020": "suppressed",
        "unsentenced, 2021": "11",
    }
    assert shown.suppressed == ["unsentenced, 2020"]
    labels = re.findall(r">([^<>]+)</text>", shown.chart)
    assert labels and not [t for t in labels if re.fullmatch(r"[\d,]+\.\d+", t)]  # 40, not 40.0


def test_a_suppressed_bar_says_so() -> None:
    shown = view(HELD, ROWS, {"year": "2020"})
    assert 'class="hidden">suppressed</text>' in shown.chart
    assert ">40</text>" in shown.chart and shown.suppressed == ["unsentenced"]


def test_the_table_keeps_suppressed_rows_marked_and_counts_integral() -> None:
    floats = [{**r, "value": float(r["value"])} if r["value"] is not None else r for r in ROWS]
    shown = view(HELD, floats, {"year": "2020"})
    cells = {tuple(c[:4]): (c[4], hidden) for c, hidden in shown.rows}
    assert cells[("2020", "unsentenced", "total", "30-44")] == (None, True)
    value, hidden = cells[("2020", "sentenced", "total", "18-29")]
    assert (value, type(value), hidden) == (30, int, False)


def test_what_the_dashboard_does_not_have_is_refused() -> None:
    with pytest.raises(DashboardRequestError, match="no measure 'persons_hold'"):
        choose_measure(MEASURES, "persons_hold")
    with pytest.raises(DashboardRequestError, match="unknown parameter 'mesure'"):
        check_request(HELD, ROWS, {"measure": "persons_held", "mesure": "x"})
    with pytest.raises(DashboardRequestError, match="no year '1999'; it has: 2020, 2021"):
        check_request(HELD, ROWS, {"year": "1999"})
    with pytest.raises(DashboardRequestError, match="no cohort period"):
        check_request(HELD, ROWS, {"quarter": "Q1"})
    chosen, ignored = check_request(HELD, ROWS, {"year": "2021", "section": "01"})
    assert (chosen, ignored) == ({"year": "2021"}, ["section"])


def test_the_rule_names_the_threshold() -> None:
    assert "1 to 4 persons" in rule(5) and "complementary" in rule(5)
