"""The mapping file (agencies.yaml): which extract feeds which canonical table, and how.

The file is validated twice: its shape by pydantic models (from which the published JSON
Schema is generated, see :func:`json_schema`), and its meaning against the canonical model
(fields exist for the entity, value maps land on canonical values, dates carry a day).
Every problem is reported as one line naming the mapping file and the place in it.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from justicelink.errors import MappingError, SourceFileNotFoundError
from justicelink.model.canonical import (
    DURATION_UNITS,
    MAPPABLE_FIELDS,
    REQUIRED_FIELDS,
    FieldKind,
    FieldSpec,
)
from justicelink.model.enums import AgencyKind, Entity

Format = Literal["csv", "jsonl", "xlsx", "parquet"]
ValueTarget = str | bool | None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ColumnSpec(_Strict):
    """How one canonical field is read from one source column, or from several."""

    column: str | list[str] = Field(
        description="Name of the source column (JSON lines: the key), or a list of columns "
        "whose non-empty values are joined with `separator` (address parts; given and "
        "middle names; several alias columns)."
    )
    separator: str | None = Field(
        default=None,
        description="Joins the values of several columns (default one space; '; ' for aliases).",
    )
    format: str | list[str] | None = Field(
        default=None,
        description="Date format(s) in strftime notation, tried in order; default %Y-%m-%d.",
    )
    values: dict[str, ValueTarget] | None = Field(
        default=None,
        description="Source code -> canonical value. Unlisted codes are reported, not guessed.",
    )
    required: bool = Field(
        default=False, description="Quarantine the row when this value is missing or unusable."
    )
    name_order: Literal["family_first", "given_first", "auto"] | None = Field(
        default=None,
        description="For full_name: which part comes first; auto decides per row (comma "
        "form, family name in capitals, known family names).",
    )
    mask: str | None = Field(
        default=None,
        min_length=1,
        description="For id_number: the character(s) that hide digits, e.g. '*' in "
        "'****1234'; numbers are then compared on their visible characters.",
    )
    partial: Literal["start", "end"] | None = Field(
        default=None,
        description="For id_number: the column holds only the start or the end of the "
        "number (e.g. its last four digits); compared on that part.",
    )
    unit: Literal["days", "weeks", "months", "years"] | None = Field(
        default=None, description="For length_days: the unit of the source column."
    )


class FileSpec(_Strict):
    """One extract file (or one sheet of a workbook) feeding one canonical table."""

    path: str = Field(description="Path of the extract, relative to the mapping file.")
    format: Format
    entity: Entity
    key: str | list[str] = Field(description="Column(s) that identify a row within the file.")
    sheet: str | None = Field(default=None, description="xlsx only: the sheet to read.")
    delimiter: str = Field(default=",", min_length=1, max_length=1, description="csv only.")
    encoding: str = Field(
        default="utf-8",
        description="csv and jsonl: the text encoding, e.g. cp1252, tis-620, gb18030, shift_jis.",
    )
    columns: dict[str, str | ColumnSpec] = Field(
        description="Canonical field -> source column name, or a column specification."
    )


class AgencySpec(_Strict):
    """One agency and the files it delivers."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Short identifier, e.g. police.")
    kind: AgencyKind
    name: str = ""
    files: list[FileSpec] = Field(min_length=1)


class OffenceCodesSpec(_Strict):
    """The crosswalk from national offence codes to ICCS."""

    path: str
    code: str = "national_code"
    iccs: str = "iccs_code"
    label: str | None = None


class ReferenceSpec(_Strict):
    """Reference data that belongs to no agency: the crosswalk and the population."""

    offence_codes: OffenceCodesSpec | None = None
    files: list[FileSpec] = Field(default_factory=list)


