"""The operational store's tables: users, sign-in attempts, web sessions, the audit log.

The schema is created and changed only by the Alembic migrations under ``migrations/``;
these classes are how the code reads and writes it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of the operational store."""


class User(Base):
    """A person who may sign in to the web app."""

    __tablename__ = "app_user"

    user_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(30))
    agency_id: Mapped[str | None] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    # Base32 TOTP secret; None until enrolment starts, confirmed once a code has been typed.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    # The last TOTP time step accepted: a code is good once only.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class LoginAttempt(Base):
    """One sign-in attempt (password or second factor), for the lockout rule."""

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_name_at", "user_name", "at"),)

    attempt_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_name: Mapped[str] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    succeeded: Mapped[bool] = mapped_column(Boolean)


class WebSession(Base):
    """A browser session. Only a hash of the cookie's token is stored."""

    __tablename__ = "web_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.user_id"))
    # "anonymous" (no user yet), "password" (first factor passed), "full" (both factors).
    stage: Mapped[str] = mapped_column(String(20))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime)
    authenticated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class AuditEntry(Base):
    """One audited event. Rows are only ever appended; see :mod:`justicelink.store.audit`."""

    __tablename__ = "audit_entry"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    user_name: Mapped[str | None] = mapped_column(String(100))
    role: Mapped[str | None] = mapped_column(String(30))
    agency_id: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(30))
    object: Mapped[str | None] = mapped_column(Text)
    purpose: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The chain's head (one row): appends lock it, so entries get consecutive numbers."""

    __tablename__ = "audit_head"

    head_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    entry_hash: Mapped[str] = mapped_column(String(64))
    # Entries up to this number were erased by the retention rule.
    purged_through: Mapped[int] = mapped_column(Integer, default=0)
