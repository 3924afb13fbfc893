"""The legal-basis finder against pairs of states worked out by hand.

Every expected date below was computed by hand from the shipped party lists
(src/justicelink/cooperation/data/*_parties.csv) and the conventions' final clauses:

- UNTOC art. 38: in force 29 Sep 2003; for a later state, the 30th day after its deposit.
- UNCAC art. 68: in force 14 Dec 2005; later: 30th day after deposit, or 14 Dec 2005 if later.
- 1988 Convention art. 29: in force 11 Nov 1990; later: the 90th day after deposit.
"""

from __future__ import annotations

import datetime as dt

import pytest

from justicelink.cooperation.basis import APPLIES, NOT_APPLICABLE, UNDETERMINED, find_basis
from justicelink.cooperation.vocabulary import RequestType

D = dt.date


def _verdicts(*args: object, **kwargs: object) -> dict[str, str]:
    basis = find_basis(*args, **kwargs)  # type: ignore[arg-type]
    return {f.instrument: f.verdict for f in basis.findings}


def _finding(instrument: str, *args: object, **kwargs: object) -> dict[str, object]:
    basis = find_basis(*args, **kwargs)  # type: ignore[arg-type]
    return next(f.to_json() for f in basis.findings if f.instrument == instrument)


# UNTOC, Malaysia -> Thailand. MYS deposited 2004-09-24: + 30 days = 2004-10-24.
# THA deposited 2013-10-17: Oct 17 + 14 = Oct 31, + 16 = Nov 16, so 2013-11-16.
# Between both: the later date, 2013-11-16.
@pytest.mark.parametrize(
    ("on", "verdict"),
    [(D(2013, 11, 15), NOT_APPLICABLE), (D(2013, 11, 16), APPLIES), (D(2020, 1, 1), APPLIES)],
)
def test_untoc_enters_into_force_for_thailand_on_16_november_2013(
    on: dt.date, verdict: str
) -> None:
    found = _finding("untoc", "MYS", "THA", RequestType.MLA, iccs="06012", on=on)
    assert found["verdict"] == verdict
    if verdict == APPLIES:
        assert found["in_force_from"] == "2013-11-16"
        assert found["cite"] == "UNTOC art. 18"


def test_1988_convention_between_malaysia_and_thailand_from_1_august_2002() -> None:
    # MYS 1993-05-11 + 90 = 1993-08-09 (May 11 + 20 = May 31, + 30 = Jun 30, + 31 = Jul 31,
    # + 9 = Aug 9). THA 2002-05-03 + 90: May 3 + 28 = May 31, + 30 = Jun 30, + 31 = Jul 31,
    # + 1 = Aug 1, so 2002-08-01; the later of the two is 2002-08-01.
    found = _finding("drugs1988", "MYS", "THA", RequestType.MLA, iccs="06012", on=D(2010, 1, 1))
    assert found["verdict"] == APPLIES
    assert found["in_force_from"] == "2002-08-01"
    states = {s["iso3"]: s["in_force_from"] for s in found["states"]}  # type: ignore[attr-defined]
    assert states == {"MYS": "1993-08-09", "THA": "2002-08-01"}
    assert (
        _finding("drugs1988", "MYS", "THA", RequestType.MLA, iccs="06012", on=D(2002, 7, 31))[
            "verdict"
        ]
        == NOT_APPLICABLE
    )


def test_early_depositors_are_bound_from_the_conventions_own_entry_into_force() -> None:
    # LVA deposited UNTOC on 2001-12-07: before 29 Sep 2003, so bound from 29 Sep 2003.
    # IND deposited 2011-05-05: + 30 = 2011-06-04. The pair: 2011-06-04.
    found = _finding("untoc", "LVA", "IND", RequestType.MLA, iccs="0401", on=D(2015, 1, 1))
    states = {s["iso3"]: s["in_force_from"] for s in found["states"]}  # type: ignore[attr-defined]
    assert states == {"LVA": "2003-09-29", "IND": "2011-06-04"}
    # UNCAC: SLV deposited 2004-07-01, before 14 Dec 2005: bound from 2005-12-14.
    # LVA deposited 2006-01-04 (+ 30 = 2006-02-03).
    found = _finding("uncac", "SLV", "LVA", RequestType.MLA, iccs="07031", on=D(2006, 2, 3))
    assert found["verdict"] == APPLIES
    assert found["in_force_from"] == "2006-02-03"
    assert (
        _verdicts("SLV", "LVA", RequestType.MLA, iccs="07031", on=D(2006, 2, 2))["uncac"]
        == NOT_APPLICABLE
    )


def test_a_non_party_gets_no_convention_and_reciprocity_when_nothing_applies() -> None:
    # Iran is not a UNTOC party; Barbados and Andorra are not UNCAC parties.
    assert _verdicts("IRN", "THA", RequestType.MLA, iccs="0401", on=D(2020, 1, 1))["untoc"] == (
        NOT_APPLICABLE
    )
    # Tuvalu: no UNTOC, no 1988; UNCAC covers no robbery. Andorra: no UNCAC. Nothing applies.
    basis = find_basis("TUV", "AND", RequestType.MLA, iccs="0401", on=D(2020, 1, 1))
    assert basis.of(APPLIES) == []
    assert basis.reciprocity["applies"] is True
    assert "reciprocity" in basis.reciprocity["text"]


