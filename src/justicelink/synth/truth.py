"""Truth files (``truth/``): what really happened, read only by evaluation and tests."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np

from justicelink.synth import calendar, codes, true_measures
from justicelink.synth.careers import NEEDS
from justicelink.synth.common import World
from justicelink.synth.names import GROUPS
from justicelink.synth.tables import Table, write_csv

_CODE = np.array([c.code for c in codes.CODES] + [""], dtype=object)
_ICCS = np.array([c.iccs for c in codes.CODES] + [""], dtype=object)


def _text(values: np.ndarray, missing: int) -> np.ndarray:
    out = np.char.mod("%d", values).astype(object)
    out[values == missing] = ""
    return out


def _dates(days: np.ndarray) -> np.ndarray:
    """ISO dates, empty where there is none (-1)."""
    text = calendar.fmt(np.where(days < 0, 0, days).astype(np.int64), "%Y-%m-%d")
    return np.where(days < 0, "", text).astype(object)


def write_truth(
    w: World, out: Path, summary: dict[str, object], population: Table
) -> dict[str, int]:
    """Write records, defects, persons, events, incidents, measures and summary.

    Returns:
        Row counts of the records and events written.
    """
    t = out / "truth"
    p = w.persons
    rec_parts: list[dict[str, np.ndarray]] = []
    for agency, path, key_col in w.person_files:
        table = next(x for x in w.tables if x.path == path)
        n = len(table)
        rec_parts.append(
            {
                "agency": np.full(n, agency, dtype=object),
                "record_key": table.columns[key_col],
                "person_id": p.person_id[table.hidden["_person"]],
                "source_file": np.full(n, path, dtype=object),
                "source_row": np.char.mod("%d", np.arange(1, n + 1)).astype(object),
            }
        )
    records = Table(
        "truth/records.csv", {k: np.concatenate([r[k] for r in rec_parts]) for k in rec_parts[0]}
    )
    write_csv(t / "records.csv", records)

    d = w.defects
    defects = Table(
        "truth/defects.csv",
        {
            "source_file": np.array([x.source_file for x in d], dtype=object),
            "source_row": np.array([str(x.source_row) for x in d], dtype=object),
            "column": np.array([x.column for x in d], dtype=object),
            "defect": np.array([x.defect for x in d], dtype=object),
            "expect": np.array([x.expect for x in d], dtype=object),
        },
        free_text=frozenset({"column"}),
    )
    write_csv(t / "defects.csv", defects)

    mono = p.given1 == 0
    given = np.where(
        p.given2 > 0,
        w.pools.strings[p.given1] + " " + w.pools.strings[p.given2],
        w.pools.strings[p.given1],
    )
    persons = Table(
        "truth/persons.csv",
        {
            "person_id": p.person_id,
            "sex": np.where(p.sex == 1, "F", "M").astype(object),
            "date_of_birth": calendar.fmt(p.dob, "%Y-%m-%d"),
            "family_name": w.pools.strings[p.family],
            "given_names": np.where(mono, "", given).astype(object),
            "ethnic_group": np.array(GROUPS, dtype=object)[p.group],
            "id_number": p.id_number,
        },
        free_text=frozenset({"family_name", "given_names"}),
    )
    write_csv(t / "persons.csv", persons)
    # Each person's naming tradition, for linkage quality by tradition (`link --evaluate`).
    traditions = np.array([s.name for s in w.pools.subgroups], dtype=object)
    write_csv(
        t / "traditions.csv",
        Table(
            "truth/traditions.csv",
            {"person_id": p.person_id, "naming_tradition": traditions[p.subgroup]},
        ),
    )

    ev = {k: np.concatenate([e[k] for e in w.events]) for k in w.events[0]}
    order = np.lexsort((ev["date"], ev["person"]))
    ev = {k: v[order] for k, v in ev.items()}
    events = Table(
        "truth/events.csv",
        {
            "person_id": p.person_id[ev["person"]],
            "event_type": ev["event_type"],
            "event_date": calendar.fmt(ev["date"].astype(np.int64), "%Y-%m-%d"),
            "offence_date": _dates(ev["offence_date"]),
            "national_code": _CODE[ev["code"]],
            "iccs_code": _ICCS[ev["code"]],
            "outcome": ev["outcome"],
            "legal_status": ev["legal_status"],
            "length_days": _text(ev["length_days"], -1),
            "agency": ev["agency"],
            "source_file": ev["source_file"],
            "source_row": _text(ev["source_row"], 0),
        },
    )
    write_csv(t / "events.csv", events)

    inc = next(x for x in w.tables if x.path == "police/incidents.csv")
    off = inc.hidden["_offence"]
    incidents = Table(
        "truth/incidents.csv",
        {
            "incident_no": inc.columns["incident_no"],
            "national_code": _CODE[w.off_code[off]],
            "iccs_code": _ICCS[w.off_code[off]],
            "source_row": np.char.mod("%d", np.arange(1, len(inc) + 1)).astype(object),
        },
    )
    write_csv(t / "incidents.csv", incidents)

    _write_true_measures(w, ev, population, t / "measures.json")
    _write_programmes(w, t)

    kinds = Counter(x.defect for x in d)
    by_agency = {
        a: len(next(x for x in w.tables if x.path == path)) for a, path, _ in w.person_files
    }
    summary = dict(summary)
    summary.update(
        {
            "persons": len(p.sex),
            "records_by_agency": by_agency,
            "rows_by_file": {x.path: len(x) for x in w.tables},
            "defects_by_kind": dict(sorted(kinds.items())),
            "events": len(ev["person"]),
        }
    )
    (t / "summary.json").write_text(
        json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return {"records": len(records), "events": len(ev["person"])}


_MEASURE_EVENTS = (
    "victimisation",
    "custody_start",
    "custody_end",
    "sentence",
    "caution",
    "court_disposal",
    "charge",
    "prosecution_decision",
    "first_hearing",
    "legal_aid_assigned",
)


def _write_true_measures(
    w: World, ev: dict[str, np.ndarray], population: Table, path: Path
) -> None:
    """truth/measures.json: headline measures from the true events (same shape as the CLI's)."""
    keep = np.isin(ev["event_type"], _MEASURE_EVENTS)
    day = ev["date"][keep].astype(np.int64)
    committed = ev["offence_date"][keep].astype(np.int64)
    dates = [calendar.to_date(int(x)) for x in day.tolist()]
    offence_dates = [calendar.to_date(int(x)) if x >= 0 else None for x in committed.tolist()]
    kinds = [str(x) for x in ev["event_type"][keep].tolist()]
    persons = [str(x) for x in ev["person"][keep].tolist()]
    outcomes = [str(x) for x in ev["outcome"][keep].tolist()]
    statuses = [str(x) for x in ev["legal_status"][keep].tolist()]
    per_year: dict[int, int] = Counter()
    for year, people in zip(
        population.columns["year"].tolist(), population.columns["population"].tolist(), strict=True
    ):
        per_year[int(year)] += int(people)
    window_end = calendar.to_date(w.end)
    iccs = [str(x) for x in _ICCS[ev["code"][keep]].tolist()]
    codes_ = [str(x) for x in _CODE[ev["code"][keep]].tolist()]
    born = {who: calendar.to_date(int(w.persons.dob[int(who)])) for who in sorted(set(persons))}
    reoffending = true_measures.proven_reoffending(
        persons, kinds, dates, offence_dates, codes_, outcomes, statuses, born, window_end
    )
    headline = {
        "homicide_rate_per_100k": true_measures.homicide_rate(kinds, dates, iccs, dict(per_year)),
        "unsentenced_share": true_measures.unsentenced_share(
            persons, kinds, dates, statuses, sorted(per_year)
        ),
        "proven_reoffending_rate": reoffending["annual"],
        "proven_reoffending_rate_adult": reoffending["adult"],
        "proven_reoffending_rate_juvenile": reoffending["juvenile"],
    }
    recorded = w.flow.recorded[(w.flow.recorded >= w.start) & (w.flow.recorded <= w.end)]
    aid, charge_to_disposal = true_measures.court_cases(
        persons, kinds, dates, offence_dates, codes_
    )
    measures = {
        "police_recorded_offences": true_measures.offences_recorded(
            [calendar.to_date(int(x)) for x in recorded.tolist()]
        ),
        "persons_by_stage": true_measures.persons_by_stage(
            persons, kinds, dates, outcomes, [c[:2] for c in iccs]
        ),
        "legal_aid_before_first_hearing": aid,
        "days_charge_to_disposal": charge_to_disposal,
        "pretrial_detention_days": true_measures.pretrial_detention(
            persons, kinds, dates, statuses
        ),
        "proven_reoffending_rate_quarter": reoffending["quarter"],
        "proven_reoffending_rate_calendar_year": reoffending["calendar_year"],
    }
    sexes = {who: "female" if w.persons.sex[int(who)] == 1 else "male" for who in born}
    measures.update(
        true_measures.alternatives_to_imprisonment(persons, kinds, dates, outcomes, sexes, born)
    )
    path.write_text(
        json.dumps({"headline": headline, "measures": measures}, indent=2) + "\n",
        encoding="utf-8",
    )


def _write_programmes(w: World, t: Path) -> None:
    """programmes.json (true effects), placebo.csv (a participant file) and needs.csv."""
    state = w.programmes
    if state is None:
        return
    (t / "programmes.json").write_text(json.dumps(state.effects, indent=2) + "\n", encoding="utf-8")
    agency, path, key_col = next(f for f in w.person_files if f[0] == "courts")
    courts = next(x for x in w.tables if x.path == path)
    real = courts.hidden["_orig"] >= 0
    key_of = dict(
        zip(
            courts.hidden["_person"][real].tolist(),
            courts.columns[key_col][real].tolist(),
            strict=True,
        )
    )
    placebo = state.placebo
    known = np.array([int(p) in key_of for p in placebo.person.tolist()], dtype=bool)
    who = placebo.person[known]
    write_csv(
        t / "placebo.csv",
        Table(
            "truth/placebo.csv",
            {
                "agency": np.full(len(who), agency, dtype=object),
                "record_key": np.array([key_of[int(p)] for p in who.tolist()], dtype=object),
                "start_date": calendar.fmt(placebo.start[known], "%Y-%m-%d"),
            },
        ),
    )
    n = len(state.needs)
    columns: dict[str, np.ndarray] = {"person_id": w.persons.person_id[:n]}
    for k, (domain, _, _) in enumerate(NEEDS):
        columns[domain] = np.char.mod("%d", state.needs[:, k]).astype(object)
    columns["motivation"] = np.char.mod("%.3f", state.motivation).astype(object)
    write_csv(t / "needs.csv", Table("truth/needs.csv", columns))
