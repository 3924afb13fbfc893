"""A year of Examplia's international cooperation requests, with their truth.

Examplia (user-assigned code XEX) exchanges requests with fifteen states. Each request has a
known processing time (log-normal by type, scaled by the counterpart's speed), an outcome,
and, for about one in eight, one element deliberately left out. The register is seen as of
30 June of the following year: steps after that day are not written, so late requests are
still open.

Writes ``cooperation/requests.jsonl`` (the documented JSON format), the authority's own
``cooperation/practice.yaml`` and ``cooperation/bilateral.yaml`` (synthetic: they state
nothing about the real states named), and ``truth/cooperation.json``: the true statistics,
which requests miss which element, and which requested persons are Examplia's own people.

A generator of its own (seeded from the country's seed) keeps every other file of the
country exactly as it was.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from justicelink.synth import calendar
from justicelink.synth.common import World

HOME = "XEX"
# Counterpart, weight, speed factor, accepted languages.
STATES: tuple[tuple[str, float, float, tuple[str, ...]], ...] = (
    ("THA", 0.14, 1.0, ("en", "th")),
    ("MYS", 0.13, 0.8, ("en", "ms")),
    ("SGP", 0.10, 0.6, ("en",)),
    ("IDN", 0.09, 1.3, ("en", "id")),
    ("PHL", 0.07, 1.2, ("en",)),
    ("VNM", 0.07, 1.4, ("vi", "en")),
    ("AUS", 0.07, 0.7, ("en",)),
    ("IND", 0.06, 1.5, ("en", "hi")),
    ("CHN", 0.06, 1.3, ("zh", "en")),
    ("KOR", 0.05, 0.9, ("ko", "en")),
    ("JPN", 0.04, 1.1, ("ja", "en")),
    ("USA", 0.04, 1.2, ("en",)),
    ("GBR", 0.03, 1.0, ("en",)),
    ("LAO", 0.03, 1.6, ("lo", "en")),
    ("KHM", 0.02, 1.5, ("km", "en")),
)
# Type, weight, median days to the outcome.
TYPES: tuple[tuple[str, float, float], ...] = (
    ("mla", 0.55, 120.0),
    ("extradition", 0.10, 240.0),
    ("confiscation", 0.08, 200.0),
    ("preservation_of_electronic_evidence", 0.08, 12.0),
    ("spontaneous_information", 0.05, 10.0),
    ("transfer_of_sentenced_persons", 0.05, 300.0),
    ("transfer_of_proceedings", 0.04, 180.0),
    ("joint_investigation", 0.05, 60.0),
)
OUTCOMES = ("executed", "executed_in_part", "refused", "withdrawn")
_OUTCOME_P = (0.70, 0.10, 0.13, 0.07)
GROUNDS = (
    ("dual_criminality", 0.30),
    ("insufficient_information", 0.25),
    ("essential_interests", 0.10),
    ("nationality", 0.10),
    ("lapse_of_time", 0.10),
    ("political_offence", 0.05),
    ("death_penalty", 0.05),
    ("other", 0.05),
)
# Offences asked about: (ICCS, Examplia code or None, title, max years).
OFFENCES: tuple[tuple[str, str | None, str, float], ...] = (
    ("060121", "DDA-15", "Trafficking in a dangerous drug", 30.0),
    ("0701", "PC-420", "Cheating", 7.0),
    ("07041", None, "Money laundering", 10.0),
    ("07031", "PC-161", "Bribery of a public servant", 5.0),
    ("0401", "PC-392", "Robbery", 10.0),
    ("0101", "PC-302", "Murder", 30.0),
    ("05022", "PC-379", "Theft", 3.0),
    ("08051", None, "Smuggling of migrants", 10.0),
    ("09031", None, "Unlawful access to a computer system", 3.0),
)
# Elements one request in eight leaves out, by family; the check names them so.
ASSISTANCE_GAPS = {
    "requesting_authority": "18(15)(a)",
    "subject_matter": "18(15)(b)",
    "facts_summary": "18(15)(c)",
    "assistance_sought": "18(15)(d)",
    "persons": "18(15)(e)",
    "purpose": "18(15)(f)",
    "language": "18(14)",
}
EXTRADITION_GAPS = {
    "documents": "MTE 5(2)(c)",
    "persons": "MTE 5(2)(a)",
    "language": "MTE 5(3)",
}
MEASURES = ("taking_evidence", "bank_records", "search_and_seizure", "examination")
INCOMPLETE_SHARE = 0.125


def _choice(rng: np.random.Generator, items: tuple[Any, ...], weights: list[float]) -> Any:
    p = np.asarray(weights, dtype=np.float64)
    return items[int(rng.choice(len(items), p=p / p.sum()))]


def _name(w: World, person: int) -> str:
    p, s = w.persons, w.pools.strings
    parts = [s[p.given1[person]], s[p.given2[person]], s[p.family[person]]]
    return " ".join(x for x in parts if x)


def _request(
    rng: np.random.Generator, w: World, n: int, year: int, offenders: np.ndarray
) -> tuple[dict[str, Any], dict[str, Any]]:
    """One request and its true facts."""
    state, _, speed, languages = _choice(rng, STATES, [s[1] for s in STATES])
    kind, _, median = _choice(rng, TYPES, [t[1] for t in TYPES])
    incoming = bool(rng.random() < 0.55)
    iccs, own_code, title, years = _choice(rng, OFFENCES, [1.0] * len(OFFENCES))
    prefix = state if incoming else HOME
    reference = f"{prefix}-{kind[:3].upper()}-{year}-{n:04d}"
    code = own_code if (own_code and not incoming) else f"{prefix}-CC-{rng.integers(100, 999)}"
    urgency = _choice(rng, ("normal", "urgent", "very_urgent"), [0.75, 0.2, 0.05])
    request: dict[str, Any] = {
        "format": "justicelink-cooperation/1",
        "reference": reference,
        "direction": "incoming" if incoming else "outgoing",
        "type": kind,
        "requesting_state": state if incoming else HOME,
        "requested_state": HOME if incoming else state,
        "requesting_authority": f"Central Authority of {'Examplia' if prefix == HOME else prefix}",
        "channel": "central_authority",
        "subject_matter": f"Criminal investigation into {title.lower()}",
        "facts_summary": f"The suspect is believed to have committed {title.lower()} with "
        "accomplices abroad; proceeds and evidence are in the requested state.",
        "assistance_sought": "Obtain and transmit the evidence described below.",
        "measures": [str(rng.choice(MEASURES))],
        "purpose": "Use as evidence in the criminal proceedings described.",
        "offences": [
            {"national_code": code, "title": title, "iccs": iccs, "max_penalty_years": years}
        ],
        "urgency": urgency,
        "language": languages[0],
        "documents": [{"kind": "request_letter", "title": "Letter of request"}],
    }
    if urgency != "normal":
        request["urgency_reason"] = "The suspect's trial is listed; custody time limits run."
    truth_person = None
    if incoming and kind in ("mla", "extradition") and rng.random() < 0.4:
        person = int(offenders[rng.integers(0, len(offenders))])
        truth_person = str(w.persons.person_id[person])
        born = calendar.to_date(int(w.persons.dob[person])).isoformat()
        name = _name(w, person)
        nationality = "XEX"
    else:
        born = f"{int(rng.integers(1960, 2003))}-{int(rng.integers(1, 13)):02d}-" + (
            f"{int(rng.integers(1, 29)):02d}"
        )
        name = f"{w.pools.strings[rng.integers(1, len(w.pools.strings))]} Foreignname{n}"
        nationality = state
    request["persons"] = [
        {
            "name": name,
            "date_of_birth": born,
            "nationality": nationality,
            "location": "Examplia" if incoming else state,
            "role": "suspect",
        }
    ]
    if kind == "extradition":
        request["documents"].append({"kind": "arrest_warrant", "title": "Warrant of arrest"})
        request["measures"] = ["arrest"]
    if kind == "confiscation":
        request["assets"] = [{"description": "Bank account and a vehicle", "location": state}]
        request["measures"] = ["freezing"]
    if kind == "transfer_of_sentenced_persons":
        request["documents"].append({"kind": "judgment", "title": "Judgment and sentence"})
    if kind == "spontaneous_information":
        request["measures"] = []
    gap = None
    gaps = EXTRADITION_GAPS if kind == "extradition" else ASSISTANCE_GAPS
    if kind not in ("spontaneous_information", "transfer_of_sentenced_persons") and (
        rng.random() < INCOMPLETE_SHARE
    ):
        key = str(rng.choice(sorted(gaps)))
        gap = gaps[key]
        if key == "documents":
            request["documents"] = [
                d for d in request["documents"] if d["kind"] != "arrest_warrant"
            ]
        elif key == "persons":
            request["persons"] = []
            truth_person = None
        else:
            request.pop(key)
    facts = {
        "reference": reference,
        "speed": speed,
        "median": median,
        "gap": gap,
        "person": truth_person,
    }
    return request, facts


def _history(
    rng: np.random.Generator,
    request: dict[str, Any],
    facts: dict[str, Any],
    start: int,
    snapshot: int,
) -> tuple[list[dict[str, Any]], int, int | None, str | None, str | None]:
    """Steps up to the snapshot; returns them, the clock start, the closing day and outcome."""
    steps: list[tuple[int, str, str | None]] = []
    if request["direction"] == "outgoing":
        steps.append((start, "sent", None))
        received = start + int(rng.integers(2, 13))
    else:
        received = start
    steps.append((received, "received", None))
    days = max(1, round(facts["median"] * facts["speed"] * float(rng.lognormal(0.0, 0.5))))
    if facts["gap"] is not None:
        days += int(rng.integers(20, 90))  # the time lost asking for the missing element
    closing = received + days
    ack = received + int(rng.integers(2, 21))
    if ack < closing:
        steps.append((ack, "acknowledged", None))
    if facts["gap"] is not None:
        asked = received + max(1, days // 4)
        if ack < asked < closing:
            steps.append((asked, "more_information_requested", None))
    result = str(_choice(rng, OUTCOMES, list(_OUTCOME_P)))
    ground = str(_choice(rng, tuple(g for g, _ in GROUNDS), [p for _, p in GROUNDS]))
    steps.append((closing, result, ground if result == "refused" else None))
    steps.sort(key=lambda s: s[0])
    kept = [s for s in steps if s[0] <= snapshot]
    history = [
        {"status": s, "date": calendar.to_date(d).isoformat(), **({"ground": g} if g else {})}
        for d, s, g in kept
    ]
    closed = closing <= snapshot
    return (
        history,
        received,
        closing if closed else None,
        result if closed else None,
        ground if closed and result == "refused" else None,
    )


def _percentiles(values: list[int]) -> dict[str, Any]:
    if not values:
        return {"count": 0, "median": None, "p90": None}
    a = np.asarray(values, dtype=np.float64)
    return {"count": len(values), "median": float(np.median(a)), "p90": float(np.percentile(a, 90))}


def write_cooperation(w: World, out: Path, *, seed: int, year: int) -> int:
    """Write the year's requests, the authority's files and the truth; returns the count."""
    rng = np.random.default_rng([seed, 16])
    offenders = np.unique(w.off_person)
    n_requests = int(min(600, max(40, len(w.persons.sex) // 25)))
    first, last = calendar.day_number(year), calendar.day_number(year, 12, 31)
    snapshot = calendar.day_number(year + 1, 6, 30)
    starts = np.sort(rng.integers(first, last + 1, n_requests))
    lines, facts_all = [], []
    for n, start in enumerate(starts.tolist(), start=1):
        request, facts = _request(rng, w, n, year, offenders)
        history, received, closed, result, ground = _history(rng, request, facts, start, snapshot)
        request["status_history"] = history
        lines.append(json.dumps(request, ensure_ascii=False, sort_keys=True))
        facts_all.append((request, facts, received, closed, result, ground))
    folder = out / "cooperation"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "requests.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _write_country_files(folder, year)
    _write_truth(out / "truth" / "cooperation.json", facts_all, snapshot)
    return n_requests


def _write_truth(path: Path, facts_all: list[Any], snapshot: int) -> None:
    counts: dict[str, dict[str, int]] = {k: {} for k in ("type", "direction", "counterpart")}
    outcome: dict[str, int] = {}
    grounds: dict[str, int] = {}
    executed: list[int] = []
    by_type: dict[str, list[int]] = {}
    incomplete: dict[str, list[str]] = {}
    persons = []
    for request, facts, received, closed, result, ground in facts_all:
        incoming = request["direction"] == "incoming"
        other = request["requesting_state"] if incoming else request["requested_state"]
        for key, value in (
            ("type", request["type"]),
            ("direction", request["direction"]),
            ("counterpart", other),
        ):
            counts[key][value] = counts[key].get(value, 0) + 1
        final = result or "open"
        outcome[final] = outcome.get(final, 0) + 1
        if ground:
            grounds[ground] = grounds.get(ground, 0) + 1
        if result in ("executed", "executed_in_part") and closed is not None:
            executed.append(closed - received)
            by_type.setdefault(request["type"], []).append(closed - received)
        incomplete[request["reference"]] = [facts["gap"]] if facts["gap"] else []
        if facts["person"]:
            persons.append(
                {"reference": request["reference"], "ordinal": 1, "person_id": facts["person"]}
            )
    truth = {
        "home_state": HOME,
        "snapshot": calendar.to_date(snapshot).isoformat(),
        "statistics": {
            "requests": len(facts_all),
            "by_type": counts["type"],
            "by_direction": counts["direction"],
            "by_counterpart": counts["counterpart"],
            "by_outcome": outcome,
            "refusals_by_ground": grounds,
            "days_to_execution": {
                **_percentiles(executed),
                "by_type": {k: _percentiles(v) for k, v in sorted(by_type.items())},
            },
        },
        "missing_elements": incomplete,
        "persons": persons,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(truth, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _write_country_files(folder: Path, year: int) -> None:
    practice = [
        "# Synthetic: the practice the central authority of Examplia (XEX) has recorded.",
        "# It states nothing about the real states named.",
        f"as_of: {year}-12-31",
        "source: register of the Central Authority of Examplia (synthetic)",
        "targets: {normal: 90, urgent: 30, very_urgent: 7}",
        "counterparts:",
    ]
    for state, _, speed, languages in STATES:
        days = {kind: round(median * speed) for kind, _, median in TYPES[:2]}
        practice.append(
            f"  {state}: {{languages: [{', '.join(languages)}], days: {{mla: {days['mla']}, "
            f"extradition: {days['extradition']}}}}}"
        )
    (folder / "practice.yaml").write_text("\n".join(practice) + "\n", encoding="utf-8")
    bilateral = f"""# Synthetic: Examplia's treaty register (nothing about the real states named).
as_of: {year}-12-31
source: treaty register of the Ministry of Foreign Affairs of Examplia (synthetic)
treaties:
  - id: XEX-AUS-MLAT
    title: Treaty between Examplia and Australia on Mutual Assistance in Criminal Matters
    states: [XEX, AUS]
    types: [mla, confiscation]
    signed: 2008-03-12
    in_force: 2009-05-01
    article: Article 1
    conditions: assistance is refused where the offence carries the death penalty (Art. 4)
    source: Examplia Treaty Series 2009 No. 7 (synthetic)
  - id: XEX-THA-EXTRADITION
    title: Extradition Treaty between Examplia and Thailand
    states: [XEX, THA]
    types: [extradition]
    signed: 2013-11-20
    in_force: 2015-03-01
    article: Article 2 (extraditable offences, 1 year or more)
    source: Examplia Treaty Series 2015 No. 2 (synthetic)
  - id: XEX-IND-EXTRADITION
    title: Extradition Treaty between Examplia and India
    states: [XEX, IND]
    types: [extradition]
    signed: {year - 1}-06-01
    in_force: null
    source: signed, awaiting ratification (synthetic)
"""
    (folder / "bilateral.yaml").write_text(bilateral, encoding="utf-8")
