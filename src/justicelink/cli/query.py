"""`justicelink query`: a read-only SELECT on the warehouse, for analysts."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from justicelink.cli._common import ENGINE, SPARK_MASTER, engine_of, out, print_json, user_errors


def query(
    sql: Annotated[str, typer.Argument(help="One SELECT statement (DuckDB SQL).")],
    warehouse: Annotated[Path, typer.Option(help="DuckDB warehouse file.")] = Path(
        "justicelink.duckdb"
    ),
    limit: Annotated[int, typer.Option(help="At most this many rows (0: all).", min=0)] = 1000,
    engine: ENGINE = None,
    spark_master: SPARK_MASTER = None,
    as_csv: Annotated[bool, typer.Option("--csv", help="Write the rows as CSV.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Write the rows as JSON.")] = False,
) -> None:
    """Run one SELECT on the warehouse, read-only: nothing in it can be changed.

    The canonical tables are described in docs/data-model.md. These are the analyst's own
    records: the published tables, after disclosure control, are those of
    `justicelink measures`.

    Examples:

        justicelink query "SELECT reason, count(*) AS rows FROM quarantine GROUP BY ALL"

        justicelink query "SELECT iccs_source, count(*) FROM incident GROUP BY ALL" --csv
    """
    with user_errors():
        from justicelink.app.query import query as run

        table = run(warehouse, sql, limit=limit or None, engine=engine_of(engine, spark_master))
    rows = table.to_pylist()
    if as_json:
        print_json({"columns": table.column_names, "rows": rows})
    elif as_csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=table.column_names, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        shown = Table(title=f"{len(rows):,} rows", title_justify="left")
        for name in table.column_names:
            shown.add_column(name)
        for row in rows:
            shown.add_row(*["" if v is None else str(v) for v in row.values()])
        out.print(shown)
