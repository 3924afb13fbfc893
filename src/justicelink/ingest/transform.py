"""From a staged extract to canonical rows and a list of problems, as sqlglot expressions.

For one extract, :func:`normalise_query` selects every canonical column from the staged text
table (dates parsed with the mapping's formats, codes mapped, offences coded to ICCS) next to
the raw values, and :func:`problem_queries` yields one query per check, each returning the
rows that fail it with the column, the raw value, the reason and whether the failure blocks
the row (quarantine) or only makes one value unusable (value issue).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import sqlglot.expressions as exp

from justicelink.ingest.mapping import Column, ExtractFile
from justicelink.ingest.readers import ROW
from justicelink.model.canonical import ENTITY_TABLE, REQUIRED_FIELDS, TABLES, FieldKind
from justicelink.model.enums import Entity

STAGE = "_jl_stage"  # the registered Arrow table of the extract
NORMALISED = "_jl_normalised"  # temp table: canonical columns, raw values, key
KEY = "_jl_key"
RANK = "_jl_rank"  # 1 for the first row with a key, 2 for its first repeat, ...

# The identifier column of each table whose rows have one: a reload replaces rows by it.
ID_COLUMN: dict[str, str] = {
    "person_record": "record_id",
    "incident": "incident_id",
    "case_event": "event_id",
    "programme": "programme_id",
    "participation": "participation_id",
}

# A key field's target: the table of the same agency it refers to, its id column, and the
# word for it in a quarantine reason.
_REFERENCES: dict[FieldKind, tuple[str, str, str]] = {
    FieldKind.PERSON_KEY: ("person_record", "record_id", "person"),
    FieldKind.INCIDENT_KEY: ("incident", "incident_id", "incident"),
    FieldKind.PROGRAMME_KEY: ("programme", "programme_id", "programme"),
}


def _fn(name: str, *args: exp.Expr) -> exp.Expr:
    """A call of an engine function by its exact name (no dialect rewriting)."""
    return exp.Anonymous(this=name, expressions=list(args))


def _lit(value: str | int | float | bool | None) -> exp.Expr:
    if value is None:
        return exp.null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, str):
        return exp.Literal.string(value)
    return exp.Literal.number(value)


def _source(name: str) -> exp.Expr:
    return exp.column(name, table=STAGE, quoted=True)


def _clean(name: str) -> exp.Expr:
    """The source value trimmed, with an empty string read as missing."""
    return exp.Nullif(this=exp.Trim(this=_source(name)), expression=_lit(""))


def column_value(column: Column) -> exp.Expr:
    """A field's source value: one column trimmed, or the non-empty values of several
    columns joined by the column's separator (missing when all are empty)."""
    if len(column.sources) == 1:
        return _clean(column.sources[0])
    joined = _fn("concat_ws", _lit(column.separator), *[_clean(s) for s in column.sources])
    return exp.Nullif(this=joined, expression=_lit(""))


# Columns the loader adds to the staged table before normalising (see ingest.derive): the
# parts of a one-column name as split by justicelink.names.split_name, per row.
SPLIT_FAMILY = "_jl_family"
SPLIT_GIVEN = "_jl_given"
SPLIT_ORDER = "_jl_order"


def raw_name(field: str) -> str:
    """The column of the normalised table holding a field's raw (trimmed) source value."""
    return f"_raw_{field}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One check: a condition on the normalised table and what failing it means."""

    column: str
    condition: exp.Expr
    raw: exp.Expr
    reason: str
    blocking: bool


def _parse_date(value: exp.Expr, formats: tuple[str, ...]) -> exp.Expr:
    tries = [_fn("try_strptime", value, _lit(fmt)) for fmt in formats]
    first = tries[0] if len(tries) == 1 else exp.Coalesce(this=tries[0], expressions=tries[1:])
    return exp.cast(first, "DATE")


def _precision(value: exp.Expr, formats: tuple[str, ...]) -> exp.Expr:
    def level(fmt: str) -> str:
        if "%d" in fmt or "%j" in fmt:
            return "day"
        return "month" if "%m" in fmt or "%b" in fmt or "%B" in fmt else "year"

    case = exp.Case()
    for fmt in formats:
        case = case.when(
            exp.Not(this=exp.Is(this=_fn("try_strptime", value, _lit(fmt)), expression=exp.null())),
            _lit(level(fmt)),
        )
    return case


