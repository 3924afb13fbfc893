"""The legal-basis finder: which instruments bind two states for a request, on a date.

For each multilateral instrument the finder reads both states' deposits from the dated
party lists and applies the instrument's entry-into-force article; it adds the country's
bilateral treaties, the scope conditions the offence's ICCS code settles or leaves open, and,
for extradition, whether the requested state takes the convention as a legal basis
(UNTOC 16(5), UNCAC 44(6)) as its declarations say. When nothing applies, reciprocity.

Every answer carries the as-of date and source of the data it rests on. A finding is
``applies``, ``undetermined`` (a date the data give only to the year, or not at all) or
``not_applicable`` with its reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from justicelink.classification.iccs import load_iccs
from justicelink.cooperation.country import (
    BilateralTreaty,
    Declaration,
    find_declarations,
    load_bilateral,
    load_declarations,
)
from justicelink.cooperation.dualcrim import DualCriminality
from justicelink.cooperation.instruments import INSTRUMENTS, Instrument
from justicelink.cooperation.parties import (
    NOT_IN_FORCE,
    NOT_PARTY,
    UNKNOWN,
    PartyList,
    StateStatus,
    load_party_list,
    state_status,
)
from justicelink.cooperation.scope import NOT_MET, Condition, scope_for
from justicelink.cooperation.vocabulary import RequestType
from justicelink.errors import CooperationError

APPLIES, UNDETERMINED, NOT_APPLICABLE = "applies", "undetermined", "not_applicable"
NOTICE = (
    "Suggestions from dated reference data, not legal advice: confirm each date with the "
    "depositary and each scope condition with the facts; a lawyer decides."
)


@dataclass(frozen=True)
class Finding:
    """One instrument (or treaty) considered for the request."""

    instrument: str
    title: str
    verdict: str
    reason: str
    article: str | None = None
    cite: str | None = None
    in_force_from: dt.date | None = None
    states: list[dict[str, Any]] = field(default_factory=list)
    scope: list[Condition] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    extradition_basis: dict[str, Any] | None = None
    as_of: str | None = None
    source: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "instrument": self.instrument,
            "title": self.title,
            "verdict": self.verdict,
            "reason": self.reason,
            "article": self.article,
            "cite": self.cite,
            "in_force_from": self.in_force_from.isoformat() if self.in_force_from else None,
            "states": self.states,
            "scope": [c.to_json() for c in self.scope],
            "notes": self.notes,
            "as_of": self.as_of,
            "source": self.source,
        }
        if self.extradition_basis is not None:
            data["extradition_basis"] = self.extradition_basis
        return data


@dataclass(frozen=True)
class Basis:
    """The finder's answer for one request."""

    requesting_state: str
    requested_state: str
    kind: RequestType
    iccs: str | None
    on: dt.date
    max_penalty_years: float | None
    findings: list[Finding]
    reciprocity: dict[str, Any]
    data: list[dict[str, Any]]
    dual_criminality: DualCriminality | None = None

    def of(self, verdict: str) -> list[Finding]:
        return [f for f in self.findings if f.verdict == verdict]

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.requesting_state,
            "to": self.requested_state,
            "type": self.kind.value,
            "iccs": self.iccs,
            "max_penalty_years": self.max_penalty_years,
            "date": self.on.isoformat(),
            "instruments": [f.to_json() for f in self.of(APPLIES)],
            "undetermined": [f.to_json() for f in self.of(UNDETERMINED)],
            "not_applicable": [f.to_json() for f in self.of(NOT_APPLICABLE)],
            "reciprocity": self.reciprocity,
            "dual_criminality": self.dual_criminality.to_json() if self.dual_criminality else None,
            "data": self.data,
            "notice": NOTICE,
        }


def _pair(statuses: list[StateStatus]) -> tuple[str, str, dt.date | None]:
    """Verdict, reason and start date for two states' statuses under one instrument."""
    for s in statuses:
        if s.status == NOT_PARTY:
            return NOT_APPLICABLE, s.text, None
    for s in statuses:
        if s.status == NOT_IN_FORCE:
            return NOT_APPLICABLE, f"not yet in force for {s.iso3}: {s.text}", None
    unknown = [s for s in statuses if s.status == UNKNOWN]
    if unknown:
        return UNDETERMINED, "; ".join(f"{s.iso3}: {s.text}" for s in unknown), None
    starts = [s.in_force_from for s in statuses]
    start = max(starts) if all(starts) else None  # type: ignore[type-var]
    since = f"from {start}" if start else "on this date (a start known only as a range)"
    return APPLIES, f"in force between both states {since}", start


def _extradition_basis(
    instrument: Instrument, requested: str, declarations: list[Declaration]
) -> dict[str, Any]:
    found = find_declarations(
        declarations, requested, kind="extradition_basis", instrument=instrument.id
    )
    if not found:
        return {
            "state": requested,
            "position": "unknown",
            "article": instrument.extradition_article,
            "text": f"no declaration of {requested} in the data on whether it takes the "
            f"{instrument.short} as a legal basis for extradition "
            f"({instrument.extradition_article}); unknown: check the notifications in "
            f"{instrument.check_with}",
            "source": None,
            "as_of": None,
        }
    d = found[-1]
    return {
        "state": requested,
        "position": d.value,
        "article": d.article,
        "text": d.text,
        "source": d.source,
        "as_of": d.as_of,
    }


