"""Care endpoints of one assessment: the plan, the pain diary (CRUD) and today's progress decision."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Response, status
from pydantic import BaseModel, ConfigDict, Field

from hipcheck import services
from hipcheck.care.diary import DiaryEntry, Pain
from hipcheck.care.models import PlanOptions, ProgressDecision, TrainingNumbers
from hipcheck.errors import NotFound
from hipcheck.services import StoredPlan
from hipcheck.web.deps import ModelDep, StoreDep

router = APIRouter(prefix="/assessments/{assessment_id}", tags=["care plan and diary"])

AssessmentId = Annotated[str, Path(description="the assessment's id", max_length=64)]
Day = Annotated[dt.date, Path(description="the diary day, YYYY-MM-DD")]


# JSON booleans are not numbers: pydantic's lax mode would store `true` as pain 1. The ranges are
# the core models'; strictness (and refusing 1e999, which JSON parses as infinity) is the API's.
StrictPain = Annotated[Pain, Field(strict=True)]
StrictStiffness = Annotated[int, Field(ge=0, le=1440, strict=True)]
StrictMinutes = Annotated[float, Field(ge=0.0, le=1440.0, strict=True)]
StrictDistance = Annotated[float, Field(ge=0.0, strict=True, allow_inf_nan=False)]


class DiaryEntryBody(DiaryEntry):
    """A diary day as the API accepts it (numbers must be JSON numbers)."""

    pain_rest: StrictPain = Field(description="pain at rest today, 0-10")
    pain_during: StrictPain | None = Field(
        default=None, description="worst pain during running or the rehab exercises; null = no activity"
    )
    pain_after: StrictPain | None = Field(default=None, description="pain in the hours after the activity")
    pain_next_morning: StrictPain | None = Field(
        default=None, description="pain on getting up the following morning"
    )
    morning_stiffness_minutes: StrictStiffness | None = None
    run_minutes: StrictMinutes = 0.0


class TrainingNumbersBody(TrainingNumbers):
    weekly_distance_km: StrictDistance | None = None
    longest_recent_run_km: StrictDistance | None = None
    shoe_distance_km: StrictDistance | None = None


class PlanOptionsBody(PlanOptions):
    """Plan options as the API accepts them (numbers must be JSON numbers)."""

    days_per_week: Annotated[int, Field(ge=1, le=7, strict=True)] = Field(
        default=3, description="exercise sessions a week"
    )
    days_since_onset: Annotated[int, Field(ge=0, le=3650, strict=True)] | None = Field(
        default=None, description="days since the pain started (or last flared)"
    )
    training: TrainingNumbersBody | None = None


class DiaryChanges(BaseModel):
    """Fields of a diary entry to change; the day itself cannot change."""

    model_config = ConfigDict(extra="forbid")

    pain_rest: StrictPain | None = None
    pain_during: StrictPain | None = None
    pain_after: StrictPain | None = None
    pain_next_morning: StrictPain | None = None
    morning_stiffness_minutes: StrictStiffness | None = None
    run_minutes: StrictMinutes | None = None
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
    assessment_id: AssessmentId, options: PlanOptionsBody, store: StoreDep, model: ModelDep
) -> StoredPlan:
    plain = PlanOptions.model_validate(options.model_dump())
    return services.plan(uow=store, model=model, assessment_id=assessment_id, options=plain)


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
def add_diary(
    assessment_id: AssessmentId, entry: DiaryEntryBody, store: StoreDep, model: ModelDep
) -> DiaryEntry:
    plain = DiaryEntry.model_validate(entry.model_dump())
    return services.add_diary_entry(uow=store, model=model, assessment_id=assessment_id, entry=plain)


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


@router.delete(
    "/diary/{day}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Delete one diary day (404 if that day has no entry)",
)
def delete_diary(assessment_id: AssessmentId, day: Day, store: StoreDep) -> Response:
    services.delete_diary_entry(uow=store, assessment_id=assessment_id, day=day)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
