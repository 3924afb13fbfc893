"""The JSON format of a cooperation request: for import, export and exchange.

One request is one JSON object; a file holds one object, a list of objects, or one object
per line (JSON lines). :func:`request_schema` gives its JSON Schema, published as
``docs/cooperation.schema.json``; imports are validated against these models, and a test
keeps the published schema equal to them.

Keys the format requires (``type``, ``requesting_state``, ``requested_state``) are what a
register cannot do without; the elements a request
must contain to be executed (UNTOC art. 18(15)) are optional here on purpose, so that an
incomplete request can be registered and :mod:`justicelink.cooperation.completeness` can say
what it lacks.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from justicelink.cooperation.vocabulary import (
    Channel,
    Direction,
    DocumentKind,
    Measure,
    RefusalGround,
    RequestType,
    Status,
    Urgency,
    request_type,
)
from justicelink.errors import CooperationError, SourceFileNotFoundError

FORMAT = "justicelink-cooperation/1"
# Other words for the urgency levels that requests are written with.
URGENCY_ALIASES = {
    "routine": "normal",
    "low": "normal",
    "high": "urgent",
    "immediate": "very_urgent",
    "critical": "very_urgent",
}

Iso3 = Annotated[
    str,
    Field(
        pattern=r"^[A-Z]{3}$",
        description="ISO 3166-1 alpha-3 code, upper case (user-assigned codes such as XEX allowed)",
    ),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Person(_Strict):
    """A person concerned (UNTOC 18(15)(e): identity, location and nationality)."""

    name: str | None = Field(None, description="Full name as the requesting state writes it")
    family_name: str | None = None
    given_names: str | None = None
    date_of_birth: str | None = Field(
        None,
        pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$",
        description="YYYY-MM-DD, or YYYY-MM / YYYY when only that much is known",
    )
    sex: str | None = None
    nationality: str | None = Field(None, description="ISO3 code or name")
    location: str | None = Field(None, description="Where the person is believed to be")
    id_document: str | None = Field(None, description="Passport or identity card number")
    role: str | None = Field(
        None, description="suspect, accused, convicted, witness, victim, account holder, ..."
    )
    warehouse_person_id: str | None = Field(
        None, description="Set by the register: the linked person in the warehouse, if found"
    )


class Offence(_Strict):
    """An offence the request concerns, under the requesting state's law.

    ``max_penalty_years`` may also be written ``"life"`` or ``"death"``: the flags are set.
    """

    national_code: str | None = Field(None, description="Code or article in national law")
    title: str | None = None
    iccs: str | None = Field(None, pattern=r"^\d{2,6}$", description="ICCS v1.0 code")
    max_penalty_years: float | None = Field(
        None, ge=0, description="Maximum deprivation of liberty, in years"
    )
    life_imprisonment: bool = Field(False, description="The maximum is life imprisonment")
    death_penalty: bool = Field(False, description="The offence can carry the death penalty")
    provision_text: str | None = Field(None, description="Text of the law creating the offence")

    @model_validator(mode="before")
    @classmethod
    def _penalty_words(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("max_penalty_years"), str):
            word = data["max_penalty_years"].strip().lower()
            flag = {"life": "life_imprisonment", "death": "death_penalty"}.get(word)
            if flag is not None:
                return {**data, "max_penalty_years": None, flag: True}
        return data


class Document(_Strict):
    """A document sent with the request; ``file`` is relative to the request file's folder."""

    kind: DocumentKind
    title: str | None = None
    language: str | None = None
    file: str | None = None
    sha256: str | None = Field(None, pattern=r"^[0-9a-f]{64}$")


class Asset(_Strict):
    """Property to be traced, frozen or confiscated (UNTOC 13(3)(a))."""

    description: str
    location: str | None = None
    value: str | None = None


class StatusChange(_Strict):
    """One step of the history."""

    status: Status
    date: dt.date
    ground: RefusalGround | None = Field(None, description="Required when status is refused")
    note: str | None = None


