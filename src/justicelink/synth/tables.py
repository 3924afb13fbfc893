"""Extract tables, bad-row injection and the CSV / JSON-lines / XLSX writers.

A :class:`Table` holds one extract file (or one workbook sheet) as columns of Python objects:
text (``str``), missing (``None``), whole numbers (``int``) and, for the workbook only, dates
(:class:`datetime.date`). Hidden arrays travel with the rows so that truth can be written after
bad rows have been inserted.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
ObjArray = npt.NDArray[np.object_]

QUARANTINE_KINDS = ("missing_key", "duplicate_key", "bad_date", "unknown_code", "orphan_reference")


@dataclass
class Table:
    """One extract file or sheet.

    Attributes:
        path: Path relative to the country directory (sheets as ``file.xlsx#Sheet``).
        columns: Written columns in file order.
        hidden: Row-aligned integers not written (e.g. ``_orig``: original row or -1 if inserted).
        free_text: Columns whose values may need quoting or escaping.
    """

    path: str
    columns: dict[str, ObjArray]
    hidden: dict[str, IntArray] = field(default_factory=dict)
    free_text: frozenset[str] = frozenset()

    def __len__(self) -> int:
        return len(next(iter(self.columns.values())))


@dataclass(frozen=True)
class Defect:
    """One corrupted cell, as listed in ``truth/defects.csv``."""

    source_file: str
    source_row: int
    column: str
    defect: str
    expect: str


@dataclass(frozen=True)
class BadRowSpec:
    """Which corruptions apply to a table.

    Attributes:
        key: Key columns.
        fresh_key: Makes the k-th unused key value (single-column keys only).
        dates: Required date columns and the garbage written into them.
        codes: Required code columns and the unknown codes written into them.
        refs: Columns that must reference an existing key, and an orphan maker for each.
    """

    key: tuple[str, ...]
    fresh_key: Callable[[int], str] | None = None
    dates: dict[str, tuple[object, ...]] = field(default_factory=dict)
    codes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    refs: dict[str, Callable[[int], str]] = field(default_factory=dict)


def inject_bad_rows(
    rng: np.random.Generator, table: Table, spec: BadRowSpec
) -> tuple[Table, list[Defect]]:
    """Insert corrupted copies of rows: about 0.3-1 % of rows, at least 2 when >= 10 rows.

    Each inserted row copies a real row and carries exactly one quarantining defect, so that
    real rows (and the truth they record) are never lost. A duplicate key always follows the row
    whose key it repeats. Original rows keep their order; ``hidden['_orig']`` gives, for every
    output row, its original index or -1.

    Returns:
        The new table and one defect per corrupted cell.
    """
    n = len(table)
    kinds = ["missing_key", "duplicate_key"]
    kinds += ["bad_date"] if spec.dates else []
    kinds += ["unknown_code"] if spec.codes else []
    kinds += ["orphan_reference"] if spec.refs else []
    n_bad = 0 if n < 10 else max(2, round(n * rng.uniform(0.003, 0.01)))
    start = int(rng.integers(0, len(kinds)))
    bad_kind = [kinds[(start + j) % len(kinds)] for j in range(n_bad)]
    src = rng.integers(0, n, n_bad) if n else np.zeros(0, np.int64)
    pos = rng.integers(0, n + 1, n_bad) if n else np.zeros(0, np.int64)
    new_cols = {c: list(v[src]) for c, v in table.columns.items()}
    cells: list[tuple[int, str, str]] = []  # (bad row j, column, defect)
    for j, kind in enumerate(bad_kind):
        fresh = spec.fresh_key(j) if spec.fresh_key else None
        if fresh is not None and kind != "duplicate_key":
            new_cols[spec.key[0]][j] = fresh
        if kind == "missing_key":
            col = spec.key[int(rng.integers(0, len(spec.key)))]
            new_cols[col][j] = ""
        elif kind == "duplicate_key":
            q = int(rng.integers(0, max(n - 1, 1)))
            pos[j] = q + 1 + int(rng.integers(0, n - q))
            for k in spec.key:
                new_cols[k][j] = table.columns[k][q]
            col = spec.key[0]
        elif kind == "bad_date":
            col = sorted(spec.dates)[int(rng.integers(0, len(spec.dates)))]
            options = spec.dates[col]
            new_cols[col][j] = options[int(rng.integers(0, len(options)))]
        elif kind == "unknown_code":
            col = sorted(spec.codes)[int(rng.integers(0, len(spec.codes)))]
            options2 = spec.codes[col]
            new_cols[col][j] = options2[int(rng.integers(0, len(options2)))]
        else:
            col = sorted(spec.refs)[int(rng.integers(0, len(spec.refs)))]
            new_cols[col][j] = spec.refs[col](j)
        cells.append((j, col, kind))
    sort_key = np.concatenate([np.arange(n, dtype=np.int64) * 2 + 1, pos.astype(np.int64) * 2])
    order = np.argsort(sort_key, kind="stable")
    final_of = np.empty(n + n_bad, dtype=np.int64)
    final_of[order] = np.arange(n + n_bad)
    columns: dict[str, ObjArray] = {}
    for c, v in table.columns.items():
        extra = np.empty(n_bad, dtype=object)
        extra[:] = new_cols[c]
        columns[c] = np.concatenate([v, extra])[order]
    hidden = {h: np.concatenate([v, v[src]])[order] for h, v in table.hidden.items()}
    hidden["_orig"] = np.concatenate([np.arange(n), np.full(n_bad, -1)]).astype(np.int64)[order]
    defects = [
        Defect(table.path, int(final_of[n + j]) + 1, col, kind, "quarantine")
        for j, col, kind in cells
    ]
    return Table(table.path, columns, hidden, table.free_text), defects


def _csv_field(v: object, delim: str) -> str:
    s = "" if v is None else str(v)
    if delim in s or '"' in s or "\n" in s:
        return '"' + s.replace('"', '""') + '"'
    return s


def write_csv(out: Path, table: Table, delimiter: str = ",") -> None:
    """Write a table as UTF-8 CSV with a header; quotes only fields that need it."""
    header = delimiter.join(_csv_field(c, delimiter) for c in table.columns)
    cols: list[ObjArray] = []
    for name, v in table.columns.items():
        if name in table.free_text:
            col = np.empty(len(v), dtype=object)
            col[:] = [_csv_field(x, delimiter) for x in v]
        else:
            col = np.where(v == None, "", v)  # noqa: E711 - elementwise comparison
        cols.append(col)
    _write_lines(out, header, cols, delimiter)


def _write_lines(
    out: Path, header: str, cols: list[ObjArray], sep: str, prefix: str = "", suffix: str = ""
) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as fh:
        if header:
            fh.write(header + "\n")
        step = 200_000
        for lo in range(0, len(cols[0]) if cols else 0, step):
            line = np.full(min(step, len(cols[0]) - lo), prefix, dtype=object)
            for i, c in enumerate(cols):
                line = line + (sep if i else "") + c[lo : lo + step]
            fh.write("".join((line + suffix + "\n").tolist()))


def write_jsonl(out: Path, table: Table, numeric: frozenset[str] = frozenset()) -> None:
    """Write a table as JSON lines: strings or null, and numbers for the ``numeric`` columns."""
    cols: list[ObjArray] = []
    for i, (name, v) in enumerate(table.columns.items()):
        lead = ("" if i == 0 else ", ") + json.dumps(name) + ": "
        col = np.empty(len(v), dtype=object)
        if name in table.free_text:
            col[:] = [lead + json.dumps(x, ensure_ascii=False) for x in v]
        elif name in numeric:
            col[:] = [lead + ("null" if x is None else str(int(x))) for x in v]
        else:
            quoted = np.where(v == None, "null", '"' + np.where(v == None, "", v) + '"')  # noqa: E711
            col = lead + quoted
        cols.append(col)
    _write_lines(out, "", cols, "", prefix="{", suffix="}")


def write_xlsx(out: Path, sheets: list[tuple[str, Table]]) -> None:
    """Write sheets to one workbook (constant-memory mode); dates become Excel date cells."""
    import xlsxwriter

    out.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    # A fixed creation date keeps the file byte-identical from run to run.
    wb.set_properties({"created": dt.datetime(2024, 1, 1)})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for name, table in sheets:
        ws = wb.add_worksheet(name)
        names = list(table.columns)
        ws.write_row(0, 0, names)
        cols = [table.columns[c].tolist() for c in names]
        for r, row in enumerate(zip(*cols, strict=True), start=1):
            for c, v in enumerate(row):
                if v is None or v == "":
                    continue
                if isinstance(v, dt.date):
                    ws.write_datetime(r, c, v, date_fmt)
                else:
                    ws.write_string(r, c, v)
    wb.close()