class MappingSpec(_Strict):
    """The whole mapping file."""

    version: Literal[1] = 1
    country: str = ""
    ref_area: str | None = Field(
        default=None,
        description="The country's M49 code in the SDG code list CL_AREA (e.g. 360), used "
        "for the SDMX-CSV output.",
    )
    reference: ReferenceSpec = Field(default_factory=ReferenceSpec)
    agencies: list[AgencySpec] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class Column:
    """A resolved column specification: defaults filled in, kind known.

    Attributes:
        source: The source column, or the columns joined by "+" (for messages).
        sources: The source columns, in order.
        separator: Joins the values of several source columns.
        mask: Characters that hide digits of an id number (None: not masked).
        partial: ``start`` or ``end`` when the id number column holds only that part.
    """

    field: str
    source: str
    sources: tuple[str, ...]
    separator: str
    mask: str | None
    partial: str | None
    spec: FieldSpec
    formats: tuple[str, ...]
    values: dict[str, ValueTarget] | None
    required: bool
    name_order: str | None
    days_per_unit: float


@dataclass(frozen=True, slots=True)
class ExtractFile:
    """One file of the mapping, resolved against the mapping's folder."""

    agency_id: str | None
    entity: Entity
    path: Path
    label: str  # relative path (with "#sheet" for a workbook sheet): the name in reports
    format: str
    sheet: str | None
    delimiter: str
    encoding: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]

    def source_columns(self) -> list[str]:
        """Every source column the mapping reads from this file, keys first, no repeats."""
        names = list(self.key) + [name for c in self.columns for name in c.sources]
        return list(dict.fromkeys(names))


@dataclass(frozen=True, slots=True)
class Mapping:
    """A validated mapping file."""

    path: Path
    spec: MappingSpec
    files: tuple[ExtractFile, ...]

    @property
    def folder(self) -> Path:
        """The folder that relative paths in the mapping start from."""
        return self.path.parent


class _StringKeyLoader(yaml.SafeLoader):
    """YAML loader that keeps mapping keys as written and reads only true/false as booleans.

    YAML 1.1 turns keys such as ``01``, ``YES`` or ``off`` into numbers and booleans, which
    would silently break value maps of agency codes; the keys are kept as their source text.
    """


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = (
            key_node.value
            if isinstance(key_node, yaml.ScalarNode)
            else loader.construct_object(key_node, deep=True)
        )
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_StringKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_StringKeyLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StringKeyLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


_UNION_TAGS = {"str", "bool", "int", "float", "none", "ColumnSpec"}


def _location(loc: tuple[int | str, ...]) -> str:
    """A pydantic error location as a path into the YAML, without union-member tags."""
    text = ""
    for part in loc:
        if isinstance(part, str) and (part in _UNION_TAGS or part.startswith(("list[", "dict["))):
            continue
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


_Model = TypeVar("_Model", bound=BaseModel)


def read_yaml_file(path: Path, error: type[Exception], expected: str) -> dict[str, Any]:
    """A YAML file's top-level mapping, read with :class:`_StringKeyLoader`.

    Raises:
        error: malformed YAML (with line and column), not UTF-8, or not a mapping (the
            message then says ``expected``), as one line naming the file.
    """
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_StringKeyLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise error(f"{path}: malformed YAML: {where}{problem}") from None
    except UnicodeDecodeError:
        raise error(f"{path}: not UTF-8 text") from None
    if not isinstance(raw, dict):
        raise error(f"{path}: expected {expected}")
    return raw


def validated(
    model: type[_Model], raw: dict[str, Any], path: Path, error: type[Exception]
) -> _Model:
    """``raw`` as a ``model``; a shape or meaning error as one line naming file and place.

    Of the alternatives a union tried, the error that got deepest says what was meant.
    """
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
        first = max(errors, key=lambda e: len(e["loc"]))
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        message = str(first["msg"]).removeprefix("Value error, ")
        raise error(f"{path}: {_location(first['loc'])}: {message}{more}") from None


