"""The true value of the headline measures, from the true persons and events.

Written to ``truth/measures.json`` so that the pipeline's figures (computed from the agencies'
imperfect, unlinked extracts) can be checked against what really happened. This module is
deliberately separate from :mod:`justicelink.measures`: it reads the generator's own arrays,
with its own code, and shares nothing with the measure engine but the written definitions
(docs/measures.md).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

# Outcomes of a sentence that keep the person out of custody.
NON_CUSTODIAL = frozenset({"suspended", "community", "fine", "other"})
FOLLOW_UP_DAYS = 365  # an offence committed up to 365 days after the index date counts
WAITING_DAYS = 183  # ... if proven within 365 + 183 days of the index date


def homicide_rate(
    event_type: Sequence[str],
    event_date: Sequence[dt.date],
    iccs: Sequence[str],
    population: dict[int, int],
) -> dict[str, float]:
    """Victims of intentional homicide (ICCS 0101) per 100,000 population, by year."""
    victims: dict[int, int] = defaultdict(int)
    for kind, day, code in zip(event_type, event_date, iccs, strict=True):
        if kind == "victimisation" and code.startswith("0101"):
            victims[day.year] += 1
    return {
        str(year): round(victims.get(year, 0) / people * 100_000, 6)
        for year, people in sorted(population.items())
    }


def unsentenced_share(
    person: Sequence[str],
    event_type: Sequence[str],
    event_date: Sequence[dt.date],
    legal_status: Sequence[str],
    years: Sequence[int],
) -> dict[str, float]:
    """Share of the persons held on 31 December who were not sentenced (on remand)."""
    spells: dict[str, list[tuple[dt.date, int, str]]] = defaultdict(list)
    for who, kind, day, status in zip(person, event_type, event_date, legal_status, strict=True):
        if kind in ("custody_start", "custody_end"):
            # On one day a release comes before a new reception (remand ends, sentence starts).
            spells[who].append((day, 1 if kind == "custody_start" else 0, status))
    out: dict[str, float] = {}
    for year in years:
        census = dt.date(year, 12, 31)
        held = unsentenced = 0
        for events in spells.values():
            before = [e for e in events if e[0] <= census]
            if not before:
                continue
            day, starts, status = max(before)
            if starts:
                held += 1
                unsentenced += status == "remand"
        out[str(year)] = round(unsentenced / held, 6) if held else 0.0
    return out


def proven_reoffending(
    person: Sequence[str],
    event_type: Sequence[str],
    event_date: Sequence[dt.date],
    offence_date: Sequence[dt.date | None],
    outcome: Sequence[str],
    legal_status: Sequence[str],
    window_end: dt.date,
) -> dict[str, float]:
    """Proven reoffending rate of each annual cohort whose follow-up ends in the window."""
    index: dict[str, list[dt.date]] = defaultdict(list)
    proven: dict[str, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    rows = zip(person, event_type, event_date, offence_date, outcome, legal_status, strict=True)
    for who, kind, day, committed, result, status in rows:
        released = kind == "custody_end" and status == "sentenced"
        community = kind == "sentence" and result in NON_CUSTODIAL
        if released or community or kind == "caution":
            index[who].append(day)
        if committed is not None and (
            kind == "caution" or (kind == "court_disposal" and result == "convicted")
        ):
            proven[who].append((committed, day))
    years = sorted({d.year for days in index.values() for d in days})
    out: dict[str, float] = {}
    for year in years:
        last_day = dt.date(year, 12, 31)
        if (last_day + dt.timedelta(days=FOLLOW_UP_DAYS + WAITING_DAYS)) > window_end:
            continue
        cohort = reoffenders = 0
        for who, days in index.items():
            in_year = [d for d in days if d.year == year]
            if not in_year:
                continue
            start = min(in_year)
            cohort += 1
            reoffenders += any(
                0 < (committed - start).days <= FOLLOW_UP_DAYS
                and (proved - start).days <= FOLLOW_UP_DAYS + WAITING_DAYS
                for committed, proved in proven[who]
            )
        out[str(year)] = round(reoffenders / cohort, 6) if cohort else 0.0
    return out
