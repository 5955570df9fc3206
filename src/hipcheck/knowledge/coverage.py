"""Seed coverage: which knowledge-base entities cover each concept the seed articles state.

A concept is covered when some condition, red flag, care component, exercise or the return-to-run
plan lists it in ``seed_refs``, or when a correction names it (the seed's claim is wrong and the
correction says what is right). Pure: works on a loaded KnowledgeBase.
"""

from __future__ import annotations

from dataclasses import dataclass

from hipcheck.knowledge.schema import KnowledgeBase


@dataclass(frozen=True, order=True)
class Coverer:
    """One entity that covers a seed concept."""

    kind: str
    id: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"


def seed_coverage(kb: KnowledgeBase) -> dict[str, list[Coverer]]:
    """Every seed concept id (in seed_coverage.yaml order) -> the entities covering it, sorted."""
    covering: dict[str, set[Coverer]] = {cid: set() for cid in kb.seed_concepts}
    entities: list[tuple[str, str, list[str]]] = []
    entities += [("condition", c.id, c.seed_refs) for c in kb.conditions.values()]
    entities += [("red_flag", r.id, r.seed_refs) for r in kb.red_flags.values()]
    entities += [("care", c.id, c.seed_refs) for c in kb.care.values()]
    entities += [("exercise", e.id, e.seed_refs) for e in kb.exercises.values()]
    entities += [("correction", c.id, c.seed_refs) for c in kb.corrections.values()]
    entities.append(("return_to_run", kb.return_to_run.id, kb.return_to_run.seed_refs))
    for kind, entity_id, refs in entities:
        for ref in refs:
            # The loader rejects unknown concept ids; setdefault keeps this total on any KB.
            covering.setdefault(ref, set()).add(Coverer(kind, entity_id))
    return {cid: sorted(found) for cid, found in covering.items()}


def uncovered(kb: KnowledgeBase) -> list[str]:
    """Seed concept ids that no entity covers, in seed_coverage.yaml order."""
    return [cid for cid, found in seed_coverage(kb).items() if not found]
