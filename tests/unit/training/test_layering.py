"""The pure training core (metrics, value objects) and the file readers never reach the store or adapters."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TRAINING = Path(__file__).resolve().parents[3] / "src" / "hipcheck" / "training"
PURE = [TRAINING / "metrics.py", TRAINING / "activity.py"]
READERS = sorted((TRAINING / "importers").glob("*.py"))
FORBIDDEN = (
    "hipcheck.store",
    "hipcheck.cli",
    "hipcheck.web",
    "hipcheck.report",
    "hipcheck.services",
    "sqlalchemy",
)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", PURE + READERS, ids=lambda p: p.name)
def test_no_store_or_adapter_imports(path: Path) -> None:
    bad = sorted(n for n in _imports(path) if n.startswith(FORBIDDEN))
    assert bad == []


@pytest.mark.parametrize("path", PURE, ids=lambda p: p.name)
def test_pure_core_does_no_io(path: Path) -> None:
    assert not {"os", "pathlib", "io", "sqlite3", "zipfile", "gzip"} & _imports(path)
    assert "open(" not in path.read_text(encoding="utf-8")
