"""The SQL justicelink writes, parsed once into expression trees.

Definitions, unit queries and checks are written as SQL text in one dialect (DuckDB's, which
sqlglot reads fully) and parsed here; each warehouse engine then renders the trees in its own
dialect. Nothing here runs SQL.
"""

from __future__ import annotations

import sqlglot
import sqlglot.expressions as exp

#: The sqlglot dialect justicelink's SQL text is written in.
WRITTEN_IN = "duckdb"


def parse(text: str) -> exp.Expr:
    """One statement of justicelink's SQL as a tree (sqlglot raises ParseError if malformed)."""
    return sqlglot.parse_one(text, read=WRITTEN_IN)


def parse_all(text: str) -> list[exp.Expr]:
    """Every statement of a text (an analyst's query) as trees."""
    return [s for s in sqlglot.parse(text, read=WRITTEN_IN) if s is not None]


def condition(text: str) -> exp.Expr:
    """A boolean condition of justicelink's SQL as a tree."""
    return sqlglot.condition(text, dialect=WRITTEN_IN)
