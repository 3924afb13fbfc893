"""What a central authority maintains itself, in its cooperation folder (``--dir``).

- ``bilateral.yaml``: the bilateral (and other) treaties in force for the country.
- ``declarations.csv``: states' declarations under the conventions (extradition basis, UNTOC
  16(5) and UNCAC 44(6); acceptable languages, 18(14); other notes), dated and sourced. The
  package ships a starting set read from the UN Treaty Collection; rows in the folder's file
  add to it and, for the same state, instrument and kind, replace it.
- ``practice.yaml``: counterparts' known practice (days they take, languages they accept) and
  the authority's own targets, for due dates.

Every file is optional: without it the finder says "unknown", never guesses.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from justicelink.cooperation.vocabulary import RequestType, Urgency
from justicelink.errors import CooperationError

DECLARATION_COLUMNS = ("iso3", "instrument", "kind", "value", "article", "as_of", "source", "text")
DECLARATION_KINDS = ("extradition_basis", "language", "note")
BASIS_POSITIONS = ("accepts", "does_not_accept", "reservation", "no_treaty_required")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BilateralTreaty(_Strict):
    """A treaty between the country and another state (or a few)."""

    id: str
    title: str
    states: list[str] = Field(min_length=2)
    types: list[RequestType]
    signed: dt.date | None = None
    in_force: dt.date | None = Field(None, description="None: not (yet) in force")
    terminated: dt.date | None = None
    article: str = Field("", description="Article to cite")
    conditions: str = ""
    source: str = ""


class BilateralFile(_Strict):
    as_of: dt.date
    source: str
    treaties: list[BilateralTreaty] = Field(default_factory=list)


class Counterpart(_Strict):
    """What the authority knows of one counterpart's practice."""

    languages: list[str] = Field(default_factory=list, description="ISO 639-1 codes accepted")
    days: dict[RequestType, int] = Field(
        default_factory=dict, description="Usual days from receipt to execution, per type"
    )
    acknowledge_days: int | None = None
    note: str = ""


def _default_targets() -> dict[Urgency, int]:
    return {Urgency.NORMAL: 90, Urgency.URGENT: 30, Urgency.VERY_URGENT: 7}


class PracticeFile(_Strict):
    as_of: dt.date | None = None
    source: str = ""
    targets: dict[Urgency, int] = Field(
        default_factory=_default_targets,
        description="Own target days from receipt to execution of an incoming request",
    )
    counterparts: dict[str, Counterpart] = Field(default_factory=dict)


@dataclass(frozen=True)
class Declaration:
    """One state's declaration under one instrument."""

    iso3: str
    instrument: str
    kind: str
    value: str
    article: str
    as_of: str
    source: str
    text: str

    def to_json(self) -> dict[str, str]:
        return dict(self.__dict__)


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CooperationError(f"{path}: not valid YAML ({exc})") from None


def _validated(model: type[_Strict], data: Any, path: Path) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise CooperationError(f"{path}: {where}: {first['msg']}") from None


def load_bilateral(directory: Path | None) -> BilateralFile | None:
    """The country's treaty list, or None when the folder has none."""
    path = directory / "bilateral.yaml" if directory else None
    if path is None or not path.is_file():
        return None
    result: BilateralFile = _validated(BilateralFile, _read_yaml(path), path)
    return result


def load_practice(directory: Path | None) -> PracticeFile:
    """Counterparts' practice and own targets (defaults when the folder has no file)."""
    path = directory / "practice.yaml" if directory else None
    if path is None or not path.is_file():
        return PracticeFile()
    result: PracticeFile = _validated(PracticeFile, _read_yaml(path) or {}, path)
    return result


def _parse_declarations(text: str, origin: str) -> list[Declaration]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in DECLARATION_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise CooperationError(f"{origin}: missing column(s) {', '.join(missing)}")
    rows = []
    for number, row in enumerate(reader, start=2):
        item = Declaration(**{c: (row[c] or "").strip() for c in DECLARATION_COLUMNS})
        if item.kind not in DECLARATION_KINDS:
            raise CooperationError(f"{origin}: line {number}: kind {item.kind!r} is unknown")
        if item.kind == "extradition_basis" and item.value not in BASIS_POSITIONS:
            raise CooperationError(
                f"{origin}: line {number}: value {item.value!r} is not one of "
                + ", ".join(BASIS_POSITIONS)
            )
        if not item.source:
            raise CooperationError(f"{origin}: line {number}: every declaration needs a source")
        rows.append(item)
    return rows


def load_declarations(directory: Path | None) -> list[Declaration]:
    """The shipped declarations, with the folder's own rows added or replacing them."""
    shipped = _parse_declarations(
        resources.files("justicelink.cooperation")
        .joinpath("data", "declarations.csv")
        .read_text(encoding="utf-8"),
        "declarations.csv",
    )
    path = directory / "declarations.csv" if directory else None
    if path is None or not path.is_file():
        return shipped
    own = _parse_declarations(path.read_text(encoding="utf-8"), str(path))
    replaced = {(d.iso3, d.instrument, d.kind) for d in own if d.kind != "note"}
    return [d for d in shipped if (d.iso3, d.instrument, d.kind) not in replaced] + own


def find_declarations(
    declarations: list[Declaration], iso3: str, *, kind: str, instrument: str | None = None
) -> list[Declaration]:
    """A state's declarations of one kind (under one instrument when given)."""
    return [
        d
        for d in declarations
        if d.iso3 == iso3 and d.kind == kind and (instrument is None or d.instrument == instrument)
    ]


def accepted_languages(
    iso3: str, practice: PracticeFile, declarations: list[Declaration]
) -> tuple[list[str], str] | None:
    """Languages a state accepts and where that is said; None when nothing is known."""
    counterpart = practice.counterparts.get(iso3)
    if counterpart is not None and counterpart.languages:
        return [x.lower() for x in counterpart.languages], "practice.yaml"
    for declaration in find_declarations(declarations, iso3, kind="language"):
        codes = declaration.value.lower().split()
        return (
            codes,
            f"{declaration.instrument.upper()} {declaration.article}: {declaration.source}",
        )
    return None
