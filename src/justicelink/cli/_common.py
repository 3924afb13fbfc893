"""What every command shares: consoles, the one-line error rule, JSON output."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console

from justicelink.errors import JusticelinkError, WarehouseError
from justicelink.warehouse.port import ENGINES, Engine

# Piped output is not cut to 80 columns: tables of file names stay readable in logs.
out = Console(width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a user's mistake into one line on stderr and exit code 1, never a traceback."""
    try:
        yield
    except JusticelinkError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    except OSError as exc:  # permissions, full disk: the system's words, with the path
        where = f"{exc.filename}: " if exc.filename else ""
        err.print(f"[bold red]error:[/] {where}{exc.strerror or exc}", highlight=False)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        err.print("interrupted; nothing was written")
        raise typer.Exit(130) from None


def print_json(payload: dict[str, Any]) -> None:
    """Write a JSON document to stdout (nothing else goes there with --json)."""
    sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")


ENGINE = Annotated[
    str | None,
    typer.Option(
        "--engine",
        help="duckdb (one file, the default) or spark (a folder of Parquet tables, queried by "
        "Apache Spark); by default told from the warehouse.",
    ),
]
SPARK_MASTER = Annotated[
    str | None,
    typer.Option(
        "--spark-master",
        envvar="JUSTICELINK_SPARK_MASTER",
        help="With --engine spark: the cluster's master URL (default local[*], this machine).",
    ),
]


def engine_of(engine: str | None, spark_master: str | None) -> Engine:
    """The engine the options ask for (one clear line if it is unknown)."""
    if engine is not None and engine not in ENGINES:
        raise WarehouseError(f"--engine {engine}: choose one of {', '.join(ENGINES)}")
    return Engine(engine, spark_master)
