"""Turn a declared :class:`~justicelink.measures.definition.Measure` into one query tree.

The query reads the measure's units (with the shared views they use, as common table
expressions), keeps the units its ``where`` names, and sums them over the published
combinations of dimensions (SQL grouping sets): a dimension summed over shows ``total`` (or
the measure's label for it). Every statistic and every breakdown is compiled here and nowhere
else; the tree is rendered by each engine in its own dialect.

Output columns: the dimensions in order, then ``value`` for a count; ``numerator``,
``denominator``, ``value`` and the extra sums for a share; ``numerator``, ``denominator``
(the population) and ``value`` for a rate; ``denominator`` (units) and ``value`` for a
median. Rows are ordered by the dimensions.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import sqlglot.expressions as exp

from justicelink.errors import MeasureError
from justicelink.measures.definition import Count, Measure, Median, Rate, Share
from justicelink.measures.macros import expand, parse
from justicelink.measures.units import UNITS, VIEWS
from justicelink.sql import condition as sql_condition
from justicelink.sql import parse as parse_sql

UNITS_CTE = "jl_units"
_KEEP = "jl_published"
POPULATION_CTE = "jl_population"
_TOTAL_CELL = "CASE WHEN GROUPING(_d) = 1 THEN 'total' ELSE CAST(_d AS VARCHAR) END"


@cache
def _tree(name: str) -> exp.Expr:
    """A unit query or view, parsed and with its fragments expanded (cached; copy to use)."""
    if name in UNITS:
        return parse(UNITS[name])
    return parse(VIEWS[name])


def _reads(tree: exp.Expr) -> list[str]:
    """The shared views a tree reads, in order of first mention."""
    seen: list[str] = []
    for table in tree.find_all(exp.Table):
        if table.name in VIEWS and table.name not in seen:
            seen.append(table.name)
    return seen


def _views_for(tree: exp.Expr) -> list[str]:
    """Every view ``tree`` needs, each after the views it reads itself."""
    ordered: list[str] = []

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in ordered:
            return
        if name in path:
            raise MeasureError(f"shared view {name} reads itself through {' -> '.join(path)}")
        for inner in _reads(_tree(name)):
            visit(inner, (*path, name))
        ordered.append(name)

    for name in _reads(tree):
        visit(name, ())
    return ordered


def _with_views(
    select: exp.Select, sources: dict[str, exp.Expr], materialized: frozenset[str] = frozenset()
) -> exp.Select:
    """``select`` with each source as a common table expression, after the views they read
    (views already ``materialized`` as tables of the session are read as they are)."""
    views: list[str] = []
    for tree in sources.values():
        views += [v for v in _views_for(tree) if v not in views and v not in materialized]
    for name in views:
        select = select.with_(name, as_=_tree(name).copy())
    for name, tree in sources.items():
        select = select.with_(name, as_=tree)
    return select


def _dimension(measure: Measure, name: str) -> exp.Expr:
    column = exp.column(name)
    if name in measure.fixed:
        return column
    label = measure.total_label(name)

    def fill(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Column) and node.name == "_d":
            return exp.column(name)
        if isinstance(node, exp.Literal) and node.is_string and node.this == "total":
            return exp.Literal.string(label)
        return node

    cell = parse_sql(_TOTAL_CELL).transform(fill)
    return exp.alias_(cell, name)


def _group(measure: Measure) -> exp.Group:
    sets = measure.grouping_sets
    if len(sets) == 1:
        return exp.Group(expressions=[exp.column(d) for d in sets[0]])
    tuples = [exp.Tuple(expressions=[exp.column(d) for d in combo]) for combo in sets]
    return exp.Group(expressions=[exp.GroupingSets(expressions=tuples)])


def _sum(column: str) -> exp.Expr:
    return exp.cast(exp.func("sum", exp.column(column)), "BIGINT")


def _ratio(numerator: exp.Expr, denominator: exp.Expr) -> exp.Expr:
    return exp.Div(this=exp.cast(numerator, "DOUBLE"), expression=denominator)


def _aggregates(measure: Measure) -> list[exp.Expr]:
    statistic = measure.statistic
    units = exp.Count(this=exp.Star())
    if isinstance(statistic, Count):
        return [exp.alias_(units, "value")]
    if isinstance(statistic, Median):
        median = exp.cast(exp.func("median", exp.column(statistic.column)), "DOUBLE")
        return [exp.alias_(units, "denominator"), exp.alias_(median, "value")]
    if isinstance(statistic, Share):
        hits = _sum(statistic.flag)
        columns = [
            exp.alias_(hits, "numerator"),
            exp.alias_(units, "denominator"),
            exp.alias_(_ratio(hits.copy(), units.copy()), "value"),
        ]
        for extra in measure.extras:
            total = _sum(extra.column)
            columns.append(exp.alias_(total, extra.name))
            if extra.per_numerator:
                per = _ratio(
                    total.copy(), exp.Nullif(this=hits.copy(), expression=exp.Literal.number(0))
                )
                columns.append(exp.alias_(per, extra.per_numerator))
        return columns
    raise MeasureError(f"{measure.name}: a rate is compiled with its population")


def _condition(text: str | None) -> exp.Expr | None:
    return None if text is None else expand(sql_condition(text))


def _grouped(measure: Measure, source: str, aggregates: list[exp.Expr]) -> exp.Select:
    """The units of ``source`` summed over the measure's combinations of dimensions.

    A ``having`` condition is computed as a column of the grouped query and filtered on
    outside it: in a HAVING clause some engines (Spark) would read a dimension's name as the
    output column (``'total'`` where summed) rather than as the grouped one.
    """
    dims = [_dimension(measure, d) for d in measure.dimensions]
    having = _condition(measure.having)
    keep = [] if having is None else [exp.alias_(exp.Case().when(having, 1).else_(0), _KEEP)]
    select = exp.select(*dims, *aggregates, *keep).from_(source)
    where = _condition(measure.where)
    if where is not None:
        select = select.where(where)
    select.set("group", _group(measure))
    if having is None:
        return select
    names = [*measure.dimensions, *(a.alias_or_name for a in aggregates)]
    return (
        exp.select(*names)
        .from_(select.subquery("jl_cells"))
        .where(exp.column(_KEEP).eq(exp.Literal.number(1)))
    )


def _ordered(select: exp.Select, measure: Measure) -> exp.Select:
    return select.order_by(*[exp.column(d) for d in measure.dimensions])


def _rate(measure: Measure, statistic: Rate, materialized: frozenset[str]) -> exp.Select:
    """Units per ``per`` of the population, both summed over the same combinations.

    The join is full: a population cell with no unit has a numerator of 0, and units in a cell
    the population table lacks (an unknown sex or age) are published with no denominator, so
    that every published total is the sum of its published parts.
    """
    count = exp.alias_(exp.Count(this=exp.Star()), "numerator")
    counted = _grouped(measure, UNITS_CTE, [count])
    population = replace(measure, where=None, having=None)
    people = _grouped(population, POPULATION_CTE, [exp.alias_(_sum("population"), "denominator")])
    c, p = "jl_counted", "jl_people"
    on = exp.and_(*[exp.column(d, table=c).eq(exp.column(d, table=p)) for d in measure.dimensions])
    zero = exp.Literal.number(0)
    numerator = exp.Coalesce(this=exp.column("numerator", table=c), expressions=[zero])
    per = exp.Mul(
        this=exp.cast(numerator.copy(), "DOUBLE"), expression=exp.Literal.number(statistic.per)
    )
    value = exp.Div(this=per, expression=exp.column("denominator", table=p))
    dims = [
        exp.alias_(
            exp.Coalesce(this=exp.column(d, table=p), expressions=[exp.column(d, table=c)]), d
        )
        for d in measure.dimensions
    ]
    select = (
        exp.select(
            *dims,
            exp.alias_(exp.cast(numerator, "BIGINT"), "numerator"),
            exp.alias_(exp.column("denominator", table=p), "denominator"),
            exp.alias_(value, "value"),
        )
        .from_(p)
        .join(c, on=on, join_type="FULL OUTER")
    )
    sources = {
        UNITS_CTE: _tree(measure.units).copy(),
        POPULATION_CTE: _tree(statistic.population).copy(),
        c: counted,
        p: people,
    }
    return _ordered(_with_views(select, sources, materialized), measure)


def views_of(measures: list[Measure]) -> list[str]:
    """The shared views the measures read, each after the views it reads itself."""
    ordered: list[str] = []
    for measure in measures:
        names = [measure.units]
        if isinstance(measure.statistic, Rate):
            names.append(measure.statistic.population)
        for name in names:
            ordered += [v for v in _views_for(_tree(name)) if v not in ordered]
    return ordered


def compile_view(name: str, materialized: frozenset[str] = frozenset()) -> exp.Select:
    """A shared view's query, reading the views it needs (as tables where ``materialized``).

    Raises:
        MeasureError: No view of that name.
    """
    if name not in VIEWS:
        raise MeasureError(f"no shared view {name!r}")
    body = _tree(name).copy()
    tree = (
        body
        if isinstance(body, exp.Select)
        else exp.select("*").from_(exp.Subquery(this=body, alias=exp.TableAlias(this="v")))
    )
    for inner in _views_for(tree):
        if inner not in materialized:
            tree = tree.with_(inner, as_=_tree(inner).copy())
    return tree


def compile_measure(measure: Measure, materialized: frozenset[str] = frozenset()) -> exp.Select:
    """The measure's query, as one expression tree (DuckDB dialect; transpiles to Spark SQL).

    Raises:
        MeasureError: The measure names a unit query that does not exist.
    """
    if measure.units not in UNITS:
        raise MeasureError(f"{measure.name}: no unit query {measure.units!r}")
    if isinstance(measure.statistic, Rate):
        if measure.statistic.population not in UNITS:
            raise MeasureError(f"{measure.name}: no unit query {measure.statistic.population!r}")
        return _rate(measure, measure.statistic, materialized)
    grouped = _grouped(measure, UNITS_CTE, _aggregates(measure))
    units = {UNITS_CTE: _tree(measure.units).copy()}
    return _ordered(_with_views(grouped, units, materialized), measure)


def compile_query(sql: str) -> exp.Select:
    """Any query over the canonical tables and the shared views (for notes beside figures)."""
    tree = parse(sql)
    if not isinstance(tree, exp.Select):
        raise MeasureError("a note's query must be a SELECT")
    for name in _views_for(tree):
        tree = tree.with_(name, as_=_tree(name).copy())
    return tree