def _value_map(value: exp.Expr, column: Column) -> exp.Expr:
    case = exp.Case(this=value)
    for code, target in (column.values or {}).items():
        case = case.when(_lit(code), _lit(target))
    return case


def _agency_prefixed(agency_id: str | None, value: exp.Expr) -> exp.Expr:
    if agency_id is None:
        return value
    return exp.DPipe(this=_lit(f"{agency_id}:"), expression=value, safe=True)


def _key(extract: ExtractFile) -> exp.Expr:
    parts = [_clean(name) for name in extract.key]
    if len(parts) == 1:
        return parts[0]
    any_missing = exp.or_(*[exp.Is(this=p, expression=exp.null()) for p in parts])
    joined = _fn("concat_ws", _lit("\x1f"), *parts)
    return exp.Case().when(any_missing, exp.null()).else_(joined)


def normalise_query(extract: ExtractFile, *, run_id: str) -> exp.Select:
    """Select the canonical columns of ``extract`` from the staged table, raw values beside.

    The result has every column of the entity's canonical table (NULL where the mapping does
    not fill it), ``_raw_<field>`` for every mapped field, and ``_jl_key``.
    """
    table = ENTITY_TABLE[extract.entity]
    values: dict[str, exp.Expr] = {name: exp.null() for name, _ in TABLES[table]}
    rank = exp.Window(
        this=exp.RowNumber(),
        partition_by=[_key(extract)],
        order=exp.Order(expressions=[exp.Ordered(this=exp.column(ROW, table=STAGE, quoted=True))]),
    )
    extra: dict[str, exp.Expr] = {KEY: _key(extract), RANK: rank}
    joins: list[tuple[exp.Expr, exp.Expr]] = []
    by_field = {c.field: c for c in extract.columns}
    for column in extract.columns:
        raw = column_value(column)
        extra[raw_name(column.field)] = raw
        _normalise_field(extract, column, raw, values, joins)
    _derive(extract, by_field, values)
    values["source_file"] = _lit(extract.label)
    values["source_row"] = exp.column(ROW, table=STAGE, quoted=True)
    values["run_id"] = _lit(run_id)
    if "agency_id" in values and extract.agency_id is not None:
        values["agency_id"] = _lit(extract.agency_id)
    select = exp.select(
        *[exp.alias_(v, name, quoted=True) for name, v in {**values, **extra}.items()]
    ).from_(exp.to_table(STAGE))
    for table_expr, on in joins:
        select = select.join(table_expr, on=on, join_type="left")
    return select


def _normalise_field(
    extract: ExtractFile,
    column: Column,
    raw: exp.Expr,
    values: dict[str, exp.Expr],
    joins: list[tuple[exp.Expr, exp.Expr]],
) -> None:
    kind, name = column.spec.kind, column.field
    if kind is FieldKind.TEXT:
        values[name] = raw
        if name == "id_number" and (column.mask or column.partial):
            values["id_number_visible"] = _visible_id(raw, column)
    elif kind is FieldKind.CODE:
        values[name] = raw if column.values is None else _value_map(raw, column)
        if f"{name}_raw" in values:
            values[f"{name}_raw"] = raw
    elif kind is FieldKind.DATE:
        values[name] = _parse_date(raw, column.formats)
    elif kind is FieldKind.PARTIAL_DATE:
        values[name] = _parse_date(raw, column.formats)
        values["dob_precision"] = _precision(raw, column.formats)
        values["birth_year"] = _fn("year", _parse_date(raw, column.formats))
        values["date_of_birth_raw"] = raw
    elif kind in (FieldKind.ENUM, FieldKind.BOOLEAN):
        values[name] = _value_map(raw, column)
        if f"{name}_raw" in values:
            values[f"{name}_raw"] = raw
    elif kind is FieldKind.INTEGER:
        number = exp.TryCast(this=raw, to=exp.DataType.build("DOUBLE"))
        whole = exp.EQ(this=number, expression=exp.Floor(this=number))
        values[name] = exp.Case().when(whole, exp.cast(number, "BIGINT"))
    elif kind is FieldKind.DURATION:
        number = exp.TryCast(this=raw, to=exp.DataType.build("DOUBLE"))
        days = exp.Mul(this=number, expression=_lit(column.days_per_unit))
        values[name] = exp.cast(exp.Round(this=days), "BIGINT")
    elif kind is FieldKind.OFFENCE:
        alias = "_jl_oc"
        values["offence_code_raw"] = raw
        values["iccs_code"] = exp.column("iccs_code", table=alias)
        on = exp.EQ(this=exp.column("national_code", table=alias), expression=exp.Upper(this=raw))
        joins.append((exp.to_table("offence_code").as_(alias), on))
    elif kind in _REFERENCES:
        values[_REFERENCES[kind][1]] = _agency_prefixed(extract.agency_id, raw)


