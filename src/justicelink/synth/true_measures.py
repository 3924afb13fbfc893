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


def _median(values: list[int]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    mid = n // 2
    return float(ordered[mid]) if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def offences_recorded(recorded: Sequence[dt.date]) -> dict[str, int]:
    """Offences recorded by the police, by year of recording."""
    counts: dict[int, int] = defaultdict(int)
    for day in recorded:
        counts[day.year] += 1
    return {str(y): counts[y] for y in sorted(counts)}


def persons_by_stage(
    person: Sequence[str],
    event_type: Sequence[str],
    event_date: Sequence[dt.date],
    outcome: Sequence[str],
    section: Sequence[str],
) -> dict[str, dict[str, int]]:
    """Distinct (person, ICCS section) per year: prosecuted, and convicted."""
    seen: dict[str, dict[int, set[tuple[str, str]]]] = {
        "prosecuted": defaultdict(set),
        "convicted": defaultdict(set),
    }
    for who, kind, day, result, part in zip(
        person, event_type, event_date, outcome, section, strict=True
    ):
        if kind == "prosecution_decision" and result == "prosecuted":
            seen["prosecuted"][day.year].add((who, part))
        elif kind == "court_disposal" and result == "convicted":
            seen["convicted"][day.year].add((who, part))
    return {
        stage: {str(y): len(by_year[y]) for y in sorted(by_year)} for stage, by_year in seen.items()
    }


def court_cases(
    person: Sequence[str],
    event_type: Sequence[str],
    event_date: Sequence[dt.date],
    offence_date: Sequence[dt.date | None],
    code: Sequence[str],
) -> tuple[dict[str, float], dict[str, float]]:
    """Legal aid before the first hearing (share) and median days from charge to disposal,
    by year of the first hearing and of the disposal. A case is one offence of one person."""
    cases: dict[tuple[str, dt.date | None, str], dict[str, dt.date]] = defaultdict(dict)
    wanted = ("charge", "first_hearing", "legal_aid_assigned", "court_disposal")
    for who, kind, day, committed, offence in zip(
        person, event_type, event_date, offence_date, code, strict=True
    ):
        if kind in wanted:
            steps = cases[(who, committed, offence)]
            steps[kind] = min(day, steps.get(kind, day))
    aided: dict[int, list[int]] = defaultdict(list)
    days: dict[int, list[int]] = defaultdict(list)
    for steps in cases.values():
        hearing = steps.get("first_hearing")
        if hearing is not None:
            aid = steps.get("legal_aid_assigned")
            aided[hearing.year].append(int(aid is not None and aid <= hearing))
        charge, disposal = steps.get("charge"), steps.get("court_disposal")
        if charge is not None and disposal is not None and charge <= disposal:
            days[disposal.year].append((disposal - charge).days)
    share = {str(y): round(sum(v) / len(v), 6) for y, v in sorted(aided.items())}
    median = {str(y): _median(v) for y, v in sorted(days.items())}
    return share, median


def pretrial_detention(
    person: Sequence[str],
    event_type: Sequence[str],
    event_date: Sequence[dt.date],
    legal_status: Sequence[str],
) -> dict[str, float]:
    """Median days on remand: each remand reception to the first remand discharge on or
    after it, by year of discharge."""
    starts: dict[str, list[dt.date]] = defaultdict(list)
    ends: dict[str, list[dt.date]] = defaultdict(list)
    for who, kind, day, status in zip(person, event_type, event_date, legal_status, strict=True):
        if status == "remand" and kind == "custody_start":
            starts[who].append(day)
        elif status == "remand" and kind == "custody_end":
            ends[who].append(day)
    lengths: dict[int, list[int]] = defaultdict(list)
    for who, begun in starts.items():
        for start in set(begun):
            after = [d for d in ends.get(who, []) if d >= start]
            if after:
                end = min(after)
                lengths[end.year].append((end - start).days)
    return {str(y): _median(v) for y, v in sorted(lengths.items())}
