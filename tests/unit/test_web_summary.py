"""The person summary and durations, on hand-worked records."""

from __future__ import annotations

import datetime as dt

from justicelink.web.summary import age_on, summarise, years_and_months


def test_durations_read_in_years_and_months() -> None:
    assert years_and_months(1461) == "4 years"  # 4 x 365.25
    assert years_and_months(548) == "1 year 6 months"  # 18 x 30.44 = 547.9
    assert years_and_months(91) == "3 months"
    assert years_and_months(30) == "1 month"
    assert years_and_months(12) == "12 days"
    assert years_and_months(None) == ""


def test_age_counts_whole_years_to_the_birthday() -> None:
    assert age_on(dt.date(1990, 6, 15), dt.date(2026, 6, 14)) == 35
    assert age_on(dt.date(1990, 6, 15), dt.date(2026, 6, 15)) == 36


def test_the_summary_ranks_the_forms_the_records_give() -> None:
    records = [
        {"agency_id": "police", "full_name": "Muhammad Ali", "sex": "male",
         "date_of_birth": "1990-06-15", "dob_precision": "day"},
        {"agency_id": "courts", "full_name": "Mohd Ali", "sex": "male",
         "date_of_birth": "1990-01-01", "dob_precision": "year"},
        {"agency_id": "prisons", "full_name": "Muhammad Ali", "sex": None,
         "date_of_birth": None, "dob_precision": None},
    ]  # fmt: skip
    names = {"police": "National Police", "courts": "Judiciary", "prisons": "Prisons"}
    got = summarise(records, names, today=dt.date(2026, 12, 2))
    assert got.name == "Muhammad Ali" and got.names == ["Muhammad Ali", "Mohd Ali"]
    assert got.dates_of_birth == [("1990-06-15", "day"), ("1990-01-01", "year")]
    assert got.age == 36 and got.sex == ["male"]
    assert got.agencies == ["National Police", "Judiciary", "Prisons"]
