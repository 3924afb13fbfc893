"""The warehouse port: the only door between justicelink and its analytical store.

Queries reach the port as sqlglot expression trees; an adapter renders them in its own
dialect and binds parameters (``?`` placeholders), so nothing is pasted into SQL text. Two
adapters implement it:

- :mod:`justicelink.warehouse.duckdb`: one DuckDB file, the embedded default;
- :mod:`justicelink.warehouse.spark`: Parquet tables in a folder, queried with Apache Spark
  (``local[*]`` or a cluster), for national data.

Besides queries, the port hands out what the stages need from an engine: a Splink database
API for linkage (:meth:`Warehouse.linkage`), a place for ingest to normalise extracts
(:meth:`Warehouse.staging`), session-local tables built from a query (:meth:`Warehouse.cache`),
and table writes that commit together (:meth:`Warehouse.replace_table`,
:meth:`Warehouse.append_rows` inside :meth:`Warehouse.transaction`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import sqlglot.expressions as exp

from justicelink.errors import WarehouseError
from justicelink.model.canonical import TABLES

ENGINES = ("duckdb", "spark")
# The file that makes a folder a Parquet warehouse (the Spark engine's).
CATALOG = "_justicelink_catalog.json"

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


def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema of a canonical table."""
    kinds = {
        "text": pa.string(),
        "date": pa.date32(),
        "integer": pa.int32(),
        "bigint": pa.int64(),
        "boolean": pa.bool_(),
        "timestamp": pa.timestamp("us"),
        "double": pa.float64(),
    }
    return pa.schema([(column, kinds[kind]) for column, kind in TABLES[table]])


class LinkageBackend(ABC):
    """What linkage needs from an engine: Splink's database API and a way back to Arrow.

    Opened by :meth:`Warehouse.linkage` as a context manager; closing it drops every table
    Splink made.
    """

    #: The Splink database API (``DuckDBAPI`` or ``SparkAPI``).
    db_api: Any
    dialect: str
    #: The memory the session may use, as the engine states it (for messages).
    memory: str

    @abstractmethod
    def to_arrow(self, frame: Any, columns: Sequence[str] | None = None) -> pa.Table:
        """A Splink data frame (or some of its columns) as an Arrow table."""

    @abstractmethod
    def query(self, tree: exp.Expr) -> pa.Table:
        """Run a query over Splink's tables (named by their ``physical_name``)."""

    @abstractmethod
    def register(self, name: str, table: pa.Table) -> None:
        """Make an Arrow table queryable under ``name`` in the linkage session."""

    @abstractmethod
    def close(self) -> None:
        """Drop the session and everything Splink made in it."""

    def __enter__(self) -> LinkageBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Warehouse(ABC):
    """An analytical store holding the canonical tables."""

    dialect: str
    engine: str
    location: Path

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
    def replace_table(self, name: str, rows: pa.Table) -> None:
        """Replace every row of a canonical table (inside :meth:`transaction`)."""

    @abstractmethod
    def append_rows(self, name: str, rows: pa.Table) -> None:
        """Add rows to a canonical table (inside :meth:`transaction` to commit with others)."""

    @abstractmethod
    def cache(self, name: str, query: exp.Expr) -> None:
        """Build a session-local table ``name`` from a query, for repeated fast reads."""

    @abstractmethod
    def linkage(self) -> LinkageBackend:
        """A fresh engine session for Splink (closed by the caller)."""

    @abstractmethod
    def staging(self) -> AbstractContextManager[Warehouse]:
        """Where ingest normalises extracts with SQL: the changes commit to this warehouse
        when the block ends normally, and are dropped otherwise."""

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

    def read_table(self, name: str) -> pa.Table:
        """Every row of a table, as Arrow."""
        return self.fetch_arrow(exp.select("*").from_(name))

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


@dataclass(frozen=True)
class Engine:
    """Which engine to open a warehouse with.

    Attributes:
        name: ``duckdb``, ``spark``, or None to tell from the location (a folder holding a
            Parquet catalog is Spark's, anything else a DuckDB file).
        spark_master: The Spark master URL (default ``local[*]``: this machine's cores).
    """

    name: str | None = None
    spark_master: str | None = None

    def resolve(self, location: Path) -> str:
        if self.name is not None:
            if self.name not in ENGINES:
                raise WarehouseError(f"engine {self.name!r}: choose one of {', '.join(ENGINES)}")
            return self.name
        return "spark" if (location / CATALOG).is_file() else "duckdb"


def warehouse_exists(location: Path | str, engine: Engine | None = None) -> bool:
    """Whether a warehouse is at ``location`` (a DuckDB file, or a Parquet catalog folder)."""
    path = Path(location)
    if (engine or Engine()).resolve(path) == "spark":
        return (path / CATALOG).is_file()
    return path.is_file()


def open_warehouse(
    location: Path | str, *, read_only: bool = False, engine: Engine | None = None
) -> Warehouse:
    """Open the warehouse at ``location`` with the engine asked for (or the one it suits).

    Raises:
        WarehouseError: The engine is unknown, cannot start, or the store cannot be opened.
    """
    path = Path(location)
    chosen = engine or Engine()
    if chosen.resolve(path) == "spark":
        from justicelink.warehouse.spark import SparkWarehouse

        return SparkWarehouse(path, read_only=read_only, master=chosen.spark_master)
    from justicelink.warehouse.duckdb import DuckDBWarehouse

    return DuckDBWarehouse(path, read_only=read_only)


def open_linkage(engine: Engine | None = None) -> LinkageBackend:
    """A linkage session of its own, with no warehouse behind it (benchmarks, tests)."""
    if (engine or Engine()).resolve(Path()) == "spark":
        from justicelink.warehouse.spark import spark_linkage

        return spark_linkage((engine or Engine()).spark_master)
    from justicelink.warehouse.duckdb import DuckDBLinkage

    return DuckDBLinkage()
