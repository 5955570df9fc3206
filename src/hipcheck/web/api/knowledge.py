"""Read-only knowledge base endpoints: conditions, findings, red flags, exercises, care, sources."""

from __future__ import annotations

from typing import TypeVar

from fastapi import APIRouter, Path

from hipcheck.errors import NotFound
from hipcheck.knowledge.schema import CareComponent, Condition, Exercise, Finding, RedFlagRule, Source
from hipcheck.web.deps import KBDep

router = APIRouter(tags=["knowledge base"])

T = TypeVar("T")
IdPath = Path(description="the entity's id", max_length=64)


def one_of(items: dict[str, T], kind: str, entity_id: str, field: str = "id") -> T:
    """The entity with this id, or NotFound naming the kind and the id (the API's and the pages')."""
    try:
        return items[entity_id]
    except KeyError:
        raise NotFound(f"there is no {kind} with id {entity_id!r}", field=field) from None


@router.get("/conditions", response_model=list[Condition], summary="All conditions")
def list_conditions(kb: KBDep) -> list[Condition]:
    return list(kb.conditions.values())


@router.get("/conditions/{id}", response_model=Condition, summary="One condition")
def get_condition(kb: KBDep, id: str = IdPath) -> Condition:
    return one_of(kb.conditions, "condition", id)


@router.get("/findings", response_model=list[Finding], summary="All findings (questions)")
def list_findings(kb: KBDep) -> list[Finding]:
    return list(kb.findings.values())


@router.get("/findings/{id}", response_model=Finding, summary="One finding")
def get_finding(kb: KBDep, id: str = IdPath) -> Finding:
    return one_of(kb.findings, "finding", id)


@router.get("/red-flags", response_model=list[RedFlagRule], summary="All red-flag rules")
def list_red_flags(kb: KBDep) -> list[RedFlagRule]:
    return list(kb.red_flags.values())


@router.get("/exercises", response_model=list[Exercise], summary="All exercises and stretches")
def list_exercises(kb: KBDep) -> list[Exercise]:
    return list(kb.exercises.values())


@router.get("/exercises/{id}", response_model=Exercise, summary="One exercise")
def get_exercise(kb: KBDep, id: str = IdPath) -> Exercise:
    return one_of(kb.exercises, "exercise", id)


@router.get("/care", response_model=list[CareComponent], summary="All care components")
def list_care(kb: KBDep) -> list[CareComponent]:
    return list(kb.care.values())


@router.get("/sources", response_model=list[Source], summary="All sources")
def list_sources(kb: KBDep) -> list[Source]:
    return list(kb.sources.values())


@router.get("/sources/{id}", response_model=Source, summary="One source")
def get_source(kb: KBDep, id: str = IdPath) -> Source:
    return one_of(kb.sources, "source", id)
