"""DuckDB adapter of the warehouse port: a single file, no server."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import sqlglot.expressions as exp

from justicelink.errors import WarehouseError
from justicelink.warehouse.port import Warehouse


class DuckDBWarehouse(Warehouse):
    """The canonical tables in one DuckDB database file."""

    dialect = "duckdb"

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        if read_only and not path.is_file():
            raise WarehouseError(f"{path}: warehouse not found (run `justicelink ingest` first)")
        try:
            self._con = duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            first = str(exc).splitlines()[0]
            raise WarehouseError(f"{path}: cannot open the warehouse: {first}") from None
        self.path = path

    def _sql(self, statement: exp.Expr) -> str:
        return statement.sql(dialect=self.dialect)

    def execute(self, statement: exp.Expr, params: Sequence[Any] = ()) -> None:
        self._con.execute(self._sql(statement), list(params))

    def fetch(self, query: exp.Expr, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return list(self._con.execute(self._sql(query), list(params)).fetchall())

    def fetch_arrow(self, query: exp.Expr, params: Sequence[Any] = ()) -> pa.Table:
        # A relation streams into Arrow; a DB-API result would copy the rows once more.
        return self._con.sql(self._sql(query), params=list(params) or None).to_arrow_table()

    def register(self, name: str, table: pa.Table) -> None:
        self._con.register(name, table)

    def unregister(self, name: str) -> None:
        self._con.unregister(name)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self._con.begin()
        try:
            yield
        except BaseException:
            self._con.rollback()
            raise
        self._con.commit()

    def close(self) -> None:
        self._con.close()
