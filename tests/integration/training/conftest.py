"""Training integration fixtures: a temporary SQLite store (tables from the metadata) and the CLI."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from hipcheck.cli.app import main
from hipcheck.store.activities import ActivityRow
from hipcheck.store.base import Base

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "activities"


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


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


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    database_url = f"sqlite:///{tmp_path}/db/hipcheck.db"

    def run(*args: str) -> Run:
        runner = CliRunner()
        environment = {"HIPCHECK_DATABASE_URL": database_url, "COLUMNS": "200"}
        with runner.isolation(env=environment) as (out, err, _):
            monkeypatch.setattr(sys, "argv", ["hipcheck", *args])
            code = 0
            try:
                main()
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            return Run(code, out.getvalue().decode(), err.getvalue().decode())

    return run
