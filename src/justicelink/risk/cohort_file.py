"""A cohort file (CSV or Parquet) and its mapping -> a :class:`RiskTable`, nothing hidden.

Rules (docs/risk.md states them for users):

- Missing values are empty cells and the usual spellings (NA, N/A, NaN, NULL, None, #N/A).
  A row whose outcome is missing cannot be validated: it is excluded and counted. A missing
  predictor keeps the row: the value falls in the predictor's band 'missing'. A missing
  group value is reported as '(missing)'. A missing comparison score leaves the row out of
  the comparison only, counted.
- Any other value that cannot be read (an outcome other than 0/1, a number or date that
  does not parse) stops the run with one line naming the file, the row and the column.
  Rows are numbered from 1, the first record under the header.
- A header that repeats a name (some published files do) keeps the first under its name and
  calls the next ``name.1``, ``name.2`` (as pandas does); the renaming is reported.
- Protected attributes (sex, race, ... and the mapping's ``protected``) and group columns
  are not used as predictors unless listed in ``protected_predictors``; the exclusion or the
  opt-in is reported on the model card.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pa_parquet

from justicelink.errors import ExtractError, MappingError, SourceFileNotFoundError
from justicelink.risk.cohort_spec import (
    PROTECTED_ATTRIBUTES,
    CohortSpec,
    PredictorSpec,
    load_cohort_spec,
    normalised_name,
)
from justicelink.risk.table import (
    MISSING_GROUP,
    BoolArray,
    FloatArray,
    ObjArray,
    Predictor,
    PredictorKind,
    RiskTable,
    Unit,
)

NULL_VALUES = ["", "NA", "N/A", "n/a", "NaN", "nan", "NULL", "null", "None", "#N/A"]
_EPOCH = dt.datetime(1970, 1, 1)
_DAY = 86400.0


@dataclass(frozen=True, slots=True)
class ExcludedPredictor:
    """A predictor the mapping listed that the model does not use, and why."""

    name: str
    reason: str


@dataclass(frozen=True, slots=True)
class Cohort:
    """A cohort file read through its mapping.

    Attributes:
        table: The rows the model is fitted and validated on.
        spec: The mapping.
        data_path, mapping_path: The two files, and their SHA-256 digests.
        rows_read: Data records in the file.
        excluded_outcome_missing: Rows left out because their outcome is missing.
        excluded_predictors: Listed predictors not used (protected attributes).
        protected_used: Protected attributes used as predictors by the user's opt-in.
        notes: Anything else the reader changed and the user should know.
    """

    table: RiskTable
    spec: CohortSpec
    data_path: Path
    data_sha256: str
    mapping_path: Path
    mapping_sha256: str
    rows_read: int
    excluded_outcome_missing: int
    excluded_predictors: tuple[ExcludedPredictor, ...] = ()
    protected_used: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_cohort(data: Path, mapping: Path, compare: str | None = None) -> Cohort:
    """Read ``data`` as ``mapping`` describes; ``compare`` overrides the mapping's.

    Raises:
        SourceFileNotFoundError: a file is missing.
        MappingError: the mapping is malformed or names a column twice in conflicting roles.
        ExtractError: the file cannot be read, lacks a column or holds an unreadable value.
    """
    spec = load_cohort_spec(mapping)
    if not data.is_file():
        raise SourceFileNotFoundError(f"{data}: cohort file not found")
    compare = compare or spec.compare
    predictors = spec.predictor_specs()
    for name, p in predictors.items():
        if spec.outcome in (p.column or name, p.since):
            raise MappingError(f"{mapping}: predictors.{name}: the outcome cannot be a predictor")
    excluded, protected_used = _protected(spec, predictors, mapping)
    used = {name: p for name, p in predictors.items() if name not in {e.name for e in excluded}}
    if not used:
        raise MappingError(f"{mapping}: predictors: every predictor is a protected attribute")
    needed = _needed_columns(spec, used, compare)
    raw, renamed = _read_text_table(data, spec, needed)
    rows_read = raw.num_rows
    reader = _ColumnReader(data, raw, spec)
    outcome = reader.outcome(spec.outcome)
    keep = ~np.isnan(outcome)
    table = RiskTable(
        predictors=tuple(_predictors(reader, spec, used, keep)),
        outcome=outcome[keep].astype(np.int8),
        groups={g: reader.group(g)[keep] for g in spec.groups},
        rows=reader.rows[keep],
        compare=None if compare is None else reader.number(compare)[keep],
        compare_name=compare or "",
    )
    notes = tuple(
        f"the header repeats {name!r}: its later copies were read as {', '.join(copies)}"
        for name, copies in renamed.items()
    )
    return Cohort(
        table=table,
        spec=spec,
        data_path=data,
        data_sha256=sha256(data),
        mapping_path=mapping,
        mapping_sha256=sha256(mapping),
        rows_read=rows_read,
        excluded_outcome_missing=int((~keep).sum()),
        excluded_predictors=tuple(excluded),
        protected_used=tuple(protected_used),
        notes=notes,
    )


def _protected(
    spec: CohortSpec, predictors: dict[str, PredictorSpec], mapping: Path
) -> tuple[list[ExcludedPredictor], list[str]]:
    protected = PROTECTED_ATTRIBUTES | {normalised_name(c) for c in spec.protected}
    groups = {normalised_name(g) for g in spec.groups}
    opted = set(spec.protected_predictors)
    unknown = opted - set(predictors)
    if unknown:
        name = sorted(unknown)[0]
        raise MappingError(f"{mapping}: protected_predictors: {name!r} is not a predictor")
    excluded: list[ExcludedPredictor] = []
    used: list[str] = []
    for name, p in predictors.items():
        column = normalised_name(p.column or name)
        as_group = column in groups or normalised_name(name) in groups
        as_protected = column in protected or normalised_name(name) in protected
        if not (as_group or as_protected):
            continue
        if name in opted:
            used.append(name)
            continue
        why = "a group column of the fairness breakdown" if as_group else "a protected attribute"
        excluded.append(
            ExcludedPredictor(
                name,
                f"{why}: not used as a predictor (list it under protected_predictors to opt in)",
            )
        )
    return excluded, used


def _needed_columns(
    spec: CohortSpec, predictors: dict[str, PredictorSpec], compare: str | None
) -> list[str]:
    names = [spec.outcome]
    for name, p in predictors.items():
        names.append(p.column or name)
        if p.since:
            names.append(p.since)
    if spec.index_date and any(p.kind is PredictorKind.DATE for p in predictors.values()):
        names.append(spec.index_date)
    names += spec.groups
    if compare:
        names.append(compare)
    return list(dict.fromkeys(names))


def _dedupe(header: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """Rename repeated header names as pandas does: a, a.1, a.2 ..."""
    seen: set[str] = set()
    out: list[str] = []
    renamed: dict[str, list[str]] = {}
    for name in header:
        new, k = name, 0
        while new in seen:
            k += 1
            new = f"{name}.{k}"
        if new != name:
            renamed.setdefault(name, []).append(new)
        seen.add(new)
        out.append(new)
    return out, renamed


def _read_text_table(
    path: Path, spec: CohortSpec, needed: list[str]
) -> tuple[pa.Table, dict[str, list[str]]]:
    """The needed columns as text (null where missing), and the header renaming done."""
    if path.suffix.lower() == ".parquet":
        try:
            table = pa_parquet.read_table(path)
        except pa.ArrowInvalid as exc:
            raise ExtractError(f"{path}: not a readable Parquet file: {exc}") from None
        header = list(table.column_names)
        _check_columns(path, header, needed)
        columns = {n: table.column(n).cast(pa.string()) for n in needed}
        return pa.table(columns), {}
    try:
        with path.open("r", encoding=spec.encoding, newline="") as handle:
            first = handle.readline()
    except (UnicodeDecodeError, LookupError) as exc:
        raise ExtractError(f"{path}: cannot be read as {spec.encoding} text: {exc}") from None
    header = next(csv.reader([first.lstrip("\ufeff")], delimiter=spec.delimiter), [])
    header, renamed = _dedupe([h.strip() for h in header])
    _check_columns(path, header, needed)
    bad: list[int] = []

    def invalid(row: pa_csv.InvalidRow) -> str:
        bad.append(row.number if row.number is not None else -1)
        return "skip"

    try:
        table = pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(
                column_names=header, skip_rows=1, encoding=spec.encoding
            ),
            parse_options=pa_csv.ParseOptions(
                delimiter=spec.delimiter, newlines_in_values=True, invalid_row_handler=invalid
            ),
            convert_options=pa_csv.ConvertOptions(
                include_columns=needed,
                column_types={n: pa.string() for n in needed},
                null_values=NULL_VALUES,
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise ExtractError(f"{path}: not a readable CSV file: {exc}") from None
    if bad:
        where = f"line {bad[0]}" if bad[0] > 0 else "a record"
        raise ExtractError(f"{path}: {where}: the number of fields differs from the header's")
    return table, renamed


def _check_columns(path: Path, header: list[str], needed: list[str]) -> None:
    missing = [c for c in needed if c not in header]
    if missing:
        shown = ", ".join(header[:30]) + (" ..." if len(header) > 30 else "")
        raise ExtractError(f"{path}: column {missing[0]!r} not found (columns: {shown})")


class _ColumnReader:
    """Parses the text columns of one cohort file, failing on the first bad cell."""

    def __init__(self, path: Path, table: pa.Table, spec: CohortSpec) -> None:
        self.path = path
        self.table = table
        self.spec = spec
        self.rows = np.arange(1, table.num_rows + 1, dtype=np.int64)

    def _text(self, column: str) -> ObjArray:
        values = self.table.column(column).to_pylist()
        out = np.empty(len(values), dtype=object)
        for i, v in enumerate(values):
            v = v.strip() if v is not None else None
            out[i] = v if v and v not in NULL_VALUES else None
        return out

    def _parse(self, column: str, parse: Callable[[str], float | None], what: str) -> FloatArray:
        """Parse each distinct text once; NaN where missing; one-line error where unreadable."""
        text = self._text(column)
        present = np.asarray([v is not None for v in text], dtype=bool)
        out = np.full(len(text), np.nan)
        if not present.any():
            return out
        distinct, inverse = np.unique(text[present].astype(str), return_inverse=True)
        parsed = np.empty(len(distinct))
        for i, value in enumerate(str(v) for v in distinct):
            number = parse(value)
            if number is None:
                row = int(self.rows[present][int(np.argmax(inverse == i))])
                raise ExtractError(f"{self.path}: row {row}, column {column!r}: {value!r} {what}")
            parsed[i] = number
        out[present] = parsed[inverse]
        return out

    def outcome(self, column: str) -> FloatArray:
        """0/1 per row, NaN where missing."""
        return self._parse(column, _zero_one, "is not 0 or 1")

    def number(self, column: str) -> FloatArray:
        """A number per row, NaN where missing."""
        return self._parse(column, _number, "is not a number")

    def date(self, column: str, formats: tuple[str, ...]) -> FloatArray:
        """Days since 1970-01-01 per row (fractional with a time of day), NaN where missing."""
        shown = " or ".join(formats) if formats else "ISO 8601, e.g. 2014-03-21"
        return self._parse(column, lambda v: _days(v, formats), f"is not a date ({shown})")

    def category(self, column: str) -> ObjArray:
        """The text per row, None where missing."""
        return self._text(column)

    def group(self, column: str) -> ObjArray:
        """The text per row, '(missing)' where missing."""
        text = self._text(column)
        text[np.asarray([v is None for v in text], dtype=bool)] = MISSING_GROUP
        return text


def _zero_one(value: str) -> float | None:
    return {"0": 0.0, "1": 1.0, "0.0": 0.0, "1.0": 1.0}.get(value)


def _number(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _days(value: str, formats: tuple[str, ...]) -> float | None:
    parsed: dt.datetime | None = None
    for fmt in formats:
        try:
            parsed = dt.datetime.strptime(value, fmt)
            break
        except ValueError:
            continue
    if parsed is None and not formats:
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    if parsed is None:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return (parsed - _EPOCH).total_seconds() / _DAY


def _formats(given: str | list[str] | None) -> tuple[str, ...]:
    if given is None:
        return ()
    return (given,) if isinstance(given, str) else tuple(given)


def _predictors(
    reader: _ColumnReader,
    spec: CohortSpec,
    used: dict[str, PredictorSpec],
    keep: BoolArray,
) -> list[Predictor]:
    """Each predictor's values; a date measured from its reference date (docs/risk.md).

    A date predictor's reference is its ``since`` column, else the mapping's ``index_date``,
    else the first date predictor listed without ``since``, which itself enters as calendar
    time.
    """
    formats = {
        (p.column or n): _formats(p.format or spec.date_format)
        for n, p in used.items()
        if p.kind is PredictorKind.DATE
    }

    def date(column: str) -> FloatArray:
        return reader.date(column, formats.get(column, _formats(spec.date_format)))

    first_date = next(
        (p.column or n for n, p in used.items() if p.kind is PredictorKind.DATE and not p.since),
        None,
    )
    out: list[Predictor] = []
    for name, p in used.items():
        column = p.column or name
        if p.kind is PredictorKind.NUMBER:
            out.append(Predictor(name, p.kind, reader.number(column)[keep], description=column))
            continue
        if p.kind is PredictorKind.CATEGORY:
            out.append(Predictor(name, p.kind, reader.category(column)[keep], description=column))
            continue
        reference = p.since or spec.index_date or (None if column == first_date else first_date)
        if reference is None:
            calendar = f"{column} (calendar time)"
            out.append(Predictor(name, p.kind, date(column)[keep], Unit.CALENDAR, calendar))
            continue
        elapsed = date(column) - date(reference)
        unit = Unit.YEARS if p.unit == "years" else Unit.DAYS
        if unit is Unit.YEARS:
            elapsed = elapsed / 365.25
        description = f"{unit.value} from {reference} to {column}"
        out.append(Predictor(name, p.kind, elapsed[keep], unit, description))
    return out
