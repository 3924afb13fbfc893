"""Security state: enrolment links, used TOTP steps, the sign-in guard, rate events, an
authenticated audit head, forced password changes.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        # Set when an admin chose the password: the user must pick their own at sign-in.
        batch.add_column(
            sa.Column("must_change_password", sa.Boolean, nullable=False, server_default=sa.false())
        )
        # The TOTP key is shown once, at enrolment; a reload shows it no more.
        batch.add_column(
            sa.Column("totp_shown", sa.Boolean, nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("password_changed_at", sa.DateTime))
    op.create_table(
        "enrolment_link",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("app_user.user_id"), nullable=False),
        sa.Column("issued_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.Column("used_at", sa.DateTime),
    )
    # A TOTP code is good once: the database refuses a second use of a user's time step,
    # whatever number of requests race for it.
    op.create_table(
        "totp_use",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("app_user.user_id"), nullable=False),
        sa.Column("step", sa.BigInteger, nullable=False),
        sa.Column("used_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("user_id", "step", name="pk_totp_use"),
    )
    # One row per sign-in name, locked while an attempt is counted: concurrent attempts on
    # one name queue here, so the lockout can never count more than its limit.
    op.create_table(
        "sign_in_guard",
        sa.Column("user_name", sa.String(100), primary_key=True),
    )
    op.create_table(
        "rate_event",
        sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_name", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("subject", sa.String(400), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_rate_event_user_kind_at", "rate_event", ["user_name", "kind", "at"])
    # HMAC of (seq, entry_hash, purged_through) under the audit key, which the database
    # does not hold: a head rewritten by hand no longer authenticates.
    with op.batch_alter_table("audit_head") as batch:
        batch.add_column(sa.Column("mac", sa.String(64)))


def downgrade() -> None:
    with op.batch_alter_table("audit_head") as batch:
        batch.drop_column("mac")
    op.drop_index("ix_rate_event_user_kind_at", "rate_event")
    for table in ("rate_event", "sign_in_guard", "totp_use", "enrolment_link"):
        op.drop_table(table)
    with op.batch_alter_table("app_user") as batch:
        for column in ("password_changed_at", "totp_shown", "must_change_password"):
            batch.drop_column(column)
