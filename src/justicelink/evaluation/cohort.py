"""Index events from the linked warehouse: what was known at each, and what followed.

One row per proven-reoffending index event (the MoJ definition of
:mod:`justicelink.measures.units`: a caution, a conviction with a non-custodial sentence, or a
release from custody), with the features known at the index date and the one-year outcomes.
The views ``jl_index_event`` and ``jl_proven`` and the window (offences committed 1 to 365
days after the index date, proven within a further 183 days) are the measures' own: this
module adds no second definition of reoffending.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
import pyarrow as pa
import sqlglot.expressions as exp

from justicelink.errors import EvaluationError
from justicelink.evaluation.participants import Participant
from justicelink.measures.catalogue import FOLLOW_UP_DAYS, WAITING_DAYS
from justicelink.measures.compile import compile_query
from justicelink.measures.engine import reoffending_window
from justicelink.warehouse.port import Warehouse

WINDOW_TABLE = "jl_evaluation_window"
HORIZON_DAYS = FOLLOW_UP_DAYS + WAITING_DAYS

# One row per index event in the window: the features known at its index date and the
# one-year outcomes. The subqueries: proven offences of the person (previous ones, proven
# before the index offence was; the first offence; the reoffences of the measure's window),
# custodial sentences (before the index offence was proven, and for reoffences in the same
# window, on the offence date the court records), and the area of the latest police-recorded
# offence the person was suspected of, up to the index date.
_EVENTS = """
SELECT x.person_id, x.event_id, x.index_date, x.disposal,
       coalesce(c.level1_code, 'unknown') AS index_offence_section,
       p.sex, jl_age(x.index_date, p.date_of_birth) AS age,
       coalesce(h.previous, 0) AS previous_offences,
       coalesce(h.first_offence, x.index_date) AS first_offence,
       coalesce(k.custodial_sentences, 0) AS custodial_sentences,
       coalesce(h.reoffences, 0) AS reoffences,
       h.first_reoffence,
       coalesce(k.custodial_reoffences, 0) AS custodial_reoffences,
       coalesce(a.area, 'unknown') AS area