def _visible_id(raw: exp.Expr, column: Column) -> exp.Expr:
    """A masked or partial id number in one form: letters and digits upper-cased, a ``*``
    for each hidden character (masked), or for the unknown rest (partial: "*1234")."""
    if column.mask:
        hidden = "[" + "".join("\\" + ch if not ch.isalnum() else ch for ch in column.mask) + "]"
        starred = _fn(
            "regexp_replace", exp.Upper(this=raw), _lit(hidden.upper()), _lit("*"), _lit("g")
        )
        kept = _fn("regexp_replace", starred, _lit("[^A-Z0-9*]"), _lit(""), _lit("g"))
        # A value without any mask character is a full number: it has nothing hidden.
        masked = _fn("regexp_matches", exp.Upper(this=raw), _lit(hidden.upper()))
        return exp.Case().when(masked, exp.Nullif(this=kept, expression=_lit("")))
    kept = _fn("regexp_replace", exp.Upper(this=raw), _lit("[^A-Z0-9]"), _lit(""), _lit("g"))
    visible = exp.Nullif(this=kept, expression=_lit(""))
    if column.partial == "end":
        return exp.DPipe(this=_lit("*"), expression=visible, safe=True)
    return exp.DPipe(this=visible, expression=_lit("*"), safe=True)


def _derive(extract: ExtractFile, by_field: dict[str, Column], values: dict[str, exp.Expr]) -> None:
    """Identifiers and the name parts that follow from other fields."""
    key = _key(extract)
    if extract.entity is Entity.PERSON_RECORD:
        values["record_id"] = _agency_prefixed(extract.agency_id, key)
        values["record_key"] = key
        _derive_names(by_field, values)
    elif extract.entity is Entity.INCIDENT:
        values["incident_id"] = _agency_prefixed(extract.agency_id, key)
        values["incident_key"] = key
    elif extract.entity is Entity.CASE_EVENT:
        values["event_id"] = _agency_prefixed(extract.agency_id, key)
    elif extract.entity is Entity.PROGRAMME:
        values["programme_id"] = _agency_prefixed(extract.agency_id, key)
        values["programme_key"] = key
    elif extract.entity is Entity.PARTICIPATION:
        values["participation_id"] = _agency_prefixed(extract.agency_id, key)


def _derive_names(by_field: dict[str, Column], values: dict[str, exp.Expr]) -> None:
    full = by_field.get("full_name")
    if full is not None:
        # Runs of spaces collapse so that tokens split cleanly.
        text = _fn("regexp_replace", column_value(full), _lit(r"\s+"), _lit(" "), _lit("g"))
        values["full_name"] = text
        if full.name_order is not None:
            # Split in Python before staging (justicelink.names.split_name): particles,
            # patronymics and the per-row order of `auto` need more than a regular expression.
            if "family_name" not in by_field:
                values["family_name"] = _source(SPLIT_FAMILY)
            if "given_names" not in by_field:
                values["given_names"] = _source(SPLIT_GIVEN)
            values["name_order"] = _source(SPLIT_ORDER)
    else:
        parts = [values["given_names"], values["middle_names"], values["family_name"]]
        joined = _fn("concat_ws", _lit(" "), *parts)
        values["full_name"] = exp.Nullif(this=joined, expression=_lit(""))
        values["name_order"] = _lit("split")


def _col(name: str) -> exp.Expr:
    return exp.column(name, table=NORMALISED, quoted=True)


def _present(name: str) -> exp.Expr:
    return exp.Not(this=exp.Is(this=_col(name), expression=exp.null()))


