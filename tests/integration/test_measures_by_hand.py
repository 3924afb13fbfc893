"""Measures on hand-built histories whose answers are worked out by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
import sqlglot.expressions as exp

from justicelink.disclosure import protect
from justicelink.measures import MEASURES, compute
from justicelink.measures.catalogue import (
    pretrial_detention_days,
    proven_reoffending_rate,
    proven_reoffending_rate_calendar_year,
    unsentenced_share,
)
from justicelink.measures.compile import compile_measure
from justicelink.publication import headline
from justicelink.warehouse.port import Warehouse, open_warehouse

D = dt.date
INDEX = D(2020, 1, 1)


def _day(n: int) -> dt.date:
    return INDEX + dt.timedelta(days=n)


def _insert(w: Warehouse, table: str, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    w.register("_rows", pa.Table.from_pylist(list(rows)))
    columns = list(rows[0])
    w.execute(exp.insert(exp.select(*columns).from_("_rows"), table, columns=columns))
    w.unregister("_rows")


def _warehouse(
    tmp_path: Path,
    events: list[tuple[Any, ...]],
    incidents: Sequence[tuple[Any, ...]] = (),
    people: dict[str, dict[str, Any]] | None = None,
) -> Path:
    """A warehouse holding the given case events; each record is its own linked person."""
    path = tmp_path / "w.duckdb"
    records = sorted({e[0] for e in events})
    given = people or {}
    with open_warehouse(path) as w:
        w.ensure_schema()
        _insert(
            w,
            "person_record",
            [
                {
                    "record_id": r,
                    "agency_id": "x",
                    "sex": given.get(r, {}).get("sex", "male"),
                    "date_of_birth": given.get(r, {}).get("dob", D(1990, 6, 15)),
                    "dob_precision": "day",
                }
                for r in records
            ],
        )
        _insert(w, "record_person", [{"record_id": r, "person_id": r} for r in records])
        _insert(
            w,
            "case_event",
            [
                {
                    "event_id": f"e{i:03d}",
                    "record_id": record,
                    "agency_id": "x",
                    "event_type": kind,
                    "event_date": day,
                    "outcome": outcome,
                    "legal_status": status,
                    "offence_date": offence_day,
                    "case_ref": case_ref,
                    "iccs_code": iccs,
                }
                for i, (record, kind, day, outcome, status, offence_day, case_ref, *rest) in (
                    enumerate(events)
                )
                for iccs in [rest[0] if rest else None]
            ],
        )
        _insert(
            w,
            "incident",
            [
                {
                    "incident_id": f"x:{key}",
                    "agency_id": "x",
                    "incident_key": key,
                    "recorded_date": recorded,
                    "occurred_date": occurred,
                }
                for key, occurred, recorded in (
                    (i[0], i[1], i[2] if len(i) > 2 else i[1]) for i in incidents
                )
            ],
        )
    return path


def _rows(path: Path, measure: Any) -> list[dict[str, Any]]:
    with open_warehouse(path, read_only=True) as w:
        rows: list[dict[str, Any]] = compute(w, [measure])[0].table.to_pylist()
    return rows


def _annual_total(rows: list[dict[str, Any]], cohort: int, group: str = "total") -> dict[str, Any]:
    dims = ("sex", "age_band", "index_offence_section", "previous_offences")
    return next(
        r
        for r in rows
        if r["quarter"] in ("annual", "year")
        and r["cohort"] == cohort
        and r["age_group"] == group
        and all(r[d] == "total" for d in dims)
    )


# (record, event type, date, outcome, legal status, offence date, case reference)
HISTORIES = [
    # A: convicted 1 January, community sentence 20 January: the index date is the conviction.
    # Offence on day 365 after the conviction, proven on day 548 -> a proven reoffence.
    ("A", "court_disposal", INDEX, "convicted", None, D(2019, 11, 1), "CA"),
    ("A", "sentence", D(2020, 1, 20), "community", None, D(2019, 11, 1), "CA"),
    ("A", "court_disposal", _day(548), "convicted", None, _day(365), "CA2"),
    # B: offence on day 366 -> outside the follow-up year.
    ("B", "sentence", INDEX, "fine", None, None, None),
    ("B", "court_disposal", _day(400), "convicted", None, _day(366), None),
    # C: offence on day 100 but proven on day 549 -> after the waiting period.
    ("C", "sentence", INDEX, "suspended", None, None, None),
    ("C", "court_disposal", _day(549), "convicted", None, _day(100), None),
    # D: two index events in Q1 (1 February) and Q2 (1 June): D is in both 3-month cohorts,
    # so twice in the pooled annual figure. The offence on 10 February 2021 is 375 days after
    # 1 February (not a reoffence for Q1) and 254 after 1 June (a reoffence for Q2).
    ("D", "caution", D(2020, 2, 1), None, None, None, "I-D1"),
    ("D", "sentence", D(2020, 6, 1), "community", None, None, None),
    ("D", "court_disposal", D(2021, 4, 1), "convicted", None, D(2021, 2, 10), None),
    # E: released from a sentence; a caution for an offence 111 days later is proven.
    ("E", "custody_end", D(2020, 5, 1), None, "sentenced", None, None),
    ("E", "caution", D(2020, 9, 1), None, None, None, "I-E1"),
    # F: released from remand only -> not in any cohort.
    ("F", "custody_end", D(2020, 3, 1), None, "remand", None, None),
    # G: an acquittal is not proven.
    ("G", "sentence", D(2020, 7, 1), "fine", None, None, None),
    ("G", "court_disposal", D(2020, 10, 1), "acquitted", None, D(2020, 8, 1), None),
    # An event late in 2022 makes the data reach 31 December 2022 (2020 + 12 + 6 months).
    ("Z", "arrest", D(2022, 12, 20), None, None, None, None),
]
INCIDENTS = [("I-D1", D(2020, 1, 20)), ("I-E1", D(2020, 8, 20))]


def test_proven_reoffending_pools_four_three_month_cohorts(tmp_path: Path) -> None:
    rows = _rows(_warehouse(tmp_path, HISTORIES, INCIDENTS), proven_reoffending_rate)
    row = _annual_total(rows, 2020)
    # Q1: A, B, C (1 Jan), D (1 Feb). Q2: D (1 Jun), E (1 May). Q3: G (1 Jul) (E's caution
    # on 1 Sep is its second event, a new Q3 index event for E). Reoffenders: A (Q1),
    # D in Q2, E in Q2 (the caution's offence on 20 Aug is 111 days after 1 May).
    # E's Q3 index event, the caution of 1 Sep, has no later offence.
    quarters = {
        r["quarter"]: r
        for r in rows
        if r["cohort"] == 2020
        and r["age_group"] == "total"
        and all(
            r[d] == "total"
            for d in ("sex", "age_band", "index_offence_section", "previous_offences")
        )
    }
    assert (quarters["Q1"]["numerator"], quarters["Q1"]["denominator"]) == (1, 4)
    assert (quarters["Q2"]["numerator"], quarters["Q2"]["denominator"]) == (2, 2)
    assert (quarters["Q3"]["numerator"], quarters["Q3"]["denominator"]) == (0, 2)
    assert (row["numerator"], row["denominator"]) == (3, 8)
    assert row["value"] == pytest.approx(3 / 8)
    assert row["reoffences"] == 3


def test_the_calendar_year_alternative_counts_each_person_once(tmp_path: Path) -> None:
    rows = _rows(_warehouse(tmp_path, HISTORIES, INCIDENTS), proven_reoffending_rate_calendar_year)
    row = _annual_total(rows, 2020)
    # A, B, C, D (1 Feb), E (1 May), G: reoffenders A and E (D's offence is 375 days after).
    assert (row["numerator"], row["denominator"]) == (2, 6)


def test_previous_offences_are_those_proven_before_the_index_offence(tmp_path: Path) -> None:
    events = [
        # Two earlier convictions, then a conviction (1 March) with a fine (1 April): the
        # index date is the conviction, and the count excludes the index offence itself.
        ("P", "court_disposal", D(2019, 3, 1), "convicted", None, D(2019, 1, 1), "C1"),
        ("P", "court_disposal", D(2019, 6, 1), "convicted", None, D(2019, 5, 1), "C2"),
        ("P", "court_disposal", D(2020, 3, 1), "convicted", None, D(2020, 1, 1), "C3"),
        ("P", "sentence", D(2020, 4, 1), "fine", None, D(2020, 1, 1), "C3"),
        ("Z", "arrest", D(2022, 12, 20), None, None, None, None),
    ]
    rows = _rows(_warehouse(tmp_path, events), proven_reoffending_rate)
    by_band = {
        r["previous_offences"]: r["denominator"]
        for r in rows
        if r["cohort"] == 2020 and r["quarter"] == "Q1" and r["previous_offences"] != "total"
    }
    assert by_band == {"1-2": 1}


def test_same_day_index_events_are_ordered_by_iccs_then_event_id(tmp_path: Path) -> None:
    events = [
        # Two cautions on one day: the one whose offence comes first in ICCS (01 before 07)
        # is the index offence, whatever order the rows arrive in.
        ("Q", "caution", D(2020, 2, 1), None, None, None, None, "0701"),
        ("Q", "caution", D(2020, 2, 1), None, None, None, None, "0101"),
        ("Z", "arrest", D(2022, 12, 20), None, None, None, None),
    ]
    path = _warehouse(tmp_path, events)
    with open_warehouse(path) as w:
        _insert(
            w,
            "iccs_category",
            [
                {"code": "0101", "level": 2, "level1_code": "01", "level2_code": "0101"},
                {"code": "0701", "level": 2, "level1_code": "07", "level2_code": "0701"},
            ],
        )
    rows = _rows(path, proven_reoffending_rate)
    sections = {
        r["index_offence_section"]
        for r in rows
        if r["quarter"] == "Q1" and r["index_offence_section"] != "total"
    }
    assert sections == {"01"}


def test_adults_and_juveniles_are_apart(tmp_path: Path) -> None:
    people = {"Y": {"dob": D(2004, 6, 1)}}  # 15 on the index date
    events = [
        ("Y", "caution", D(2020, 2, 1), None, None, None, None),
        ("A", "caution", D(2020, 2, 1), None, None, None, None),
        ("Z", "arrest", D(2022, 12, 20), None, None, None, None),
    ]
    rows = _rows(_warehouse(tmp_path, events, people=people), proven_reoffending_rate)
    assert _annual_total(rows, 2020, "juvenile")["denominator"] == 1
    assert _annual_total(rows, 2020, "adult")["denominator"] == 1


def test_a_cohort_whose_waiting_period_has_not_ended_is_not_published(tmp_path: Path) -> None:
    path = _warehouse(tmp_path, [e for e in HISTORIES if e[0] != "Z"], INCIDENTS)
    with open_warehouse(path, read_only=True) as w:
        tables = protect(compute(w, [proven_reoffending_rate]), method="none").tables
    # Data end 31 December 2021: 2020's follow-up and waiting period end on 2 July 2022.
    assert "2020" not in headline(tables).figures["proven_reoffending_rate"]


def _census(path: Path) -> dict[int, dict[str, Any]]:
    rows = _rows(path, unsentenced_share)
    return {r["year"]: r for r in rows if r["sex"] == "total"}


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
    total = _census(_warehouse(tmp_path, events))
    assert (total[2020]["numerator"], total[2020]["denominator"]) == (1, 2)
    assert (total[2021]["numerator"], total[2021]["denominator"]) == (2, 3)


def test_a_remand_ending_during_a_sentence_leaves_the_person_sentenced(tmp_path: Path) -> None:
    events = [
        # Serving a sentence since March; remanded on a second charge in June, the remand
        # ends in November: still held, and sentenced, on 31 December.
        ("P", "custody_start", D(2020, 3, 1), None, "sentenced", None, None),
        ("P", "custody_start", D(2020, 6, 1), None, "remand", None, None),
        ("P", "custody_end", D(2020, 11, 1), None, "remand", None, None),
        # Serving a sentence and remanded on another charge: sentenced, though the last
        # reception was a remand.
        ("Q", "custody_start", D(2020, 2, 1), None, "sentenced", None, None),
        ("Q", "custody_start", D(2020, 12, 1), None, "remand", None, None),
    ]
    total = _census(_warehouse(tmp_path, events))
    assert (total[2020]["numerator"], total[2020]["denominator"]) == (0, 2)


def test_a_person_of_unknown_sex_counts_once_in_the_total(tmp_path: Path) -> None:
    people = {"U": {"sex": None}}
    events = [
        ("M", "custody_start", D(2018, 6, 1), None, "remand", None, None),
        ("U", "custody_start", D(2018, 6, 1), None, "remand", None, None),
    ]
    rows = [
        r
        for r in _rows(_warehouse(tmp_path, events, people=people), unsentenced_share)
        if r["year"] == 2018
    ]
    assert sorted((r["sex"], r["denominator"]) for r in rows) == [
        ("male", 1),
        ("total", 2),
        ("unknown", 1),
    ]
    assert [r["value"] for r in rows if r["sex"] == "total"] == [1.0]


def test_measures_need_linked_persons(tmp_path: Path) -> None:
    from justicelink.errors import MeasureError

    path = tmp_path / "w.duckdb"
    with open_warehouse(path) as w:
        w.ensure_schema()
        with pytest.raises(MeasureError, match="run `justicelink link`"):
            compute(w)


def test_every_definition_is_complete_and_compiles_for_spark() -> None:
    for measure in MEASURES:
        for key, text in measure.definition().items():
            assert text.strip(), f"{measure.name}: empty {key}"
        assert compile_measure(measure).sql(dialect="spark")  # the same tree, another engine


def test_a_remand_spell_ends_at_its_discharge_from_remand(tmp_path: Path) -> None:
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
    rows = _rows(_warehouse(tmp_path, events), pretrial_detention_days)
    total = next(r for r in rows if r["sex"] == "total" and r["age_group"] == "total")
    assert (total["year"], total["denominator"], total["value"]) == (2020, 2, (51 + 10) / 2)


def test_alternatives_to_imprisonment_and_diversion_by_hand(tmp_path: Path) -> None:
    from justicelink.measures.catalogue import diversion_share, non_custodial_sentence_share

    day = D(2021, 5, 1)
    young = {"dob": D(2005, 1, 1)}  # 16 on the day
    events = [
        # Sentences: adult custody, adult fine, juvenile (female) community; licence is
        # supervision, not a sentence.
        ("P", "sentence", day, "custody", None, None, None),
        ("Q", "sentence", day, "fine", None, None, None),
        ("R", "sentence", day, "community", None, None, None),
        ("S", "sentence", day, "licence", None, None, None),
        # Decisions: juvenile caution and diversion (diverted), juvenile prosecution, an adult
        # prosecution; a discontinued case counts in neither part.
        ("J1", "caution", day, None, None, None, None),
        ("J2", "prosecution_decision", day, "diverted", None, None, None),
        ("J3", "prosecution_decision", day, "prosecuted", None, None, None),
        ("A1", "prosecution_decision", day, "discontinued", None, None, None),
        ("A2", "prosecution_decision", day, "prosecuted", None, None, None),
    ]
    people = {"R": {**young, "sex": "female"}, "J1": young, "J2": young, "J3": young}
    path = _warehouse(tmp_path, events, people=people)

    def cell(rows: list[dict[str, Any]], sex: str, group: str) -> tuple[int, int]:
        row = next(
            r for r in rows if r["year"] == 2021 and r["sex"] == sex and r["age_group"] == group
        )
        return int(row["numerator"]), int(row["denominator"])

    sentences = _rows(path, non_custodial_sentence_share)
    assert cell(sentences, "total", "total") == (2, 3)
    assert cell(sentences, "total", "adult") == (1, 2)
    assert cell(sentences, "female", "juvenile") == (1, 1)
    assert cell(sentences, "male", "total") == (1, 2)
    diversion = _rows(path, diversion_share)
    assert cell(diversion, "total", "juvenile") == (2, 3)
    assert cell(diversion, "total", "adult") == (0, 1)
    assert cell(diversion, "total", "total") == (2, 4)
