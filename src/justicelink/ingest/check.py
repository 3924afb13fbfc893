"""Reading a sample of an extract with its mapping, to catch a format that empties a column.

A date format that matches none of a column's values (an XLSX column of real date cells
declared ``%d/%m/%Y``), or a value map that knows none of its codes, would load every value
of the column as NULL. :func:`check_sample` normalises a sample of rows exactly as ingest
would (the same query, in an in-memory warehouse) and counts, per mapped field, the values
present in the source that come out unusable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import sqlglot.expressions as exp

from justicelink.errors import MappingError
from justicelink.ingest.derive import with_derived_columns
from justicelink.ingest.mapping import Column, ExtractFile, Mapping, load_mapping
from justicelink.ingest.readers import RawExtract, read_extract
from justicelink.ingest.transform import STAGE, normalise_query, raw_name
from justicelink.model.canonical import FieldKind
from justicelink.warehouse import Warehouse, open_warehouse

SAMPLE_ROWS = 2000
_CHECKED = (
    FieldKind.DATE,
    FieldKind.PARTIAL_DATE,
    FieldKind.ENUM,
    FieldKind.BOOLEAN,
    FieldKind.INTEGER,
    FieldKind.DURATION,
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class ColumnCheck:
    """How many sampled values of one mapped field could be used.

    Attributes:
        sampled: Sampled rows with a value in the source column(s).
        unusable: Of those, values that normalise to NULL (unparseable, unlisted code).
        example: The least unusable value (in text order).
        sample: True when the rows were a sample, False when they were all of the file.
    """

    file: str
    field: str
    source: str
    sampled: int
    unusable: int
    example: str | None
    sample: bool = True

    @property
    def empties_column(self) -> bool:
        """Every sampled value is unusable: the mapping would load the column as NULL."""
        return self.sampled > 0 and self.unusable == self.sampled

    def message(self) -> str:
        """One line saying what is wrong and what to change."""
        what = f"{self.file}: columns.{self.field} ({self.source})"
        count = f"{self.unusable:,} of {self.sampled:,} {'sampled ' if self.sample else ''}values"
        return f"{what}: {count} cannot be read, e.g. {self.example!r}"


def _checked(column: Column) -> bool:
    kind = column.spec.kind
    return kind in _CHECKED or (kind is FieldKind.CODE and column.values is not None)


def _sample(table: pa.Table, rows: int) -> pa.Table:
    """Up to ``rows`` rows spread evenly over the table (first and last included)."""
    n = table.num_rows
    if n <= rows:
        return table
    step = (n - 1) / (rows - 1)
    return table.take(pa.array(sorted({round(i * step) for i in range(rows)}), pa.int64()))


def _counts(extract: ExtractFile, source: exp.Expr) -> tuple[list[Column], exp.Select]:
    """The checked fields, and a query counting their present and unusable values in
    ``source`` (a normalised relation: canonical columns beside ``_raw_<field>``)."""
    columns = [c for c in extract.columns if _checked(c)]
    counts: list[exp.Expr] = []
    for column in columns:
        raw = exp.column(raw_name(column.field))
        lost = exp.and_(raw.is_(exp.null()).not_(), exp.column(column.field).is_(exp.null()))
        first = exp.Filter(this=exp.func("min", raw), expression=exp.Where(this=lost))
        counts += [exp.func("count", raw), exp.func("count_if", lost), first]
    return columns, exp.select(*counts).from_(source)


def _checks(
    extract: ExtractFile, columns: list[Column], row: tuple[object, ...], sample: bool = True
) -> list[ColumnCheck]:
    return [
        ColumnCheck(
            file=extract.label,
            field=column.field,
            source=column.source,
            sampled=int(str(row[3 * i] or 0)),
            unusable=int(str(row[3 * i + 1] or 0)),
            example=None if row[3 * i + 2] is None else str(row[3 * i + 2]),
            sample=sample,
        )
        for i, column in enumerate(columns)
    ]


def count_unusable(
    extract: ExtractFile, warehouse: Warehouse, normalised: str
) -> list[ColumnCheck]:
    """Per checked field, the values of a normalised table that could not be used."""
    columns, query = _counts(extract, exp.to_table(normalised))
    if not columns:
        return []
    return _checks(extract, columns, warehouse.fetch(query)[0], sample=False)


def check_sample(
    extract: ExtractFile, raw: RawExtract, rows: int = SAMPLE_ROWS
) -> list[ColumnCheck]:
    """Normalise a sample of ``raw`` as ingest would; one check per coded or dated field."""
    columns, query = _counts(extract, normalise_query(extract, run_id="check").subquery("n"))
    if not columns or raw.table.num_rows == 0:
        return []
    with open_warehouse(":memory:") as warehouse:
        warehouse.ensure_schema()
        warehouse.register(STAGE, with_derived_columns(extract, _sample(raw.table, rows)))
        return _checks(extract, columns, warehouse.fetch(query)[0])


def _hint(column: Column, check: ColumnCheck) -> str:
    kind = column.spec.kind
    if kind in (FieldKind.DATE, FieldKind.PARTIAL_DATE):
        declared = " or ".join(column.formats)
        hint = f"; declared format {declared}"
        if check.example and _ISO_DATE.match(check.example) and "%Y-%m-%d" not in column.formats:
            hint += " (date cells of workbooks and Parquet dates are read as %Y-%m-%d: add it)"
        return hint
    if column.values is not None:
        return "; add its codes to values"
    return ""


def refuse_emptied_columns(extract: ExtractFile, checks: list[ColumnCheck], where: str) -> None:
    """Raise when a mapped field would load as NULL on every row of the sample.

    Raises:
        MappingError: one line naming the file, the field, the column, an example value and
            what to change.
    """
    by_field = {c.field: c for c in extract.columns}
    for check in checks:
        if check.empties_column:
            raise MappingError(
                f"{where}: {check.message()}; every sampled value would load as NULL"
                f"{_hint(by_field[check.field], check)}"
            )


@dataclass(frozen=True, slots=True)
class FileCheck:
    """One extract as `justicelink mapping check` read it."""

    path: str
    entity: str
    rows: int
    columns: list[ColumnCheck]

    def warnings(self) -> list[str]:
        """One line per field with some (not all) sampled values unusable."""
        return [c.message() for c in self.columns if c.unusable and not c.empties_column]


def check_mapping(source: Path, *, rows: int = SAMPLE_ROWS) -> tuple[Mapping, list[FileCheck]]:
    """Validate a mapping, read every extract it names and normalise a sample of each.

    Raises:
        MappingError: the mapping is invalid, or a field's format or value map would empty
            its column (every sampled value unusable).
        SourceFileNotFoundError, ExtractError: an extract is missing or unreadable.
    """
    mapping = load_mapping(source)
    files: list[FileCheck] = []
    for extract in mapping.files:
        raw = read_extract(extract)
        checks = check_sample(extract, raw, rows)
        refuse_emptied_columns(extract, checks, str(mapping.path))
        files.append(FileCheck(extract.label, extract.entity.value, raw.rows_read, checks))
    return mapping, files