def _multilateral(
    parties: PartyList,
    request: tuple[str, str, RequestType, str | None, float | None, dt.date],
    declarations: list[Declaration],
) -> Finding:
    requesting, requested, kind, iccs, penalty, on = request
    inst = parties.instrument
    common: dict[str, Any] = {
        "instrument": inst.id,
        "title": inst.title,
        "as_of": parties.as_of.isoformat(),
        "source": parties.source,
    }
    article = inst.articles.get(kind)
    notes = [inst.notes[kind]] if kind in inst.notes else []
    if article is None or kind in inst.invites_only:
        why = notes[0] if notes else f"the {inst.short} does not cover {kind.value}"
        return Finding(**common, verdict=NOT_APPLICABLE, reason=why, article=article)
    statuses = [state_status(parties, s, on) for s in (requesting, requested)]
    verdict, reason, start = _pair(statuses)
    scope = scope_for(inst.id, iccs, penalty, kind)
    outside = [c for c in scope if c.status == NOT_MET]
    if verdict != NOT_APPLICABLE and outside:
        verdict, reason = NOT_APPLICABLE, "outside its scope: " + "; ".join(c.text for c in outside)
    basis = None
    if kind is RequestType.EXTRADITION and inst.extradition_article:
        basis = _extradition_basis(inst, requested, declarations)
    for d in find_declarations(declarations, requested, kind="note", instrument=inst.id):
        notes.append(f"{requested} ({d.article}): {d.text} [{d.source}]")
    return Finding(
        **common,
        verdict=verdict,
        reason=reason,
        article=article,
        cite=f"{inst.short} {article}",
        in_force_from=start,
        states=[s.to_json() for s in statuses],
        scope=scope,
        notes=notes,
        extradition_basis=basis,
    )


def _bilateral(treaty: BilateralTreaty, kind: RequestType, on: dt.date) -> Finding:
    common: dict[str, Any] = {
        "instrument": treaty.id,
        "title": treaty.title,
        "article": treaty.article or None,
        "cite": f"{treaty.title}, {treaty.article}" if treaty.article else treaty.title,
        "source": treaty.source or None,
        "notes": [treaty.conditions] if treaty.conditions else [],
    }
    if kind not in treaty.types:
        return Finding(**common, verdict=NOT_APPLICABLE, reason=f"does not cover {kind.value}")
    if treaty.in_force is None or treaty.in_force > on:
        when = f"in force only from {treaty.in_force}" if treaty.in_force else "not in force"
        return Finding(**common, verdict=NOT_APPLICABLE, reason=when)
    if treaty.terminated is not None and treaty.terminated <= on:
        return Finding(**common, verdict=NOT_APPLICABLE, reason=f"ended on {treaty.terminated}")
    return Finding(
        **common,
        verdict=APPLIES,
        reason=f"in force from {treaty.in_force}",
        in_force_from=treaty.in_force,
    )


def find_basis(
    requesting_state: str,
    requested_state: str,
    kind: RequestType,
    *,
    iccs: str | None = None,
    on: dt.date | None = None,
    max_penalty_years: float | None = None,
    directory: Path | None = None,
    dual_criminality: DualCriminality | None = None,
) -> Basis:
    """Find the legal bases for a request from one state to another.

    Args:
        requesting_state: ISO3 of the state that asks.
        requested_state: ISO3 of the state asked.
        kind: The request type.
        iccs: The offence's ICCS code (scope conditions are ``to_check`` without it).
        on: The date (default: today).
        max_penalty_years: The offence's maximum penalty, for UNTOC's 4-year threshold.
        directory: The cooperation folder (refreshed party lists, bilateral.yaml,
            declarations.csv); None for the shipped data only.
        dual_criminality: A pre-check to attach to the answer.

    Raises:
        CooperationError: for a malformed state code or ICCS code, or unreadable folder files.
    """
    states = (requesting_state.strip().upper(), requested_state.strip().upper())
    for state in states:
        if len(state) != 3 or not state.isalpha():
            raise CooperationError(f"{state!r} is not an ISO 3166-1 alpha-3 code")
    if states[0] == states[1]:
        raise CooperationError("the requesting and requested states are the same")
    if iccs is not None and iccs not in load_iccs():
        raise CooperationError(f"{iccs!r} is not an ICCS v1.0 code")
    day = on or dt.date.today()
    declarations = load_declarations(directory)
    request = (*states, kind, iccs, max_penalty_years, day)
    lists = [load_party_list(inst, directory) for inst in INSTRUMENTS]
    findings = [_multilateral(p, request, declarations) for p in lists]
    bilateral = load_bilateral(directory)
    data = [p.to_json() for p in lists]
    if bilateral is not None:
        data.append(
            {
                "instrument": "bilateral",
                "as_of": bilateral.as_of.isoformat(),
                "source": bilateral.source,
                "origin": str(directory / "bilateral.yaml") if directory else None,
            }
        )
        findings += [
            _bilateral(t, kind, day)
            for t in bilateral.treaties
            if set(states) <= {s.upper() for s in t.states}
        ]
    applies = [f for f in findings if f.verdict == APPLIES]
    undetermined = [f for f in findings if f.verdict == UNDETERMINED]
    if applies:
        reciprocity = {
            "applies": False,
            "text": "a treaty applies; reciprocity remains a fallback where the treaty "
            "does not reach the assistance sought",
        }
    else:
        maybe = (
            f" ({', '.join(f.instrument for f in undetermined)} may apply: dates unknown)"
            if undetermined
            else ""
        )
        reciprocity = {
            "applies": True,
            "text": f"no treaty known to be in force between {states[0]} and {states[1]} "
            f"covers this request on {day}{maybe}: ask on the basis of reciprocity (comity), "
            f"with an undertaking to assist {states[1]} in a like case; whether {states[1]} can "
            "assist without a treaty depends on its own law",
        }
    return Basis(
        states[0],
        states[1],
        kind,
        iccs,
        day,
        max_penalty_years,
        findings,
        reciprocity,
        data,
        dual_criminality,
    )
