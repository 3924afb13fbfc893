"""A linked person as an officer reads them: one summary line over records that disagree.

Records of one person come from several agencies, each with its own spelling of the name
and its own (sometimes partial or defaulted) date of birth. The summary shows the forms
found, most common first, and says how sure the linkage is; it decides nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

_DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class Summary:
    """What the head of a person page says.

    Attributes:
        name: The name most records give (ties: the first agency's).
        names: Every form of the name the records give, most common first.
        dates_of_birth: Each date of birth given, most common first, with its precision.
        age: Whole years since the most common full date of birth (None without one).
        sex: The sexes the records give, most common first.
        agencies: The agencies holding a record shown, by name.
    """

    name: str
    names: list[str]
    dates_of_birth: list[tuple[str, str]]
    age: int | None
    sex: list[str]
    agencies: list[str]


def _ranked(values: list[Any]) -> list[Any]:
    counts = Counter(v for v in values if v not in (None, ""))
    first = {v: i for i, v in reversed(list(enumerate(values)))}
    return sorted(counts, key=lambda v: (-counts[v], first[v]))


def age_on(born: dt.date, today: dt.date) -> int:
    """Whole years from ``born`` to ``today``."""
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def summarise(
    records: list[dict[str, Any]], agencies: dict[str, str], *, today: dt.date
) -> Summary:
    """The summary of a person's records shown (see :class:`Summary`)."""
    names = _ranked([r["full_name"] for r in records])
    births = _ranked(
        [
            (str(r["date_of_birth"]), str(r.get("dob_precision") or "day"))
            for r in records
            if r["date_of_birth"] is not None
        ]
    )
    full = next((d for d, precision in births if precision == "day"), None)
    age = age_on(dt.date.fromisoformat(full[:10]), today) if full else None
    return Summary(
        name=names[0] if names else "(no name recorded)",
        names=names,
        dates_of_birth=births,
        age=age,
        sex=_ranked([r["sex"] for r in records]),
        agencies=_ranked([agencies.get(r["agency_id"], r["agency_id"]) for r in records]),
    )


def years_and_months(days: float | None) -> str:
    """A sentence length or a time in custody as people say it: ``4 years``, ``1 year 6
    months``, ``3 months``, ``12 days`` (under a month)."""
    if days is None:
        return ""
    if days < 28:
        return f"{int(days)} day" + ("" if int(days) == 1 else "s")
    months = round(days / _DAYS_PER_MONTH)
    years, months = divmod(months, 12)
    parts = []
    if years:
        parts.append(f"{years} year" + ("" if years == 1 else "s"))
    if months:
        parts.append(f"{months} month" + ("" if months == 1 else "s"))
    return " ".join(parts)
