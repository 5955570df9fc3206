"""Alembic environment: migrate the connection hipcheck hands over, or HIPCHECK_DATABASE_URL.

Batch mode is on so ALTERs work on SQLite (it cannot alter most column properties in place).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

import hipcheck.store.activities
import hipcheck.store.tables  # noqa: F401  (registers the tables on Base.metadata)
from hipcheck.config import get_settings
from hipcheck.store.base import Base
from hipcheck.store.engine_factory import create_store_engine

target_metadata = Base.metadata
config = context.config


def _configure(**kwargs: object) -> None:
    context.configure(
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        **kwargs,  # type: ignore[arg-type]
    )


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or get_settings().database_url


def run_offline() -> None:
    _configure(url=_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def _run(connection: Connection) -> None:
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from hipcheck.store.migrate import migration_connection

    engine = create_store_engine(_url())
    try:
        with migration_connection(engine) as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
