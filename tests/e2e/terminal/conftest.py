"""Drive `hipcheck` in a real pseudo-terminal (pexpect), each test on its own temporary SQLite
database, with a fixed terminal size and no colour so the output is stable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pexpect
import pytest

COLUMNS = 200


@pytest.fixture
def term_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HIPCHECK_")}
    env.update(
        HIPCHECK_DATABASE_URL=f"sqlite:///{tmp_path}/db/hipcheck.db",
        COLUMNS=str(COLUMNS),
        LINES="50",
        NO_COLOR="1",
        TERM="dumb",
        PYTHONUNBUFFERED="1",
    )
    return env


Spawn = Callable[..., pexpect.spawn]


@pytest.fixture
def spawn(term_env: dict[str, str]) -> Iterator[Spawn]:
    """Start `hipcheck ARGS...` in a pty of 50 x COLUMNS."""
    children: list[pexpect.spawn] = []

    def start(*args: str) -> pexpect.spawn:
        child = pexpect.spawn(
            sys.executable,
            ["-m", "hipcheck", *args],
            env=term_env,
            encoding="utf-8",
            timeout=30,
            dimensions=(50, COLUMNS),
        )
        # Keys are sent only after the prompt shows, so no pause before each is needed.
        child.delaybeforesend = None
        children.append(child)
        return child

    yield start
    for child in children:
        if child.isalive():
            child.terminate(force=True)


@pytest.fixture
def stored(term_env: dict[str, str]) -> Callable[[str], dict[str, Any]]:
    """What `hipcheck show ID --json` says is stored (a separate process, as a person would)."""

    def show(assessment_id: str) -> dict[str, Any]:
        done = subprocess.run(
            [sys.executable, "-m", "hipcheck", "show", assessment_id, "--json"],
            env=term_env,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        data: dict[str, Any] = json.loads(done.stdout)
        return data

    return show
