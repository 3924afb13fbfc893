"""What a measure is: its written definition, the units it counts and how they are summed.

A measure is declared, not programmed. Its *unit query* returns one row per counted unit (an
offence, a victim, a person on a census day, a person in a cohort) with the columns it is
broken down by; its *statistic* says how units become a value (a count, a share, a rate per
population, a median); its *breakdowns* say which combinations of columns are published.
:mod:`justicelink.measures.compile` turns the declaration into one query for any engine, so the
breakdown logic is written once, and :mod:`justicelink.disclosure` reads the same declaration
to know which published cells add up to which.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Count:
    """The value is the number of units.

    Attributes:
        persons: The units are people (a small count may identify someone); False for
            offences, which are published whatever their number.
    """

    persons: bool = True


@dataclass(frozen=True)
class Share:
    """The value is the share of units with a flag: ``numerator / denominator``.

    Attributes:
        flag: The unit column that is 1 for units in the numerator, 0 otherwise.
        means: The breakdown column and value the flag stands for, when another measure
            publishes it as a breakdown (``("legal_status", "unsentenced")``): the numerator
            of this share is then the same cell as that measure's, for disclosure control.
    """

    flag: str
    means: tuple[str, str] | None = None


@dataclass(frozen=True)
class Rate:
    """The value is units per ``per`` of a population (e.g. victims per 100,000).

    Attributes:
        population: The unit query of the denominator (one row per population cell, with a
            ``population`` column and the measure's breakdown columns).
        per: The base of the rate.
    """

    population: str
    per: int = 100_000


@dataclass(frozen=True)
class Median:
    """The value is the median of a unit column (e.g. days); ``denominator`` counts units."""

    column: str


@dataclass(frozen=True)
class Sum:
    """An extra published column: the sum of a unit column, and optionally a ratio to it.

    Attributes:
        name: The published column of the sum.
        column: The unit column summed.
        per_numerator: A second published column: the sum per numerator unit (e.g.
            reoffences per reoffender), NULL where the numerator is 0.
    """

    name: str
    column: str
    per_numerator: str | None = None


Statistic = Count | Share | Rate | Median


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
        units: The name of the unit query in :data:`justicelink.measures.units.UNITS`.
        dimensions: The breakdown columns, in published order.
        statistic: How units become the value.
        breakdowns: The combinations of dimensions published (SQL grouping sets); a dimension
            left out of a combination shows ``total`` there (or its ``total_labels`` entry).
            Default: only the full combination.
        total_labels: A label other than ``total`` for a dimension summed over.
        extras: Further summed columns.
        where: A condition on the units counted, in SQL over the unit columns (e.g. the
            3-month cohorts only).
        having: A condition on published cells, in SQL over the unit columns (e.g. publish
            annual cohorts only once all four quarters are complete).
        unit: ``count``, ``rate per 100,000``, ``share`` or ``days``.
        sdg_series: The SDG series code the value reports, when it is one.
        notes: Further sentences of the written definition.
        deviations: Where the definition departs from the source it cites, and why.
    """

    name: str
    title: str
    counting_unit: str
    period: str
    inclusions: str
    exclusions: str
    units: str
    dimensions: tuple[str, ...]
    statistic: Statistic
    unit: str
    breakdowns: tuple[tuple[str, ...], ...] = ()
    total_labels: tuple[tuple[str, str], ...] = ()
    extras: tuple[Sum, ...] = ()
    where: str | None = None
    having: str | None = None
    sdg_series: str | None = None
    source: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    deviations: tuple[str, ...] = field(default_factory=tuple)

    @property
    def grouping_sets(self) -> tuple[tuple[str, ...], ...]:
        """The published combinations of dimensions (the full one by default)."""
        return self.breakdowns or (self.dimensions,)

    def total_label(self, dimension: str) -> str:
        """What a cell shows in ``dimension`` when it sums over it."""
        return dict(self.total_labels).get(dimension, "total")

    @property
    def fixed(self) -> tuple[str, ...]:
        """Dimensions present in every published combination (never ``total``)."""
        return tuple(d for d in self.dimensions if all(d in g for g in self.grouping_sets))

    @property
    def counts_persons(self) -> bool:
        """Whether a small value of this measure could identify someone."""
        return not (isinstance(self.statistic, Count) and not self.statistic.persons)

    def definition(self) -> dict[str, str]:
        """The written definition, as shown in reports and docs/measures.md."""
        words = {
            "counting unit": self.counting_unit,
            "period": self.period,
            "inclusions": self.inclusions,
            "exclusions": self.exclusions,
            "disaggregations": ", ".join(self.dimensions) or "none",
            "unit": self.unit,
        }
        if self.source:
            words["source"] = self.source
        return words
