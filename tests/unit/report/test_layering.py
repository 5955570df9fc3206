"""Where the report and the terminal assessment sit: the report lays out values and reaches the
store only through `report.collect` (via services); the interactive assessment decides nothing
medical itself, it only calls services."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[3] / "src" / "hipcheck"
LAYOUT = [SRC / "report" / "content.py", SRC / "report" / "render.py", SRC / "report" / "charts.py"]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", LAYOUT, ids=lambda p: p.name)
def test_report_layout_reaches_no_store_and_no_adapter(path: Path) -> None:
    forbidden = ("hipcheck.store", "hipcheck.cli", "hipcheck.web", "sqlalchemy")
    assert sorted(n for n in _imports(path) if n.startswith(forbidden)) == []


def test_interactive_assessment_decides_nothing_itself() -> None:
    imports = _imports(SRC / "cli" / "interactive.py")
    medical = (
        "hipcheck.care",
        "hipcheck.engine.assess",
        "hipcheck.engine.triage",
        "hipcheck.engine.questions",
    )
    assert sorted(n for n in imports if n.startswith(medical)) == []
    assert "hipcheck.services" in imports
