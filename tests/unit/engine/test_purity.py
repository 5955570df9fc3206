"""The engine is pure core: it imports no adapter or store module and does no file or network I/O."""

from __future__ import annotations

import ast
from pathlib import Path

import hipcheck.engine

ENGINE = Path(hipcheck.engine.__file__).parent
FORBIDDEN_PACKAGES = (
    "hipcheck.store",
    "hipcheck.cli",
    "hipcheck.web",
    "hipcheck.report",
    "hipcheck.services",
)
FORBIDDEN_MODULES = {
    "os",
    "pathlib",
    "socket",
    "sqlite3",
    "urllib",
    "requests",
    "httpx",
    "subprocess",
    "shutil",
}
FORBIDDEN_CALLS = {"open", "print", "input"}


def _modules() -> list[Path]:
    return sorted(ENGINE.glob("*.py"))


def test_engine_imports_only_core_modules() -> None:
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(FORBIDDEN_PACKAGES), f"{path.name} imports {name}"
                assert name.split(".")[0] not in FORBIDDEN_MODULES, f"{path.name} imports {name}"


def test_engine_does_no_io_and_keeps_no_module_state() -> None:
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in FORBIDDEN_CALLS, f"{path.name} calls {node.func.id}()"
            assert not isinstance(node, ast.Global), f"{path.name} uses a global statement"
