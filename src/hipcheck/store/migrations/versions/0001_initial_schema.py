"""Assessments with their ordered answers, plans, pain diary and HAGOS responses.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _pain(column: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(
        f"{column} IS NULL OR ({column} >= 0 AND {column} <= 10)",
        name=op.f(f"ck_diary_entries_{column}_0_10"),
    )


def upgrade() -> None:
    op.create_table(
        "assessments",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("age", sa.Integer(), nullable=False),
        sa.Column("sex", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("triage_level", sa.String(length=16), nullable=True),
        sa.Column("top_condition", sa.String(length=64), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.CheckConstraint("sex IN ('female', 'male')", name=op.f("ck_assessments_sex_known")),
        sa.CheckConstraint("status IN ('in_progress', 'complete')", name=op.f("ck_assessments_status_known")),
        sa.CheckConstraint("age >= 10 AND age <= 100", name=op.f("ck_assessments_age_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
    )
    op.create_index(op.f("ix_assessments_created_at"), "assessments", ["created_at"])

    op.create_table(
        "answers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("assessment_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=8), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("value IN ('yes', 'no', 'unknown')", name=op.f("ck_answers_value_known")),
        sa.CheckConstraint("seq >= 1 AND step >= 1", name=op.f("ck_answers_seq_positive")),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_answers_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answers")),
        sa.UniqueConstraint("assessment_id", "seq", name="uq_answers_assessment_seq"),
    )
    op.create_index(op.f("ix_answers_assessment_id"), "answers", ["assessment_id"])

    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("assessment_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_plans_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
    )
    op.create_index(op.f("ix_plans_assessment_id"), "plans", ["assessment_id"])

    op.create_table(
        "diary_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("assessment_id", sa.String(length=32), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("pain_rest", sa.Integer(), nullable=False),
        sa.Column("pain_during", sa.Integer(), nullable=True),
        sa.Column("pain_after", sa.Integer(), nullable=True),
        sa.Column("pain_next_morning", sa.Integer(), nullable=True),
        sa.Column("morning_stiffness_minutes", sa.Integer(), nullable=True),
        sa.Column("run_minutes", sa.Float(), nullable=False),
        sa.Column("exercises_done", sa.JSON(), nullable=False),
        sa.Column("new_red_flags", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _pain("pain_rest"),
        _pain("pain_during"),
        _pain("pain_after"),
        _pain("pain_next_morning"),
        sa.CheckConstraint(
            "morning_stiffness_minutes IS NULL OR morning_stiffness_minutes >= 0",
            name=op.f("ck_diary_entries_stiffness_not_negative"),
        ),
        sa.CheckConstraint(
            "run_minutes >= 0",
            name=op.f("ck_diary_entries_run_minutes_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_diary_entries_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_diary_entries")),
        sa.UniqueConstraint("assessment_id", "entry_date", name="uq_diary_entries_assessment_date"),
    )

    op.create_table(
        "hagos_responses",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("assessment_id", sa.String(length=32), nullable=True),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_hagos_responses_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hagos_responses")),
    )
    op.create_index(op.f("ix_hagos_responses_assessment_id"), "hagos_responses", ["assessment_id"])
    op.create_index(op.f("ix_hagos_responses_taken_on"), "hagos_responses", ["taken_on"])


def downgrade() -> None:
    op.drop_table("hagos_responses")
    op.drop_table("diary_entries")
    op.drop_table("plans")
    op.drop_table("answers")
    op.drop_table("assessments")
