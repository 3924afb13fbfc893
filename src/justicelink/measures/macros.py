"""Named SQL fragments the measures' unit queries share, expanded as expression trees.

A unit query calls a fragment like a function (``jl_age(e.event_date, p.date_of_birth)``);
:func:`expand` replaces each call by the fragment's tree with the arguments put in place of its
parameters (``_a``, ``_b``). Each fragment is written once, in plain SQL text without any
formatting, so the same words reach every engine through sqlglot.
"""

from __future__ import annotations

from functools import cache

import sqlglot
import sqlglot.expressions as exp

from justicelink.errors import MeasureError
from justicelink.sql import parse as parse_sql

# Parameters are the columns _a, _b, ... of each body.
_BODIES: dict[str, str] = {
    # Whole years of age on day _a of a person born on _b.
    "jl_age": (
        "year(_a) - year(_b) - CASE WHEN month(_a) * 100 + day(_a) "
        "< month(_b) * 100 + day(_b) THEN 1 ELSE 0 END"
    ),
    # Adult (18 and over) or juvenile, from an age.
    "jl_adult_or_juvenile": (
        "CASE WHEN _a IS NULL THEN 'unknown' WHEN _a < 18 THEN 'juvenile' ELSE 'adult' END"
    ),
    # The age bands of the population table and of persons held.
    "jl_population_band": (
        "CASE WHEN _a IS NULL THEN 'unknown' WHEN _a < 15 THEN '0-14' "
        "WHEN _a < 18 THEN '15-17' WHEN _a < 30 THEN '18-29' WHEN _a < 45 THEN '30-44' "
        "WHEN _a < 60 THEN '45-59' ELSE '60+' END"
    ),
    # UNODC's age bands for victims of intentional homicide (SDG 16.1.1 metadata).
    "jl_homicide_band": (
        "CASE WHEN _a IS NULL THEN 'unknown' WHEN _a < 15 THEN '0-14' "
        "WHEN _a < 30 THEN '15-29' WHEN _a < 45 THEN '30-44' WHEN _a < 60 THEN '45-59' "
        "ELSE '60+' END"
    ),
    # A population table's band label ('15-17', '60+') as a homicide band: by its lower and
    # upper age; a band that straddles two homicide bands is 'unknown' (counted in totals).
    "jl_label_homicide_band": (
        "CASE WHEN jl_homicide_band(TRY_CAST(regexp_extract(_a, '^([0-9]+)', 1) AS INT)) "
        "= jl_homicide_band(coalesce(TRY_CAST(regexp_extract(_a, '-([0-9]+)$', 1) AS INT), "
        "TRY_CAST(regexp_extract(_a, '^([0-9]+)', 1) AS INT))) "
        "THEN jl_homicide_band(TRY_CAST(regexp_extract(_a, '^([0-9]+)', 1) AS INT)) "
        "ELSE 'unknown' END"
    ),
    # The age bands of the proven-reoffending tables (those of the England and Wales series).
    "jl_reoffending_band": (
        "CASE WHEN _a IS NULL THEN 'unknown' WHEN _a < 18 THEN 'under 18' "
        "WHEN _a < 21 THEN '18-20' WHEN _a < 25 THEN '21-24' WHEN _a < 30 THEN '25-29' "
        "WHEN _a < 40 THEN '30-39' WHEN _a < 50 THEN '40-49' ELSE '50+' END"
    ),
    # Bands of the number of previous offences.
    "jl_previous_band": (
        "CASE WHEN _a = 0 THEN '0' WHEN _a <= 2 THEN '1-2' WHEN _a <= 6 THEN '3-6' "
        "WHEN _a <= 10 THEN '7-10' ELSE '11+' END"
    ),
    # Days from _a to _b.
    "jl_days": "date_diff('day', _a, _b)",
}
_PARAMETERS = ("_a", "_b", "_c")


@cache
def _body(name: str) -> exp.Expr:
    return parse_sql(_BODIES[name])


def _call(node: exp.Expr) -> exp.Expr:
    if not isinstance(node, exp.Anonymous):
        return node
    name = str(node.this).lower()
    if name not in _BODIES:
        return node
    args = list(node.expressions)
    arguments = dict(zip(_PARAMETERS, args, strict=False))

    def put(part: exp.Expr) -> exp.Expr:
        if isinstance(part, exp.Column) and not part.table and part.name in arguments:
            argument = arguments[part.name].copy()
            # Parenthesised, so that the fragment's operators cannot bind into the argument.
            atomic = isinstance(argument, (exp.Column, exp.Literal, exp.Paren))
            return argument if atomic else exp.Paren(this=argument)
        return part

    # Fragments may call fragments: expand the body's own calls after the substitution.
    return expand(_body(name).copy().transform(put))


def expand(tree: exp.Expr) -> exp.Expr:
    """``tree`` with every ``jl_*`` fragment call replaced by the fragment itself."""
    return tree.transform(_call)


def parse(sql: str) -> exp.Expr:
    """Parse a unit query (DuckDB dialect) and expand its fragments.

    Raises:
        MeasureError: The text does not parse, or calls a ``jl_`` fragment that does not exist.
    """
    try:
        tree = parse_sql(sql)
    except sqlglot.errors.ParseError as exc:
        raise MeasureError(f"a measure's query does not parse: {exc}") from None
    expanded = expand(tree)
    for node in expanded.find_all(exp.Anonymous):
        if str(node.this).lower().startswith("jl_"):
            raise MeasureError(f"unknown SQL fragment {node.this}()")
    return expanded
