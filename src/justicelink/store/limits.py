"""Per-user limits on how many distinct things may be served in an hour (the review queue's
pairs of records: need to know).

Served again within the hour, a thing costs nothing; a new one counts. Deciding what to
serve and recording it happen in one transaction holding the user's guard row, so
concurrent requests cannot together pass the limit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select

from justicelink.store.audit import utc_now
from justicelink.store.db import Store
from justicelink.store.guard import hold
from justicelink.store.schema import RateEvent

WINDOW = dt.timedelta(hours=1)


def admit(
    store: Store, user_name: str, kind: str, subjects: Sequence[str], *, limit: int
) -> list[str]:
    """Of ``subjects`` (in order), those the user may be served now.

    Those served to the user within the hour are admitted again; new ones while the user's
    distinct count for the hour stays within ``limit``. The new ones admitted are recorded.
    """
    since = utc_now() - WINDOW
    with store.session() as session:
        hold(session, f"{kind}:{user_name}")
        recent = select(RateEvent.subject).where(
            RateEvent.user_name == user_name, RateEvent.kind == kind, RateEvent.at >= since
        )
        used = session.execute(
            select(func.count(func.distinct(RateEvent.subject))).where(
                RateEvent.user_name == user_name, RateEvent.kind == kind, RateEvent.at >= since
            )
        ).scalar_one()
        seen = set(session.execute(recent.where(RateEvent.subject.in_(subjects))).scalars())
        room = max(limit - int(used), 0)
        admitted, now = [], utc_now()
        for subject in subjects:
            if subject in seen:
                admitted.append(subject)
            elif room > 0:
                room -= 1
                admitted.append(subject)
                session.add(RateEvent(user_name=user_name, kind=kind, subject=subject, at=now))
        return admitted


def prune(store: Store) -> int:
    """Forget what was served more than an hour ago."""
    from sqlalchemy import delete

    with store.session() as session:
        result = session.execute(delete(RateEvent).where(RateEvent.at < utc_now() - WINDOW))
        return int(getattr(result, "rowcount", 0) or 0)
