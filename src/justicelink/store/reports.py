"""Officers' reports of a wrong link: stored here, read by linkage reviewers.

An officer who sees a record that is not the person's (another person's conviction on the
page) reports it with a reason; the report waits in the review queue until a reviewer
marks it handled (after deciding the pairs it concerns).
"""

from __future__ import annotations

from sqlalchemy import select

from justicelink.errors import InputError
from justicelink.store.audit import utc_now
from justicelink.store.db import Store
from justicelink.store.schema import LinkReport


def report_wrong_link(
    store: Store,
    *,
    person_id: str,
    record_id: str,
    reason: str,
    reported_by: str,
    agency_id: str | None,
) -> int:
    """Store a report; returns its number."""
    row = LinkReport(
        person_id=person_id,
        record_id=record_id,
        reason=reason,
        reported_by=reported_by,
        agency_id=agency_id,
        reported_at=utc_now(),
    )
    with store.session() as session:
        session.add(row)
        session.flush()
        return int(row.report_id)


def open_reports(store: Store, *, limit: int = 50) -> list[LinkReport]:
    """Reports not handled yet, oldest first."""
    query = (
        select(LinkReport)
        .where(LinkReport.handled_at.is_(None))
        .order_by(LinkReport.report_id)
        .limit(limit)
    )
    with store.session() as session:
        rows = list(session.execute(query).scalars())
        session.expunge_all()
        return rows


def mark_handled(store: Store, report_id: int, *, by: str) -> LinkReport:
    """Close a report.

    Raises:
        InputError: no open report has this number.
    """
    with store.session() as session:
        row = session.get(LinkReport, report_id)
        if row is None or row.handled_at is not None:
            raise InputError(f"no open report number {report_id}")
        row.handled_by, row.handled_at = by, utc_now()
        session.flush()
        session.expunge(row)
        return row