def load_mapping(path: Path) -> Mapping:
    """Read and validate a mapping file.

    Raises:
        SourceFileNotFoundError: when the file does not exist.
        MappingError: on malformed YAML, a shape error or a meaning error, as one line.
    """
    if path.is_dir():
        path = path / "agencies.yaml"
    if not path.is_file():
        raise SourceFileNotFoundError(f"{path}: mapping file not found")
    raw = read_yaml_file(path, MappingError, "a mapping with 'agencies' at the top level")
    spec = validated(MappingSpec, raw, path, MappingError)
    return Mapping(path=path, spec=spec, files=tuple(_resolve(path, spec)))


def _resolve(path: Path, spec: MappingSpec) -> list[ExtractFile]:
    folder = path.parent
    files: list[ExtractFile] = []
    seen_ids: set[str] = set()
    for a, agency in enumerate(spec.agencies):
        if agency.id in seen_ids:
            raise MappingError(f"{path}: agencies[{a}].id: agency {agency.id!r} appears twice")
        seen_ids.add(agency.id)
        for f, file in enumerate(agency.files):
            where = f"{path}: agencies[{a}].files[{f}] ({file.path})"
            if file.entity is Entity.POPULATION:
                raise MappingError(f"{where}: population belongs under reference.files")
            files.append(_resolve_file(folder, where, agency.id, file))
    for f, file in enumerate(spec.reference.files):
        where = f"{path}: reference.files[{f}] ({file.path})"
        if file.entity is not Entity.POPULATION:
            raise MappingError(f"{where}: reference files may only feed 'population'")
        files.append(_resolve_file(folder, where, None, file))
    labels = [f.label for f in files]
    for label in labels:
        if labels.count(label) > 1:
            raise MappingError(f"{path}: {label} is mapped twice; map each file or sheet once")
    return files


def _resolve_file(folder: Path, where: str, agency_id: str | None, file: FileSpec) -> ExtractFile:
    if file.sheet is not None and file.format != "xlsx":
        raise MappingError(f"{where}: 'sheet' applies to xlsx files only")
    if file.delimiter != "," and file.format != "csv":
        raise MappingError(f"{where}: 'delimiter' applies to csv files only")
    try:
        encoding = codecs.lookup(file.encoding).name
    except LookupError:
        raise MappingError(f"{where}: encoding {file.encoding!r} is not known") from None
    if encoding != "utf-8" and file.format not in ("csv", "jsonl"):
        raise MappingError(f"{where}: 'encoding' applies to csv and jsonl files only")
    fields = MAPPABLE_FIELDS[file.entity]
    columns: list[Column] = []
    for name, given in file.columns.items():
        if name not in fields:
            allowed = ", ".join(fields)
            raise MappingError(
                f"{where}: columns.{name}: not a field of {file.entity.value} (fields: {allowed})"
            )
        column_spec = given if isinstance(given, ColumnSpec) else ColumnSpec(column=given)
        columns.append(_resolve_column(f"{where}: columns.{name}", name, fields[name], column_spec))
    mapped = {c.field for c in columns}
    missing = [f for f in REQUIRED_FIELDS[file.entity] if f not in mapped]
    if missing:
        raise MappingError(f"{where}: {file.entity.value} needs columns for {', '.join(missing)}")
    if file.entity is Entity.PERSON_RECORD and not mapped & {
        "full_name",
        "family_name",
        "given_names",
    }:
        raise MappingError(f"{where}: a person file needs full_name, family_name or given_names")
    key = (file.key,) if isinstance(file.key, str) else tuple(file.key)
    if not key:
        raise MappingError(f"{where}: key names no column")
    label = file.path + (f"#{file.sheet}" if file.sheet else "")
    return ExtractFile(
        agency_id=agency_id,
        entity=file.entity,
        path=folder / file.path,
        label=label,
        format=file.format,
        sheet=file.sheet,
        delimiter=file.delimiter,
        encoding=encoding,
        key=key,
        columns=tuple(columns),
    )


