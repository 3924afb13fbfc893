"""Double-criminality pre-check against a hand-written penal code."""

from __future__ import annotations

from pathlib import Path

import pytest

from justicelink.cooperation.dualcrim import load_penal_code, precheck
from justicelink.cooperation.vocabulary import RequestType
from justicelink.errors import CooperationError

PENAL_CODE = """national_code,title,iccs_code,max_penalty_years
PC-379,Theft,05022,3
PC-380,Theft from a shop,050231,0.5
PC-392,Robbery,0401,10
PC-420,Cheating,0701,
DDA-15,Trafficking,06012,life
"""


@pytest.fixture
def code(tmp_path: Path) -> Path:
    path = tmp_path / "penal_code.csv"
    path.write_text(PENAL_CODE, encoding="utf-8")
    return path


def test_same_class_above_the_extradition_threshold_is_likely_met(code: Path) -> None:
    # Foreign robbery (0401) = national PC-392 (0401), 10 years >= 1 and >= 4.
    result = precheck("0401", load_penal_code(code), RequestType.EXTRADITION)
    assert [m.offence.national_code for m in result.matches] == ["PC-392"]
    assert result.verdicts == {
        "extradition (usual minimum)": "likely_met",
        "UNTOC serious crime (art. 2(b))": "likely_met",
    }
    assert "lawyer decides" in result.notice


def test_a_broader_foreign_class_finds_narrower_national_offences(code: Path) -> None:
    # Foreign theft 0502 contains national 05022 (3 years) and 050231 (0.5 years): both are
    # narrower, so at best "to check"; 3 < 4 and 0.5 < 4: below the UNTOC threshold.
    result = precheck("0502", load_penal_code(code), RequestType.EXTRADITION)
    assert {m.relation for m in result.matches} == {"narrower"}
    assert result.verdicts["extradition (usual minimum)"] == "to_check"
    assert result.verdicts["UNTOC serious crime (art. 2(b))"] == "below_threshold"


def test_a_narrower_foreign_code_is_met_by_the_broader_national_offence(code: Path) -> None:
    # Foreign 060121 lies under national 06012 (life): broader national class.
    result = precheck("060121", load_penal_code(code), RequestType.MLA)
    assert [(m.offence.national_code, m.relation) for m in result.matches] == [
        ("DDA-15", "broader")
    ]
    assert result.verdicts == {"UNTOC serious crime (art. 2(b))": "likely_met"}
    assert result.to_json()["matches"][0]["max_penalty_years"] == "life"


def test_a_missing_penalty_or_no_offence_is_flagged_not_decided(code: Path) -> None:
    cheating = precheck("0701", load_penal_code(code), RequestType.EXTRADITION)
    assert cheating.verdicts["extradition (usual minimum)"] == "to_check"
    nothing = precheck("0904", load_penal_code(code), RequestType.EXTRADITION)
    assert nothing.matches == []
    assert set(nothing.verdicts.values()) == {"no_offence_found"}
    own = precheck("0401", load_penal_code(code), RequestType.EXTRADITION, threshold=12)
    assert own.verdicts == {"given threshold": "below_threshold"}


def test_a_code_without_penalties_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.csv"
    path.write_text("national_code,title,iccs_code\nPC-1,x,0401\n", encoding="utf-8")
    with pytest.raises(CooperationError, match="max_penalty_years"):
        load_penal_code(path)
    with pytest.raises(CooperationError, match="not an ICCS"):
        precheck("9999", [], RequestType.MLA)
