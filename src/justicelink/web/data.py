"""What the web app reads from and writes to the warehouse, behind one lock.

DuckDB lets one process hold a file for writing; the web app keeps one connection for its
lifetime (review decisions are written through it) and serialises its use, since a DuckDB
connection is not safe to share between threads. Measures are computed once per linkage
run and kept in memory, suppressed for publication.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlglot.expressions as exp

from justicelink.app.evaluation import evaluate_in
from justicelink.disclosure import DEFAULT_THRESHOLD, protect
from justicelink.errors import SourceFileNotFoundError
from justicelink.evaluation.participants import Participant
from justicelink.evaluation.report import Evaluation
from justicelink.linkage.overlay import Overlay, regroup
from justicelink.linkage.results import read_decisions
from justicelink.linkage.review import (
    WEB_SOURCE,
    count_uncertain,
    record_decisions,
    uncertain_pairs,
    undo_decision,
)
from justicelink.measures.catalogue import MEASURES
from justicelink.measures.definition import Measure
from justicelink.measures.engine import compute
from justicelink.publication import headline
from justicelink.report.quality import Quality, data_quality
from justicelink.sql import parse as parse_sql
from justicelink.warehouse.port import Warehouse, open_warehouse, warehouse_exists

PAIR_COLUMNS = (
    "record_id_l",
    "record_id_r",
    "match_probability",
    *(
        f"{c}_{side}"
        for side in ("l", "r")
        for c in ("full_name", "sex", "date_of_birth", "dob_precision", "id_number", "address")
    ),
)


# A person's records and events, copied once per linkage run into session-local tables sorted
# by person (Warehouse.cache): a look-up then reads one small stretch of each (DuckDB skips the
# rest by its min/max zone maps) instead of joining whole tables. The warehouse is not
# changed. Trees are built once: composing one costs more than the engine takes to run it.
_PERSON_RECORDS = parse_sql("""
SELECT rp.person_id, r.record_id, r.agency_id, r.record_key, r.full_name, r.sex,
       r.date_of_birth, r.dob_precision, r.id_number, r.address, rp.match_probability
FROM record_person AS rp
JOIN person_record AS r ON r.record_id = rp.record_id
ORDER BY rp.person_id, r.agency_id, r.record_id
""")
_PERSON_EVENTS = parse_sql(
    """
