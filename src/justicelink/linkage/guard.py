"""Guarded blocking: count the pairs each blocking rule makes before any is scored.

A rule on a value that thousands of records share makes a block whose pairs grow with the
square of its size: a district mapped to ``address`` made "same address" pair 142 million
records at 100,000 persons, and DuckDB ran out of memory. Before predicting, every rule's
pairs are counted with Splink's own counter (``splink.blocking_analysis``, on a sample of
the records at scale), and a rule over the budget, ``max_pairs_per_record`` times the
number of records, is

- *split* when it asks for equal values of plain columns: it keeps the values held by few
  enough records to fit the budget and leaves out the commonest ones (pairs that share only
  those still meet through the other rules, or not at all), or
- *refused* otherwise (a rule on exploded arrays or a custom condition): it is left out of
  the run.

Either way the user is told in one line naming the rule's field and its commonest values.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import sqlglot
import sqlglot.expressions as exp

# A rule may make at most this many pairs per record before it is split or refused. The
# largest rule of the model makes about 12 per record on the synthetic country at 1e6
# records (docs/linkage.md, "Blocking"); a district used as an address made 1,400.
DEFAULT_MAX_PAIRS_PER_RECORD = 50
# Counting creates about this many pairs at most (Splink samples records on each side).
_COUNT_PAIRS = 1e7

RuleLike = Any  # a Splink blocking-rule creator, or a blocking rule as a settings dict


@dataclass(frozen=True)
class RuleCheck:
    """What the guard found and did for one blocking rule.

    Attributes:
        rule: The rule's SQL condition.
        pairs: Pairs the rule makes on its own (estimated from a sample at scale).
        action: ``kept``, ``split`` (commonest values left out) or ``refused``.
        message: One line for the user when the rule was split or refused.
    """

    rule: str
    pairs: int
    action: str
    message: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {"rule": self.rule, "pairs": self.pairs, "action": self.action}


def sample_proportion(records: int) -> float:
    """Share of records Splink samples on each side when counting a rule's pairs: all of
    them for small inputs, else few enough that counting makes at most ~10 million pairs
    even for a rule that pairs every record with every other."""
    return min(1.0, math.sqrt(2 * _COUNT_PAIRS) / max(records, 1))


def equality_columns(sql: str) -> list[str] | None:
    """The columns of a rule made only of ``l.x = r.x`` conditions, else None."""
    try:
        tree = sqlglot.parse_one(sql, dialect="duckdb")
    except sqlglot.errors.ParseError:
        return None
    while isinstance(tree, exp.Paren):
        tree = tree.this
    parts = list(tree.flatten()) if isinstance(tree, exp.And) else [tree]
    columns: list[str] = []
    for part in parts:
        while isinstance(part, exp.Paren):
            part = part.this
        if not isinstance(part, exp.EQ):
            return None
        left, right = part.this, part.expression
        if not (isinstance(left, exp.Column) and isinstance(right, exp.Column)):
            return None
        if {left.table, right.table} != {"l", "r"} or left.name != right.name:
            return None
        columns.append(left.name)
    return columns


def _key(records: pa.Table, columns: list[str]) -> pa.ChunkedArray:
    """The rule's key per record: its columns' values joined (NULL when one is NULL)."""
    parts = [pc.cast(records.column(c), pa.string()) for c in columns]
    if len(parts) == 1:
        return parts[0]
    return pc.binary_join_element_wise(*parts, "\x1f", null_handling="emit_null")


def split_cap(counts: Sequence[int], budget: float) -> int:
    """The largest block size whose blocks together make at most ``budget`` pairs.

    >>> split_cap([1000, 10, 10, 3, 2], budget=100)
    10
    """
    total = 0
    cap = 1
    for size in sorted(counts):
        pairs = size * (size - 1) // 2
        if total + pairs > budget:
            break
        total += pairs
        cap = size
    return cap


@dataclass
class Guarded:
    """The rules to predict with, the columns the split rules need, and what was done."""

    rules: list[RuleLike]
    columns: dict[str, pa.ChunkedArray]
    checks: list[RuleCheck]


def guard_rules(
    rules: list[RuleLike],
    records: pa.Table,
    *,
    sql_of: Callable[[RuleLike], str],
    explodes: Callable[[RuleLike], bool],
    count: Callable[[RuleLike], int],
    commonest: Callable[[RuleLike], list[tuple[str, int]]],
    split_rule: Callable[[str], RuleLike],
    max_pairs_per_record: float,
) -> Guarded:
    """Count each rule's pairs; split or refuse those over the budget.

    Args:
        rules: The blocking rules, in order.
        records: The prepared records the rules run on.
        sql_of: A rule's SQL condition.
        explodes: Whether a rule explodes array columns (such rules are not split).
        count: The pairs a rule makes on its own (Splink's counter).
        commonest: The rule's commonest values and how many records hold each.
        split_rule: A rule of equal values of one (new) column.
        max_pairs_per_record: The budget per record; the budget is this times the records.
    """
    budget = max_pairs_per_record * records.num_rows
    kept: list[RuleLike] = []
    columns: dict[str, pa.ChunkedArray] = {}
    checks: list[RuleCheck] = []
    for i, rule in enumerate(rules):
        sql = sql_of(rule)
        pairs = count(rule)
        if pairs <= budget:
            kept.append(rule)
            checks.append(RuleCheck(sql, pairs, "kept"))
            continue
        fields = None if explodes(rule) else equality_columns(sql)
        common = ", ".join(f"{value!r} ({n:,} records)" for value, n in commonest(rule)[:3])
        over = (
            f"blocking rule `{sql}` would compare {pairs:,} pairs, over the budget of "
            f"{budget:,.0f} ({max_pairs_per_record:g} per record)"
        )
        field = " and ".join(fields) if fields else _fields_named(sql)
        shared = f"{field} is shared by many records: {common}" if common else field
        if fields is None:
            message = (
                f"{over}: {shared}; the rule is left out of this run "
                "(raise --max-pairs-per-record to keep it)"
            )
            checks.append(RuleCheck(sql, pairs, "refused", message))
            continue
        key = _key(records, fields)
        sizes = pc.value_counts(key.drop_null())
        cap = split_cap(sizes.field("counts").to_pylist(), budget)
        held = pc.index_in(key, sizes.field("values"))
        size_of = pc.take(sizes.field("counts"), held)
        name = f"_guard_{i}"
        columns[name] = pc.if_else(pc.less_equal(size_of, cap), key, pa.scalar(None, pa.string()))
        kept.append(split_rule(name))
        message = (
            f"{over}: {shared}; values held by more than {cap:,} records are left out of "
            "this rule (if this field is a district or province, map it to `area`)"
        )
        checks.append(RuleCheck(sql, pairs, "split", message))
    return Guarded(kept, columns, checks)


def _fields_named(sql: str) -> str:
    try:
        names = sorted({c.name for c in sqlglot.parse_one(sql).find_all(exp.Column)})
    except sqlglot.errors.ParseError:
        return "its field"
    return " and ".join(names) or "its field"
