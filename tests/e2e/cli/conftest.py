"""CLI test data: the development cases and one-case files (the `cli` runner is in tests/conftest.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

DEV_CASES = Path(__file__).resolve().parents[2] / "cases" / "dev-cases.jsonl"


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
