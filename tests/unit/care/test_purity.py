"""The care room is pure core: no adapters, no I/O, no clock (architecture: import direction)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CARE = Path(__file__).resolve().parents[3] / "src" / "hipcheck" / "care"
FORBIDDEN_PACKAGES = (
    "hipcheck.store",
    "hipcheck.cli",
    "hipcheck.web",
    "hipcheck.report",
    "hipcheck.services",
    "hipcheck.knowledge.load",
    "hipcheck.knowledge.hagos_data",
    "hipcheck.config",
)
FORBIDDEN_MODULES = {
    "os",
    "io",
    "pathlib",
    "sqlite3",
    "shutil",
    "subprocess",
    "socket",
    "urllib",
    "requests",
    "httpx",
    "sqlalchemy",
    "yaml",
    "time",
    "random",
}
MODULES = sorted(CARE.glob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[p.name for p in MODULES])
def test_care_module_imports_no_adapter_and_does_no_io(path: Path) -> None:
    tree = ast.parse(path.read_text())
    assert ast.get_docstring(tree), f"{path.name} needs a docstring saying what it owns"
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            assert not name.startswith(FORBIDDEN_PACKAGES), f"{path.name} imports {name}"
            assert name.split(".")[0] not in FORBIDDEN_MODULES, f"{path.name} imports {name}"
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                assert func.id not in {"open", "print", "input"}, f"{path.name} calls {func.id}()"
            if isinstance(func, ast.Attribute):
                assert func.attr not in {"now", "today", "utcnow"}, (
                    f"{path.name} reads the clock ({func.attr})"
                )


def test_every_care_module_is_checked() -> None:
    assert {p.name for p in MODULES} >= {"plan.py", "progress.py", "return_to_run.py", "hagos.py", "diary.py"}
