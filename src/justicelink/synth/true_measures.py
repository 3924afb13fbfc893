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
    """Share of the persons held at the end of 31 December who were serving no sentence.

    A person is held while a reception of some legal status is not yet matched by a
    discharge of that status; unsentenced when held on remand and serving no sentence.
    """
    moves: dict[str, list[tuple[dt.date, str, int]]] = defaultdict(list)
    for who, kind, day, status in zip(person, event_type, event_date, legal_status, strict=True):
        if kind in ("custody_start", "custody_end"):
            moves[who].append((day, status, 1 if kind == "custody_start" else -1))
    out: dict[str, float] = {}
    for year in years:
        census = dt.date(year, 12, 31)
        held = unsentenced = 0
        for events in moves.values():
            balance: dict[str, int] = defaultdict(int)
            for day, status, step in events:
                if day <= census:
                    balance[status] += step
            if balance["sentenced"] > 0:
                held += 1
            elif balance["remand"] > 0:
                held += 1
                unsentenced += 1
        out[str(year)] = round(unsentenced / held, 6) if held else 0.0
    return out


# The index event of a person in a cohort: (index date, date the index offence was proven).
_Index = tuple[dt.date, dt.date]


def _index_events(
    person: Sequence[str],
    event_type: Sequence[str],
    event_date: Sequence[dt.date],
    offence_date: Sequence[dt.date | None],
    code: Sequence[str],
    outcome: Sequence[str],
    legal_status: Sequence[str],
) -> tuple[dict[str, list[_Index]], dict[str, list[tuple[dt.date, dt.date]]]]:
    """Index events and proven offences (committed, proven) of every person.

    MoJ: a caution (index date: the caution), a conviction with a non-custodial sentence
    (index date: the conviction) or a release from custody (index date: the release).
    """
    convicted: dict[tuple[str, dt.date | None, str], dt.date] = {}
    rows = list(
        zip(person, event_type, event_date, offence_date, code, outcome, legal_status, strict=True)
    )
    for who, kind, day, committed, offence, result, _ in rows:
        if kind == "court_disposal" and result == "convicted":
            key = (who, committed, offence)
            convicted[key] = min(day, convicted.get(key, day))
    index: dict[str, list[_Index]] = defaultdict(list)
    proven: dict[str, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for who, kind, day, committed, offence, result, status in rows:
        verdict = convicted.get((who, committed, offence))
        if kind == "caution":
            index[who].append((day, day))
        elif kind == "sentence" and result in NON_CUSTODIAL:
            when = verdict or day
            index[who].append((when, when))
        elif kind == "custody_end" and status == "sentenced":
            index[who].append((day, verdict or day))
        if committed is not None and (
            kind == "caution" or (kind == "court_disposal" and result == "convicted")
        ):
            proven[who].append((committed, day))
    return index, proven


def _cohort_rate(
    members: list[tuple[str, _Index]],
    proven: dict[str, list[tuple[dt.date, dt.date]]],
) -> tuple[int, int]:
    """(cohort size, reoffenders) of a cohort's members and their index events."""
    reoffenders = 0
    for who, (start, _) in members:
        reoffenders += any(
            0 < (committed - start).days <= FOLLOW_UP_DAYS
            and (proved - start).days <= FOLLOW_UP_DAYS + WAITING_DAYS
            for committed, proved in proven[who]
        )
    return len(members), reoffenders


def proven_reoffending(
    person: Sequence[str],
    event_type: Sequence[str],
    event_date: Sequence[dt.date],
    offence_date: Sequence[dt.date | None],
    code: Sequence[str],
    outcome: Sequence[str],
    legal_status: Sequence[str],
    born: dict[str, dt.date],
    window_end: dt.date,
) -> dict[str, dict[str, float]]:
    """Proven reoffending rates of the cohorts whose follow-up ends in the window.

    Returns:
        ``annual`` (four 3-month cohorts pooled), ``adult`` and ``juvenile`` (the same, by
        age at the index date), ``quarter`` (each 3-month cohort, ``2020-Q1``) and
        ``calendar_year`` (one cohort per year, each person once): cohort -> rate.
    """
    index, proven = _index_events(
        person, event_type, event_date, offence_date, code, outcome, legal_status
    )
    wait = dt.timedelta(days=FOLLOW_UP_DAYS + WAITING_DAYS)

    def first_in(start: dt.date, end: dt.date) -> list[tuple[str, _Index]]:
        members = []
        for who, events in index.items():
            inside = sorted(e for e in events if start <= e[0] <= end)
            if inside:
                members.append((who, inside[0]))
        return members

    def age(who: str, day: dt.date) -> int:
        b = born[who]
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    out: dict[str, dict[str, float]] = {
        k: {} for k in ("annual", "adult", "juvenile", "quarter", "calendar_year")
    }
    years = sorted({d.year for events in index.values() for d, _ in events})
    for year in years:
        if dt.date(year, 12, 31) + wait > window_end:
            continue
        pooled: list[tuple[str, _Index]] = []
        for q, month in enumerate((1, 4, 7, 10)):
            start = dt.date(year, month, 1)
            end = (
                dt.date(year, month + 3, 1) - dt.timedelta(days=1)
                if q < 3
                else dt.date(year, 12, 31)
            )
            members = first_in(start, end)
            size, hits = _cohort_rate(members, proven)
            out["quarter"][f"{year}-Q{q + 1}"] = round(hits / size, 6) if size else 0.0
            pooled += members
        adults = [m for m in pooled if age(m[0], m[1][0]) >= 18]
        juveniles = [m for m in pooled if age(m[0], m[1][0]) < 18]
        for name, members in (("annual", pooled), ("adult", adults), ("juvenile", juveniles)):
            size, hits = _cohort_rate(members, proven)
            out[name][str(year)] = round(hits / size, 6) if size else 0.0
        size, hits = _cohort_rate(first_in(dt.date(year, 1, 1), dt.date(year, 12, 31)), proven)
        out["calendar_year"][str(year)] = round(hits / size, 6) if size else 0.0
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


def _age(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def alternatives_to_imprisonment(
    person: Sequence[str],
    event_type: Sequence[str],
    event_date: Sequence[dt.date],
    outcome: Sequence[str],
    sex: dict[str, str],
    born: dict[str, dt.date],
) -> dict[str, dict[str, object]]:
    """Non-custodial sentences and diversion from prosecution, from the true events.

    - ``non_custodial_sentence_share``: sentences (custody, suspended, community, fine or
      other) that are not immediate custody;
    - ``diversion_share``: cautions and decisions to divert, over cautions, decisions to
      divert and decisions to prosecute (a discontinued case is neither).

    Each: ``by_year`` (the share, by year of the event) and ``cells`` (``SEX/AGE_GROUP`` ->
    ``[numerator, denominator]`` over the whole window), age at the event (juvenile < 18).
    """
    counts: dict[str, dict[tuple[str, str], list[int]]] = {
        "non_custodial_sentence_share": defaultdict(lambda: [0, 0]),
        "diversion_share": defaultdict(lambda: [0, 0]),
    }
    years: dict[str, dict[int, list[int]]] = {
        "non_custodial_sentence_share": defaultdict(lambda: [0, 0]),
        "diversion_share": defaultdict(lambda: [0, 0]),
    }
    for who, kind, day, result in zip(person, event_type, event_date, outcome, strict=True):
        if kind == "sentence" and (result == "custody" or result in NON_CUSTODIAL):
            name, flag = "non_custodial_sentence_share", result in NON_CUSTODIAL
        elif kind == "caution" or (
            kind == "prosecution_decision" and result in ("diverted", "prosecuted")
        ):
            name, flag = "diversion_share", result != "prosecuted"
        else:
            continue
        group = "juvenile" if _age(born[who], day) < 18 else "adult"
        for cell in (counts[name][(sex[who], group)], years[name][day.year]):
            cell[0] += int(flag)
            cell[1] += 1
    return {
        name: {
            "by_year": {str(y): round(n / d, 6) for y, (n, d) in sorted(years[name].items()) if d},
            "cells": {f"{s}/{g}": list(v) for (s, g), v in sorted(counts[name].items())},
        }
        for name in counts
    }
