"""The operational store's tables: users, sign-in attempts, web sessions, the audit log.

The schema is created and changed only by the Alembic migrations under ``migrations/``;
these classes are how the code reads and writes it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
)
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
    # An admin chose the password: the user picks their own before anything else.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    # The TOTP key was shown (once, at enrolment).
    totp_shown: Mapped[bool] = mapped_column(Boolean, default=False)
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class EnrolmentLink(Base):
    """A one-time link an admin issues so a user sets up their second factor."""

    __tablename__ = "enrolment_link"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.user_id"))
    issued_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class TotpUse(Base):
    """A TOTP time step a user has spent; the primary key makes each good once."""

    __tablename__ = "totp_use"
    __table_args__ = (PrimaryKeyConstraint("user_id", "step", name="pk_totp_use"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.user_id"))
    step: Mapped[int] = mapped_column(BigInteger)
    used_at: Mapped[dt.datetime] = mapped_column(DateTime)


class SignInGuard(Base):
    """One row per sign-in name, locked while an attempt is counted."""

    __tablename__ = "sign_in_guard"

    user_name: Mapped[str] = mapped_column(String(100), primary_key=True)


class RateEvent(Base):
    """Something a user was first served at a time (a pair of the review queue), for limits."""

    __tablename__ = "rate_event"
    __table_args__ = (Index("ix_rate_event_user_kind_at", "user_name", "kind", "at"),)

    event_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(400))
    at: Mapped[dt.datetime] = mapped_column(DateTime)


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
    # HMAC of (seq, entry_hash, purged_through) under the audit key (not in the database).
    mac: Mapped[str | None] = mapped_column(String(64))


class LinkReport(Base):
    """An officer's report that a record does not belong to the person it is linked to."""

    __tablename__ = "link_report"
    __table_args__ = (Index("ix_link_report_open", "handled_at"),)

    report_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(String(100))
    record_id: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    reported_by: Mapped[str] = mapped_column(String(100))
    agency_id: Mapped[str | None] = mapped_column(String(100))
    reported_at: Mapped[dt.datetime] = mapped_column(DateTime)
    handled_by: Mapped[str | None] = mapped_column(String(100))
    handled_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
