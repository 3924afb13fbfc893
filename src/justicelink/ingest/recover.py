"""Offence codes the crosswalk could not code, recovered from the same incident or case.

A typed ``PC-42O`` (letter O) on a police incident leaves it without an ICCS code, and a
homicide would vanish from SDG 16.1.1, although the arrest recorded for the same incident
carries the right code. After each load every row's ``iccs_source`` says where its code came
from: ``crosswalk``, ``recovered from case_event <id>`` / ``recovered from incident <id>``, or
nothing (still uncoded, counted beside the figures it could change). A code is recovered only
when the other records of the incident or case agree on one code; the raw code is never
changed.
"""

from __future__ import annotations

from typing import cast

import sqlglot.expressions as exp

from justicelink.sql import parse as parse_sql
from justicelink.warehouse.port import Warehouse

# Candidates for each uncoded row: (row id, ICCS code, where it came from). An incident learns
# from the events of its agency whose case reference is the incident's key (an arrest or a
# caution); an event learns from that incident, and from the same person's other events in
# the same case.
_CANDIDATES = {
    "incident": """
SELECT i.incident_id AS row_id, e.iccs_code, 'case_event ' || e.event_id AS origin
FROM incident AS i
JOIN case_event AS e
  ON e.agency_id = i.agency_id AND e.case_ref = i.incident_key AND e.iccs_source = 'crosswalk'
WHERE i.iccs_code IS NULL AND i.offence_code_raw IS NOT NULL
""",
    "case_event": """
SELECT e.event_id AS row_id, i.iccs_code, 'incident ' || i.incident_id AS origin
FROM case_event AS e
JOIN incident AS i
  ON i.agency_id = e.agency_id AND i.incident_key = e.case_ref AND i.iccs_source = 'crosswalk'
WHERE e.iccs_code IS NULL AND e.offence_code_raw IS NOT NULL
UNION ALL
SELECT e.event_id AS row_id, o.iccs_code, 'case_event ' || o.event_id AS origin
FROM case_event AS e
JOIN case_event AS o
  ON o.record_id = e.record_id AND o.case_ref = e.case_ref AND o.event_id <> e.event_id
 AND o.iccs_source = 'crosswalk'
WHERE e.iccs_code IS NULL AND e.offence_code_raw IS NOT NULL
""",
}

# One code agreed by every candidate, and the first source that gave it.
_AGREED = """
SELECT row_id, min(iccs_code) AS iccs_code, 'recovered from ' || min(origin) AS origin
FROM jl_candidates
GROUP BY row_id
HAVING count(DISTINCT iccs_code) = 1
"""

_ID = {"incident": "incident_id", "case_event": "event_id"}


def recover_codes(warehouse: Warehouse) -> dict[str, int]:
    """Mark every row's ``iccs_source`` and recover uncoded offences; counts per table."""
    recovered: dict[str, int] = {}
    coded = exp.Case().when(
        exp.Not(this=exp.column("iccs_code").is_(exp.null())), exp.Literal.string("crosswalk")
    )
    for table in ("incident", "case_event"):
        warehouse.execute(exp.update(table, {"iccs_source": coded}))
    for table in ("incident", "case_event"):
        agreed = cast(exp.Select, parse_sql(_AGREED)).with_(
            "jl_candidates", as_=parse_sql(_CANDIDATES[table])
        )
        rows = warehouse.fetch_arrow(agreed)
        recovered[table] = rows.num_rows
        if not rows.num_rows:
            continue
        warehouse.register("jl_recovered", rows)
        try:
            key = _ID[table]
            found = (
                exp.select("r.iccs_code")
                .from_("jl_recovered AS r")
                .where(exp.column("row_id", table="r").eq(exp.column(key, table=table)))
            )
            origin = (
                exp.select("r.origin")
                .from_("jl_recovered AS r")
                .where(exp.column("row_id", table="r").eq(exp.column(key, table=table)))
            )
            warehouse.execute(
                exp.update(
                    table,
                    {
                        "iccs_code": exp.Subquery(this=found),
                        "iccs_source": exp.Subquery(this=origin),
                    },
                    where=exp.column(key).isin(query=exp.select("row_id").from_("jl_recovered")),
                )
            )
        finally:
            warehouse.unregister("jl_recovered")
    return recovered
