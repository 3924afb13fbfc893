"""Reintegration: needs assessments with their item scores, plans, actions and handover tasks.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _parent(table: str, column: str) -> sa.Column[int]:
    return sa.Column(
        column, sa.Integer, sa.ForeignKey(f"{table}.{column}", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "reint_assessment",
        sa.Column("assessment_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("instrument", sa.String(130), nullable=False),
        sa.Column("assessed_on", sa.Date, nullable=False),
        sa.Column("sex", sa.String(10), nullable=False),
        sa.Column("age", sa.Integer, nullable=False),
        sa.Column("juvenile", sa.Boolean, nullable=False),
        sa.Column("setting", sa.String(20), nullable=False),
        sa.Column("release_date", sa.Date),
        sa.Column("risk_score", sa.Integer),
        sa.Column("risk_probability", sa.Float),
        sa.Column("risk_band", sa.String(10)),
        sa.Column("risk_source", sa.Text),
        sa.Column("officer", sa.String(100), nullable=False),
        sa.Column("agency_id", sa.String(100)),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_reint_assessment_person", "reint_assessment", ["person_id"])
    op.create_table(
        "reint_item",
        sa.Column("row_id", sa.Integer, primary_key=True, autoincrement=True),
        _parent("reint_assessment", "assessment_id"),
        sa.Column("item_id", sa.String(40), nullable=False),
        sa.Column("domain", sa.String(40), nullable=False),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("note", sa.Text),
    )
    op.create_index("ix_reint_item_assessment", "reint_item", ["assessment_id"])
    op.create_table(
        "reint_plan",
        sa.Column("plan_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("person_id", sa.String(64), nullable=False),
        _parent("reint_assessment", "assessment_id"),
        sa.Column("risk_band", sa.String(10), nullable=False),
        sa.Column("review_on", sa.Date),
        sa.Column("not_targeted", sa.Text, nullable=False),
        sa.Column("officer", sa.String(100), nullable=False),
        sa.Column("agency_id", sa.String(100)),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_reint_plan_person", "reint_plan", ["person_id"])
    op.create_table(
        "reint_action",
        sa.Column("action_id", sa.Integer, primary_key=True, autoincrement=True),
        _parent("reint_plan", "plan_id"),
        sa.Column("ordinal", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("needs", sa.Text, nullable=False),
        sa.Column("responsible", sa.String(30), nullable=False),
        sa.Column("programme_key", sa.String(60)),
        sa.Column("programme_name", sa.Text),
        sa.Column("start_after", sa.Date),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("decision", sa.String(20)),
        sa.Column("decision_reason", sa.Text),
        sa.Column("edits", sa.Text),
        sa.Column("decided_by", sa.String(100)),
        sa.Column("decided_at", sa.DateTime),
    )
    op.create_index("ix_reint_action_plan", "reint_action", ["plan_id"])
    op.create_table(
        "reint_task",
        sa.Column("task_id", sa.Integer, primary_key=True, autoincrement=True),
        _parent("reint_plan", "plan_id"),
        sa.Column("ordinal", sa.Integer, nullable=False),
        sa.Column("task", sa.Text, nullable=False),
        sa.Column("responsible", sa.String(30), nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("done_on", sa.Date),
    )
    op.create_index("ix_reint_task_plan", "reint_task", ["plan_id"])


def downgrade() -> None:
    for table in ("reint_task", "reint_action", "reint_plan", "reint_item", "reint_assessment"):
        op.drop_table(table)
