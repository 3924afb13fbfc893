"""The warehouse port: every interaction of justicelink with its analytical store.

Queries reach the port as sqlglot expression trees; the adapter renders them in its own
dialect and binds parameters (``?`` placeholders), so that nothing is pasted into SQL text.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pyarrow as pa
import sqlglot.expressions as exp

from justicelink.model.canonical import TABLES

_TYPES = {
    "text": "VARCHAR",
    "date": "DATE",
    "integer": "INTEGER",
    "bigint": "BIGINT",
    "boolean": "BOOLEAN",
    "timestamp": "TIMESTAMP",
    "double": "DOUBLE",
}


def create_table_statements() -> list[exp.Expr]:
    """CREATE TABLE IF NOT EXISTS for every canonical table, as expressions."""
    statements: list[exp.Expr] = []
    for name, columns in TABLES.items():
        schema = exp.Schema(
            this=exp.to_table(name),
            expressions=[
                exp.ColumnDef(this=exp.to_identifier(column), kind=exp.DataType.build(_TYPES[kind]))
                for column, kind in columns
            ],
        )
        statements.append(exp.Create(this=schema, kind="TABLE", exists=True))
    return statements


class Warehouse(ABC):
    """An analytical store holding the canonical tables."""

    dialect: str

    @abstractmethod
    def execute(self, statement: exp.Expr, params: Sequence[Any] = ()) -> None:
        """Run a statement that returns nothing."""

    @abstractmethod
    def fetch(self, query: exp.Expr, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run a query and return its rows."""

    @abstractmethod
    def fetch_arrow(self, query: exp.Expr, params: Sequence[Any] = ()) -> pa.Table:
        """Run a query and return an Arrow table."""

    @abstractmethod
    def register(self, name: str, table: pa.Table) -> None:
        """Make an Arrow table queryable under ``name`` until :meth:`unregister`."""

    @abstractmethod
    def unregister(self, name: str) -> None:
        """Forget a registered table."""

    @abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """All or nothing: commit on normal exit, roll back on any exception."""

    @abstractmethod
    def close(self) -> None:
        """Release the store."""

    def ensure_schema(self) -> None:
        """Create the canonical tables that do not exist yet, and add the columns a newer
        version of the model has to tables an older version created (as NULL)."""
        for statement in create_table_statements():
            self.execute(statement)
        present = self.fetch(
            exp.select("table_name", "column_name").from_("information_schema.columns")
        )
        have = {(str(t), str(c)) for t, c in present}
        for name, columns in TABLES.items():
            for column, kind in columns:
                if (name, column) not in have:
                    self.execute(
                        exp.Alter(
                            this=exp.to_table(name),
                            kind="TABLE",
                            actions=[
                                exp.ColumnDef(
                                    this=exp.to_identifier(column),
                                    kind=exp.DataType.build(_TYPES[kind]),
                                    exists=True,
                                )
                            ],
                        )
                    )

    def table_names(self) -> list[str]:
        """The tables present in the store."""
        rows = self.fetch(
            exp.select("table_name").from_("information_schema.tables").order_by("table_name")
        )
        return [str(r[0]) for r in rows]

    def count(self, table: str) -> int:
        """Rows in a table."""
        return int(self.fetch(exp.select("count(*)").from_(table))[0][0])

    def rows(self, table: str) -> Iterator[tuple[Any, ...]]:
        """Every row of a table (for small tables and tests)."""
        yield from self.fetch(exp.select("*").from_(table))

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_warehouse(path: Path | str, *, read_only: bool = False) -> Warehouse:
    """Open the warehouse at ``path``: a DuckDB file (the embedded default)."""
    from justicelink.warehouse.duckdb import DuckDBWarehouse

    return DuckDBWarehouse(Path(path), read_only=read_only)
