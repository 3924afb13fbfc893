"""Find the persons a request concerns among the country's own records (read-only).

A request's person is looked for in ``person_record`` through the warehouse port: same
birth year (a bound parameter), then the same name after linkage normalisation (diacritics,
romanisations, name order; :func:`justicelink.linkage.normalise.name_key`) and a date of birth
that agrees as far as both are known. A record found this way gives the linked person
(``record_person``) when linkage has run.

``exact`` means name and full date of birth agree; ``possible`` means the name agrees and
only the year (or year and month) can be compared. A person without a date of birth is not
looked for: a name alone would find strangers. Nothing here is written to the warehouse.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlglot.expressions as exp

from justicelink.cooperation.dates import parse_partial
from justicelink.cooperation.model import Person
from justicelink.linkage.normalise import linkage_dob, name_key
from justicelink.warehouse.port import Warehouse

_CANDIDATES = (
    exp.select(
        "r.record_id",
        "r.full_name",
        "r.family_name",
        "r.given_names",
        "r.date_of_birth",
        "r.dob_precision",
        "rp.person_id",
    )
    .from_("person_record AS r")
    .join("record_person AS rp", on="rp.record_id = r.record_id", join_type="left")
    .where("r.birth_year = ?")
)


@dataclass(frozen=True)
class PersonMatch:
    """What was found for the request's n-th person."""

    ordinal: int
    person_id: str | None
    records: list[str] = field(default_factory=list)
    match: str | None = None  # exact, possible, several (records of different persons), None


def _agrees(want: Any, row_date: dt.date | None, precision: str | None) -> str | None:
    """``exact``, ``possible`` or None for a request's partial date against a record's."""
    have = linkage_dob(row_date, precision)
    if want.exact is not None and have.exact is not None:
        swapped = have.swapped
        return "exact" if want.exact in (have.exact, swapped) else None
    lo = want.earliest
    if have.year != lo.year:
        return None
    if want.precision in ("day", "month") and have.month is not None and have.month != lo.month:
        return None
    return "possible"


def match_persons(warehouse: Warehouse, persons: list[Person]) -> list[PersonMatch]:
    """Look for each person in the warehouse's person records (one query per birth year)."""
    results = []
    cache: dict[int, list[tuple[Any, ...]]] = {}
    for ordinal, person in enumerate(persons, start=1):
        want = parse_partial(person.date_of_birth)
        key = (
            name_key(person.name)
            if person.name
            else name_key(person.given_names, person.family_name)
        )
        if want.earliest is None or not key:
            results.append(PersonMatch(ordinal, None))
            continue
        year = want.earliest.year
        if year not in cache:
            cache[year] = warehouse.fetch(_CANDIDATES, [year])
        found: dict[str, str | None] = {}
        strength = set()
        for record_id, full, family, given, born, precision, person_id in cache[year]:
            names = {name_key(full), name_key(given, family)} - {""}
            if key not in names:
                continue
            agreement = _agrees(want, born, precision)
            if agreement is None:
                continue
            found[str(record_id)] = str(person_id) if person_id is not None else None
            strength.add(agreement)
        if not found:
            results.append(PersonMatch(ordinal, None))
            continue
        linked = {p for p in found.values() if p is not None}
        match = "exact" if "exact" in strength else "possible"
        if len(linked) > 1:
            match = "several"
        results.append(
            PersonMatch(
                ordinal,
                linked.pop() if len(linked) == 1 else None,
                sorted(found),
                match,
            )
        )
    return results
