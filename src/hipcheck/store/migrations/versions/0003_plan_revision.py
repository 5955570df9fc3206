"""Plans remember which result they were made from (the assessment's revision).

A plan made before the latest answer is stale: it is no longer shown, but its options (equipment,
days a week) are kept so the new plan is made the way the runner asked.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assessments") as batch:
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("assessment_revision", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.drop_column("assessment_revision")
    with op.batch_alter_table("assessments") as batch:
        batch.drop_column("revision")
