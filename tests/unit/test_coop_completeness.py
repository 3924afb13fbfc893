"""The completeness check against requests built to miss one element each."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from justicelink.cooperation.completeness import check_request
from justicelink.cooperation.model import parse_request

COMPLETE: dict[str, Any] = {
    "type": "mla",
    "requesting_state": "XEX",
    "requested_state": "THA",
    "requesting_authority": "Central Authority of Examplia",
    "subject_matter": "Investigation of a drug-trafficking network",
    "facts_summary": "Between March and May the suspects shipped heroin through Bangkok.",
    "assistance_sought": "Statements of two witnesses; certified copies of shipping records.",
    "measures": ["taking_evidence"],
    "persons": [
        {
            "name": "Aran Test",
            "date_of_birth": "1980-02-03",
            "nationality": "THA",
            "location": "Bangkok",
        }
    ],
    "purpose": "Evidence at the trial of the accused in Examplia.",
    "offences": [{"national_code": "DDA-15", "iccs": "060121", "max_penalty_years": 30}],
    "urgency": "normal",
    "language": "en",
    "documents": [{"kind": "request_letter"}],
}
EXTRADITION: dict[str, Any] = {
    **COMPLETE,
    "type": "extradition",
    "measures": ["arrest"],
    "documents": [{"kind": "request_letter"}, {"kind": "arrest_warrant"}],
}


def _missing(data: dict[str, Any], **kwargs: Any) -> list[str]:
    result = check_request(parse_request(data), **kwargs)
    return sorted(item.element for item in result.missing)


def _without(data: dict[str, Any], key: str) -> dict[str, Any]:
    copied = copy.deepcopy(data)
    copied.pop(key)
    return copied


def test_a_complete_request_lacks_nothing() -> None:
    assert _missing(COMPLETE) == []
    assert _missing(EXTRADITION) == []


@pytest.mark.parametrize(
    ("key", "element"),
    [
        ("requesting_authority", "18(15)(a)"),
        ("subject_matter", "18(15)(b)"),
        ("facts_summary", "18(15)(c)"),
        ("assistance_sought", "18(15)(d)"),
        ("persons", "18(15)(e)"),
        ("purpose", "18(15)(f)"),
        ("language", "18(14)"),
    ],
)
def test_each_missing_element_is_named_by_its_paragraph(key: str, element: str) -> None:
    assert _missing(_without(COMPLETE, key)) == [element]


def test_uncac_numbering_when_the_request_invokes_uncac() -> None:
    data = {**_without(COMPLETE, "facts_summary"), "legal_basis": "uncac"}
    assert _missing(data) == ["46(15)(c)"]


def test_service_of_documents_needs_no_summary_of_facts() -> None:
    data = {**_without(COMPLETE, "facts_summary"), "measures": ["service_of_documents"]}
    assert _missing(data) == []


def test_a_language_the_requested_state_does_not_accept() -> None:
    data = {**COMPLETE, "language": "fr"}
    assert _missing(data, accepted_languages=(["en", "th"], "practice.yaml")) == ["18(14)"]
    assert _missing(data, accepted_languages=None) == []


@pytest.mark.parametrize(
    ("change", "element"),
    [
        ({"documents": [{"kind": "request_letter"}]}, "MTE 5(2)(c)"),
        ({"persons": []}, "MTE 5(2)(a)"),
        ({"offences": [{"national_code": "DDA-15", "iccs": "060121"}]}, "MTE 5(2)(b)"),
        ({"language": None}, "MTE 5(3)"),
    ],
)
def test_extradition_documents(change: dict[str, Any], element: str) -> None:
    data = {k: v for k, v in {**EXTRADITION, **change}.items() if v is not None}
    assert _missing(data) == [element]


def test_a_confiscation_request_describes_the_property() -> None:
    data = {**COMPLETE, "type": "confiscation", "measures": ["freezing"]}
    assert _missing(data) == ["13(3)(a)"]
    assert _missing({**data, "assets": [{"description": "Account 12-345 at a bank"}]}) == []


def _warnings(data: dict[str, Any]) -> dict[str, str]:
    return {w.element: w.text for w in check_request(parse_request(data)).warnings}


def test_grounds_the_requested_state_may_invoke_are_warnings() -> None:
    assert "18(9)" not in _warnings(COMPLETE)  # no coercive measure
    coercive = _warnings({**COMPLETE, "measures": ["bank_records", "search_and_seizure"]})
    assert "dual criminality" in coercive["18(9)"]
    assert "bank secrecy" in coercive["18(8)"]
    political = _warnings({**COMPLETE, "offences": [{"national_code": "X", "iccs": "0904"}]})
    assert "political" in political["MTE 3(a)"]
    capital = _warnings(
        {
            **EXTRADITION,
            "offences": [
                {
                    "national_code": "DDA-15",
                    "iccs": "060121",
                    "max_penalty_years": 30,
                    "death_penalty": True,
                }
            ],
        }
    )
    assert "assurance" in capital["MTE 4(d)"]
    assured = {
        **EXTRADITION,
        "offences": capital and [{"national_code": "DDA-15", "death_penalty": True}],
    }
    assured["documents"] = [*EXTRADITION["documents"], {"kind": "death_penalty_assurance"}]
    assert "MTE 4(d)" not in _warnings(assured)
    fiscal = _warnings({**COMPLETE, "offences": [{"national_code": "T1", "iccs": "08041"}]})
    assert "fiscal" in fiscal["18(22)"]
