"""The table every risk model is fitted on, whatever its source.

A :class:`RiskTable` holds typed predictors (numbers, categories, dates already turned into
numbers of days), a 0/1 outcome, optional group columns used only to break the validation
down, and optionally the score of an existing instrument to compare against. The cohort-file
reader (:mod:`justicelink.risk.cohort_file`) builds one from a CSV file; the warehouse path
builds one from linked records. Nothing in the modelling code knows which.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from justicelink.errors import RiskModelError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
ObjArray = npt.NDArray[np.object_]
BoolArray = npt.NDArray[np.bool_]
OutcomeArray = npt.NDArray[np.int8]

#: The value a missing group cell is reported under in the fairness breakdown.
MISSING_GROUP = "(missing)"


class PredictorKind(enum.StrEnum):
    """What a predictor column holds, which decides how it is cut into bands."""

    NUMBER = "number"
    """A count or measurement; cut into bands at quantiles of the training rows."""

    CATEGORY = "category"
    """A code or label; each frequent value is a band, rare values share the band 'other'."""

    DATE = "date"
    """A date, used as days since a reference date (or as calendar time); cut like a number."""


class Unit(enum.StrEnum):
    """How the numbers of a number or date predictor are shown in its bands."""

    PLAIN = "plain"
    """A number as given (a count, an age)."""

    DAYS = "days"
    """Days between two dates (fractional when the source has times of day)."""

    YEARS = "years"
    """Years between two dates (days / 365.25)."""

    CALENDAR = "calendar"
    """Calendar time: days since 1970-01-01, shown as dates."""


@dataclass(frozen=True, slots=True)
class Predictor:
    """One predictor column.

    Attributes:
        name: The predictor's name, as shown on the model card.
        kind: Number, category or date.
        values: Numbers and dates: float64 with NaN where missing (dates as days, see
            ``unit``). Categories: an object array of ``str`` with ``None`` where missing.
        unit: How a number or date is shown (categories: ``Unit.PLAIN``).
        description: Where the values come from, e.g. ``"days from c_jail_in to c_jail_out"``.
    """

    name: str
    kind: PredictorKind
    values: FloatArray | ObjArray
    unit: Unit = Unit.PLAIN
    description: str = ""

    def missing(self) -> npt.NDArray[np.bool_]:
        """True where the value is missing."""
        if self.kind is PredictorKind.CATEGORY:
            return np.asarray([v is None for v in self.values], dtype=bool)
        return np.isnan(np.asarray(self.values, dtype=np.float64))


@dataclass(frozen=True, slots=True)
class RiskTable:
    """Predictors, outcome and breakdown columns of one cohort, row-aligned.

    Attributes:
        predictors: The predictors, in the order the model card lists them.
        outcome: 0/1 per row (int8).
        groups: Breakdown column -> value per row (``str``; missing as ``MISSING_GROUP``).
            Never used as predictors.
        rows: The row number each row came from in its source (for error messages and the
            per-person scores file).
        compare: An existing instrument's score per row (higher = higher risk), NaN where
            missing; ``None`` when no instrument is compared.
        compare_name: The instrument's column name.
    """

    predictors: tuple[Predictor, ...]
    outcome: npt.NDArray[np.int8]
    groups: dict[str, ObjArray] = field(default_factory=dict)
    rows: IntArray | None = None
    compare: FloatArray | None = None
    compare_name: str = ""

    def __post_init__(self) -> None:
        n = len(self.outcome)
        lengths = {len(p.values) for p in self.predictors} | {len(g) for g in self.groups.values()}
        if self.compare is not None:
            lengths.add(len(self.compare))
        if self.rows is not None:
            lengths.add(len(self.rows))
        if lengths - {n}:
            raise RiskModelError("predictors, outcome and groups must have one value per row")
        if not self.predictors:
            raise RiskModelError("a risk model needs at least one predictor")
        names = [p.name for p in self.predictors]
        if len(set(names)) != len(names):
            raise RiskModelError("two predictors have the same name")

    @property
    def n(self) -> int:
        """Number of rows."""
        return len(self.outcome)

    def row_numbers(self) -> IntArray:
        """Source row numbers (1..n when the source gave none)."""
        if self.rows is not None:
            return self.rows
        return np.arange(1, self.n + 1, dtype=np.int64)

    def missing_counts(self) -> dict[str, int]:
        """Predictor name -> rows where it is missing (each kept, in its 'missing' band)."""
        return {p.name: int(p.missing().sum()) for p in self.predictors}