FROM jl_index_event AS x
CROSS JOIN jl_evaluation_window AS w
JOIN jl_person AS p ON p.person_id = x.person_id
LEFT JOIN iccs_category AS c ON c.code = x.iccs_code
LEFT JOIN (
    SELECT e.event_id,
           sum(CASE WHEN pr.proved < e.anchor THEN 1 ELSE 0 END) AS previous,
           min(CASE WHEN pr.proved <= e.anchor THEN pr.committed END) AS first_offence,
           sum(CASE WHEN jl_days(e.index_date, pr.committed) BETWEEN 1 AND w.follow_up_days
                     AND jl_days(e.index_date, pr.proved) <= w.follow_up_days + w.waiting_days
                    THEN 1 ELSE 0 END) AS reoffences,
           min(CASE WHEN jl_days(e.index_date, pr.committed) BETWEEN 1 AND w.follow_up_days
                     AND jl_days(e.index_date, pr.proved) <= w.follow_up_days + w.waiting_days
                    THEN pr.committed END) AS first_reoffence
    FROM jl_index_event AS e
    CROSS JOIN jl_evaluation_window AS w
    JOIN jl_proven AS pr ON pr.person_id = e.person_id
    WHERE e.index_date BETWEEN w.first_date AND w.last_date
    GROUP BY e.event_id
) AS h ON h.event_id = x.event_id
LEFT JOIN (
    SELECT e.event_id,
           sum(CASE WHEN s.event_date < e.anchor THEN 1 ELSE 0 END) AS custodial_sentences,
           sum(CASE WHEN jl_days(e.index_date, s.offence_date) BETWEEN 1 AND w.follow_up_days
                     AND jl_days(e.index_date, s.event_date) <= w.follow_up_days + w.waiting_days
                    THEN 1 ELSE 0 END) AS custodial_reoffences
    FROM jl_index_event AS e
    CROSS JOIN jl_evaluation_window AS w
    JOIN jl_linked_event AS s
      ON s.person_id = e.person_id AND s.event_type = 'sentence' AND s.outcome = 'custody'
    WHERE e.index_date BETWEEN w.first_date AND w.last_date
    GROUP BY e.event_id
) AS k ON k.event_id = x.event_id
LEFT JOIN (
    SELECT e.event_id, arg_max(i.area, i.recorded_date) AS area
    FROM jl_index_event AS e
    CROSS JOIN jl_evaluation_window AS w
    JOIN record_person AS rp ON rp.person_id = e.person_id
    JOIN involvement AS v ON v.record_id = rp.record_id AND v.role = 'suspect'
    JOIN incident AS i ON i.incident_id = v.incident_id
    WHERE e.index_date BETWEEN w.first_date AND w.last_date
      AND i.recorded_date <= e.index_date AND i.area IS NOT NULL
    GROUP BY e.event_id
) AS a ON a.event_id = x.event_id
WHERE x.index_date BETWEEN w.first_date AND w.last_date
ORDER BY x.person_id, x.index_date, x.iccs_code NULLS LAST, x.event_id
"""


def last_complete_index_date(warehouse: Warehouse) -> dt.date:
    """The latest index date whose follow-up and waiting period end within the data.

    Raises:
        EvaluationError: The warehouse holds no case events.
    """
    window = reoffending_window(warehouse)
    if window is None:
        raise EvaluationError("the warehouse holds no case events: run `justicelink ingest`")
    return window[1] - dt.timedelta(days=HORIZON_DAYS)


def index_events(warehouse: Warehouse, first: dt.date, last: dt.date) -> pd.DataFrame:
    """Every index event dated from ``first`` to ``last``, with features and outcomes.

    Columns: ``person_id``, ``event_id``, ``index_date``, ``disposal`` (caution,
    non-custodial, custody), ``index_offence_section`` (ICCS section), ``sex``, ``age`` (whole
    years, missing without a date of birth), ``previous_offences`` (proven before the index
    offence was), ``first_offence`` (date), ``custodial_sentences`` (before the index offence
    was proven), ``reoffences``, ``first_reoffence`` (date committed, or missing),
    ``custodial_reoffences`` and ``area``. Ordered by person, then the cohorts' tie rule.
    """
    settings = pa.table(
        {
            "first_date": pa.array([first], pa.date32()),
            "last_date": pa.array([last], pa.date32()),
            "follow_up_days": pa.array([FOLLOW_UP_DAYS], pa.int32()),
            "waiting_days": pa.array([WAITING_DAYS], pa.int32()),
        }
    )
    warehouse.register(WINDOW_TABLE, settings)
    try:
        frame = warehouse.fetch_arrow(compile_query(_EVENTS)).to_pandas()
    finally:
        warehouse.unregister(WINDOW_TABLE)
    for column in ("index_date", "first_offence", "first_reoffence"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def persons_of(
    warehouse: Warehouse, participants: Sequence[Participant]
) -> tuple[dict[int, str], dict[int, str]]:
    """Each usable row's person through the linkage, or why there is none.

    Returns:
        (row -> person id, row -> reason) for the rows without a problem of their own.
    """
    keyed = [p for p in participants if p.problem is None and p.person_id is None]
    by_id = [p for p in participants if p.problem is None and p.person_id is not None]
    found: dict[int, str] = {}
    reasons: dict[int, str] = {}
    agencies = {str(r[0]) for r in warehouse.fetch(exp.select("agency_id").from_("agency"))}
    if keyed:
        lookup = pa.table(
            {
                "line_no": [p.row for p in keyed],
                "agency_id": [p.agency for p in keyed],
                "record_key": [p.record_key for p in keyed],
            }
        )
        warehouse.register("jl_participant_key", lookup)
        try:
            rows = warehouse.fetch(
                exp.select("k.line_no", "k.agency_id", "rp.person_id", "r.record_id")
                .from_(exp.to_table("jl_participant_key").as_("k"))
                .join(
                    exp.to_table("person_record").as_("r"),
                    on="r.agency_id = k.agency_id AND r.record_key = k.record_key",
                    join_type="left",
                )
                .join(
                    exp.to_table("record_person").as_("rp"),
                    on="rp.record_id = r.record_id",
                    join_type="left",
                )
            )
        finally:
            warehouse.unregister("jl_participant_key")
        for line, agency, person, record in rows:
            if person is not None:
                found[int(line)] = str(person)
            elif record is None and agency not in agencies:
                reasons[int(line)] = f"no agency {agency!r} in the warehouse"
            elif record is None:
                reasons[int(line)] = f"no record with this key at {agency} (absent or quarantined)"
            else:
                reasons[int(line)] = "the record is not linked to a person: run `justicelink link`"
    if by_id:
        wanted = [p.person_id for p in by_id]
        placeholders = [exp.Placeholder() for _ in wanted]
        known = {
            str(r[0])
            for r in warehouse.fetch(
                exp.select("person_id")
                .from_("person")
                .where(exp.column("person_id").isin(*placeholders)),
                wanted,
            )
        }
        for p in by_id:
            if p.person_id in known:
                found[p.row] = str(p.person_id)
            else:
                reasons[p.row] = "no person with this id in the warehouse's linkage"
    return found, reasons


def programme_participants(warehouse: Warehouse, programme: str) -> list[Participant]:
    """The started participations of a programme the warehouse holds (name or key).

    Raises:
        EvaluationError: No programme of that name or key, or more than one.
    """
    if "programme" not in warehouse.table_names():
        raise EvaluationError("the warehouse holds no programmes: give --participants")
    found = warehouse.fetch(
        exp.select("programme_id", "name")
        .from_("programme")
        .where("lower(name) = lower(?) OR lower(programme_key) = lower(?)"),
        [programme, programme],
    )
    if not found:
        known = sorted(str(r[0]) for r in warehouse.fetch(exp.select("name").from_("programme")))
        hint = f" (programmes: {', '.join(known)})" if known else " (no programme is loaded)"
        raise EvaluationError(f"no programme named {programme!r} in the warehouse{hint}")
    if len(found) > 1:
        raise EvaluationError(f"{len(found)} programmes are named {programme!r}: give its key")
    rows = warehouse.fetch(
        exp.select("r.agency_id", "r.record_key", "p.start_date", "p.source_row")
        .from_(exp.to_table("participation").as_("p"))
        .join(exp.to_table("person_record").as_("r"), on="r.record_id = p.record_id")
        .where("p.programme_id = ? AND p.start_date IS NOT NULL")
        .order_by("p.source_row"),
        [found[0][0]],
    )
    return [
        Participant(row=int(line) + 1, agency=a, record_key=k, person_id=None, start_date=s)
        for a, k, s, line in rows
    ]


def programme_starts(warehouse: Warehouse) -> dict[str, dt.date]:
    """Each person who started any programme the warehouse records, with the first start."""
    if "participation" not in warehouse.table_names():
        return {}
    rows = warehouse.fetch(
        exp.select("rp.person_id", "min(p.start_date)")
        .from_(exp.to_table("participation").as_("p"))
        .join(exp.to_table("record_person").as_("rp"), on="rp.record_id = p.record_id")
        .where("p.start_date IS NOT NULL")
        .group_by("rp.person_id")
    )
    return {str(person): start for person, start in rows}
