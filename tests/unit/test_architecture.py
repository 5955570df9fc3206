"""The house plan's import direction, checked by reading the source (architecture.md).

The pure core (engine, care, training metrics and file readers, knowledge schema) imports no store,
adapter or service module and does no I/O; the report's layout reaches no store; the interactive
assessment decides nothing medical itself. One table of rules, one walker.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "hipcheck"
ADAPTERS = ("hipcheck.store", "hipcheck.cli", "hipcheck.web", "hipcheck.report", "hipcheck.services")
IO_MODULES = frozenset(
    {"os", "io", "pathlib", "socket", "sqlite3", "urllib", "requests", "httpx", "subprocess", "shutil"}
)


@dataclass(frozen=True)
class Rule:
    name: str
    paths: tuple[Path, ...]
    forbidden_prefixes: tuple[str, ...] = ()
    forbidden_modules: frozenset[str] = frozenset()
    forbidden_calls: frozenset[str] = frozenset()
    clock_free: bool = False
    no_global: bool = False
    needs_docstring: bool = False
    no_open_text: bool = False


def _glob(folder: str) -> tuple[Path, ...]:
    return tuple(sorted((SRC / folder).glob("*.py")))


TRAINING_PURE = (SRC / "training" / "metrics.py", SRC / "training" / "activity.py")
RULES = [
    Rule(
        "engine",
        _glob("engine"),
        forbidden_prefixes=ADAPTERS,
        forbidden_modules=IO_MODULES - {"io"},
        forbidden_calls=frozenset({"open", "print", "input"}),
        no_global=True,
    ),
    Rule(
        "care",
        _glob("care"),
        forbidden_prefixes=(
            *ADAPTERS,
            "hipcheck.knowledge.load",
            "hipcheck.knowledge.hagos_data",
            "hipcheck.config",
        ),
        forbidden_modules=IO_MODULES | {"sqlalchemy", "yaml", "time", "random"},
        forbidden_calls=frozenset({"open", "print", "input"}),
        clock_free=True,
        needs_docstring=True,
    ),
    Rule(
        "training-readers",
        TRAINING_PURE + _glob("training/importers"),
        forbidden_prefixes=(*ADAPTERS, "sqlalchemy"),
    ),
    Rule(
        "training-pure",
        TRAINING_PURE,
        forbidden_modules=frozenset({"os", "pathlib", "io", "sqlite3", "zipfile", "gzip"}),
        no_open_text=True,
    ),
    Rule(
        "report-layout",
        tuple(SRC / "report" / name for name in ("content.py", "render.py", "charts.py")),
        forbidden_prefixes=("hipcheck.store", "hipcheck.cli", "hipcheck.web", "sqlalchemy"),
    ),
    Rule(
        "interactive-assess",
        (SRC / "cli" / "interactive.py",),
        forbidden_prefixes=(
            "hipcheck.care",
            "hipcheck.engine.assess",
            "hipcheck.engine.triage",
            "hipcheck.engine.questions",
        ),
    ),
]


def _imports(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


CHECKS = [pytest.param(rule, path, id=f"{rule.name}:{path.name}") for rule in RULES for path in rule.paths]


@pytest.mark.parametrize(("rule", "path"), CHECKS)
def test_module_keeps_its_room(rule: Rule, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    imports = _imports(tree)
    assert (
        sorted(n for n in imports if rule.forbidden_prefixes and n.startswith(rule.forbidden_prefixes)) == []
    )
    assert sorted(n for n in imports if n.split(".")[0] in rule.forbidden_modules) == []
    if rule.needs_docstring:
        assert ast.get_docstring(tree), f"{path.name} needs a docstring saying what it owns"
    if rule.no_open_text:
        assert "open(" not in text
    for node in ast.walk(tree):
        if rule.no_global:
            assert not isinstance(node, ast.Global), f"{path.name} uses a global statement"
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name):
            assert node.func.id not in rule.forbidden_calls, f"{path.name} calls {node.func.id}()"
        if rule.clock_free and isinstance(node.func, ast.Attribute):
            assert node.func.attr not in {"now", "today", "utcnow"}, f"{path.name} reads the clock"


def test_every_room_has_modules_to_check() -> None:
    for rule in RULES:
        assert rule.paths and all(p.is_file() for p in rule.paths), rule.name
    care = {p.name for p in next(r for r in RULES if r.name == "care").paths}
    assert care >= {"plan.py", "progress.py", "return_to_run.py", "hagos.py", "diary.py"}


def test_interactive_assessment_goes_through_services() -> None:
    tree = ast.parse((SRC / "cli" / "interactive.py").read_text(encoding="utf-8"))
    assert "hipcheck.services" in _imports(tree)
