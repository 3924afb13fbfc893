"""Officers' reports of a wrong link between records, for linkage reviewers.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "link_report",
        sa.Column("report_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("person_id", sa.String(100), nullable=False),
        sa.Column("record_id", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("reported_by", sa.String(100), nullable=False),
        sa.Column("agency_id", sa.String(100)),
        sa.Column("reported_at", sa.DateTime, nullable=False),
        sa.Column("handled_by", sa.String(100)),
        sa.Column("handled_at", sa.DateTime),
    )
    op.create_index("ix_link_report_open", "link_report", ["handled_at"])


def downgrade() -> None:
    op.drop_index("ix_link_report_open", "link_report")
    op.drop_table("link_report")
