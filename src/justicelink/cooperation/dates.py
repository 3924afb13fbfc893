"""Dates known to the day, the month, the year, or not at all: kept as the range they allow.

Treaty sources give some deposits as a year or a month only, and some not at all. Such a
date is never completed with an invented day: it becomes the earliest and latest day it
can be, and every conclusion drawn from it holds for the whole range or is reported as
unknown.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date as precise as its source.

    Attributes:
        text: As written (``2017``, ``2018-05``, ``2004-09-24`` or empty).
        earliest: The first day it can be; None when nothing is known.
        latest: The last day it can be; None when nothing is known.
    """

    text: str
    earliest: dt.date | None
    latest: dt.date | None

    @property
    def precision(self) -> str:
        """``day``, ``month``, ``year`` or ``unknown``."""
        if self.earliest is None:
            return "unknown"
        return {10: "day", 7: "month", 4: "year"}[len(self.text)]

    @property
    def exact(self) -> dt.date | None:
        """The day, when known to the day."""
        return self.earliest if self.precision == "day" else None


def parse_partial(text: str | None) -> PartialDate:
    """Read ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY`` or an empty value.

    Raises:
        ValueError: for anything else, or an impossible date.
    """
    text = (text or "").strip()
    if not text:
        return PartialDate("", None, None)
    match = _PATTERN.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = match.groups()
    y = int(year)
    if day is not None:
        exact = dt.date(y, int(month), int(day))
        return PartialDate(text, exact, exact)
    if month is not None:
        m = int(month)
        last = calendar.monthrange(y, m)[1]
        return PartialDate(text, dt.date(y, m, 1), dt.date(y, m, last))
    return PartialDate(text, dt.date(y, 1, 1), dt.date(y, 12, 31))


def parse_day(text: str) -> dt.date:
    """A full ISO date (``YYYY-MM-DD``); raises ValueError naming the text otherwise."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD)") from None