def test_a_deposit_known_to_the_year_only_is_unknown_inside_its_window() -> None:
    # Fiji's UNTOC deposit is "2017": in force from a day between 2017-01-31 (1 Jan + 30)
    # and 2018-01-30 (31 Dec + 30). Viet Nam: 2012-06-08 + 30 = 2012-07-08.
    assert _verdicts("FJI", "VNM", RequestType.MLA, iccs="0401", on=D(2017, 6, 1))["untoc"] == (
        UNDETERMINED
    )
    found = _finding("untoc", "FJI", "VNM", RequestType.MLA, iccs="0401", on=D(2017, 6, 1))
    assert "check UNTC" in str(found["reason"])
    fiji = found["states"][0]  # type: ignore[index]
    assert fiji["in_force_between"] == ["2017-01-31", "2018-01-30"]
    assert _verdicts("FJI", "VNM", RequestType.MLA, iccs="0401", on=D(2018, 1, 30))["untoc"] == (
        APPLIES
    )
    assert _verdicts("FJI", "VNM", RequestType.MLA, iccs="0401", on=D(2017, 1, 30))["untoc"] == (
        NOT_APPLICABLE
    )


def test_a_party_without_a_date_is_unknown_before_the_lists_as_of_date() -> None:
    # DPR Korea is a UNTOC party with no deposit date. The list is complete to 2024-05-04,
    # so it is bound by 2024-06-03 (+ 30) at the latest; before that: unknown.
    assert _verdicts("PRK", "CHN", RequestType.MLA, iccs="0401", on=D(2015, 1, 1))["untoc"] == (
        UNDETERMINED
    )
    assert _verdicts("PRK", "CHN", RequestType.MLA, iccs="0401", on=D(2024, 6, 3))["untoc"] == (
        APPLIES
    )


def test_the_asean_treaty_covers_assistance_between_members_but_not_extradition() -> None:
    # No deposit dates; the list (MLAT Secretariat, 19 Apr 2019) has all ten members, and
    # art. 31(1) makes it bind each on deposit: in force for both by 2019-04-19.
    assert (
        _verdicts("MYS", "THA", RequestType.MLA, iccs="0401", on=D(2020, 1, 1))["asean_mlat"]
        == APPLIES
    )
    assert (
        _verdicts("MYS", "THA", RequestType.MLA, iccs="0401", on=D(2010, 1, 1))["asean_mlat"]
        == UNDETERMINED
    )
    assert (
        _verdicts("MYS", "AUS", RequestType.MLA, iccs="0401", on=D(2020, 1, 1))["asean_mlat"]
        == NOT_APPLICABLE
    )
    assert (
        _verdicts("MYS", "THA", RequestType.EXTRADITION, iccs="0401", on=D(2020, 1, 1))[
            "asean_mlat"
        ]
        == NOT_APPLICABLE
    )


@pytest.mark.parametrize(
    ("iccs", "uncac", "drugs"),
    [
        ("07031", APPLIES, NOT_APPLICABLE),  # bribery: UNCAC art. 15-16; not a drug offence
        ("060121", NOT_APPLICABLE, APPLIES),  # trafficking: 1988 art. 3(1)
        ("060111", NOT_APPLICABLE, NOT_APPLICABLE),  # personal possession: art. 3(2) only
        ("07041", APPLIES, APPLIES),  # laundering: both, subject to the facts (to check)
    ],
)
def test_scope_through_iccs(iccs: str, uncac: str, drugs: str) -> None:
    verdicts = _verdicts("MYS", "SGP", RequestType.MLA, iccs=iccs, on=D(2020, 1, 1))
    assert (verdicts["uncac"], verdicts["drugs1988"]) == (uncac, drugs)


def test_untoc_serious_crime_needs_four_years() -> None:
    below = _finding(
        "untoc", "MYS", "SGP", RequestType.MLA, iccs="0502", on=D(2020, 1, 1), max_penalty_years=3
    )
    assert below["verdict"] == NOT_APPLICABLE
    above = _finding(
        "untoc", "MYS", "SGP", RequestType.MLA, iccs="0502", on=D(2020, 1, 1), max_penalty_years=4
    )
    assert above["verdict"] == APPLIES
    assert above["scope"][0]["status"] == "met"  # type: ignore[index]


def test_extradition_basis_follows_the_requested_states_declaration() -> None:
    on = D(2020, 1, 1)
    # Viet Nam declared it does not take UNTOC as a direct basis for extradition; India that
    # it does; Thailand's position is not in the data: unknown.
    for requested, position in (("VNM", "does_not_accept"), ("IND", "accepts"), ("THA", "unknown")):
        found = _finding(
            "untoc",
            "MYS",
            requested,
            RequestType.EXTRADITION,
            iccs="0401",
            on=on,
            max_penalty_years=10,
        )
        assert found["extradition_basis"]["position"] == position  # type: ignore[index]
        assert found["cite"] == "UNTOC art. 16"
    saudi = _finding("uncac", "MYS", "SAU", RequestType.EXTRADITION, iccs="07031", on=on)
    assert saudi["extradition_basis"]["position"] == "does_not_accept"  # type: ignore[index]


def test_every_answer_says_how_old_its_data_are() -> None:
    data = find_basis("MYS", "THA", RequestType.MLA, on=D(2020, 1, 1)).to_json()["data"]
    assert {d["instrument"]: d["as_of"] for d in data} == {
        "untoc": "2024-05-04",
        "uncac": "2025-12-01",
        "drugs1988": "2020-12-31",
        "asean_mlat": "2019-04-19",
    }
