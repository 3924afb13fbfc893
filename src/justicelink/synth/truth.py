"""Truth files (``truth/``): what really happened, read only by evaluation and tests."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np

from justicelink.synth import calendar, codes
from justicelink.synth.common import World
from justicelink.synth.names import GROUPS
from justicelink.synth.tables import Table, write_csv

_CODE = np.array([c.code for c in codes.CODES] + [""], dtype=object)
_ICCS = np.array([c.iccs for c in codes.CODES] + [""], dtype=object)


def _text(values: np.ndarray, missing: int) -> np.ndarray:
    out = np.char.mod("%d", values).astype(object)
    out[values == missing] = ""
    return out


def write_truth(w: World, out: Path, summary: dict[str, object]) -> dict[str, int]:
    """Write records, defects, persons, events, incidents and summary; return row counts."""
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

    ev = {k: np.concatenate([e[k] for e in w.events]) for k in w.events[0]}
    order = np.lexsort((ev["date"], ev["person"]))
    ev = {k: v[order] for k, v in ev.items()}
    events = Table(
        "truth/events.csv",
        {
            "person_id": p.person_id[ev["person"]],
            "event_type": ev["event_type"],
            "event_date": calendar.fmt(ev["date"].astype(np.int64), "%Y-%m-%d"),
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
