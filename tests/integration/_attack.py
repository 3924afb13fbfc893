"""An attacker with the published tables: bounds on every suppressed count.

Written apart from ``justicelink.disclosure`` on purpose: it reads only what is published
(rows, with blanks where cells are suppressed) and what docs/measures.md says about how the
tables add up, and asks linear programmes (SciPy's HiGHS, not the code under test) how low
and how high each hidden count can be.

What the attacker knows:

- within a table, a row that sums over a dimension (``total``, or ``annual`` for a quarter) is
  the sum of the rows that break that dimension down, the rest equal (rows that do not
  appear are zero);
- across tables (docs/measures.md, "Tables that share cells"): the persons in
  ``unsentenced_share`` are the persons in ``persons_held``;
- every count is at least zero.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

Key = tuple[str, int, str]  # (table, row, column)


@dataclass(frozen=True)
class Table:
    name: str
    dimensions: tuple[str, ...]
    totals: dict[str, str]  # dimension -> its label in a row that sums over it
    counts: tuple[str, ...]  # the count columns (additive)
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class Bound:
    table: str
    row: int
    quantity: str  # a column, or "complement" (denominator - numerator)
    low: float
    high: float


def _relations(tables: Sequence[Table]) -> list[tuple[Key, list[Key]]]:
    out: list[tuple[Key, list[Key]]] = []
    for t in tables:
        index: dict[tuple[tuple[str, str], ...], int] = {}
        for i, row in enumerate(t.rows):
            index[tuple((d, str(row[d])) for d in t.dimensions)] = i
        for i, row in enumerate(t.rows):
            for d in t.dimensions:
                if str(row[d]) != t.totals.get(d, "total"):
                    continue
                children = [
                    j
                    for j, other in enumerate(t.rows)
                    if str(other[d]) != t.totals.get(d, "total")
                    and all(str(other[e]) == str(row[e]) for e in t.dimensions if e != d)
                ]
                if not children:
                    continue
                for column in t.counts:
                    out.append(((t.name, i, column), [(t.name, j, column) for j in children]))
    return out


def _shared(tables: Sequence[Table]) -> list[tuple[Key, list[Key]]]:
    """unsentenced_share counts the persons of persons_held (docs/measures.md)."""
    by_name = {t.name: t for t in tables}
    if not {"unsentenced_share", "persons_held"} <= set(by_name):
        return []
    share, held = by_name["unsentenced_share"], by_name["persons_held"]
    out: list[tuple[Key, list[Key]]] = []
    for i, row in enumerate(share.rows):
        year, sex = str(row["year"]), str(row["sex"])
        for column, statuses in (
            ("numerator", {"unsentenced"}),
            ("denominator", {"unsentenced", "sentenced", "unknown"}),
        ):
            parts = [
                ("persons_held", j, "value")
                for j, h in enumerate(held.rows)
                if str(h["year"]) == year
                and h["legal_status"] in statuses
                and (
                    (sex == "total" and h["sex"] != "total" and h["age_band"] != "total")
                    or (sex != "total" and h["sex"] == sex and h["age_band"] != "total")
                )
            ]
            if parts:
                out.append((("unsentenced_share", i, column), parts))
    return out


def attack(
    tables: Sequence[Table], wanted: Callable[[str, int, str], bool] = lambda t, r, q: True
) -> list[Bound]:
    """Bounds on the counts of suppressed rows (and a share's complement).

    Args:
        wanted: Which (table, row, quantity) to bound (every one by default).
    """
    relations = _relations(tables) + _shared(tables)
    value: dict[Key, float | None] = {}
    for t in tables:
        for i, row in enumerate(t.rows):
            for column in t.counts:
                cell = row.get(column)
                value[(t.name, i, column)] = None if cell in (None, "") else float(cell)
    hidden = sorted(k for k, v in value.items() if v is None)
    position = {k: n for n, k in enumerate(hidden)}
    # Parts of the problem that share no hidden cell are solved apart.
    parent = list(range(len(hidden)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for whole, parts in relations:
        ids = [position[k] for k in (whole, *parts) if k in position]
        for other in ids[1:]:
            parent[find(other)] = find(ids[0])
    groups: dict[int, list[Key]] = defaultdict(list)
    for k in hidden:
        groups[find(position[k])].append(k)
    out: list[Bound] = []
    for keys in groups.values():
        local = {k: n for n, k in enumerate(keys)}
        rows, cols, data, rhs = [], [], [], []
        for whole, parts in relations:
            terms = [(whole, 1.0)] + [(p, -1.0) for p in parts]
            if not any(k in local for k, _ in terms):
                continue
            r = len(rhs)
            constant = 0.0
            for k, sign in terms:
                if k in local:
                    rows.append(r)
                    cols.append(local[k])
                    data.append(sign)
                else:
                    constant += sign * (value[k] or 0.0)
            rhs.append(-constant)
        matrix = coo_matrix((data, (rows, cols)), shape=(len(rhs), len(keys))).tocsr()
        targets: list[tuple[str, int, str, dict[int, float]]] = []
        rows_seen = sorted({(k[0], k[1]) for k in keys})
        for table, row in rows_seen:
            for column in ("value", "numerator", "denominator"):
                if (table, row, column) in local:
                    targets.append((table, row, column, {local[(table, row, column)]: 1.0}))
            num, den = (table, row, "numerator"), (table, row, "denominator")
            if num in local and den in local:
                targets.append((table, row, "complement", {local[den]: 1.0, local[num]: -1.0}))
        for table, row, quantity, coefficients in targets:
            if not wanted(table, row, quantity):
                continue
            objective = np.zeros(len(keys))
            for c, w in coefficients.items():
                objective[c] = w
            bounds = []
            for sign in (1.0, -1.0):
                result = linprog(
                    sign * objective,
                    A_eq=matrix if matrix.shape[0] else None,
                    b_eq=np.array(rhs) if rhs else None,
                    bounds=(0, None),
                    method="highs",
                )
                if result.status == 3:
                    bounds.append(-np.inf if sign > 0 else np.inf)
                else:
                    assert result.status == 0, result.message
                    bounds.append(sign * result.fun)
            out.append(Bound(table, row, quantity, bounds[0], bounds[1]))
    return out
