"""Fixtures used by more than one test folder (conftest files cannot import each other under
--import-mode=importlib, so shared ones live here)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from hipcheck.cli.app import main
from hipcheck.engine import CompiledModel, compile_model
from hipcheck.knowledge.load import load_knowledge_base

ACTIVITY_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "activities"


@pytest.fixture(scope="session")
def model() -> CompiledModel:
    """The packaged knowledge base, compiled once for the whole run (tests/integration/store
    overrides it with a small hand-made one)."""
    return compile_model(load_knowledge_base())


@pytest.fixture
def fixtures_dir() -> Path:
    """The activity files of tests/fixtures/activities (fit/, gpx/, tcx/)."""
    return ACTIVITY_FIXTURES


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


Cli = Callable[..., Run]


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """Run `hipcheck ARGS...` as a person would: the real entry point (error mapping included) in
    CliRunner's isolation, on this test's own SQLite database through HIPCHECK_DATABASE_URL.

    `cli(*args, input=..., env={...})` returns the exit code, stdout and stderr.
    """
    database_url = f"sqlite:///{tmp_path}/db/hipcheck.db"

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Run:
        runner = CliRunner()
        environment = {"HIPCHECK_DATABASE_URL": database_url, "COLUMNS": "200", **(env or {})}
        with runner.isolation(input=input, env=environment) as (out, err, _):
            monkeypatch.setattr(sys, "argv", ["hipcheck", *args])
            code = 0
            try:
                main()
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            return Run(code, out.getvalue().decode(), err.getvalue().decode())

    return run
