"""Use case: an analyst's own read-only query of the warehouse."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import sqlglot
import sqlglot.expressions as exp

from justicelink.errors import MeasureError, SourceFileNotFoundError
from justicelink.sql import parse_all
from justicelink.warehouse.port import Engine, open_warehouse, warehouse_exists


def query(
    warehouse_path: Path, sql: str, *, limit: int | None = 1000, engine: Engine | None = None
) -> pa.Table:
    """Run one SELECT on the warehouse, opened read-only (nothing can be changed).

    Args:
        sql: One SELECT statement, in the DuckDB dialect (``GROUP BY ALL`` and the like).
        limit: At most this many rows (None: all).

    Raises:
        SourceFileNotFoundError: No warehouse at ``warehouse_path``.
        MeasureError: The text is not one SELECT, or the warehouse refuses it.
    """
    if not warehouse_exists(warehouse_path, engine):
        raise SourceFileNotFoundError(
            f"{warehouse_path}: no warehouse here; run `justicelink ingest` first"
        )
    try:
        statements = parse_all(sql)
    except sqlglot.errors.ParseError as exc:
        raise MeasureError(f"not a query: {str(exc).splitlines()[0]}") from None
    if len(statements) != 1 or not isinstance(statements[0], exp.Query):
        raise MeasureError("give exactly one SELECT statement")
    tree = statements[0]
    if limit is not None:
        tree = exp.select("*").from_(tree.subquery("q")).limit(limit)
    with open_warehouse(warehouse_path, read_only=True, engine=engine) as warehouse:
        try:
            return warehouse.fetch_arrow(tree)
        except Exception as exc:  # the engine's own message, on one line
            raise MeasureError(
                f"the warehouse refused the query: {str(exc).splitlines()[0]}"
            ) from None
