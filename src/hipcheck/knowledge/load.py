"""Load the knowledge base YAML (package data, or any directory) and cross-check it.

Owns: reading every file under knowledge/data, validating each entity against knowledge.schema,
and checking every reference between entities. Every problem is collected and reported as one
line ``file: entity id: field: what is wrong``; nothing is reported until all files were read.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from hipcheck.errors import KnowledgeBaseError
from hipcheck.knowledge.schema import (
    CareComponent,
    Condition,
    Correction,
    Exercise,
    Finding,
    KnowledgeBase,
    RedFlagRule,
    ReturnToRun,
    SeedConcept,
    Source,
    Sourced,
)

M = TypeVar("M", bound=BaseModel)

#: kind -> (file name, model). Conditions and return to run are handled separately.
LIST_FILES: dict[str, tuple[str, type[BaseModel]]] = {
    "sources": ("sources.yaml", Source),
    "findings": ("findings.yaml", Finding),
    "red_flags": ("red_flags.yaml", RedFlagRule),
    "care": ("care.yaml", CareComponent),
    "exercises": ("exercises.yaml", Exercise),
    "corrections": ("corrections.yaml", Correction),
}
CONDITIONS_DIR = "conditions"
RETURN_TO_RUN_FILE = "return_to_run.yaml"
SEED_COVERAGE_FILE = "seed_coverage.yaml"
RETURN_TO_RUN_GROUPS = frozenset({"soft_tissue", "hamstring_acute", "bone", "not_applicable"})

#: Human names of entity kinds, used in dangling-reference messages.
KIND_NAMES = {
    "sources": "source",
    "findings": "finding",
    "conditions": "condition",
    "red_flags": "red flag",
    "care": "care component",
    "exercises": "exercise",
    "corrections": "correction",
    "seed_concepts": "seed concept",
}


def default_root() -> Traversable:
    """The knowledge base shipped inside the package."""
    return files("hipcheck.knowledge").joinpath("data")


def load_knowledge_base(root: Traversable | Path | str | None = None) -> KnowledgeBase:
    """Load, validate and cross-check the knowledge base; raise KnowledgeBaseError listing every problem.

    With no ``root`` the packaged knowledge base is loaded once and cached.
    """
    if root is None:
        return _load_default()
    return _load(Path(root) if isinstance(root, str) else root)


@lru_cache(maxsize=1)
def _load_default() -> KnowledgeBase:
    return _load(default_root())


# --- problems ------------------------------------------------------------------------------


@dataclass
class _Problems:
    items: list[str] = field(default_factory=list)

    def add(self, file: str, entity: str, where: str, what: str) -> None:
        self.items.append(f"{file}: {entity}: {where}: {what}")


# libyaml's parser when available: the pure-Python one takes seconds on the whole KB.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Safe loader that refuses a mapping key written twice (PyYAML would keep the last silently)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


# --- reading -------------------------------------------------------------------------------


def _read_yaml(node: Traversable, name: str, problems: _Problems) -> tuple[bool, Any]:
    """(ok, data): ok is False, and a problem recorded, when the file is missing, unreadable or not
    valid YAML."""
    if not node.is_file():
        problems.add(name, "-", "-", "file is missing")
        return False, None
    try:
        text = node.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.add(name, "-", "-", f"not UTF-8 text (byte {exc.start} cannot be decoded)")
        return False, None
    except OSError as exc:
        problems.add(name, "-", "-", f"cannot be read ({exc.strerror or exc.__class__.__name__})")
        return False, None
    try:
        return True, yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = f"line {mark.line + 1}" if mark is not None else "-"
        reason = getattr(exc, "problem", None) or str(exc)
        problems.add(name, "-", line, f"not valid YAML: {reason}")
        return False, None


def _entries(data: Any, key: str, name: str, problems: _Problems) -> list[tuple[str, dict[str, Any]]] | None:
    """(label, raw entity) pairs from a file holding a list, a {key: list} or an {id: entity} mapping.

    None when the file as a whole is unusable (empty, or the wrong shape); the problem is recorded.
    """
    if data is None:
        problems.add(name, "-", "-", "file is empty")
        return None
    if isinstance(data, Mapping) and set(data) == {key}:
        data = data[key]
    elif isinstance(data, Mapping) and len(data) == 1 and isinstance(next(iter(data.values())), list):
        problems.add(name, "-", str(next(iter(data))), f"unknown top-level key (expected {key!r})")
        return None
    out: list[tuple[str, dict[str, Any]]] = []
    if isinstance(data, list):
        for index, item in enumerate(data, start=1):
            label = str(item.get("id")) if isinstance(item, Mapping) and item.get("id") else f"entry {index}"
            if not isinstance(item, Mapping):
                problems.add(name, label, "-", f"expected a mapping of fields, got {type(item).__name__}")
                continue
            out.append((label, dict(item)))
    elif isinstance(data, Mapping):
        for entity_id, item in data.items():
            label = str(entity_id)
            if not isinstance(item, Mapping):
                problems.add(name, label, "-", f"expected a mapping of fields, got {type(item).__name__}")
                continue
            body = dict(item)
            if "id" in body and body["id"] != entity_id:
                problems.add(name, label, "id", f"id {body['id']!r} differs from its key {entity_id!r}")
            body.setdefault("id", entity_id)
            out.append((label, body))
    else:
        problems.add(
            name, "-", "-", f"expected a list of {key} or a mapping by id, got {type(data).__name__}"
        )
        return None
    return out


def _validate(model: type[M], raw: dict[str, Any], name: str, label: str, problems: _Problems) -> M | None:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            where, what = _describe(err)
            problems.add(name, label, where, what)
        return None


def _describe(err: ErrorDetails) -> tuple[str, str]:
    """Turn one pydantic error into (field path, plain message)."""
    loc = err["loc"]
    where = ".".join(str(part) for part in loc) or "-"
    kind = err["type"]
    ctx = err.get("ctx") or {}
    got = _short(err.get("input"))
    last = str(loc[-1]) if loc else ""
    if kind == "extra_forbidden":
        return where, f"unknown key {last!r} (not in the schema: check the spelling)"
    if last == "sources" and kind in {"missing", "too_short"}:
        return where, "missing source: cite at least one source id"
    if kind == "missing":
        return where, "required field is missing"
    if (kind == "greater_than" and ctx.get("gt") == 0.0 and last != "prior_percent") or (
        kind == "less_than" and ctx.get("lt") == 1.0
    ):
        return where, f"probability outside (0, 1): got {got}"
    if kind == "value_error" and not loc:
        message = str(err["msg"]).removeprefix("Value error, ")
        return _model_field(message), message
    message = str(err["msg"]).removeprefix("Value error, ")
    return where, f"{message} (got {got})"


def _model_field(message: str) -> str:
    """Name the field a whole-model validator complains about."""
    for hint, name in (("safety_threshold", "safety_threshold"), ("`file`", "file"), ("all_of", "when")):
        if hint in message:
            return name
    return "-"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# --- loading -------------------------------------------------------------------------------


@dataclass
class _Loaded:
    """Validated entities by kind and id, and the file each came from."""

    entities: dict[str, dict[str, Any]] = field(default_factory=dict)
    origin: dict[tuple[str, str], str] = field(default_factory=dict)
    #: kinds whose file is missing or unreadable: references to them are not reported one by one
    unread: set[str] = field(default_factory=set)
    #: ids that were written but failed validation: already reported, so not "dangling" too
    invalid: dict[str, set[str]] = field(default_factory=dict)

    def put(self, kind: str, entity_id: str, entity: Any, name: str) -> None:
        """Keep the first entity with an id; a later duplicate was already reported by _note_raw_id."""
        bucket = self.entities.setdefault(kind, {})
        if entity_id not in bucket:
            bucket[entity_id] = entity
            self.origin[(kind, entity_id)] = name


def _load(root: Traversable) -> KnowledgeBase:
    problems = _Problems()
    loaded = _Loaded()
    seen_raw_ids: dict[str, dict[str, str]] = {}

    for kind, (file_name, model) in LIST_FILES.items():
        loaded.entities.setdefault(kind, {})
        ok, data = _read_yaml(root.joinpath(file_name), file_name, problems)
        entries = _entries(data, kind, file_name, problems) if ok else None
        if entries is None:
            loaded.unread.add(kind)
            continue
        for label, raw in entries:
            _note_raw_id(kind, raw, file_name, label, seen_raw_ids, problems)
            entity = _validate(model, raw, file_name, label, problems)
            if entity is not None:
                loaded.put(kind, getattr(entity, "id"), entity, file_name)  # noqa: B009
            elif isinstance(raw.get("id"), str):
                loaded.invalid.setdefault(kind, set()).add(raw["id"])

    _load_conditions(root, loaded, problems, seen_raw_ids)
    return_to_run = _load_return_to_run(root, problems)
    concepts = _load_seed_concepts(root, loaded, problems)
    loaded.entities["seed_concepts"] = dict(concepts)

    _cross_check(loaded, return_to_run, problems)

    if problems.items or return_to_run is None:
        raise KnowledgeBaseError(problems.items or [f"{RETURN_TO_RUN_FILE}: -: -: file is missing"])
    e = loaded.entities
    return KnowledgeBase(
        sources=e["sources"],
        findings=e["findings"],
        conditions=e["conditions"],
        red_flags=e["red_flags"],
        care=e["care"],
        exercises=e["exercises"],
        corrections=e["corrections"],
        return_to_run=return_to_run,
        seed_concepts=concepts,
    )


def _note_raw_id(
    kind: str,
    raw: dict[str, Any],
    name: str,
    label: str,
    seen: dict[str, dict[str, str]],
    problems: _Problems,
) -> None:
    """Report an id written twice, whether or not either entity is otherwise valid."""
    raw_id = raw.get("id")
    if not isinstance(raw_id, str):
        return
    first = seen.setdefault(kind, {})
    if raw_id in first:
        problems.add(name, label, "id", f"duplicate {KIND_NAMES[kind]} id (first defined in {first[raw_id]})")
    else:
        first[raw_id] = name


def _load_conditions(
    root: Traversable, loaded: _Loaded, problems: _Problems, seen: dict[str, dict[str, str]]
) -> None:
    loaded.entities.setdefault("conditions", {})
    folder = root.joinpath(CONDITIONS_DIR)
    if not folder.is_dir():
        problems.add(f"{CONDITIONS_DIR}/", "-", "-", "directory is missing (one YAML file per condition)")
        loaded.unread.add("conditions")
        return
    paths = sorted((p for p in folder.iterdir() if p.name.endswith((".yaml", ".yml"))), key=lambda p: p.name)
    if not paths:
        problems.add(f"{CONDITIONS_DIR}/", "-", "-", "no condition files")
        loaded.unread.add("conditions")
    for path in paths:
        name = f"{CONDITIONS_DIR}/{path.name}"
        stem = path.name.rsplit(".", 1)[0]
        ok, data = _read_yaml(path, name, problems)
        if not ok or data is None:
            if ok:
                problems.add(name, stem, "-", "file is empty")
            # Already reported: references to this condition are not "dangling" as well.
            loaded.invalid.setdefault("conditions", set()).add(stem)
            continue
        if isinstance(data, Mapping) and set(data) == {"condition"}:
            data = data["condition"]
        if not isinstance(data, Mapping):
            problems.add(name, stem, "-", f"expected one condition as a mapping, got {type(data).__name__}")
            continue
        raw = dict(data)
        raw.setdefault("id", stem)
        label = str(raw["id"])
        if raw["id"] != stem:
            problems.add(name, label, "id", f"id {raw['id']!r} differs from the file name {stem!r}")
        _note_raw_id("conditions", raw, name, label, seen, problems)
        condition = _validate(Condition, raw, name, label, problems)
        if condition is not None:
            loaded.put("conditions", condition.id, condition, name)
        else:
            loaded.invalid.setdefault("conditions", set()).add(label)


def _load_return_to_run(root: Traversable, problems: _Problems) -> ReturnToRun | None:
    ok, data = _read_yaml(root.joinpath(RETURN_TO_RUN_FILE), RETURN_TO_RUN_FILE, problems)
    if not ok:
        return None
    if data is None:
        problems.add(RETURN_TO_RUN_FILE, "-", "-", "file is empty")
        return None
    if isinstance(data, Mapping) and set(data) == {"return_to_run"}:
        data = data["return_to_run"]
    if not isinstance(data, Mapping):
        problems.add(RETURN_TO_RUN_FILE, "-", "-", f"expected a mapping, got {type(data).__name__}")
        return None
    label = str(data.get("id") or "return_to_run")
    return _validate(ReturnToRun, dict(data), RETURN_TO_RUN_FILE, label, problems)


def _load_seed_concepts(root: Traversable, loaded: _Loaded, problems: _Problems) -> dict[str, SeedConcept]:
    name = SEED_COVERAGE_FILE
    ok, data = _read_yaml(root.joinpath(name), name, problems)
    concepts: dict[str, SeedConcept] = {}
    if not ok:
        loaded.unread.add("seed_concepts")
        return concepts
    if data is None:
        problems.add(name, "-", "-", "file is empty")
        return concepts
    if not isinstance(data, Mapping):
        problems.add(name, "-", "-", "expected a mapping: seed file name -> {concept id: text}")
        return concepts
    for seed_file, items in data.items():
        if not isinstance(items, Mapping):
            problems.add(name, str(seed_file), "-", "expected a mapping of concept id -> text")
            continue
        for concept_id, text in items.items():
            cid = str(concept_id)
            if cid in concepts:
                problems.add(name, cid, "id", f"duplicate seed concept id (also in {concepts[cid].file})")
                continue
            concepts[cid] = SeedConcept(id=cid, file=str(seed_file), text=str(text))
    return concepts


# --- cross references ----------------------------------------------------------------------


@dataclass
class _Refs:
    loaded: _Loaded
    problems: _Problems

    def check(self, name: str, entity: str, where: str, kind: str, values: Iterable[str]) -> None:
        if kind in self.loaded.unread:
            return
        known = self.loaded.entities.get(kind, {})
        invalid = self.loaded.invalid.get(kind, set())
        for value in values:
            if value not in known and value not in invalid:
                hint = difflib.get_close_matches(value, list(known), n=1, cutoff=0.8)
                maybe = f"; did you mean {hint[0]!r}?" if hint else ""
                self.problems.add(
                    name,
                    entity,
                    where,
                    f"unknown {KIND_NAMES[kind]} id {value!r} (dangling reference){maybe}",
                )

    def sourced(self, name: str, entity: str, item: Sourced | Correction) -> None:
        self.check(name, entity, "sources", "sources", item.sources)
        self.check(name, entity, "seed_refs", "seed_concepts", item.seed_refs)


def _cross_check(loaded: _Loaded, return_to_run: ReturnToRun | None, problems: _Problems) -> None:
    refs = _Refs(loaded, problems)
    e = loaded.entities

    def origin(kind: str, entity_id: str) -> str:
        return loaded.origin[(kind, entity_id)]

    for sid, source in e["sources"].items():
        if (
            source.kind == "seed"
            and e["seed_concepts"]
            and source.file not in {c.file for c in e["seed_concepts"].values()}
        ):
            problems.add(
                origin("sources", sid),
                sid,
                "file",
                f"seed file {source.file!r} is not in {SEED_COVERAGE_FILE}",
            )

    for cid, cond in e["conditions"].items():
        name = origin("conditions", cid)
        refs.sourced(name, cid, cond)
        refs.check(name, cid, "likelihoods", "findings", cond.likelihoods)
        for fid, lik in cond.likelihoods.items():
            refs.check(name, cid, f"likelihoods.{fid}.sources", "sources", lik.sources)
        for i, mod in enumerate(cond.prior_modifiers):
            refs.check(name, cid, f"prior_modifiers.{i}.if_present", "findings", mod.if_present)
            refs.check(name, cid, f"prior_modifiers.{i}.sources", "sources", mod.sources)
            _age_bounds(problems, name, cid, f"prior_modifiers.{i}", mod.age_min, mod.age_max)
        for i, esc in enumerate(cond.escalations):
            refs.check(name, cid, f"escalations.{i}.if_present", "findings", esc.if_present)
            refs.check(name, cid, f"escalations.{i}.sources", "sources", esc.sources)
        refs.check(name, cid, "first_line_care", "care", cond.first_line_care)
        refs.check(name, cid, "favoured_exercises", "exercises", cond.favoured_exercises)
        for care_id in cond.first_line_care:
            care = e["care"].get(care_id)
            if care is not None and any(c.condition == cid for c in care.contraindications):
                problems.add(
                    name, cid, "first_line_care", f"{care_id!r} lists this condition as a contraindication"
                )
        for ex_id in cond.favoured_exercises:
            ex = e["exercises"].get(ex_id)
            if ex is not None and any(f.condition == cid for f in ex.forbids):
                problems.add(name, cid, "favoured_exercises", f"exercise {ex_id!r} forbids this condition")

    for rid, rule in e["red_flags"].items():
        name = origin("red_flags", rid)
        refs.sourced(name, rid, rule)
        refs.check(name, rid, "when.all_of", "findings", rule.when.all_of)
        for i, group in enumerate(rule.when.any_of):
            refs.check(name, rid, f"when.any_of.{i}", "findings", group)
        refs.check(name, rid, "when.none_of", "findings", rule.when.none_of)
        refs.check(name, rid, "suspects", "conditions", rule.suspects)
        _age_bounds(problems, name, rid, "when", rule.when.age_min, rule.when.age_max)

    for kid, care in e["care"].items():
        name = origin("care", kid)
        refs.sourced(name, kid, care)
        refs.check(name, kid, "indications", "conditions", care.indications)
        refs.check(
            name, kid, "contraindications", "conditions", [c.condition for c in care.contraindications]
        )
        both = set(care.indications) & {c.condition for c in care.contraindications}
        for cid in sorted(both):
            problems.add(name, kid, "indications", f"{cid!r} is both an indication and a contraindication")

    for xid, ex in e["exercises"].items():
        name = origin("exercises", xid)
        refs.sourced(name, xid, ex)
        refs.check(name, xid, "favours", "conditions", ex.favours)
        refs.check(name, xid, "forbids", "conditions", [f.condition for f in ex.forbids])
        for cid in sorted(set(ex.favours) & {f.condition for f in ex.forbids}):
            problems.add(name, xid, "favours", f"{cid!r} is both favoured and forbidden")

    for rid, corr in e["corrections"].items():
        refs.sourced(origin("corrections", rid), rid, corr)

    if return_to_run is not None:
        refs.sourced(RETURN_TO_RUN_FILE, return_to_run.id, return_to_run)
        for where, keys in (
            ("entry_criteria", return_to_run.entry_criteria),
            ("max_pain_to_advance", return_to_run.max_pain_to_advance),
        ):
            for key in keys:
                if key not in RETURN_TO_RUN_GROUPS:
                    problems.add(
                        RETURN_TO_RUN_FILE,
                        return_to_run.id,
                        where,
                        f"unknown return_to_run_group {key!r} "
                        f"(expected one of {sorted(RETURN_TO_RUN_GROUPS)})",
                    )


def _age_bounds(problems: _Problems, name: str, eid: str, where: str, lo: int | None, hi: int | None) -> None:
    if lo is not None and hi is not None and lo > hi:
        problems.add(name, eid, f"{where}.age_min", f"age_min {lo} is greater than age_max {hi}")
