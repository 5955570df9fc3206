"""Fixtures shared by every integration test: SQLite always, PostgreSQL when `make test` started it.

`make test` wraps pytest in scripts/with-postgres.sh, which starts a throw-away server and sets
HIPCHECK_TEST_POSTGRES_URL. Each caller gets a new, empty database that is dropped afterwards.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_ENV = "HIPCHECK_TEST_POSTGRES_URL"

PostgresDatabase = Callable[[str], AbstractContextManager[str]]


@contextlib.contextmanager
def _postgres_database(prefix: str) -> Iterator[str]:
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"{POSTGRES_ENV} is not set: `make test` starts PostgreSQL for these tests")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_database() -> PostgresDatabase:
    """`with postgres_database("prefix") as url:` — a new empty PostgreSQL database (skips without one)."""
    return _postgres_database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_database: PostgresDatabase
) -> Iterator[str]:
    """The URL of an EMPTY database: a new SQLite file (its folder not made yet) or PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/nested/folder/hipcheck.db"
    else:
        with postgres_database("hipcheck_test") as url:
            yield url
