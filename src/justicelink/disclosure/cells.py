"""The published tables as disclosure control sees them: counts of units and their sums.

Every published person count is a *variable*: the number of units of one kind (a unit query
and the filter on it) that satisfy a conjunction of ``dimension = value`` terms. Two tables
that publish the same conjunction of the same units publish the same variable, so a cell
suppressed in one is suppressed in the other. A *family* is every cell of one published
combination of dimensions: each of its cells is a variable, and a combination missing from
the table is a known zero. A variable equals the sum of the cells of any family that refines
it: these are the linear relations an attacker can use, and the ones the suppression pattern
must defend against.

A published row (one line of a measure's table) holds one or two variables (a share holds its
numerator and its denominator); a row is published or suppressed whole, and rows that share
a variable are suppressed together: they form one *group*.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from justicelink.measures.definition import Count, Measure, Median, Rate, Share

Term = tuple[str, str]
Conjunction = frozenset[Term]
UnitKey = tuple[str, str]  # (unit query, filter on it)


@dataclass(frozen=True)
class Sensitive:
    """A person count that the primary rule found small, and the protection it needs.

    Attributes:
        coefficients: The count as a combination of variables (a variable, or a
            denominator minus its numerator).
        value: Its true value.
        lower: The attacker's lower bound must reach ``value - lower`` or below.
        upper: The attacker's upper bound must reach ``value + upper`` or above.
    """

    coefficients: tuple[tuple[int, int], ...]
    value: int
    lower: int
    upper: int


@dataclass
class Row:
    """One published row: where it is, the variables it shows and its group."""

    table: int
    index: int
    variables: tuple[int, ...]
    sensitive: list[Sensitive] = field(default_factory=list)
    group: int = -1


@dataclass
class Cells:
    """Variables, their relations, and the rows and groups that publish them."""

    keys: list[tuple[UnitKey, Conjunction]] = field(default_factory=list)
    values: list[int] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    relations: list[tuple[int, tuple[int, ...]]] = field(default_factory=list)
    groups: list[list[int]] = field(default_factory=list)  # group -> rows
    _index: dict[tuple[UnitKey, Conjunction], int] = field(default_factory=dict)

    def variable(self, key: tuple[UnitKey, Conjunction], value: int) -> int:
        """The index of a variable, created on first sight.

        Raises:
            ValueError: Two tables publish different values for the same cell (their
                definitions do not count the same units).
        """
        found = self._index.get(key)
        if found is None:
            found = len(self.keys)
            self._index[key] = found
            self.keys.append(key)
            self.values.append(value)
        elif self.values[found] != value:
            unit, cell = key
            raise ValueError(
                f"two tables of unit {unit[0]} give {self.values[found]} and {value} for "
                f"the same cell {dict(cell)}"
            )
        return found

    def group_of_variable(self) -> list[int]:
        """Each variable's group."""
        owner = [-1] * len(self.keys)
        for row in self.rows:
            for v in row.variables:
                owner[v] = row.group
        return owner


@dataclass(frozen=True)
class _Family:
    unit: UnitKey
    free: frozenset[str]
    fixed: Conjunction
    complete: bool


def _cell(measure: Measure, row: dict[str, Any], combo: Sequence[str]) -> Conjunction:
    return frozenset((d, str(row[d])) for d in combo)


def _combo(measure: Measure, row: dict[str, Any]) -> tuple[str, ...]:
    """The published combination a row belongs to (dimensions not summed over)."""
    summed = {d for d in measure.dimensions if row[d] == measure.total_label(d)}
    for combo in measure.grouping_sets:
        if set(measure.dimensions) - set(combo) == summed:
            return combo
    raise ValueError(f"{measure.name}: a row sums over {sorted(summed)}, not a breakdown")


