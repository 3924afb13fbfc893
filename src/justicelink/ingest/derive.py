"""Columns computed in Python on a read extract before it is normalised in the warehouse.

A one-column name is split into family name and given names by
:func:`justicelink.names.split_name` (particles, patronymics and the per-row order of
``name_order: auto`` need more than a regular expression). The parts are added to the
staged table as ``_jl_family``, ``_jl_given`` and ``_jl_order``, which the normalising query
reads (see :mod:`justicelink.ingest.transform`).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from justicelink.ingest.mapping import Column, ExtractFile
from justicelink.ingest.transform import SPLIT_FAMILY, SPLIT_GIVEN, SPLIT_ORDER
from justicelink.names import split_name


def _text(table: pa.Table, column: Column) -> list[str | None]:
    """The column's values as the normalising query reads them: trimmed, joined."""
    parts = [pc.utf8_trim_whitespace(table.column(name)) for name in column.sources]
    if len(parts) == 1:
        return [v or None for v in parts[0].to_pylist()]
    joined = zip(*(p.to_pylist() for p in parts), strict=True)
    return [column.separator.join(v for v in row if v) or None for row in joined]


def with_derived_columns(extract: ExtractFile, table: pa.Table) -> pa.Table:
    """``table`` with the split-name columns the mapping needs (unchanged when none)."""
    full = next(
        (c for c in extract.columns if c.field == "full_name" and c.name_order is not None), None
    )
    if full is None:
        return table
    family: list[str | None] = []
    given: list[str | None] = []
    order: list[str | None] = []
    for text in _text(table, full):
        parts = split_name(" ".join(text.split()) if text else None, full.name_order or "auto")
        family.append(parts.family)
        given.append(parts.given)
        order.append(parts.order)
    return (
        table.append_column(SPLIT_FAMILY, pa.array(family, pa.string()))
        .append_column(SPLIT_GIVEN, pa.array(given, pa.string()))
        .append_column(SPLIT_ORDER, pa.array(order, pa.string()))
    )
