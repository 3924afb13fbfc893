"""DuckDB adapter of the warehouse port: a single file, no server.

Also the engine behind ingest's normalisation for every warehouse (see
:meth:`justicelink.warehouse.spark.SparkWarehouse.staging`) and behind linkage on this engine
(:class:`DuckDBLinkage`, an in-memory database per run).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import sqlglot.expressions as exp

from justicelink.errors import WarehouseError
from justicelink.warehouse.port import LinkageBackend, Warehouse

# DuckDB may take 80% of the machine's memory by default, but linkage's prepared records and
# Python's own objects live beside it in the same process: at 2.3 million records the kernel
# killed the process before DuckDB spilled anything. Half the memory (or this variable, in
# DuckDB's notation: "8GB") leaves them room; DuckDB spills the rest to its temp folder.
MEMORY_ENV = "JUSTICELINK_LINK_MEMORY"


def memory_limit() -> str:
    """DuckDB's memory limit for linkage: ``$JUSTICELINK_LINK_MEMORY`` or half the RAM."""
    if os.environ.get(MEMORY_ENV):
        return os.environ[MEMORY_ENV]
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{max(1, int(total / 2 / 2**30))}GB"


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _refused(exc: duckdb.Error) -> WarehouseError:
    """DuckDB's error as one line; running out of memory says what to change."""
    if isinstance(exc, duckdb.OutOfMemoryException):
        return WarehouseError(
            f"DuckDB ran out of memory ({_first_line(exc)}): give it more with "
            f"{MEMORY_ENV}=... (e.g. 12GB) or free memory on the machine"
        )
    return WarehouseError(f"the warehouse refused a query: {_first_line(exc)}")


class DuckDBLinkage(LinkageBackend):
    """Splink on its own in-memory DuckDB database, spilling to a private temp folder."""

    dialect = "duckdb"

    def __init__(self) -> None:
        from splink import DuckDBAPI

        # A private spill folder: an in-memory DuckDB would otherwise spill large joins into
        # ".tmp" under the user's working directory and leave it there.
        self._spill = tempfile.mkdtemp(prefix="justicelink-link-")
        self.memory = memory_limit()
        self._con = duckdb.connect(
            config={"temp_directory": self._spill, "memory_limit": self.memory}
        )
        self.db_api = DuckDBAPI(self._con)

    def to_arrow(self, frame: Any, columns: Sequence[str] | None = None) -> pa.Table:
        query = exp.select(*(columns or ["*"])).from_(exp.to_table(frame.physical_name))
        return self.query(query)

    def query(self, tree: exp.Expr) -> pa.Table:
        return self._con.sql(tree.sql(dialect="duckdb")).to_arrow_table()

    def register(self, name: str, table: pa.Table) -> None:
        self._con.register(name, table)

    def close(self) -> None:
        self._con.close()
        shutil.rmtree(self._spill, ignore_errors=True)


class DuckDBWarehouse(Warehouse):
    """The canonical tables in one DuckDB database file (or in memory: ``:memory:``)."""

    dialect = "duckdb"
    engine = "duckdb"

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        in_memory = str(path) == ":memory:"
        if read_only and not in_memory and not path.is_file():
            raise WarehouseError(f"{path}: warehouse not found (run `justicelink ingest` first)")
        try:
            self._con = duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            raise WarehouseError(f"{path}: cannot open the warehouse: {_first_line(exc)}") from None
        self.location = path
        self.path = path

    def _sql(self, statement: exp.Expr) -> str:
        return statement.sql(dialect=self.dialect)

    def execute(self, statement: exp.Expr, params: Sequence[Any] = ()) -> None:
        try:
            self._con.execute(self._sql(statement), list(params))
        except duckdb.Error as exc:
            raise _refused(exc) from None

    def fetch(self, query: exp.Expr, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            return list(self._con.execute(self._sql(query), list(params)).fetchall())
        except duckdb.Error as exc:
            raise _refused(exc) from None

    def fetch_arrow(self, query: exp.Expr, params: Sequence[Any] = ()) -> pa.Table:
        # A relation streams into Arrow; a DB-API result would copy the rows once more.
        try:
            relation = self._con.sql(self._sql(query), params=list(params) or None)
            return relation.to_arrow_table()
        except duckdb.Error as exc:
            raise _refused(exc) from None

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

    def _insert(self, name: str, rows: pa.Table) -> None:
        incoming = f"_jl_incoming_{name}"
        self.register(incoming, rows)
        try:
            columns = list(rows.column_names)
            self.execute(
                exp.insert(
                    exp.select(*[exp.column(c) for c in columns]).from_(incoming),
                    name,
                    columns=columns,
                )
            )
        finally:
            self.unregister(incoming)

    def replace_table(self, name: str, rows: pa.Table) -> None:
        self.execute(exp.delete(name))
        self._insert(name, rows)

    def append_rows(self, name: str, rows: pa.Table) -> None:
        self._insert(name, rows)

    def cache(self, name: str, query: exp.Expr) -> None:
        self.execute(
            exp.Create(
                this=exp.to_table(name),
                kind="TABLE",
                replace=True,
                expression=query,
                properties=exp.Properties(expressions=[exp.TemporaryProperty()]),
            )
        )

    def linkage(self) -> LinkageBackend:
        return DuckDBLinkage()

    @contextmanager
    def staging(self) -> Iterator[Warehouse]:
        yield self

    def export_parquet(self, name: str, path: Path) -> None:
        """Write a table to one Parquet file (for the Parquet warehouse's staging)."""
        self._con.sql(self._sql(exp.select("*").from_(name))).write_parquet(str(path))

    def load_parquet(self, name: str, path: Path) -> None:
        """Fill an empty canonical table from a Parquet file or folder."""
        source = str(path / "*.parquet") if path.is_dir() else str(path)
        relation = self._con.read_parquet(source)
        self._con.register("_jl_parquet", relation)
        try:
            self.execute(exp.insert(exp.select("*").from_("_jl_parquet"), name))
        finally:
            self._con.unregister("_jl_parquet")

    def close(self) -> None:
        self._con.close()
