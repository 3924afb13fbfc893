"""The central authority's register of cooperation requests.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coop_request",
        sa.Column("request_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("reference", sa.String(100)),
        sa.Column("direction", sa.String(10), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("requesting_state", sa.String(3), nullable=False),
        sa.Column("requested_state", sa.String(3), nullable=False),
        sa.Column("requesting_authority", sa.Text),
        sa.Column("channel", sa.String(30), nullable=False),
        sa.Column("urgency", sa.String(20), nullable=False),
        sa.Column("language", sa.String(20)),
        sa.Column("legal_basis", sa.String(100)),
        sa.Column("received_on", sa.Date),
        sa.Column("due_on", sa.Date),
        sa.Column("status", sa.String(40)),
        sa.Column("status_on", sa.Date),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_coop_request_status", "coop_request", ["status"])
    op.create_index("ix_coop_request_reference", "coop_request", ["reference"])
    op.create_table(
        "coop_status",
        sa.Column("status_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "request_id",
            sa.Integer,
            sa.ForeignKey("coop_request.request_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("happened_on", sa.Date, nullable=False),
        sa.Column("ground", sa.String(40)),
        sa.Column("note", sa.Text),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("recorded_by", sa.String(100)),
    )
    op.create_index("ix_coop_status_request", "coop_status", ["request_id"])
    op.create_table(
        "coop_person",
        sa.Column("row_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "request_id",
            sa.Integer,
            sa.ForeignKey("coop_request.request_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("ordinal", sa.Integer, nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("date_of_birth", sa.String(10)),
        sa.Column("nationality", sa.String(60)),
        sa.Column("role", sa.String(40)),
        sa.Column("warehouse_person_id", sa.String(64)),
        sa.Column("warehouse_records", sa.Text),
        sa.Column("match", sa.String(20)),
    )
    op.create_index("ix_coop_person_request", "coop_person", ["request_id"])
    op.create_table(
        "coop_offence",
        sa.Column("row_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "request_id",
            sa.Integer,
            sa.ForeignKey("coop_request.request_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("ordinal", sa.Integer, nullable=False),
        sa.Column("national_code", sa.String(60)),
        sa.Column("iccs", sa.String(6)),
        sa.Column("max_penalty_years", sa.Float),
    )
    op.create_index("ix_coop_offence_request", "coop_offence", ["request_id"])


def downgrade() -> None:
    for table in ("coop_offence", "coop_person", "coop_status", "coop_request"):
        op.drop_table(table)