def _resolve_column(where: str, name: str, field: FieldSpec, spec: ColumnSpec) -> Column:
    kind = field.kind
    if spec.format is not None and kind not in (FieldKind.DATE, FieldKind.PARTIAL_DATE):
        raise MappingError(f"{where}: 'format' applies to dates only")
    if spec.values is not None and kind not in (FieldKind.ENUM, FieldKind.BOOLEAN, FieldKind.CODE):
        raise MappingError(f"{where}: 'values' applies to coded fields only")
    if spec.name_order is not None and name != "full_name":
        raise MappingError(f"{where}: 'name_order' applies to full_name only")
    if (spec.mask is not None or spec.partial is not None) and name != "id_number":
        raise MappingError(f"{where}: 'mask' and 'partial' apply to id_number only")
    if spec.mask is not None and spec.partial is not None:
        raise MappingError(f"{where}: give 'mask' or 'partial', not both")
    sources = (spec.column,) if isinstance(spec.column, str) else tuple(spec.column)
    if not sources or any(not s.strip() for s in sources):
        raise MappingError(f"{where}: column names no source column")
    if len(sources) != len(set(sources)):
        raise MappingError(f"{where}: a source column is listed twice")
    if spec.separator is not None and len(sources) == 1:
        raise MappingError(f"{where}: 'separator' joins several columns; give a list")
    if len(sources) > 1 and kind not in (
        FieldKind.TEXT,
        FieldKind.CODE,
        FieldKind.DATE,
        FieldKind.PARTIAL_DATE,
    ):
        raise MappingError(f"{where}: only text, code and date fields may join several columns")
    if spec.unit is not None and kind is not FieldKind.DURATION:
        raise MappingError(f"{where}: 'unit' applies to length_days only")
    formats = (
        ()
        if kind not in (FieldKind.DATE, FieldKind.PARTIAL_DATE)
        else (spec.format,)
        if isinstance(spec.format, str)
        else tuple(spec.format or ["%Y-%m-%d"])
    )
    for fmt in formats:
        if "%Y" not in fmt and "%y" not in fmt:
            raise MappingError(f"{where}: date format {fmt!r} has no year (%Y)")
        if kind is FieldKind.DATE and "%d" not in fmt and "%j" not in fmt:
            raise MappingError(
                f"{where}: date format {fmt!r} has no day; only date_of_birth may be partial"
            )
    values = spec.values
    if kind is FieldKind.CODE and values is not None:
        for code, target in values.items():
            if target is not None and not isinstance(target, str):
                raise MappingError(f"{where}: values.{code}: expected text or null")
    if kind is FieldKind.ENUM:
        allowed = {member.value for member in field.enum or ()}
        if values is None:
            values = {v: v for v in sorted(allowed)}
        for code, target in values.items():
            if target is not None and target not in allowed:
                raise MappingError(
                    f"{where}: values.{code}: {target!r} is not one of {', '.join(sorted(allowed))}"
                )
    if kind is FieldKind.BOOLEAN:
        values = values or {"true": True, "false": False}
        for code, target in values.items():
            if target is not None and not isinstance(target, bool):
                raise MappingError(f"{where}: values.{code}: expected true or false")
    default_separator = "; " if name == "aliases" else " "
    return Column(
        field=name,
        source="+".join(sources),
        sources=sources,
        separator=spec.separator if spec.separator is not None else default_separator,
        mask=spec.mask,
        partial=spec.partial,
        spec=field,
        formats=formats,
        values=values,
        required=spec.required,
        name_order=spec.name_order,
        days_per_unit=DURATION_UNITS[spec.unit or "days"],
    )


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the mapping file, generated from the models above."""
    schema = MappingSpec.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "justicelink mapping file (agencies.yaml)"
    return schema


def json_schema_text() -> str:
    """The JSON Schema as the text shipped in ``ingest/mapping.schema.json``."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
