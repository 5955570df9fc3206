"""Knowledge pages: every condition and exercise in plain words, with the sources behind them."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hipcheck.knowledge.schema import KnowledgeBase
from hipcheck.web.api.knowledge import one_of
from hipcheck.web.deps import KBDep
from hipcheck.web.render import render

router = APIRouter(prefix="/knowledge")


def _sources_for(kb: KnowledgeBase, ids: list[str]) -> list[object]:
    return [kb.sources[i] for i in ids if i in kb.sources]


@router.get("")
def knowledge_index(request: Request, kb: KBDep) -> Response:
    conditions = sorted(kb.conditions.values(), key=lambda c: c.name.lower())
    exercises = sorted(kb.exercises.values(), key=lambda e: e.name.lower())
    return render(request, "knowledge/index.html", {"conditions": conditions, "exercises": exercises})


@router.get("/conditions/{condition_id}")
def condition_page(request: Request, kb: KBDep, condition_id: str) -> Response:
    condition = one_of(kb.conditions, "condition", condition_id, field="condition_id")
    care = [kb.care[c] for c in condition.first_line_care if c in kb.care]
    exercises = [kb.exercises[e] for e in condition.favoured_exercises if e in kb.exercises]
    return render(
        request,
        "knowledge/condition.html",
        {
            "condition": condition,
            "care": care,
            "exercises": exercises,
            "sources": _sources_for(kb, condition.sources),
        },
    )


@router.get("/exercises/{exercise_id}")
def exercise_page(request: Request, kb: KBDep, exercise_id: str) -> Response:
    exercise = one_of(kb.exercises, "exercise", exercise_id, field="exercise_id")
    favours = [kb.conditions[c] for c in exercise.favours if c in kb.conditions]
    forbids = [(kb.conditions.get(f.condition), f.reason) for f in exercise.forbids]
    return render(
        request,
        "knowledge/exercise.html",
        {
            "exercise": exercise,
            "favours": favours,
            "forbids": forbids,
            "sources": _sources_for(kb, exercise.sources),
        },
    )


@router.get("/sources")
def sources_page(request: Request, kb: KBDep) -> Response:
    sources = sorted(kb.sources.values(), key=lambda s: s.id)
    return render(request, "knowledge/sources.html", {"sources": sources})
