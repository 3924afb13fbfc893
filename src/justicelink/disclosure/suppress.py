"""Primary and complementary (secondary) cell suppression, and the attacker's intervals.

Primary suppression hides every row with a small person count (:mod:`.cells`). That alone is
not enough: a hidden cell can often be recovered by subtracting published cells from their
published total. Complementary suppression hides further rows until every small count can
only be bounded to an interval at least the protection level wide.

The method is the one tau-ARGUS calls *optimal* and sdcTable *OPT*, after Fischetti and
Salazar-Gonzalez ("Models and algorithms for optimizing cell suppression in tabular data with
linear constraints", JASA 95, 2000): for each small count, a mixed-integer programme chooses
the cheapest further rows to hide such that some change of the hidden cells, consistent with
every published total and with no cell below zero, moves the count up by its upper protection
and another moves it down by its lower protection. Counts are taken one after another (each
problem starts from everything hidden so far), which keeps every problem small; the cost of a
row is the number of persons in it, so the pattern hides as few people as it can. HiGHS
(through highspy) solves the programmes. No Python library offers this model, hence the code.

:class:`Attacker` is the other side: the linear programmes that bound a hidden count from the
published tables. Every pattern is checked with it before it is used.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import highspy
import numpy as np
from scipy.sparse import coo_matrix, csc_matrix

from justicelink.disclosure.cells import Cells, Sensitive

_TOLERANCE = 1e-6
# A MIP that takes longer than this is left at its best pattern so far (still checked).
_TIME_LIMIT = 20.0
_INF = highspy.kHighsInf


@contextmanager
def _silent() -> Iterator[None]:
    """HiGHS prints a banner from C++ when a solver is made: keep it off the user's screen."""
    saved = os.dup(1)
    try:
        with Path(os.devnull).open("wb") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _solver() -> highspy.Highs:
    with _silent():
        solver: highspy.Highs = highspy.Highs()  # type: ignore[no-untyped-call]
    solver.setOptionValue("output_flag", False)
    solver.setOptionValue("random_seed", 0)
    solver.setOptionValue("threads", 1)
    return solver


def _pass(
    solver: highspy.Highs,
    matrix: csc_matrix,
    row_bounds: tuple[np.ndarray, np.ndarray],
    col_bounds: tuple[np.ndarray, np.ndarray],
    cost: np.ndarray,
    integer: np.ndarray | None = None,
) -> None:
    lp = highspy.HighsLp()
    lp.num_col_ = matrix.shape[1]
    lp.num_row_ = matrix.shape[0]
    lp.col_cost_ = cost
    lp.col_lower_, lp.col_upper_ = col_bounds
    lp.row_lower_, lp.row_upper_ = row_bounds
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr
    lp.a_matrix_.index_ = matrix.indices
    lp.a_matrix_.value_ = matrix.data
    if integer is not None:
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous
            for flag in integer
        ]
    solver.passModel(lp)


@dataclass
class Pattern:
    """Which groups of rows are hidden, and why."""

    primary: set[int]
    secondary: set[int]

    @property
    def hidden(self) -> set[int]:
        return self.primary | self.secondary


