"""Apache Spark adapter of the warehouse port: Parquet tables in a folder, queried by Spark.

The warehouse is a folder: each canonical table is a Parquet directory, one per version
(``tables/<name>/<version>/``), and ``_justicelink_catalog.json`` names the current version of
each. A write stages a new version; a commit replaces the catalog file in one rename, so a
run that fails leaves the warehouse as it was and a reader never sees half a commit. Plain
Parquet rather than Delta Lake or Iceberg: any engine reads it (DuckDB, Spark, pandas), it
needs no extra jars, and the catalog's atomic rename gives the all-or-nothing commits the
pipeline needs (it has one writer at a time; a lock file keeps it so).

Queries (measures, linkage's reads) run on Spark: ``local[*]`` (this machine's cores) by
default, or the cluster ``--spark-master`` names. Linkage runs on Splink's Spark backend.
Ingest normalises each extract with the embedded engine (:meth:`SparkWarehouse.staging`: the
current tables are read into an in-memory DuckDB, the extracts loaded there with the same
checks as everywhere, and the changed tables written back as new Parquet versions): parsing
files is per agency and not where national data outgrow a machine; linking and measuring are.

pyspark is an optional dependency (``pip install 'justicelink[spark]'``) imported here only.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import sqlglot.expressions as exp

from justicelink.errors import WarehouseError
from justicelink.model.canonical import TABLES
from justicelink.warehouse.duckdb import DuckDBWarehouse
from justicelink.warehouse.port import CATALOG, LinkageBackend, Warehouse, arrow_schema

PARTITIONS_ENV = "JUSTICELINK_SPARK_PARTITIONS"
MEMORY_ENV = "JUSTICELINK_SPARK_MEMORY"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@cache
def session(master: str | None = None) -> Any:
    """The process's Spark session (created once; ``local[*]`` unless a master is named).

    Raises:
        WarehouseError: pyspark or Java is missing, or Spark cannot start.
    """
    try:
        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location
    except ImportError:
        raise WarehouseError(
            "the Spark engine needs pyspark: pip install 'justicelink[spark]' (and Java 17)"
        ) from None
    cores = os.cpu_count() or 2
    # Few partitions on one machine (each task costs a scheduling round); a cluster sets more.
    partitions = os.environ.get(PARTITIONS_ENV) or str(max(2, cores))
    # Spark's logs would bury the one line justicelink prints: errors only, quiet loggers.
    logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
    logging.getLogger("py4j").setLevel(logging.CRITICAL)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    quiet = resources.files("justicelink.warehouse").joinpath("spark-log4j2.properties")
    builder = (
        SparkSession.builder.master(master or "local[*]")
        .appName("justicelink")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", partitions)
        .config("spark.default.parallelism", partitions)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{quiet}")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.memory", os.environ.get(MEMORY_ENV, "6g"))
    )
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # Java missing, or the master refused us
        raise WarehouseError(f"Spark could not start: {_first_line(exc)}") from None
    spark.sparkContext.setLogLevel("ERROR")
    return spark


class SparkLinkage(LinkageBackend):
    """Splink on Spark, with its intermediate tables checkpointed to a private folder."""

    dialect = "spark"

    def __init__(self, spark: Any) -> None:
        from splink import SparkAPI

        self._spark = spark
        self.memory = str(spark.conf.get("spark.driver.memory", "the driver's default"))
        local = str(spark.sparkContext.master).startswith("local")
        self._checkpoints = tempfile.mkdtemp(prefix="justicelink-spark-")
        spark.sparkContext.setCheckpointDir(self._checkpoints)
        self._views: list[str] = []
        # In memory on one machine; on a cluster, intermediate tables are written as Parquet
        # (Splink's default there), which keeps lineage short without holding executors' RAM.
        self.db_api = SparkAPI(  # type: ignore[no-untyped-call]
            spark_session=spark, break_lineage_method="persist" if local else "parquet"
        )

    def to_arrow(self, frame: Any, columns: Sequence[str] | None = None) -> pa.Table:
        df = frame.as_spark_dataframe()
        if columns:
            df = df.select(*columns)
        return _to_arrow(df)

    def query(self, tree: exp.Expr) -> pa.Table:
        return _to_arrow(self._spark.sql(tree.sql(dialect="spark")))

    def register(self, name: str, table: pa.Table) -> None:
        self._spark.createDataFrame(table).createOrReplaceTempView(name)
        self._views.append(name)

    def close(self) -> None:
        for name in self._views:
            self._spark.catalog.dropTempView(name)
        self._spark.catalog.clearCache()
        shutil.rmtree(self._checkpoints, ignore_errors=True)


def spark_linkage(master: str | None = None) -> SparkLinkage:
    """A Spark linkage session with no warehouse behind it (benchmarks, tests)."""
    return SparkLinkage(session(master))


def _to_arrow(df: Any) -> pa.Table:
    table: pa.Table = df.toArrow()
    return table


class Catalog:
    """Versioned Parquet tables under a folder, with an atomically replaced catalog file."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.file = root / CATALOG

    def current(self) -> dict[str, str]:
        """Table -> its current version's folder, relative to the root."""
        if not self.file.is_file():
            return {}
        found: dict[str, str] = json.loads(self.file.read_text(encoding="utf-8"))["tables"]
        return found

    def path(self, table: str) -> Path | None:
        relative = self.current().get(table)
        return None if relative is None else self.root / relative

    def stage(self, table: str, rows: pa.Table) -> str:
        """Write a new version of a table; returns its folder (not yet current)."""
        folder = self.root / "tables" / table
        folder.mkdir(parents=True, exist_ok=True)
        taken = [int(p.name) for p in folder.iterdir() if p.name.isdigit()]
        version = folder / str(max(taken, default=0) + 1)
        version.mkdir()
        pq.write_table(rows, version / "part-0.parquet")
        return str(version.relative_to(self.root))

    def commit(self, changes: dict[str, str]) -> None:
        """Make staged versions current, all at once, and remove the versions they replace."""
        before = self.current()
        after = {**before, **changes}
        temporary = self.file.with_suffix(".tmp")
        with temporary.open("w", encoding="utf-8") as handle:
            json.dump({"format": 1, "tables": dict(sorted(after.items()))}, handle, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(self.file)
        for table, old in before.items():
            if after.get(table) != old:
                shutil.rmtree(self.root / old, ignore_errors=True)

    def discard(self, staged: dict[str, str]) -> None:
        for relative in staged.values():
            shutil.rmtree(self.root / relative, ignore_errors=True)


class SparkWarehouse(Warehouse):
    """The canonical tables as Parquet in a folder, queried through Spark SQL."""

    dialect = "spark"
    engine = "spark"

    def __init__(self, root: Path, *, read_only: bool = False, master: str | None = None) -> None:
        self.location = root
        self.path = root
        self.read_only = read_only
        self._catalog = Catalog(root)
        if not self._catalog.file.is_file():
            if read_only:
                raise WarehouseError(
                    f"{root}: no Parquet warehouse here (run `justicelink ingest` first)"
                )
            root.mkdir(parents=True, exist_ok=True)
            self._catalog.commit({})
        self._spark = session(master)
        self._pending: dict[str, str] | None = None
        self._registered: list[str] = []
        self._refresh()

    # -- reading ------------------------------------------------------------------------

    def _refresh(self) -> None:
        """Point a temporary view at every table's current version (empty tables too), read
        with the canonical schema: a column a newer model added reads as NULL."""
        from pyspark.sql.pandas.types import from_arrow_schema

        current = self._catalog.current()
        for table in TABLES:
            relative = current.get(table)
            if relative is None:
                frame = self._spark.createDataFrame(arrow_schema(table).empty_table())
            else:
                schema = from_arrow_schema(arrow_schema(table))
                frame = self._spark.read.schema(schema).parquet(str(self.location / relative))
            frame.createOrReplaceTempView(table)

    def _run(self, query: exp.Expr, params: Sequence[Any]) -> Any:
        sql = query.sql(dialect=self.dialect)
        try:
            return self._spark.sql(sql, args=list(params)) if params else self._spark.sql(sql)
        except Exception as exc:  # Spark's own errors, as one line
            raise WarehouseError(f"Spark refused a query: {_first_line(exc)}") from None

    def fetch(self, query: exp.Expr, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self._run(query, params).collect()]

    def fetch_arrow(self, query: exp.Expr, params: Sequence[Any] = ()) -> pa.Table:
        return _to_arrow(self._run(query, params))

    def table_names(self) -> list[str]:
        return sorted(self._catalog.current())

    def execute(self, statement: exp.Expr, params: Sequence[Any] = ()) -> None:
        if isinstance(statement, exp.Create) and statement.args.get("kind") == "TABLE":
            return  # the canonical tables always exist here (see ensure_schema)
        raise WarehouseError(
            "the Spark warehouse changes tables only through replace_table, append_rows and "
            f"staging, not by {statement.key.upper()} statements"
        )

    def ensure_schema(self) -> None:
        missing = {
            t: arrow_schema(t).empty_table() for t in TABLES if self._catalog.path(t) is None
        }
        if missing and not self.read_only:
            with self.transaction():
                for table, rows in missing.items():
                    self.replace_table(table, rows)

    def register(self, name: str, table: pa.Table) -> None:
        self._spark.createDataFrame(table).createOrReplaceTempView(name)
        self._registered.append(name)

    def unregister(self, name: str) -> None:
        self._spark.catalog.dropTempView(name)

    def cache(self, name: str, query: exp.Expr) -> None:
        if self._spark.catalog.tableExists(name):
            self._spark.catalog.uncacheTable(name)
        frame = self._run(query, ()).cache()
        frame.count()  # built now, once, rather than by each query that reads it
        frame.createOrReplaceTempView(name)

    # -- writing ------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._pending is not None:  # nested: the outer block commits
            yield
            return
        self._pending = {}
        try:
            yield
        except BaseException:
            self._catalog.discard(self._pending)
            self._pending = None
            raise
        staged, self._pending = self._pending, None
        if staged:
            self._catalog.commit(staged)
            self._refresh()

    def _write(self, name: str, rows: pa.Table) -> None:
        if self.read_only:
            raise WarehouseError(f"{self.location}: opened read-only")
        if name not in TABLES:
            raise WarehouseError(f"{name}: not a canonical table")
        schema = arrow_schema(name)
        shaped = pa.table(
            {
                field.name: (
                    rows.column(field.name).cast(field.type)
                    if field.name in rows.column_names
                    else pa.nulls(rows.num_rows, field.type)
                )
                for field in schema
            },
            schema=schema,
        )
        with self.transaction():
            pending = self._pending
            if pending is None:  # the transaction just entered sets it
                raise WarehouseError("a write outside any transaction")
            previous = pending.pop(name, None)
            if previous is not None:
                self._catalog.discard({name: previous})
            pending[name] = self._catalog.stage(name, shaped)

    def _staged_or_current(self, name: str) -> pa.Table:
        relative = (self._pending or {}).get(name) or self._catalog.current().get(name)
        if relative is None:
            return arrow_schema(name).empty_table()
        return pq.read_table(self.location / relative, schema=arrow_schema(name))

    def replace_table(self, name: str, rows: pa.Table) -> None:
        self._write(name, rows)

    def append_rows(self, name: str, rows: pa.Table) -> None:
        existing = self._staged_or_current(name)
        shaped = pa.table(
            {
                f.name: (
                    rows.column(f.name).cast(f.type)
                    if f.name in rows.column_names
                    else pa.nulls(rows.num_rows, f.type)
                )
                for f in existing.schema
            },
            schema=existing.schema,
        )
        self._write(name, pa.concat_tables([existing, shaped]))

    @contextmanager
    def staging(self) -> Iterator[Warehouse]:
        """An in-memory DuckDB holding the current tables; its tables become the new
        versions of this warehouse when the block ends normally."""
        local = DuckDBWarehouse(Path(":memory:"))
        try:
            local.ensure_schema()
            for table, relative in self._catalog.current().items():
                if table in TABLES:
                    local.load_parquet(table, self.location / relative)
            yield local
            with self.transaction():
                for table in TABLES:
                    self.replace_table(table, local.read_table(table))
        finally:
            local.close()

    def linkage(self) -> LinkageBackend:
        return SparkLinkage(self._spark)

    def close(self) -> None:
        for name in self._registered:
            self._spark.catalog.dropTempView(name)
        self._registered.clear()
