"""A per-name lock row: requests that must count something atomically queue on it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from justicelink.store.schema import SignInGuard


def hold(session: Session, name: str) -> None:
    """Take the guard row ``name`` for the rest of the transaction (make it if need be).

    Call it first in the transaction. The insert then takes SQLite's write lock (waiting up
    to the busy timeout) before anything is read; on PostgreSQL it creates or waits for the
    row, which ``FOR UPDATE`` locks.
    """
    insert = postgres_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(SignInGuard).values(user_name=name[:100]).on_conflict_do_nothing())
    session.execute(
        select(SignInGuard).where(SignInGuard.user_name == name[:100]).with_for_update()
    )
