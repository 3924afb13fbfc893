"""Reviewers' decisions applied to the persons of the latest linkage run, before the next run.

A linkage run turns links into persons once; a decision taken after it (``same`` joins two
records, ``different`` keeps them apart) would otherwise wait for the next run. This module
regroups only the persons a pending decision touches, the way the run would: the run's links
among their records, minus pairs decided ``different``, plus pairs decided ``same``, and
connected groups of records become persons. A regrouped person keeps the run's id of the
person that gave it most of its records (ties: the smaller id), so an open page stays
valid; a group left without one gets a new opaque id made from its record ids. The next
linkage run makes the same groups (it applies every decision) and names them itself.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from justicelink.linkage.results import person_id as new_person_id


@dataclass(frozen=True)
class Overlay:
    """Persons as the pending decisions leave them.

    Attributes:
        members: Person id -> its records, for every regrouped person.
        person_of: Record id -> person id, for every record of a regrouped person.
        gone: Run person ids whose records all went to other persons.
    """

    members: dict[str, list[str]] = field(default_factory=dict)
    person_of: dict[str, str] = field(default_factory=dict)
    gone: frozenset[str] = frozenset()


def _find(parent: dict[str, str], node: str) -> str:
    while parent[node] != node:
        parent[node] = parent[parent[node]]
        node = parent[node]
    return node


def regroup(
    run_person: Mapping[str, str],
    links: Iterable[tuple[str, str]],
    decisions: Mapping[tuple[str, str], str],
) -> Overlay:
    """Regroup the records of the persons the decisions touch.

    Args:
        run_person: Record id -> the run's person id, for every record of every person a
            decision touches (both sides of each decision).
        links: The run's links (pairs of record ids) among those records.
        decisions: (record id, record id) -> ``same`` or ``different`` (latest decision).
    """
    parent = {r: r for r in run_person}
    removed = {tuple(sorted(k)) for k, d in decisions.items() if d == "different"}
    added = [tuple(sorted(k)) for k, d in decisions.items() if d == "same"]
    for a, b in [*links, *added]:
        if a not in parent or b not in parent or tuple(sorted((a, b))) in removed:
            continue
        parent[_find(parent, a)] = _find(parent, b)
    groups: dict[str, list[str]] = defaultdict(list)
    for record in sorted(run_person):
        groups[_find(parent, record)].append(record)
    members: dict[str, list[str]] = {}
    taken: set[str] = set()
    # Largest groups choose first, so a split person's id stays with its larger part.
    for records in sorted(groups.values(), key=lambda g: (-len(g), g[0])):
        votes = Counter(run_person[r] for r in records)
        ranked = sorted(votes, key=lambda p: (-votes[p], p))
        chosen = next((p for p in ranked if p not in taken), None)
        if chosen is None:
            chosen = new_person_id("|".join(records))
        taken.add(chosen)
        members[chosen] = records
    person_of = {r: p for p, records in members.items() for r in records}
    gone = frozenset(set(run_person.values()) - set(members))
    return Overlay(members, person_of, gone)
