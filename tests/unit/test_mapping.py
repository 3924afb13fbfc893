"""The mapping file: what it accepts, and the one-line errors for what it does not."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml

from justicelink.errors import MappingError, SourceFileNotFoundError
from justicelink.ingest.mapping import json_schema, json_schema_text, load_mapping
from justicelink.model.enums import Entity

SYNTH_MAPPING = Path(str(resources.files("justicelink.synth").joinpath("agencies.yaml")))
SHIPPED_SCHEMA = Path(__file__).parents[2] / "docs" / "mapping.schema.json"

MINIMAL = """
version: 1
agencies:
  - id: police
    kind: police
    files:
      - path: persons.csv
        format: csv
        entity: person_record
        key: id
        columns:
          full_name: name
{extra}
"""


def _mapping(tmp_path: Path, extra: str = "", text: str | None = None) -> Path:
    path = tmp_path / "agencies.yaml"
    path.write_text(text if text is not None else MINIMAL.format(extra=extra), encoding="utf-8")
    return path


def test_the_synthetic_country_mapping_is_valid_for_both_validators() -> None:
    mapping = load_mapping(SYNTH_MAPPING)
    assert {f.entity for f in mapping.files} == set(Entity)
    document = yaml.safe_load(SYNTH_MAPPING.read_text(encoding="utf-8"))
    jsonschema.validate(document, json_schema())  # an independent JSON Schema validator


def test_the_published_schema_is_the_generated_one() -> None:
    assert SHIPPED_SCHEMA.read_text(encoding="utf-8") == json_schema_text(), (
        "docs/mapping.schema.json is stale: regenerate with "
        "`justicelink mapping schema > docs/mapping.schema.json`"
    )


def test_a_folder_means_its_agencies_yaml(tmp_path: Path) -> None:
    _mapping(tmp_path)
    assert load_mapping(tmp_path).files[0].label == "persons.csv"


def test_codes_keep_their_spelling_in_value_maps(tmp_path: Path) -> None:
    # YAML 1.1 would read 01 as 1 and YES/off as booleans; agency codes must stay as written.
    extra = "          sex: {column: s, values: {01: male, YES: female, off: unknown}}"
    column = load_mapping(_mapping(tmp_path, extra)).files[0].columns[1]
    assert column.values == {"01": "male", "YES": "female", "off": "unknown"}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("          surname: s", "columns.surname: not a field of person_record"),
        ("          sex: {column: s, values: {M: man}}", "values.M: 'man' is not one of"),
        ("          date_of_birth: {column: d, format: '%m/%d'}", "has no year"),
        ("          nationality: {column: n, format: '%Y'}", "'format' applies to dates only"),
        ("          sex: {column: s, colour: red}", "colour: Extra inputs are not permitted"),
        ("          address: {column: a, mask: '*'}", "'mask' and 'partial' apply to id_number"),
        ("          id_number: {column: i, mask: '*', partial: end}", "'mask' or 'partial', not"),
        ("          address: {column: a, separator: ', '}", "'separator' joins several"),
        ("          address: {column: [a, a]}", "a source column is listed twice"),
        ("          sex: {column: [a, b]}", "only text, code and date fields may join"),
        ("          address: {column: a, values: {x: y}}", "'values' applies to coded fields"),
        ("          nationality: {column: n, values: {VN: [1]}}", "values.VN"),
        ("          full_name: {column: n, name_order: mixed}", "name_order: Input should be"),
    ],
)
def test_meaning_errors_name_the_place(tmp_path: Path, extra: str, message: str) -> None:
    with pytest.raises(MappingError, match=message) as caught:
        load_mapping(_mapping(tmp_path, extra))
    assert "\n" not in str(caught.value)
    assert str(tmp_path / "agencies.yaml") in str(caught.value)


def test_the_new_keys_resolve(tmp_path: Path) -> None:
    extra = (
        "          id_number: {column: nic, mask: '*X'}\n"
        "          nationality: {column: nat, values: {VN: Viet Nam, '00': null}}\n"
        "          address: {column: [house, street], separator: ', '}\n"
        "          aliases: {column: [aka1, aka2]}\n"
        "          area: district\n"
        "          case_ref: case"
    )
    text = MINIMAL.format(extra=extra).replace(
        "full_name: name", "full_name: {column: name, name_order: auto}"
    )
    columns = {c.field: c for c in load_mapping(_mapping(tmp_path, text=text)).files[0].columns}
    assert columns["full_name"].name_order == "auto"
    assert columns["id_number"].mask == "*X"
    assert columns["nationality"].values == {"VN": "Viet Nam", "00": None}
    assert (columns["address"].sources, columns["address"].separator) == (("house", "street"), ", ")
    assert columns["aliases"].separator == "; "  # several aliases stay apart
    assert columns["address"].source == "house+street"
    extract = load_mapping(tmp_path / "agencies.yaml").files[0]
    assert {"house", "street", "aka1", "aka2", "district", "case"} <= set(extract.source_columns())


def test_an_event_date_needs_a_day(tmp_path: Path) -> None:
    text = MINIMAL.format(extra="") + (
        "      - path: e.csv\n        format: csv\n        entity: case_event\n        key: k\n"
        "        columns: {record_key: p, event_type: t,\n"
        "                  event_date: {column: d, format: '%Y-%m'}}\n"
    )
    with pytest.raises(MappingError, match="has no day; only date_of_birth may be partial"):
        load_mapping(_mapping(tmp_path, text=text))


def test_an_unknown_format_is_one_line(tmp_path: Path) -> None:
    text = MINIMAL.format(extra="").replace("format: csv", "format: xls")
    with pytest.raises(MappingError, match=r"agencies\[0\]\.files\[0\]\.format: Input should be"):
        load_mapping(_mapping(tmp_path, text=text))


def test_required_fields_of_an_entity(tmp_path: Path) -> None:
    text = MINIMAL.format(extra="") + (
        "      - path: e.csv\n        format: csv\n        entity: case_event\n        key: k\n"
        "        columns: {record_key: p}\n"
    )
    with pytest.raises(MappingError, match="case_event needs columns for event_type, event_date"):
        load_mapping(_mapping(tmp_path, text=text))


def test_malformed_yaml_names_line_and_column(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match=r"malformed YAML: line \d+, column \d+"):
        load_mapping(_mapping(tmp_path, text="agencies:\n  - id: [police\n"))


def test_missing_mapping_file(tmp_path: Path) -> None:
    with pytest.raises(SourceFileNotFoundError, match="mapping file not found"):
        load_mapping(tmp_path / "none.yaml")


def test_population_belongs_to_reference(tmp_path: Path) -> None:
    text = MINIMAL.format(extra="").replace("entity: person_record", "entity: population")
    with pytest.raises(MappingError, match=r"population belongs under reference\.files"):
        load_mapping(_mapping(tmp_path, text=text))


def test_schema_rejects_what_the_loader_rejects() -> None:
    bad = {"version": 1, "agencies": [{"id": "Police!", "kind": "police", "files": []}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, json_schema())
    assert json.loads(json_schema_text())["title"].startswith("justicelink")
