"""Users, sign-in attempts, web sessions and the append-only audit log.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# The database itself refuses to change or delete audit entries (deleting is allowed only
# for entries the retention rule has erased). This is a second line: the keyed hash chain
# catches whoever disables these triggers with direct database access.
_SQLITE_GUARDS = (
    """CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END""",
    """CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
       WHEN OLD.seq > (SELECT purged_through FROM audit_head WHERE head_id = 1)
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END""",
)
_POSTGRES_GUARDS = (
    """CREATE FUNCTION audit_entry_guard() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'UPDATE'
            OR OLD.seq > (SELECT purged_through FROM audit_head WHERE head_id = 1) THEN
           RAISE EXCEPTION 'audit log is append-only';
         END IF;
         RETURN OLD;
       END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_entry_guard BEFORE UPDATE OR DELETE ON audit_entry
       FOR EACH ROW EXECUTE FUNCTION audit_entry_guard()""",
)


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("user_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("role", sa.String(30), nullable=False),
        sa.Column("agency_id", sa.String(100)),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("totp_secret", sa.String(64)),
        sa.Column("totp_confirmed", sa.Boolean, nullable=False, default=False),
        sa.Column("totp_last_step", sa.Integer),
        sa.Column("disabled", sa.Boolean, nullable=False, default=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "login_attempt",
        sa.Column("attempt_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_name", sa.String(100), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("succeeded", sa.Boolean, nullable=False),
    )
    op.create_index("ix_login_attempt_name_at", "login_attempt", ["user_name", "at"])
    op.create_table(
        "web_session",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("app_user.user_id")),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_seen_at", sa.DateTime, nullable=False),
        sa.Column("authenticated_at", sa.DateTime),
    )
    op.create_table(
        "audit_entry",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("user_name", sa.String(100)),
        sa.Column("role", sa.String(30)),
        sa.Column("agency_id", sa.String(100)),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("object", sa.Text),
        sa.Column("purpose", sa.Text),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("detail", sa.Text),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "audit_head",
        sa.Column("head_id", sa.Integer, primary_key=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
        sa.Column("purged_through", sa.Integer, nullable=False, default=0),
    )
    op.execute(
        sa.text(
            "INSERT INTO audit_head (head_id, seq, entry_hash, purged_through) "
            "VALUES (1, 0, :genesis, 0)"
        ).bindparams(genesis="0" * 64)
    )
    guards = _POSTGRES_GUARDS if op.get_bind().dialect.name == "postgresql" else _SQLITE_GUARDS
    for statement in guards:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_entry_guard ON audit_entry")
        op.execute("DROP FUNCTION IF EXISTS audit_entry_guard()")
    for table in ("audit_head", "audit_entry", "web_session", "login_attempt", "app_user"):
        op.drop_table(table)
