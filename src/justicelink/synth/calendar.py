"""Vectorised date helpers.

Dates are held as ``int64`` day numbers counted from 1970-01-01 (the numpy ``datetime64[D]``
epoch). Formatting goes through one lookup table per pattern, built once, so that turning a
million day numbers into text is a single fancy-indexing operation.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
ObjArray = npt.NDArray[np.object_]

#: First and last day the lookup tables cover; every generated date lies inside.
TABLE_FIRST = dt.date(1900, 1, 1)
TABLE_LAST = dt.date(2099, 12, 31)
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_TABLE_OFFSET = TABLE_FIRST.toordinal() - _EPOCH_ORDINAL


def day_number(year: int, month: int = 1, day: int = 1) -> int:
    """Return the day number (days since 1970-01-01) of one calendar date."""
    return dt.date(year, month, day).toordinal() - _EPOCH_ORDINAL


def ymd(days: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Split day numbers into year, month (1-12) and day-of-month (1-31) arrays."""
    d = days.astype("datetime64[D]")
    month_start = d.astype("datetime64[M]")
    year = d.astype("datetime64[Y]").astype(np.int64) + 1970
    month = month_start.astype(np.int64) % 12 + 1
    dom = (d - month_start.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, dom


def from_ymd(year: IntArray, month: IntArray, dom: IntArray) -> IntArray:
    """Build day numbers from year, month and day arrays; the caller ensures they are valid."""
    month_start = (year - 1970) * 12 + (month - 1)
    first = month_start.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    return first + dom - 1


def to_date(day: int) -> dt.date:
    """Convert one day number to a :class:`datetime.date`."""
    return dt.date.fromordinal(day + _EPOCH_ORDINAL)


@lru_cache(maxsize=16)
def _table(pattern: str) -> ObjArray:
    n = TABLE_LAST.toordinal() - TABLE_FIRST.toordinal() + 1
    first = TABLE_FIRST.toordinal()
    out = np.empty(n, dtype=object)
    out[:] = [dt.date.fromordinal(first + i).strftime(pattern) for i in range(n)]
    return out


def fmt(days: IntArray, pattern: str) -> ObjArray:
    """Format day numbers with a ``strftime`` pattern, vectorised through a lookup table."""
    out: ObjArray = _table(pattern)[days - _TABLE_OFFSET]
    return out


def fmt_years(years: IntArray) -> ObjArray:
    """Format years as four-digit text."""
    out = np.empty(len(years), dtype=object)
    out[:] = [str(y) for y in years.tolist()]
    return out