def _missing(name: str) -> exp.Expr:
    return exp.Is(this=_col(name), expression=exp.null())


def problems(extract: ExtractFile) -> Iterator[Problem]:
    """Every check that applies to ``extract``."""
    key_columns = ", ".join(extract.key)
    yield Problem(key_columns, _missing(KEY), exp.null(), "missing key", True)
    repeated = exp.and_(_present(KEY), exp.GT(this=_col(RANK), expression=_lit(1)))
    yield Problem(key_columns, repeated, _col(KEY), "duplicate key: an earlier row has it", True)
    table = ENTITY_TABLE[extract.entity]
    id_column = ID_COLUMN.get(table)
    if id_column is not None:
        # A key another file of the agency already loaded is refused, never overwritten:
        # replacing it would take a row of that other file out of its own count.
        elsewhere = (
            exp.select(id_column)
            .from_(table)
            .where(exp.NEQ(this=exp.column("source_file"), expression=_lit(extract.label)))
        )
        taken = exp.and_(_present(KEY), _col(id_column).isin(query=elsewhere))
        reason = "key already loaded from another file of the agency"
        yield Problem(key_columns, taken, _col(KEY), reason, True)
    required = set(REQUIRED_FIELDS[extract.entity])
    for column in extract.columns:
        yield from _field_problems(extract, column, column.required or column.field in required)


def _field_problems(extract: ExtractFile, column: Column, required: bool) -> Iterator[Problem]:
    raw = _raw(column)
    name = column.source
    kind = column.spec.kind
    if required:
        yield Problem(
            name, _missing(raw_name(column.field)), exp.null(), "missing required value", True
        )
    has_raw = _present(raw_name(column.field))
    if kind in (FieldKind.DATE, FieldKind.PARTIAL_DATE):
        reason = f"unparseable date (expected {' or '.join(column.formats)})"
        yield Problem(name, exp.and_(has_raw, _missing(column.field)), raw, reason, required)
    elif kind in (FieldKind.ENUM, FieldKind.BOOLEAN) or (
        kind is FieldKind.CODE and column.values is not None
    ):
        codes = [_lit(code) for code in (column.values or {})]
        unknown = exp.Not(this=raw.isin(*codes)) if codes else exp.true()
        reason = f"code not in the value map of {column.field}"
        yield Problem(name, exp.and_(has_raw, unknown), raw, reason, required)
    elif kind is FieldKind.INTEGER:
        reason = "not a whole number"
        yield Problem(name, exp.and_(has_raw, _missing(column.field)), raw, reason, required)
    elif kind is FieldKind.DURATION:
        bad = exp.or_(_missing(column.field), exp.LT(this=_col(column.field), expression=_lit(0)))
        reason = "not a non-negative number"
        yield Problem(name, exp.and_(has_raw, bad), raw, reason, required)
    elif kind is FieldKind.OFFENCE:
        reason = "offence code not in the crosswalk (kept, counted as unmapped)"
        yield Problem(name, exp.and_(has_raw, _missing("iccs_code")), raw, reason, False)
    elif kind in _REFERENCES:
        yield _reference_problem(extract, column, has_raw, raw)


def _raw(column: Column) -> exp.Expr:
    return _col(raw_name(column.field))


def _reference_problem(
    extract: ExtractFile, column: Column, has_raw: exp.Expr, raw: exp.Expr
) -> Problem:
    target, id_column, what = _REFERENCES[column.spec.kind]
    known = exp.select(id_column).from_(target)
    orphan = exp.Not(this=_col(id_column).isin(query=known))
    reason = f"no {what} with this key in the agency's {target} file"
    return Problem(column.source, exp.and_(has_raw, orphan), raw, reason, True)


def problem_select(problem: Problem) -> exp.Select:
    """The rows failing one check, as (source_row, column_name, raw_value, reason, blocking)."""
    return (
        exp.select(
            exp.alias_(_col("source_row"), "source_row"),
            exp.alias_(_lit(problem.column), "column_name"),
            exp.alias_(exp.cast(problem.raw, "VARCHAR"), "raw_value"),
            exp.alias_(_lit(problem.reason), "reason"),
            exp.alias_(_lit(problem.blocking), "blocking"),
        )
        .from_(NORMALISED)
        .where(problem.condition)
    )
