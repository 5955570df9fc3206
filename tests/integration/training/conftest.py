"""Training integration fixtures: a temporary store holding the activities table (the `cli` runner
and `fixtures_dir` are in tests/conftest.py)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

from hipcheck.store.activities import ActivityRow
from hipcheck.store.base import Base


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def session_factory(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    postgres_database: Callable[[str], AbstractContextManager[str]],
) -> Iterator[Callable[[], Session]]:
    """Sessions on a fresh database holding only the activities table (SQLite file, or PostgreSQL)."""
    database: AbstractContextManager[str] = (
        contextlib.nullcontext(f"sqlite:///{tmp_path / 'training.db'}")
        if request.param == "sqlite"
        else postgres_database("hipcheck_training")
    )
    with database as url:
        engine = create_engine(url)
        Base.metadata.create_all(engine, tables=[ActivityRow.__table__])  # type: ignore[list-item]
        try:
            yield sessionmaker(engine, expire_on_commit=False)
        finally:
            engine.dispose()
