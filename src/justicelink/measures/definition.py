"""What a measure is: its written definition and the query that computes it.

A measure's query is SQL of the definition itself, parsed once by sqlglot into an expression
tree and rendered by the warehouse in its own dialect (DuckDB today; the same tree transpiles
to Spark SQL). Values that vary (census dates, follow-up periods) are bound parameters or
registered tables, never pasted into the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlglot
import sqlglot.expressions as exp


@dataclass(frozen=True)
class Measure:
    """One published measure.

    Attributes:
        name: The operational name (also the CSV file name).
        title: A heading for tables and the report.
        counting_unit: What one unit counted is (an offence, a victim, a person on a date).
        period: The reference date or period.
        inclusions: What is counted.
        exclusions: What is not.
        disaggregations: The columns that break the value down.
        unit: ``count``, ``rate per 100,000``, ``share`` or ``days``.
        sql: The definition's query (DuckDB dialect); columns: the disaggregations, then
            ``value`` and, for rates and shares, ``numerator`` and ``denominator``.
        sdg_series: The SDG series code the value reports, when it is one.
        small_cells: The column whose small values are suppressed on publication (a count
            of people); empty when the measure needs no suppression.
    """

    name: str
    title: str
    counting_unit: str
    period: str
    inclusions: str
    exclusions: str
    disaggregations: tuple[str, ...]
    unit: str
    sql: str
    sdg_series: str | None = None
    small_cells: str = "numerator"
    notes: tuple[str, ...] = field(default_factory=tuple)

    def query(self) -> exp.Expr:
        """The query as an expression tree."""
        tree = sqlglot.parse_one(self.sql, read="duckdb")
        assert tree is not None  # parse_one raises on bad SQL rather than returning None
        return tree

    def definition(self) -> dict[str, str]:
        """The written definition, as shown in reports and docs/measures.md."""
        return {
            "counting unit": self.counting_unit,
            "period": self.period,
            "inclusions": self.inclusions,
            "exclusions": self.exclusions,
            "disaggregations": ", ".join(self.disaggregations) or "none",
            "unit": self.unit,
        }


def age_at(day: str, born: str) -> str:
    """SQL for whole years of age on ``day`` of a person born on ``born`` (both columns)."""
    return (
        f"(year({day}) - year({born}) - CASE WHEN month({day}) * 100 + day({day}) "
        f"< month({born}) * 100 + day({born}) THEN 1 ELSE 0 END)"
    )


def adult_or_juvenile(age: str) -> str:
    """SQL: 'juvenile' under 18, 'adult' from 18, 'unknown' without an age."""
    return (
        f"CASE WHEN {age} IS NULL THEN 'unknown' WHEN {age} < 18 THEN 'juvenile' ELSE 'adult' END"
    )


def population_band(age: str) -> str:
    """SQL: the age bands of the population table (0-14, 15-17, 18-29, 30-44, 45-59, 60+)."""
    return (
        f"CASE WHEN {age} IS NULL THEN 'unknown' WHEN {age} < 15 THEN '0-14' "
        f"WHEN {age} < 18 THEN '15-17' WHEN {age} < 30 THEN '18-29' "
        f"WHEN {age} < 45 THEN '30-44' WHEN {age} < 60 THEN '45-59' ELSE '60+' END"
    )
