"""The schema revision this version of hipcheck expects, checked without importing Alembic.

Every command opens the store; importing Alembic to learn that nothing needs migrating would
cost more than the command itself. A test keeps HEAD_REVISION equal to the newest migration.
"""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

HEAD_REVISION = "0004"


def schema_is_current(engine: Engine) -> bool:
    """True when the database is exactly at HEAD_REVISION (False also when it cannot tell)."""
    try:
        with engine.connect() as conn:
            versions = list(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    except SQLAlchemyError:
        return False
    return versions == [HEAD_REVISION]
