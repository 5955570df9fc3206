"""Run `hipcheck` as a person would: the real entry point (error mapping included) in CliRunner's
isolation, each test on its own temporary SQLite database through HIPCHECK_DATABASE_URL."""

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

DEV_CASES = Path(__file__).resolve().parents[2] / "cases" / "dev-cases.jsonl"


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


Cli = Callable[..., Run]


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/db/hipcheck.db"


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Cli:
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
            stdout, stderr = out.getvalue().decode(), err.getvalue().decode()
        return Run(code, stdout, stderr)

    return run


@pytest.fixture
def dev_cases() -> Path:
    """The development cases with gold answers (intake-v1 case file), first case dev-001."""
    return DEV_CASES


@pytest.fixture
def case_file(tmp_path: Path) -> Callable[..., Path]:
    """Write a one-case file: `case_file(present=[...], absent=[...], age=.., sex=..)`."""

    def write(**case: Any) -> Path:
        base: dict[str, Any] = {"id": "t-1", "age": 34, "sex": "female", "present": [], "absent": []}
        path = tmp_path / "case.jsonl"
        path.write_text(json.dumps(base | case) + "\n", encoding="utf-8")
        return path

    return write
