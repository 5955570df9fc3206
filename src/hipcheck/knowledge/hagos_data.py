"""Load the HAGOS questionnaire (knowledge/data/hagos.yaml) as a validated `schema.Hagos`.

Owns: reading hagos.yaml from the packaged knowledge base (or any directory, for tests) and
reporting every problem the way knowledge.load does (``file: entity: field: what``). Scoring
lives in care.hagos; this module only supplies the items, subscales and missing-item rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from importlib.resources.abc import Traversable
from pathlib import Path

from hipcheck.errors import KnowledgeBaseError
from hipcheck.knowledge.load import _Problems, _read_yaml, _validate, default_root
from hipcheck.knowledge.schema import Hagos

HAGOS_FILE = "hagos.yaml"


def load_hagos(root: Traversable | Path | str | None = None) -> Hagos:
    """The HAGOS questionnaire; raise KnowledgeBaseError listing every problem in hagos.yaml.

    With no ``root`` the packaged copy is loaded once and cached.
    """
    if root is None:
        return _load_default()
    return _load(Path(root) if isinstance(root, str) else root)


@lru_cache(maxsize=1)
def _load_default() -> Hagos:
    return _load(default_root())


def _load(root: Traversable) -> Hagos:
    problems = _Problems()
    ok, data = _read_yaml(root.joinpath(HAGOS_FILE), HAGOS_FILE, problems)
    hagos: Hagos | None = None
    if ok:
        if isinstance(data, Mapping):
            hagos = _validate(Hagos, dict(data), HAGOS_FILE, "hagos", problems)
        else:
            problems.add(HAGOS_FILE, "hagos", "-", f"expected a mapping, got {type(data).__name__}")
    if problems.items or hagos is None:
        raise KnowledgeBaseError(problems.items or [f"{HAGOS_FILE}: hagos: -: could not be read"])
    return hagos