def components(cells: Cells) -> list[list[int]]:
    """Sets of variables linked by relations or by sharing a group, each sorted."""
    parent = list(range(len(cells.keys)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for whole, parts in cells.relations:
        for p in parts:
            join(whole, p)
    for members in cells.groups:
        variables = [v for r in members for v in cells.rows[r].variables]
        for v in variables[1:]:
            join(variables[0], v)
    found: dict[int, list[int]] = defaultdict(list)
    for v in range(len(cells.keys)):
        found[find(v)].append(v)
    return [sorted(vs) for _, vs in sorted(found.items())]


class Component:
    """One independent part of the tables: its variables, relations and groups."""

    def __init__(self, cells: Cells, variables: list[int], owner: list[int]) -> None:
        self.variables = variables
        self.position = {v: i for i, v in enumerate(variables)}
        self.values = np.array([cells.values[v] for v in variables], dtype=float)
        self.owner = np.array([owner[v] for v in variables])
        self.relations = [(w, parts) for w, parts in cells.relations if w in self.position]
        self.groups = sorted({int(g) for g in self.owner})
        self.big = float(self.values.sum()) + 1.0
        rows, cols, data = [], [], []
        for r, (whole, parts) in enumerate(self.relations):
            rows.append(r)
            cols.append(self.position[whole])
            data.append(1.0)
            for p in parts:
                rows.append(r)
                cols.append(self.position[p])
                data.append(-1.0)
        # One row per relation: whole - sum(parts) = 0, over the component's variables.
        self.matrix = csc_matrix(
            coo_matrix((data, (rows, cols)), shape=(len(self.relations), len(variables)))
        )

    def vector(self, sensitive: Sensitive) -> np.ndarray:
        out = np.zeros(len(self.variables))
        for v, coefficient in sensitive.coefficients:
            out[self.position[v]] += coefficient
        return out


class Attacker:
    """Bounds on hidden counts from the published cells of one component (one LP model).

    The unknowns are the hidden cells, at least zero; every relation whose cells are not all
    published is an equation between them and the published values.
    """

    def __init__(self, component: Component, hidden: set[int]) -> None:
        self.component = component
        mask = np.isin(component.owner, sorted(hidden))
        self.columns = np.flatnonzero(mask)
        self.solver = _solver()
        a = component.matrix
        unknown = a[:, self.columns]
        known = a[:, np.flatnonzero(~mask)] @ component.values[~mask]
        used = np.flatnonzero(np.diff(unknown.tocsr().indptr) > 0)
        rhs = -np.asarray(known)[used]
        n = len(self.columns)
        _pass(
            self.solver,
            csc_matrix(unknown.tocsr()[used]),
            (rhs, rhs.copy()),
            (np.zeros(n), np.full(n, _INF)),
            np.zeros(n),
        )

    def bounds(self, sensitive: Sensitive) -> tuple[float, float]:
        """The least and greatest value the count can take given what is published."""
        full = self.component.vector(sensitive)
        cost = full[self.columns]
        n = len(self.columns)
        self.solver.changeColsCost(n, np.arange(n, dtype=np.int32), cost)
        found = []
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            self.solver.changeObjectiveSense(sense)
            self.solver.run()
            status = self.solver.getModelStatus()
            if status == highspy.HighsModelStatus.kUnknown:
                # Warm-started from the other direction's basis, the dual simplex can stop
                # without a verdict on an unbounded problem: solve again from scratch.
                self.solver.clearSolver()
                self.solver.run()
                status = self.solver.getModelStatus()
            if status == highspy.HighsModelStatus.kOptimal:
                found.append(float(self.solver.getInfo().objective_function_value))
            elif status in (
                highspy.HighsModelStatus.kUnbounded,
                highspy.HighsModelStatus.kUnboundedOrInfeasible,
            ):
                found.append(-np.inf if sense == highspy.ObjSense.kMinimize else np.inf)
            else:
                raise RuntimeError(f"the attacker's programme ended with {status}")
        return found[0], found[1]

    def protects(self, sensitive: Sensitive) -> bool:
        """Whether the interval reaches both protection levels."""
        low, high = self.bounds(sensitive)
        return (
            low <= sensitive.value - sensitive.lower + _TOLERANCE
            and high >= sensitive.value + sensitive.upper - _TOLERANCE
        )


def _complement(
    component: Component, sensitive: Sensitive, hidden: set[int], cost: dict[int, float]
) -> set[int]:
    """The cheapest further groups whose hiding protects ``sensitive`` (one MIP).

    Columns: a deviation up (y+, columns 0..n-1) and one down (y-, n..2n-1) of every cell,
    then one 0/1 choice per group not yet hidden. Each deviation keeps every relation
    (A y = 0), moves no cell below zero, moves a cell only if its group is hidden, and moves
    the count by its upper (y+) or lower (y-) protection.
    """
    n = len(component.variables)
    open_groups = [g for g in component.groups if g not in hidden]
    if not open_groups:
        return set()
    choice = {g: 2 * n + k for k, g in enumerate(open_groups)}
    size = 2 * n + len(open_groups)
    a = coo_matrix(component.matrix)
    m = a.shape[0]
    rows = [a.row, a.row + m]
    cols = [a.col, a.col + n]
    data = [a.data, a.data]
    lower_rows = [np.zeros(2 * m)]
    upper_rows = [np.zeros(2 * m)]
    r = 2 * m
    for i in range(n):
        g = int(component.owner[i])
        if g in hidden:
            continue
        for col in (i, n + i):
            # y - big * z <= 0 and -y - value * z <= 0: a published cell (z = 0) stays put.
            rows += [np.array([r, r, r + 1, r + 1])]
            cols += [np.array([col, choice[g], col, choice[g]])]
            data += [np.array([1.0, -component.big, -1.0, -component.values[i]])]
            lower_rows.append(np.full(2, -_INF))
            upper_rows.append(np.zeros(2))
            r += 2
    target = component.vector(sensitive)
    where = np.flatnonzero(target)
    rows += [np.full(len(where), r), np.full(len(where), r + 1)]
    cols += [where, where + n]
    data += [target[where], target[where]]
    lower_rows.append(np.array([sensitive.upper - _TOLERANCE, -_INF]))
    upper_rows.append(np.array([_INF, -sensitive.lower + _TOLERANCE]))
    r += 2
    matrix = csc_matrix(
        coo_matrix(
            (np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))), shape=(r, size)
        )
    )
    objective = np.zeros(size)
    integer = np.zeros(size, dtype=bool)
    for g, col in choice.items():
        objective[col] = cost[g]
        integer[col] = True
    lower = np.concatenate([-component.values, -component.values, np.zeros(len(open_groups))])
    upper = np.concatenate([np.full(2 * n, component.big), np.ones(len(open_groups))])
    solver = _solver()
    solver.setOptionValue("time_limit", _TIME_LIMIT)
    _pass(
        solver,
        matrix,
        (np.concatenate(lower_rows), np.concatenate(upper_rows)),
        (lower, upper),
        objective,
        integer,
    )
    solver.run()
    solution = solver.getSolution()
    if not solution.value_valid:
        return set(open_groups)  # no pattern found in time: hide the whole part
    values = np.asarray(solution.col_value)
    return {g for g, col in choice.items() if values[col] > 0.5}