class CooperationRequest(_Strict):
    """One request for international cooperation in criminal matters."""

    format: str = Field(FORMAT, description="Format name and version")
    reference: str | None = Field(None, description="The requesting authority's reference")
    direction: Direction | None = Field(
        None, description="Seen from the register's keeper; `coop import --direction` overrides"
    )
    type: RequestType
    requesting_state: Iso3
    requested_state: Iso3
    requesting_authority: str | None = Field(
        None, description="Authority making the request (18(15)(a))"
    )
    requested_authority: str | None = None
    conducting_authority: str | None = Field(
        None, description="Authority conducting the investigation, if not the requesting one"
    )
    channel: Channel = Channel.CENTRAL_AUTHORITY
    legal_basis: str | None = Field(
        None, description="Instrument invoked: untoc, uncac, drugs1988, asean_mlat, a treaty id"
    )
    subject_matter: str | None = Field(
        None, description="Subject matter and nature of the proceedings (18(15)(b))"
    )
    facts_summary: str | None = Field(None, description="Summary of the relevant facts (18(15)(c))")
    assistance_sought: str | None = Field(
        None, description="Description of the assistance sought and procedures (18(15)(d))"
    )
    measures: list[Measure] = Field(default_factory=list, description="Kinds of assistance sought")
    persons: list[Person] = Field(default_factory=list)
    purpose: str | None = Field(None, description="Purpose of the evidence or action (18(15)(f))")
    offences: list[Offence] = Field(default_factory=list)
    assets: list[Asset] = Field(default_factory=list)
    urgency: Urgency = Urgency.NORMAL
    urgency_reason: str | None = None
    deadline: dt.date | None = Field(None, description="Date by which the requesting state asks")
    language: str | None = Field(None, description="Language of the request (ISO 639-1 code)")
    documents: list[Document] = Field(default_factory=list)
    date: dt.date | None = Field(None, description="Date of the request")
    status_history: list[StatusChange] = Field(default_factory=list)

    @field_validator("type", mode="before")
    @classmethod
    def _type_alias(cls, value: Any) -> Any:
        return request_type(value) if isinstance(value, str) else value

    @field_validator("persons", mode="before")
    @classmethod
    def _named(cls, value: Any) -> Any:
        """A person given as a bare string is a name."""
        if isinstance(value, list):
            return [{"name": p} if isinstance(p, str) else p for p in value]
        return value

    @field_validator("urgency", mode="before")
    @classmethod
    def _urgency_alias(cls, value: Any) -> Any:
        if isinstance(value, str):
            key = value.strip().lower().replace("-", "_").replace(" ", "_")
            return URGENCY_ALIASES.get(key, key)
        return value

    @field_validator("requesting_state", "requested_state", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("status_history")
    @classmethod
    def _grounds(cls, value: list[StatusChange]) -> list[StatusChange]:
        for change in value:
            if change.status is Status.REFUSED and change.ground is None:
                raise ValueError("a refusal needs its ground")
        return sorted(value, key=lambda c: c.date)

    def to_json(self) -> dict[str, Any]:
        """The request as a JSON-ready dict, empty optional fields left out."""
        data: dict[str, Any] = self.model_dump(mode="json", exclude_none=True)
        return {k: v for k, v in data.items() if v != [] or k in ("persons", "offences")}


def request_schema() -> dict[str, Any]:
    """The JSON Schema of one request (published as docs/cooperation.schema.json)."""
    schema = CooperationRequest.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://justicelink.example/cooperation.schema.json"
    return schema


def _where(error: dict[str, Any]) -> str:
    return ".".join(str(part) for part in error["loc"]) or "(top)"


def parse_request(data: Any, *, origin: str = "request") -> CooperationRequest:
    """Validate one request.

    Raises:
        CooperationError: naming the first offending key and why, e.g.
            ``cases.json: request 3: requested_state: String should match pattern``.
    """
    try:
        return CooperationRequest.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise CooperationError(f"{origin}: {_where(dict(first))}: {first['msg']}{more}") from None


def read_requests(path: Path) -> list[CooperationRequest]:
    """Read a JSON file (one request or a list) or a JSON-lines file of requests.

    Raises:
        SourceFileNotFoundError: when the file is missing.
        CooperationError: when it is not JSON or a request is invalid (file and number named).
    """
    if not path.is_file():
        raise SourceFileNotFoundError(f"{path}: no such file")
    text = path.read_text(encoding="utf-8")
    items: list[Any]
    try:
        loaded = json.loads(text)
        items = loaded if isinstance(loaded, list) else [loaded]
    except json.JSONDecodeError:
        items = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise CooperationError(f"{path}: line {number}: not JSON ({exc.msg})") from None
    if len(items) == 1:
        return [parse_request(items[0], origin=str(path))]
    return [
        parse_request(item, origin=f"{path}: request {n}") for n, item in enumerate(items, start=1)
    ]
