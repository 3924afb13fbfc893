"""The published JSON Schema is the one imports are validated against, and it is usable."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from justicelink.cooperation.model import parse_request, request_schema
from justicelink.errors import CooperationError

DOCS = Path(__file__).parents[2] / "docs"
MINIMAL = {
    "type": "extradition",
    "requesting_state": "xex",
    "requested_state": "THA",
    "requesting_authority": "Central Authority of Examplia",
    "subject_matter": "Prosecution for robbery",
    "facts_summary": "On 3 May the accused robbed a bank in Port Examplia.",
    "assistance_sought": "Arrest and surrender of the accused.",
    "persons": [{"name": "Somchai Test", "date_of_birth": "1979"}],
    "purpose": "prosecution",
    "offences": [{"national_code": "PC-392", "iccs": "0401", "max_penalty_years": 10}],
    "urgency": "urgent",
    "language": "en",
}


def test_the_published_schema_is_the_models() -> None:
    published = json.loads((DOCS / "cooperation.schema.json").read_text(encoding="utf-8"))
    assert published == request_schema()


def test_the_keys_the_format_promises_are_in_the_schema() -> None:
    properties = request_schema()["properties"]
    for key in (
        "type",
        "requesting_state",
        "requested_state",
        "requesting_authority",
        "subject_matter",
        "facts_summary",
        "assistance_sought",
        "persons",
        "purpose",
        "offences",
        "urgency",
        "language",
    ):
        assert key in properties
    offence = request_schema()["$defs"]["Offence"]["properties"]
    assert {"national_code", "iccs", "max_penalty_years"} <= set(offence)


def test_a_request_validates_against_the_schema_and_the_model() -> None:
    jsonschema.validate({**MINIMAL, "requesting_state": "XEX"}, request_schema())
    request = parse_request(MINIMAL)
    assert request.requesting_state == "XEX"  # upper-cased on import
    assert request.to_json()["offences"][0]["max_penalty_years"] == 10


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"requested_state": "Thailand"}, "requested_state"),
        ({"type": "rendition"}, "type"),
        ({"urgency": "yesterday"}, "urgency"),
        ({"offences": [{"iccs": "ABC"}]}, "offences.0.iccs"),
        ({"status_history": [{"status": "refused", "date": "2024-01-02"}]}, "status_history"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_an_invalid_request_is_refused_naming_the_key(
    change: dict[str, object], where: str
) -> None:
    with pytest.raises(CooperationError, match=where):
        parse_request({**MINIMAL, **change}, origin="case.json")
