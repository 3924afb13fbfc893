"""The operational store's tables: users, sign-in attempts, web sessions, the audit log,
reintegration assessments and plans.

The schema is created and changed only by the Alembic migrations under ``migrations/``;
these classes are how the code reads and writes it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
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


# Reintegration: needs assessments, plans, their actions and handover tasks (migration 0004).
# Storage keeps plain values; the rules that make them live in justicelink.reintegration.


class ReintAssessment(Base):
    """One needs assessment of one person, with the risk reading it was made with."""

    __tablename__ = "reint_assessment"
    __table_args__ = (Index("ix_reint_assessment_person", "person_id"),)

    assessment_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(String(64))
    instrument: Mapped[str] = mapped_column(String(130))  # "name version"
    assessed_on: Mapped[dt.date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(10))
    age: Mapped[int] = mapped_column(Integer)
    juvenile: Mapped[bool] = mapped_column(Boolean)
    setting: Mapped[str] = mapped_column(String(20))
    release_date: Mapped[dt.date | None] = mapped_column(Date)
    risk_score: Mapped[int | None] = mapped_column(Integer)
    risk_probability: Mapped[float | None] = mapped_column(Float)
    risk_band: Mapped[str | None] = mapped_column(String(10))
    # "officer", or the model file and its SHA-256 (with the score's terms, as JSON).
    risk_source: Mapped[str | None] = mapped_column(Text)
    officer: Mapped[str] = mapped_column(String(100))
    agency_id: Mapped[str | None] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ReintItem(Base):
    """One item's score and the officer's evidence note."""

    __tablename__ = "reint_item"
    __table_args__ = (Index("ix_reint_item_assessment", "assessment_id"),)

    row_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("reint_assessment.assessment_id", ondelete="CASCADE")
    )
    item_id: Mapped[str] = mapped_column(String(40))
    domain: Mapped[str] = mapped_column(String(40))
    score: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)


class ReintPlan(Base):
    """A plan proposed from an assessment; the officer decides on each of its actions."""

    __tablename__ = "reint_plan"
    __table_args__ = (Index("ix_reint_plan_person", "person_id"),)

    plan_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(String(64))
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("reint_assessment.assessment_id", ondelete="CASCADE")
    )
    risk_band: Mapped[str] = mapped_column(String(10))
    review_on: Mapped[dt.date | None] = mapped_column(Date)
    # JSON: the needs not targeted, with why.
    not_targeted: Mapped[str] = mapped_column(Text)
    officer: Mapped[str] = mapped_column(String(100))
    agency_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ReintAction(Base):
    """A proposed action and the officer's decision on it (accepted, edited or rejected)."""

    __tablename__ = "reint_action"
    __table_args__ = (Index("ix_reint_action_plan", "plan_id"),)

    action_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("reint_plan.plan_id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    needs: Mapped[str] = mapped_column(Text)  # domain ids, "; "-separated
    responsible: Mapped[str] = mapped_column(String(30))
    programme_key: Mapped[str | None] = mapped_column(String(60))
    programme_name: Mapped[str | None] = mapped_column(Text)
    start_after: Mapped[dt.date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    decision: Mapped[str | None] = mapped_column(String(20))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    # JSON: what an edit changed ({field: [before, after]}).
    edits: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class ReintTask(Base):
    """A handover task of a plan, due some days before release."""

    __tablename__ = "reint_task"
    __table_args__ = (Index("ix_reint_task_plan", "plan_id"),)

    task_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("reint_plan.plan_id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    task: Mapped[str] = mapped_column(Text)
    responsible: Mapped[str] = mapped_column(String(30))
    due_on: Mapped[dt.date] = mapped_column(Date)
    done_on: Mapped[dt.date | None] = mapped_column(Date)
