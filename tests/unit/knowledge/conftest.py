"""Fixtures for knowledge-base tests: a tiny valid KB, and broken copies built from overlays."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = FIXTURES / "minimal"
BROKEN = FIXTURES / "broken"
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def minimal_kb(tmp_path: Path) -> Path:
    """A writable copy of the tiny valid knowledge base."""
    target = tmp_path / "kb"
    shutil.copytree(MINIMAL, target)
    return target


@pytest.fixture
def broken_kb(tmp_path: Path) -> Callable[..., Path]:
    """Build a KB: the minimal one with the files of one or more broken overlays copied over it."""

    def build(*cases: str) -> Path:
        target = tmp_path / ("kb_" + "_".join(cases))
        shutil.copytree(MINIMAL, target)
        for case in cases:
            shutil.copytree(BROKEN / case, target, dirs_exist_ok=True)
        return target

    return build
