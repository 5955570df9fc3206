"""Store an assessment's result as JSON text written by pydantic, not as a JSON column.

The result (every condition with its contributing answers) was a few hundred KB in a long
assessment when this was written (the engine now keeps at most 6 + 6 reasons per condition, about
60 KB); building a Python dict of it just so the JSON column can encode it took longer than the
engine. The text is the same JSON, so existing rows are kept as they are.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assessments") as batch:
        batch.alter_column(
            "result", existing_type=sa.JSON(), type_=sa.Text(), postgresql_using="result::text"
        )


def downgrade() -> None:
    with op.batch_alter_table("assessments") as batch:
        batch.alter_column(
            "result", existing_type=sa.Text(), type_=sa.JSON(), postgresql_using="result::json"
        )
