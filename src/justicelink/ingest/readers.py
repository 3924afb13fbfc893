"""Readers: one extract file (or workbook sheet) -> an all-text Arrow table, nothing lost.

Every reader returns the mapped source columns as text, a ``__source_row`` column (the data
record's number: 1 for the first record under the header; JSON lines: the line number), and
the records it could not parse at all (wrong number of fields, invalid JSON, undecodable
bytes), each with its number and reason, so that the loader can quarantine them. Reading uses
Arrow's multi-threaded parsers; a file they reject is read again record by record with the
standard library, which is slower but can say which record is broken.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.json as pa_json
import pyarrow.parquet as pa_parquet

from justicelink.errors import ExtractError, SourceFileNotFoundError
from justicelink.ingest.mapping import ExtractFile

ROW = "__source_row"


@dataclass(frozen=True, slots=True)
class Reject:
    """A record that could not be parsed into fields."""

    row: int
    raw: str
    reason: str


@dataclass(slots=True)
class RawExtract:
    """What a reader read: the parsed records and the unparseable ones."""

    table: pa.Table
    rejects: list[Reject] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        """Every data record in the file: parsed plus rejected."""
        return int(self.table.num_rows) + len(self.rejects)


def read_extract(extract: ExtractFile) -> RawExtract:
    """Read an extract as its mapping describes.

    Raises:
        SourceFileNotFoundError: when the file does not exist.
        ExtractError: when a mapped column is absent, or the file cannot be read at all.
    """
    if not extract.path.is_file():
        raise SourceFileNotFoundError(f"{extract.path}: extract not found")
    readers = {"csv": _read_csv, "jsonl": _read_jsonl, "xlsx": _read_xlsx, "parquet": _read_parquet}
    return readers[extract.format](extract)


def _missing_columns(extract: ExtractFile, header: Iterable[str]) -> None:
    present = list(header)
    missing = [c for c in extract.source_columns() if c not in present]
    if missing:
        raise ExtractError(
            f"{extract.path}: mapped column {missing[0]!r} not found"
            f" (columns: {', '.join(present) or 'none'})"
        )


def _as_text_table(columns: dict[str, list[str | None]], rows: list[int]) -> pa.Table:
    arrays = {name: pa.array(values, type=pa.string()) for name, values in columns.items()}
    arrays[ROW] = pa.array(rows, type=pa.int64())
    return pa.table(arrays)


def _utf8_bytes(extract: ExtractFile) -> bytes:
    """The file's bytes as UTF-8. Bytes invalid in the declared encoding stay invalid, so
    that the records holding them are quarantined rather than silently altered."""
    data = extract.path.read_bytes()
    if extract.encoding == "utf-8":
        return data
    text = data.decode(extract.encoding, errors="surrogateescape")
    return text.encode("utf-8", errors="surrogateescape")


def _typed_as_text(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """A typed column as the text a reader of the same value in a workbook would see.

    Dates become ISO dates (``%Y-%m-%d``), and so do timestamps at midnight (a date of birth
    stored as a timestamp); other timestamps become ``%Y-%m-%dT%H:%M:%S``. Whole floats lose
    their ".0" (a year stored as a float). Everything else is cast to text.
    """
    kind = values.type
    if pa.types.is_date(kind):
        return pc.strftime(values, format="%Y-%m-%d")
    if pa.types.is_timestamp(kind):
        # Whole seconds (Arrow writes fractions of a second for finer units).
        plain = values.cast(pa.timestamp("s", tz=kind.tz), safe=False)
        day = pc.strftime(plain, format="%Y-%m-%d")
        moment = pc.strftime(plain, format="%Y-%m-%dT%H:%M:%S")
        midnight = pc.equal(pc.strftime(plain, format="%H%M%S"), "000000")
        return pc.if_else(midnight, day, moment)
    if pa.types.is_floating(kind):
        whole = pc.and_(pc.is_finite(values), pc.equal(pc.floor(values), values))
        as_int = pc.cast(pc.if_else(whole, values, None), pa.int64(), safe=False)
        return pc.if_else(whole, pc.cast(as_int, pa.string()), pc.cast(values, pa.string()))
    if pa.types.is_boolean(kind):
        return pc.if_else(values, "true", "false")
    return values.cast(pa.string())


def _with_row_numbers(table: pa.Table, wanted: list[str]) -> pa.Table:
    columns = {name: _typed_as_text(table.column(name)) for name in wanted}
    columns[ROW] = pa.array(range(1, table.num_rows + 1), type=pa.int64())
    return pa.table(columns)


# --- CSV -------------------------------------------------------------------------------------


def _read_csv(extract: ExtractFile) -> RawExtract:
    wanted = extract.source_columns()
    data = _utf8_bytes(extract)
    head = io.StringIO(data[: 1 << 16].decode("utf-8", errors="replace"), newline="")
    header = next(csv.reader(head, delimiter=extract.delimiter), [])
    header = [h.lstrip("\ufeff") for h in header]
    _missing_columns(extract, header)
    if len(set(header)) != len(header):
        repeated = next(h for h in header if header.count(h) > 1)
        raise ExtractError(f"{extract.path}: column {repeated!r} appears twice in the header")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        # Arrow cannot report an undecodable record; the record-by-record reader can.
        return _read_csv_by_record(extract, data, header, wanted)
    invalid: list[object] = []

    def keep_count(row: object) -> str:
        invalid.append(row)
        return "skip"

    try:
        table = pa_csv.read_csv(
            pa.BufferReader(data),
            read_options=pa_csv.ReadOptions(column_names=header, skip_rows=1),
            parse_options=pa_csv.ParseOptions(
                delimiter=extract.delimiter, newlines_in_values=True, invalid_row_handler=keep_count
            ),
            convert_options=pa_csv.ConvertOptions(
                include_columns=wanted,
                column_types={name: pa.string() for name in wanted},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return _read_csv_by_record(extract, data, header, wanted)
    if invalid:
        # Arrow's threaded parser cannot say where a broken record was; the standard library can.
        return _read_csv_by_record(extract, data, header, wanted)
    return RawExtract(_with_row_numbers(table, wanted))


def _read_csv_by_record(
    extract: ExtractFile, data: bytes, header: list[str], wanted: list[str]
) -> RawExtract:
    positions = [header.index(name) for name in wanted]
    columns: dict[str, list[str | None]] = {name: [] for name in wanted}
    rows: list[int] = []
    rejects: list[Reject] = []
    text = data.decode("utf-8", errors="surrogateescape")
    with io.StringIO(text, newline="") as handle:
        reader = csv.reader(handle, delimiter=extract.delimiter)
        next(reader, None)
        number = 0
        for record in reader:
            if not record:
                continue  # a blank line is not a record
            number += 1
            text = extract.delimiter.join(record)
            if len(record) != len(header):
                reason = f"{len(record)} fields where the header has {len(header)}"
                rejects.append(Reject(number, _printable(text), reason))
            elif _has_bad_bytes(text):
                rejects.append(Reject(number, _printable(text), "not valid UTF-8 text"))
            else:
                rows.append(number)
                for name, position in zip(wanted, positions, strict=True):
                    columns[name].append(record[position])
    return RawExtract(_as_text_table(columns, rows), rejects)


def _has_bad_bytes(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _printable(text: str) -> str:
    return text.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")[:500]


# --- JSON lines ------------------------------------------------------------------------------


_JSON_SPACE = b" \t\r"  # whitespace as JSON (RFC 8259) defines it, besides the newline
_BLANK_LINE = re.compile(rb"(?:^|\n)[ \t\r]*(?:\n|$)")


def _read_jsonl(extract: ExtractFile) -> RawExtract:
    wanted = extract.source_columns()
    data = _utf8_bytes(extract)
    body = data.rstrip(b"\n")
    # Arrow skips blank lines, which would shift line numbers: such files go line by line.
    if body and _BLANK_LINE.search(body) is None:
        try:
            table = pa_json.read_json(pa.BufferReader(data))  # transcoded bytes, read once
            if any(pa.types.is_temporal(f.type) for f in table.schema):
                # Arrow turns text that looks like a date into a timestamp, which would come
                # back as "2018-01-08 00:00:00": read those columns again as the text they are.
                schema = pa.schema(
                    pa.field(f.name, pa.string()) if pa.types.is_temporal(f.type) else f
                    for f in table.schema
                )
                options = pa_json.ParseOptions(explicit_schema=schema)
                table = pa_json.read_json(pa.BufferReader(data), parse_options=options)
            if all(name in table.column_names for name in wanted):
                return RawExtract(_with_row_numbers(table, wanted))
            _missing_columns(extract, table.column_names)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            pass  # mixed types, nested values or a broken line: read line by line below
    return _read_jsonl_by_line(extract, data, wanted)


def _read_jsonl_by_line(extract: ExtractFile, data: bytes, wanted: list[str]) -> RawExtract:
    columns: dict[str, list[str | None]] = {name: [] for name in wanted}
    rows: list[int] = []
    rejects: list[Reject] = []
    seen: set[str] = set()
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip(_JSON_SPACE):
            continue
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            reason = (
                "not valid UTF-8 text" if isinstance(exc, UnicodeDecodeError) else "invalid JSON"
            )
            rejects.append(Reject(number, line.decode("utf-8", "replace")[:500], reason))
            continue
        if not isinstance(record, dict):
            rejects.append(
                Reject(number, line.decode("utf-8", "replace")[:500], "not a JSON object")
            )
            continue
        seen.update(record)
        rows.append(number)
        for name in wanted:
            columns[name].append(_json_text(record.get(name)))
    if rows and not seen.issuperset(wanted):
        _missing_columns(extract, sorted(seen))
    return RawExtract(_as_text_table(columns, rows), rejects)


def _json_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


# --- XLSX ------------------------------------------------------------------------------------


def _read_xlsx(extract: ExtractFile) -> RawExtract:
    from python_calamine import CalamineWorkbook  # imported here: only xlsx needs it

    try:
        workbook = CalamineWorkbook.from_path(str(extract.path))
    except Exception as exc:  # calamine raises its own types for every corrupt-file case
        raise ExtractError(f"{extract.path}: not a readable xlsx workbook ({exc})") from None
    sheet_name = extract.sheet or workbook.sheet_names[0]
    if sheet_name not in workbook.sheet_names:
        raise ExtractError(
            f"{extract.path}: sheet {sheet_name!r} not found"
            f" (sheets: {', '.join(workbook.sheet_names)})"
        )
    cells = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
    rows_iter: Iterator[list[Any]] = iter(cells)
    header = [_cell_text(h) or "" for h in next(rows_iter, [])]
    _missing_columns(extract, header)
    wanted = extract.source_columns()
    positions = [header.index(name) for name in wanted]
    columns: dict[str, list[str | None]] = {name: [] for name in wanted}
    rows: list[int] = []
    for number, record in enumerate(rows_iter, start=1):
        if all(_cell_text(v) in (None, "") for v in record):
            continue  # an empty sheet row is not a record
        rows.append(number)
        for name, position in zip(wanted, positions, strict=True):
            columns[name].append(_cell_text(record[position]) if position < len(record) else None)
    return RawExtract(_as_text_table(columns, rows))


def _cell_text(value: Any) -> str | None:
    """A cell as text; date cells become ISO dates, whole numbers lose their '.0'."""
    if value is None or value == "":
        return None if value is None else ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)


# --- Parquet ---------------------------------------------------------------------------------


def _read_parquet(extract: ExtractFile) -> RawExtract:
    try:
        schema = pa_parquet.read_schema(extract.path)
    except pa.ArrowInvalid as exc:
        raise ExtractError(f"{extract.path}: not a readable Parquet file ({exc})") from None
    _missing_columns(extract, schema.names)
    wanted = extract.source_columns()
    table = pa_parquet.read_table(extract.path, columns=wanted)
    return RawExtract(_with_row_numbers(table, wanted))
