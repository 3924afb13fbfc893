"""Published tables as files: one CSV per measure and one workbook.

Values are written at full precision (a float as the shortest text that reads back to the
same number). Hidden cells are empty, with ``suppressed`` and ``protection`` saying why.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter

from justicelink.disclosure import ProtectedTable


def cell(value: Any) -> Any:
    """A value as written: None empty, floats at full precision."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return value


def write_csv(path: Path, rows: Iterable[dict[str, Any]], names: Sequence[str]) -> None:
    """Write rows as CSV (UTF-8, the given columns in order)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(names), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: cell(row.get(k)) for k in names})


def write_workbook(
    path: Path,
    tables: Sequence[tuple[ProtectedTable, list[str]]],
    manifest: dict[str, Any],
    created: dt.datetime,
) -> None:
    """measures.xlsx: the definitions, the run manifest, then one sheet per measure.

    Args:
        created: The time recorded in the workbook's properties (the reproducible
            generation time, so that equal inputs give an equal file).
    """
    book = xlsxwriter.Workbook(str(path))
    book.set_properties({"created": created, "author": "justicelink"})
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    about = book.add_worksheet("definitions")
    about.set_column(0, 0, 28)
    about.set_column(1, 1, 110)
    line = 0
    for table, _ in tables:
        m = table.measure
        about.write(line, 0, m.name, bold)
        about.write(line, 1, m.title, bold)
        line += 1
        words = {**m.definition(), **{f"note {i + 1}": n for i, n in enumerate(m.notes)}}
        for key, text in words.items():
            about.write(line, 0, key)
            about.write(line, 1, text, wrap)
            line += 1
        line += 1
    sheet = book.add_worksheet("manifest")
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 100)
    for i, (key, value) in enumerate(_flatten(manifest)):
        sheet.write(i, 0, key)
        sheet.write(i, 1, str(value))
    for table, names in tables:
        page = book.add_worksheet(table.measure.name[:31])
        for j, name in enumerate(names):
            page.write(0, j, name, bold)
            page.set_column(j, j, max(12, len(name) + 2))
        for i, row in enumerate(table.rows, start=1):
            for j, name in enumerate(names):
                value = row.get(name)
                if value is not None:
                    page.write(i, j, value)
        page.freeze_panes(1, 0)
    book.close()


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Nested manifest entries as (dotted key, text) lines."""
    if isinstance(value, dict):
        return [line for key, inner in value.items() for line in _flatten(inner, f"{prefix}{key}.")]
    text = ", ".join(str(v) for v in value) if isinstance(value, list) else value
    return [(prefix.rstrip("."), text)]
