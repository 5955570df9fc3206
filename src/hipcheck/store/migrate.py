"""Run the packaged Alembic migrations: `upgrade head` on first use, so a runner never has to.

The scripts ship inside the package (store/migrations), found through importlib.resources,
so this works from an installed wheel as well as from a source checkout.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import as_file, files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from hipcheck.errors import StoreError
from hipcheck.store.engine_factory import describe_error


@contextmanager
def _config() -> Iterator[Config]:
    # as_file gives a real folder even when the package is zipped, for as long as it is open.
    with as_file(files("hipcheck.store") / "migrations") as path:
        cfg = Config()
        cfg.set_main_option("script_location", str(path))
        yield cfg


def head_revision() -> str | None:
    """The newest migration revision shipped with this version of hipcheck."""
    with _config() as cfg:
        return ScriptDirectory.from_config(cfg).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@contextmanager
def migration_connection(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction for migrating.

    On SQLite, foreign keys are off while migrating: batch mode rebuilds a table by copying it
    and dropping the old one, and with foreign keys on, dropping `assessments` would cascade and
    delete every answer, plan and diary entry. Afterwards the keys are checked and turned on again.
    """
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # only outside a transaction
            conn.commit()
        try:
            with conn.begin():
                if sqlite:
                    # pysqlite opens no transaction for DDL by itself: without this a failed
                    # migration would leave half its changes behind.
                    conn.exec_driver_sql("BEGIN")
                yield conn
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise StoreError(f"a migration left {len(broken)} row(s) pointing at nothing")
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database behind ``engine`` to ``revision`` in one transaction."""
    try:
        with _config() as cfg, migration_connection(engine) as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    except SQLAlchemyError as exc:
        raise StoreError(f"could not prepare the database: {describe_error(exc)}") from exc


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate down to ``revision`` (``base`` empties the schema); for tests and repairs."""
    with _config() as cfg, migration_connection(engine) as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def ensure_schema(engine: Engine) -> None:
    """Upgrade to head unless the database is already there (cheap when nothing to do)."""
    try:
        current = current_revision(engine)
    except SQLAlchemyError as exc:
        raise StoreError(f"could not open the database: {describe_error(exc)}") from exc
    if current != head_revision():
        upgrade(engine)