SELECT * FROM (
  SELECT rp.person_id, e.event_date AS date, e.event_type AS event, e.agency_id, e.record_id,
         e.iccs_code, c.label AS offence, e.offence_code_raw AS national_code,
         n.label AS national_offence, e.outcome, e.legal_status, e.length_days, e.case_ref
  FROM record_person AS rp
  JOIN case_event AS e ON e.record_id = rp.record_id
  LEFT JOIN iccs_category AS c ON c.code = e.iccs_code
  LEFT JOIN (SELECT national_code, min(label) AS label FROM offence_code GROUP BY national_code)
    AS n ON n.national_code = e.offence_code_raw
  UNION ALL
  SELECT rp.person_id, coalesce(i.occurred_date, i.recorded_date) AS date,
         'incident (' || v.role || ')' AS event, i.agency_id, v.record_id, i.iccs_code,
         c.label AS offence, i.offence_code_raw AS national_code,
         n.label AS national_offence, NULL AS outcome, NULL AS legal_status,
         NULL AS length_days, i.incident_key AS case_ref
  FROM record_person AS rp
  JOIN involvement AS v ON v.record_id = rp.record_id
  JOIN incident AS i ON i.incident_id = v.incident_id
  LEFT JOIN iccs_category AS c ON c.code = i.iccs_code
  LEFT JOIN (SELECT national_code, min(label) AS label FROM offence_code GROUP BY national_code)
    AS n ON n.national_code = i.offence_code_raw
)
ORDER BY person_id, date, agency_id, event
"""
)
_RECORDS = parse_sql(
    "SELECT record_id, agency_id, record_key, full_name, sex, date_of_birth, dob_precision, "
    "id_number, address, match_probability FROM web_person_record WHERE person_id = ? "
    "ORDER BY agency_id, record_id"
)
_RECORD_COLUMNS = (
    "record_id", "agency_id", "record_key", "full_name", "sex", "date_of_birth",
    "dob_precision", "id_number", "address", "match_probability",
)  # fmt: skip
_EVENT_COLUMNS = (
    "date", "event", "agency_id", "record_id", "iccs_code", "offence", "national_code",
    "national_offence", "outcome", "legal_status", "length_days", "case_ref",
)  # fmt: skip
_TIMELINE = (
    exp.select(*_EVENT_COLUMNS)
    .from_("web_person_event")
    .where("person_id = ?")
    .order_by("date", "agency_id", "event")
)
_RUN = parse_sql(
    "SELECT link_run_id, finished_at, threshold FROM link_run ORDER BY finished_at DESC LIMIT 1"
)
_LATEST_RUN = exp.select("link_run_id").from_("link_run").order_by(exp.column("finished_at").desc())
_FIND_PERSON = (
    exp.select("rp.person_id", "r.record_id")
    .from_("person_record AS r")
    .join("record_person AS rp", on="rp.record_id = r.record_id")
    .where("r.agency_id = ? AND r.record_key = ?")
)


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """DuckDB sums come back as Decimal; JSON and charts want plain numbers."""
    return {
        k: (int(v) if v == v.to_integral_value() else float(v)) if isinstance(v, Decimal) else v
        for k, v in row.items()
    }


@dataclass(frozen=True)
class PersonView:
    """One linked person as an officer may see them."""

    person_id: str
    records: list[dict[str, Any]]
    events: list[dict[str, Any]]
    hidden_records: int  # records of other agencies left out


class Evidence:
    """The warehouse as the web app uses it.

    Args:
        warehouse_path: A DuckDB warehouse after ingest and link.
        threshold: Small-cell suppression threshold for every aggregate shown.
    """

    def __init__(self, warehouse_path: Path, *, threshold: int = DEFAULT_THRESHOLD) -> None:
        if not warehouse_exists(warehouse_path):
            raise SourceFileNotFoundError(
                f"{warehouse_path}: no warehouse here (run `justicelink demo` or "
                "`justicelink ingest` and `justicelink link` first)"
            )
        self.path = warehouse_path
        self.threshold = threshold
        self._warehouse: Warehouse = open_warehouse(warehouse_path)
        self._lock = threading.Lock()
        self._run_id: str | None = None  # the run the measures were computed for
        self._person_run: str | None = None  # the run the person tables were built for
        self._overlay = Overlay()  # decisions taken since that run, applied on read
        self._link_threshold: float | None = None
        self._rows: dict[str, list[dict[str, Any]]] = {}
        self._headline: dict[str, dict[str, float | None]] = {}
        self._sections: dict[str, str] = {}

    def close(self) -> None:
        with self._lock:
            self._warehouse.close()

    def _latest_run(self) -> str | None:
        rows = self._warehouse.fetch(_LATEST_RUN)
        return str(rows[0][0]) if rows else None

    def warm(self) -> None:
        """Compute the measures and build the person tables now (at start-up), not at the
        first request: disclosure control takes seconds on a national warehouse."""
        with self._lock:
            self._refresh()
            self._refresh_persons()

    def _refresh_persons(self) -> None:
        """Rebuild the per-person tables when a new linkage run has landed (lock held)."""
        run = self._latest_run()
        if run is not None and run != self._person_run:
            self._warehouse.cache("web_person_record", _PERSON_RECORDS)
            self._warehouse.cache("web_person_event", _PERSON_EVENTS)
            self._person_run = run
            self._regroup()
        self._person_run = run

    def _regroup(self) -> None:
        """Apply the review decisions taken since the latest run to the persons they touch
        (lock held): a decision shows on the person pages at once, not after a re-link."""
        runs = self._warehouse.fetch(_RUN)
        if not runs:
            self._overlay = Overlay()
            return
        _, finished, self._link_threshold = runs[0]
        pending = self._warehouse.fetch(
            exp.select("record_id_l", "record_id_r")
            .from_("link_decision")
            .where(exp.column("decided_at") > exp.Placeholder()),
            [finished],
        )
        touched = sorted({r for pair in pending for r in pair})
        if not touched:
            self._overlay = Overlay()
            return
        persons = {str(p) for (p,) in self._fetch_in("person_id", "web_person_record", touched)}
        rows = self._warehouse.fetch(
            exp.select("record_id", "person_id")
            .from_("web_person_record")
            .where(exp.column("person_id").isin(*(exp.Placeholder() for _ in persons))),
            sorted(persons),
        )
        run_person = {str(r): str(p) for r, p in rows}
        ids = sorted(run_person)
        links = [
            (str(a), str(b))
            for a, b in self._warehouse.fetch(
                exp.select("record_id_l", "record_id_r")
                .from_("link_pair")
                .where(exp.column("linked"))
                .where(exp.column("record_id_l").isin(*(exp.Placeholder() for _ in ids))),
                ids,
            )
            if b in run_person
        ]
        decisions = {k: d for k, d in read_decisions(self._warehouse).items()
                     if k[0] in run_person and k[1] in run_person}  # fmt: skip
        self._overlay = regroup(run_person, links, decisions)

    def _fetch_in(self, column: str, table: str, ids: Sequence[str]) -> list[tuple[Any, ...]]:
        """``column`` of the rows of ``table`` whose record_id is one of ``ids``."""
        return self._warehouse.fetch(
            exp.select(column)
            .from_(table)
            .where(exp.column("record_id").isin(*(exp.Placeholder() for _ in ids))),
            list(ids),
        )

    def _refresh(self) -> None:
        """Recompute the measures when a new linkage run has landed (lock held)."""
        run = self._latest_run()
        if run == self._run_id and self._rows:
            return
        results = compute(self._warehouse) if run else []
        protected = protect(results, threshold=self.threshold)
        self._rows = {t.measure.name: [_plain(row) for row in t.rows] for t in protected.tables}
        self._headline = headline(protected.tables).figures
        self._sections = {
            str(code): str(label)
            for code, label in self._warehouse.fetch(
                exp.select("code", "label").from_("iccs_category").where("level = 1")
            )
        }
        self._run_id = run

    @property
    def measures(self) -> Sequence[Measure]:
        return MEASURES

    def measure(self, name: str) -> Measure | None:
        return next((m for m in MEASURES if m.name == name), None)

    def rows(self, name: str) -> list[dict[str, Any]]:
        """A measure's published rows (small cells blanked and marked ``suppressed``)."""
        with self._lock:
            self._refresh()
            return list(self._rows.get(name, []))

    def headline(self) -> dict[str, dict[str, float | None]]:
        with self._lock:
            self._refresh()
            return self._headline

    def sections(self) -> dict[str, str]:
        """ICCS section code -> label."""
        with self._lock:
            self._refresh()
            return self._sections

    def quality(self) -> Quality:
        with self._lock:
            return data_quality(self._warehouse)

    def agencies(self) -> dict[str, str]:
        with self._lock:
            rows = self._warehouse.fetch(exp.select("agency_id", "name").from_("agency"))
        return {str(a): str(n) for a, n in rows}

    def table_rows(self, name: str) -> list[dict[str, Any]]:
        """Every row of a small reference table (the programme catalogue)."""
        with self._lock:
            rows: list[dict[str, Any]] = self._warehouse.read_table(name).to_pylist()
        return rows

    def uncertain_pairs(self, *, low: float, high: float, limit: int) -> list[dict[str, Any]]:
        with self._lock:
            rows = uncertain_pairs(self._warehouse, low=low, high=high, limit=limit)
        return [dict(zip(PAIR_COLUMNS, row, strict=True)) for row in rows]

    def remaining(self, *, low: float, high: float) -> int:
        """Undecided pairs left in [low, high]."""
        with self._lock:
            return count_uncertain(self._warehouse, low=low, high=high)

    def pair_records(self, record_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Each record's agency and events (date order), for a reviewer to decide on."""
        if not record_ids:
            return {}
        with self._lock:
            self._refresh_persons()
            agencies = self._warehouse.fetch(
                exp.select("record_id", "agency_id")
                .from_("person_record")
                .where(exp.column("record_id").isin(*(exp.Placeholder() for _ in record_ids))),
                list(record_ids),
            )
            events = self._dicts(
                exp.select(*_EVENT_COLUMNS)
                .from_("web_person_event")
                .where(exp.column("record_id").isin(*(exp.Placeholder() for _ in record_ids)))
                .order_by("date", "event"),
                list(record_ids),
            ) if self._person_run else []  # fmt: skip
        out: dict[str, dict[str, Any]] = {
            str(r): {"agency_id": str(a), "events": []} for r, a in agencies
        }
        for event in events:
            out[str(event["record_id"])]["events"].append(event)
        return out

    def decide(
        self, record_l: str, record_r: str, decision: str, *, note: str, reviewer: str
    ) -> None:
        """Store a reviewer's decision; the persons it touches are regrouped at once (the
        next `justicelink link` run applies it for good)."""
        with self._lock:
            record_decisions(
                self._warehouse,
                [(record_l, record_r, decision, note)],
                reviewer=reviewer,
                source=WEB_SOURCE,
            )
            self._refresh_persons()
            self._regroup()

    def undo(self, record_l: str, record_r: str, *, reviewer: str) -> str:
        """Take back the reviewer's latest decision on a pair; returns it."""
        with self._lock:
            decision = undo_decision(self._warehouse, record_l, record_r, reviewer=reviewer)
            self._refresh_persons()
            self._regroup()
        return decision

    @property
    def link_threshold(self) -> float | None:
        """The latest linkage run's threshold (a pair at or above it is linked)."""
        with self._lock:
            self._refresh_persons()
            return self._link_threshold

    def find_person(self, agency_id: str, record_key: str) -> str | None:
        """The person linked to an agency's own record number, if any (decisions taken
        since the latest linkage run applied)."""
        with self._lock:
            self._refresh_persons()
            rows = self._warehouse.fetch(_FIND_PERSON, [agency_id, record_key])
            overlay = self._overlay
        if not rows:
            return None
        person, record = str(rows[0][0]), str(rows[0][1])
        return overlay.person_of.get(record, person)

    def person(self, person_id: str, *, agency_id: str | None) -> PersonView | None:
        """A person's records and events in date order; ``agency_id`` limits to one agency.

        Returns:
            None when no record of the person is visible (unknown person, or none of the
            agency's own records when limited).
        """
        with self._lock:
            self._refresh_persons()
            if self._person_run is None:  # not linked yet: there are no persons
                return None
            overlay = self._overlay
            if person_id in overlay.gone:
                return None
            if person_id in overlay.members:  # regrouped by a decision since the run
                ids = overlay.members[person_id]
                where = exp.column("record_id").isin(*(exp.Placeholder() for _ in ids))
                records = self._dicts(
                    exp.select(*_RECORD_COLUMNS)
                    .from_("web_person_record")
                    .where(where)
                    .order_by("agency_id", "record_id"),
                    ids,
                )
                events = self._dicts(
                    exp.select(*_EVENT_COLUMNS)
                    .from_("web_person_event")
                    .where(where)
                    .order_by("date", "agency_id", "event"),
                    ids,
                )
            else:
                records = self._dicts(_RECORDS, [person_id])
                events = self._dicts(_TIMELINE, [person_id])
        if not records:
            return None
        visible = [r for r in records if agency_id is None or r["agency_id"] == agency_id]
        if not visible:
            return None
        return PersonView(
            person_id,
            visible,
            [e for e in events if agency_id is None or e["agency_id"] == agency_id],
            len(records) - len(visible),
        )

    def _dicts(self, query: exp.Expr, params: list[Any]) -> list[dict[str, Any]]:
        table = self._warehouse.fetch_arrow(query, params)
        rows: list[dict[str, Any]] = table.to_pylist()
        return rows

    def evaluate(self, programme: str, participants: Sequence[Participant]) -> Evaluation:
        """A programme evaluation of ``participants`` on the served warehouse (the web app's
        own connection: DuckDB lets one process open a file one way only)."""
        with self._lock:
            return evaluate_in(self._warehouse, programme, participants=participants).evaluation
