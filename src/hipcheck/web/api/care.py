"""Care endpoints of one assessment: the plan, the pain diary (CRUD) and today's progress decision."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, status
from pydantic import BaseModel, ConfigDict, Field

from hipcheck import services
from hipcheck.care.diary import DiaryEntry, Pain
from hipcheck.care.models import PlanOptions, ProgressDecision
from hipcheck.errors import NotFound
from hipcheck.services import StoredPlan
from hipcheck.web.deps import ModelDep, StoreDep

router = APIRouter(prefix="/assessments/{assessment_id}", tags=["care plan and diary"])

AssessmentId = Annotated[str, Path(description="the assessment's id", max_length=64)]
Day = Annotated[dt.date, Path(description="the diary day, YYYY-MM-DD")]


class DiaryChanges(BaseModel):
    """Fields of a diary entry to change; the day itself cannot change."""

    model_config = ConfigDict(extra="forbid")

    pain_rest: Pain | None = None
    pain_during: Pain | None = None
    pain_after: Pain | None = None
    pain_next_morning: Pain | None = None
    morning_stiffness_minutes: int | None = Field(default=None, ge=0, le=1440)
    run_minutes: float | None = Field(default=None, ge=0.0, le=1440.0)
    exercises_done: list[str] | None = Field(default=None, max_length=50)
    new_red_flags: list[str] | None = Field(default=None, max_length=50)
    notes: str | None = Field(default=None, max_length=2000)


@router.get("/plan", response_model=StoredPlan, summary="The current care plan (made with defaults if none)")
def get_plan(assessment_id: AssessmentId, store: StoreDep, model: ModelDep) -> StoredPlan:
    return services.current_plan(uow=store, model=model, assessment_id=assessment_id)


@router.post(
    "/plan",
    response_model=StoredPlan,
    status_code=status.HTTP_201_CREATED,
    summary="Make a new care plan with these options (equipment, days a week, days since onset)",
)
def make_plan(
    assessment_id: AssessmentId, options: PlanOptions, store: StoreDep, model: ModelDep
) -> StoredPlan:
    return services.plan(uow=store, model=model, assessment_id=assessment_id, options=options)


@router.get("/progress", response_model=ProgressDecision, summary="Today's level and why, from the diary")
def get_progress(assessment_id: AssessmentId, store: StoreDep, model: ModelDep) -> ProgressDecision:
    return services.progress(uow=store, model=model, assessment_id=assessment_id)


@router.get("/diary", response_model=list[DiaryEntry], summary="The pain diary, oldest day first")
def list_diary(assessment_id: AssessmentId, store: StoreDep) -> list[DiaryEntry]:
    return services.list_diary(uow=store, assessment_id=assessment_id)


@router.post(
    "/diary",
    response_model=DiaryEntry,
    status_code=status.HTTP_201_CREATED,
    summary="Add a day to the diary (409 if that day already has an entry)",
)
def add_diary(assessment_id: AssessmentId, entry: DiaryEntry, store: StoreDep, model: ModelDep) -> DiaryEntry:
    return services.add_diary_entry(uow=store, model=model, assessment_id=assessment_id, entry=entry)


@router.get("/diary/{day}", response_model=DiaryEntry, summary="One diary day")
def get_diary(assessment_id: AssessmentId, day: Day, store: StoreDep) -> DiaryEntry:
    for entry in services.list_diary(uow=store, assessment_id=assessment_id):
        if entry.day == day:
            return entry
    raise NotFound(f"no diary entry on {day.isoformat()} for assessment {assessment_id!r}", field="day")


@router.patch("/diary/{day}", response_model=DiaryEntry, summary="Change fields of one diary day")
def edit_diary(
    assessment_id: AssessmentId, day: Day, changes: DiaryChanges, store: StoreDep, model: ModelDep
) -> DiaryEntry:
    return services.edit_diary_entry(
        uow=store,
        model=model,
        assessment_id=assessment_id,
        day=day,
        changes=changes.model_dump(exclude_unset=True),
    )
