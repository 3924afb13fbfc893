"""Measures on hand-built histories whose answers are worked out by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pytest

from justicelink.measures import MEASURES, compute, headline
from justicelink.measures.catalogue import (
    proven_reoffending_rate,
    unsentenced_share,
)
from justicelink.warehouse.port import open_warehouse

D = dt.date
INDEX = D(2020, 1, 1)


def _day(n: int) -> dt.date:
    return INDEX + dt.timedelta(days=n)


def _warehouse(
    tmp_path: Path, events: list[tuple[Any, ...]], incidents: list[tuple[Any, ...]] = ()
) -> Path:  # type: ignore[assignment]
    """A warehouse holding only the given case events (record = person, linked one to one)."""
    path = tmp_path / "w.duckdb"
    with open_warehouse(path) as w:
        w.ensure_schema()
    with duckdb.connect(str(path)) as con:
        people = sorted({e[0] for e in events})
        for p in people:
            con.execute(
                "INSERT INTO person_record (record_id, agency_id, sex, date_of_birth) "
                "VALUES (?, 'x', 'male', DATE '1990-06-15')",
                [p],
            )
            con.execute("INSERT INTO record_person (record_id, person_id) VALUES (?, ?)", [p, p])
        for i, (record, kind, day, outcome, status, offence_day, case_ref) in enumerate(events):
            con.execute(
                "INSERT INTO case_event (event_id, record_id, agency_id, event_type, "
                "event_date, outcome, legal_status, offence_date, case_ref) "
                "VALUES (?, ?, 'x', ?, ?, ?, ?, ?, ?)",
                [f"e{i}", record, kind, day, outcome, status, offence_day, case_ref],
            )
        for key, occurred in incidents:
            con.execute(
                "INSERT INTO incident (incident_id, agency_id, incident_key, recorded_date, "
                "occurred_date) VALUES (?, 'x', ?, ?, ?)",
                [f"x:{key}", key, occurred, occurred],
            )
    return path


def _reoffending(path: Path) -> dict[str, Any]:
    with open_warehouse(path, read_only=True) as w:
        rows = compute(w, [proven_reoffending_rate])[0].table.to_pylist()
    dims = ("sex", "age_band", "index_offence_section", "previous_offences")
    return next(
        r
        for r in rows
        if r["cohort_type"] == "annual"
        and r["cohort"] == "2020"
        and all(r[d] == "total" for d in dims)
    )


# (record, event type, date, outcome, legal status, offence date, case reference)
HISTORIES = [
    # A: offence on day 365, proven on day 548 -> a proven reoffence.
    ("A", "sentence", INDEX, "community", None, None, None),
    ("A", "court_disposal", _day(548), "convicted", None, _day(365), None),
    # B: offence on day 366 -> outside the follow-up year.
    ("B", "sentence", INDEX, "fine", None, None, None),
    ("B", "court_disposal", _day(400), "convicted", None, _day(366), None),
    # C: offence on day 100 but proven on day 549 -> after the waiting period.
    ("C", "sentence", INDEX, "suspended", None, None, None),
    ("C", "court_disposal", _day(549), "convicted", None, _day(100), None),
    # D: two qualifying events; the first (1 February) is the index: the offence 375 days
    # later does not count, though it lies within a year of the second (1 June).
    ("D", "caution", D(2020, 2, 1), None, None, None, "I-D1"),
    ("D", "sentence", D(2020, 6, 1), "community", None, None, None),
    ("D", "court_disposal", D(2021, 4, 1), "convicted", None, D(2021, 2, 10), None),
    # E: released from a sentence; a caution for an offence 111 days later is proven.
    ("E", "custody_end", D(2020, 5, 1), None, "sentenced", None, None),
    ("E", "caution", D(2020, 9, 1), None, None, None, "I-E1"),
    # F: released from remand only -> not in the cohort.
    ("F", "custody_end", D(2020, 3, 1), None, "remand", None, None),
    # G: an acquittal is not proven.
    ("G", "sentence", D(2020, 7, 1), "fine", None, None, None),
    ("G", "court_disposal", D(2020, 10, 1), "acquitted", None, D(2020, 8, 1), None),
    # An event late in 2022 makes the data reach 31 December 2022 (2020 + 12 + 6 months).
    ("Z", "arrest", D(2022, 12, 20), None, None, None, None),
]
INCIDENTS = [("I-D1", D(2020, 1, 20)), ("I-E1", D(2020, 8, 20))]


def test_proven_reoffending_follows_the_definition_day_by_day(tmp_path: Path) -> None:
    row = _reoffending(_warehouse(tmp_path, HISTORIES, INCIDENTS))
    # Cohort: A, B, C, D, E, G (F was on remand). Reoffenders: A (day 365 / 548) and E.
    assert (row["denominator"], row["numerator"]) == (6, 2)
    assert row["value"] == pytest.approx(2 / 6)
    assert row["reoffences"] == 2
    assert row["reoffences_per_reoffender"] == pytest.approx(1.0)


def test_a_cohort_whose_waiting_period_has_not_ended_is_not_published(tmp_path: Path) -> None:
    path = _warehouse(tmp_path, [e for e in HISTORIES if e[0] != "Z"], INCIDENTS)
    with open_warehouse(path, read_only=True) as w:
        rates = headline(compute(w, [proven_reoffending_rate]))["proven_reoffending_rate"]
    # Data end 31 December 2021: 2020's follow-up and waiting period end on 2 July 2022.
    assert "2020" not in rates


def test_census_counts_who_is_inside_at_the_end_of_31_december(tmp_path: Path) -> None:
    events = [
        # Remanded, then sentenced on the census day itself: held, sentenced.
        ("P", "custody_start", D(2020, 11, 1), None, "remand", None, None),
        ("P", "custody_end", D(2020, 12, 31), None, "remand", None, None),
        ("P", "custody_start", D(2020, 12, 31), None, "sentenced", None, None),
        # On remand since June: held, unsentenced.
        ("Q", "custody_start", D(2020, 6, 1), None, "remand", None, None),
        # Released on the census day: not held.
        ("R", "custody_start", D(2020, 2, 1), None, "sentenced", None, None),
        ("R", "custody_end", D(2020, 12, 31), None, "sentenced", None, None),
        # Received on 1 January: held in 2021 only.
        ("S", "custody_start", D(2021, 1, 1), None, "remand", None, None),
    ]
    with open_warehouse(_warehouse(tmp_path, events), read_only=True) as w:
        rows = compute(w, [unsentenced_share])[0].table.to_pylist()
    total = {r["year"]: r for r in rows if r["sex"] == "total"}
    assert (total[2020]["numerator"], total[2020]["denominator"]) == (1, 2)
    assert (total[2021]["numerator"], total[2021]["denominator"]) == (2, 3)


def test_measures_need_linked_persons(tmp_path: Path) -> None:
    from justicelink.errors import MeasureError

    path = tmp_path / "w.duckdb"
    with open_warehouse(path) as w:
        w.ensure_schema()
        with pytest.raises(MeasureError, match="run `justicelink link`"):
            compute(w)


def test_every_definition_is_complete_and_runs_on_spark_sql() -> None:
    for measure in MEASURES:
        for key, text in measure.definition().items():
            assert text.strip(), f"{measure.name}: empty {key}"
        assert measure.query().sql(dialect="spark")  # the same definition, another engine


def test_a_remand_spell_ends_at_its_discharge_from_remand(tmp_path: Path) -> None:
    from justicelink.measures.catalogue import pretrial_detention_days

    events = [
        # Remanded 10 January, convicted and sentenced on 1 March: 51 days on remand, even
        # though the sentenced reception is recorded the same day as the remand discharge.
        ("P", "custody_start", D(2020, 1, 10), None, "remand", None, None),
        ("P", "custody_start", D(2020, 3, 1), None, "sentenced", None, None),
        ("P", "custody_end", D(2020, 3, 1), None, "remand", None, None),
        # Remanded 1 June, released 11 June: 10 days.
        ("Q", "custody_start", D(2020, 6, 1), None, "remand", None, None),
        ("Q", "custody_end", D(2020, 6, 11), None, "remand", None, None),
        # Still on remand at the end of the data: no completed spell.
        ("R", "custody_start", D(2020, 12, 1), None, "remand", None, None),
    ]
    with open_warehouse(_warehouse(tmp_path, events), read_only=True) as w:
        rows = compute(w, [pretrial_detention_days])[0].table.to_pylist()
    total = next(r for r in rows if r["sex"] == "total" and r["age_group"] == "total")
    assert (total["year"], total["denominator"], total["value"]) == (2020, 2, (51 + 10) / 2)