def _costs(cells: Cells) -> dict[int, float]:
    """A group's cost: the persons in its largest count, plus one for the row itself."""
    cost: dict[int, float] = {}
    for g, members in enumerate(cells.groups):
        largest = max(
            (cells.values[v] for r in members for v in cells.rows[r].variables), default=0
        )
        cost[g] = float(largest) + 1.0
    return cost


def _targets(cells: Cells, groups: set[int]) -> list[Sensitive]:
    rows = sorted(r for g in groups for r in cells.groups[g])
    return [s for r in rows for s in cells.rows[r].sensitive]


def suppress(cells: Cells) -> Pattern:
    """The suppression pattern: primary groups, then the complementary groups they need."""
    primary = {row.group for row in cells.rows if row.sensitive}
    pattern = Pattern(primary=set(primary), secondary=set())
    owner = cells.group_of_variable()
    cost = _costs(cells)
    for variables in components(cells):
        groups = {owner[v] for v in variables}
        if not groups & primary:
            continue
        component = Component(cells, variables, owner)
        attacker = Attacker(component, pattern.hidden)
        for sensitive in _targets(cells, groups & primary):
            if attacker.protects(sensitive):
                continue
            pattern.secondary |= _complement(component, sensitive, pattern.hidden, cost)
            attacker = Attacker(component, pattern.hidden)
            if not attacker.protects(sensitive):
                pattern.secondary |= set(component.groups) - pattern.primary
                attacker = Attacker(component, pattern.hidden)
    return pattern


def intervals(cells: Cells, pattern: Pattern) -> list[tuple[Sensitive, float, float]]:
    """Every small count with the attacker's interval for it under ``pattern``."""
    owner = cells.group_of_variable()
    out = []
    for variables in components(cells):
        groups = {owner[v] for v in variables}
        if not groups & pattern.primary:
            continue
        attacker = Attacker(Component(cells, variables, owner), pattern.hidden)
        for sensitive in _targets(cells, groups & pattern.primary):
            low, high = attacker.bounds(sensitive)
            out.append((sensitive, low, high))
    return out