def protection(value: int, threshold: int) -> tuple[int, int]:
    """(lower, upper) protection of a small count: an interval at least ``threshold`` wide.

    The attacker must not be able to narrow a small count to fewer than ``threshold``
    possible values: from ``value - lower`` to ``value + upper``, reaching down to zero for
    the smallest counts.
    """
    lower = min(value, (threshold + 1) // 2)
    return lower, threshold - lower


def _primary(
    measure: Measure,
    row: dict[str, Any],
    ids: dict[str, int],
    threshold: int,
    values: dict[str, int],
) -> list[Sensitive]:
    """The small person counts of a row (empty when the row may be published)."""
    found: list[Sensitive] = []

    def small(coefficients: tuple[tuple[int, int], ...], value: int, zero_counts: bool) -> None:
        if value < threshold and (zero_counts or value > 0):
            lower, upper = protection(value, threshold)
            found.append(Sensitive(coefficients, value, lower, upper))

    statistic = measure.statistic
    if isinstance(statistic, Count):
        small(((ids["value"], 1),), values["value"], False)
    elif isinstance(statistic, Share):
        num, den = values["numerator"], values["denominator"]
        if den == 0:
            return found  # nobody in the cell: nothing to disclose
        small(((ids["denominator"], 1),), den, False)
        # "0 of n" and "n of n" disclose everyone's outcome: both sides must be large.
        small(((ids["numerator"], 1),), num, True)
        small(((ids["denominator"], 1), (ids["numerator"], -1)), den - num, True)
    elif isinstance(statistic, Rate):
        small(((ids["numerator"], 1),), values["numerator"], False)
    elif isinstance(statistic, Median):
        small(((ids["denominator"], 1),), values["denominator"], False)
    return found


def _variables(
    measure: Measure, row: dict[str, Any], cell: Conjunction
) -> dict[str, tuple[Conjunction, int]]:
    """The row's variables: column -> (conjunction, value)."""
    statistic = measure.statistic
    if isinstance(statistic, Count):
        return {"value": (cell, int(row["value"]))}
    if isinstance(statistic, Share):
        flag = statistic.means or (statistic.flag, "1")
        return {
            "numerator": (cell | {flag}, int(row["numerator"])),
            "denominator": (cell, int(row["denominator"])),
        }
    if isinstance(statistic, Rate):
        return {"numerator": (cell, int(row["numerator"]))}
    return {"denominator": (cell, int(row["denominator"]))}


def _families(measure: Measure) -> list[tuple[str, _Family]]:
    """The families a measure publishes: (column, family) per published combination."""
    unit = (measure.units, measure.where or "")
    complete = measure.having is None
    out = []
    for combo in measure.grouping_sets:
        free = frozenset(combo)
        statistic = measure.statistic
        if isinstance(statistic, Share):
            flag = statistic.means or (statistic.flag, "1")
            out.append(("numerator", _Family(unit, free, frozenset({flag}), complete)))
            out.append(("denominator", _Family(unit, free, frozenset(), complete)))
        elif isinstance(statistic, Count):
            out.append(("value", _Family(unit, free, frozenset(), complete)))
        else:
            column = "numerator" if isinstance(statistic, Rate) else "denominator"
            out.append((column, _Family(unit, free, frozenset(), complete)))
    return out


def build(tables: Iterable[tuple[Measure, list[dict[str, Any]]]], threshold: int) -> Cells:
    """The variables, relations, rows and groups of the published person counts.

    Args:
        tables: Each measure with its computed rows (measures that count no persons, such as
            offences, are skipped: they need no protection).
        threshold: The primary rule: a person count below it is small.
    """
    cells = Cells()
    members: dict[_Family, dict[Conjunction, int]] = defaultdict(dict)
    for t, (measure, rows) in enumerate(tables):
        if not measure.counts_persons:
            continue
        families = _families(measure)
        for i, row in enumerate(rows):
            combo = _combo(measure, row)
            cell = _cell(measure, row, combo)
            ids: dict[str, int] = {}
            values: dict[str, int] = {}
            for column, (conjunction, value) in _variables(measure, row, cell).items():
                unit = (measure.units, measure.where or "")
                ids[column] = cells.variable((unit, conjunction), value)
                values[column] = value
            for column, family in families:
                if family.free == frozenset(combo) and column in ids:
                    members[family][cells.keys[ids[column]][1]] = ids[column]
            sensitive = _primary(measure, row, ids, threshold, values)
            cells.rows.append(Row(t, i, tuple(ids.values()), sensitive))
    cells.relations = _relations(cells, members)
    _group(cells)
    return cells


def _relations(
    cells: Cells, members: dict[_Family, dict[Conjunction, int]]
) -> list[tuple[int, tuple[int, ...]]]:
    """Each variable equals the sum of the cells of every family that minimally refines it."""
    by_unit: dict[UnitKey, list[_Family]] = defaultdict(list)
    for family in members:
        by_unit[family.unit].append(family)
    relations: list[tuple[int, tuple[int, ...]]] = []
    for v, (unit, conjunction) in enumerate(cells.keys):
        dims = {d for d, _ in conjunction}
        candidates = []
        for family in by_unit[unit]:
            fixed_dims = {d for d, _ in family.fixed}
            if not family.fixed <= conjunction:
                continue
            if not (dims - fixed_dims) < family.free:
                continue
            candidates.append(family)
        minimal = [f for f in candidates if not any(g.free < f.free for g in candidates)]
        for family in minimal:
            parts = tuple(sorted(i for cell, i in members[family].items() if conjunction <= cell))
            if not family.complete and not parts:
                continue  # a filtered family may have left the whole scope out
            if parts == (v,):
                continue
            relations.append((v, parts))
    return relations


def _group(cells: Cells) -> None:
    """Rows that share a variable form one group (suppressed together)."""
    parent = list(range(len(cells.rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_row: dict[int, int] = {}
    for r, row in enumerate(cells.rows):
        for v in row.variables:
            if v in first_row:
                parent[find(r)] = find(first_row[v])
            else:
                first_row[v] = r
    roots: dict[int, int] = {}
    for r, row in enumerate(cells.rows):
        root = find(r)
        if root not in roots:
            roots[root] = len(cells.groups)
            cells.groups.append([])
        row.group = roots[root]
        cells.groups[row.group].append(r)
