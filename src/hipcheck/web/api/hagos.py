"""HAGOS endpoints: the questionnaire itself, and scored responses stored per assessment over time."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, status
from pydantic import BaseModel, ConfigDict, Field

from hipcheck import services
from hipcheck.knowledge.hagos_data import load_hagos
from hipcheck.knowledge.schema import Hagos
from hipcheck.services import HagosRecord
from hipcheck.web.deps import StoreDep

router = APIRouter(tags=["HAGOS"])

AssessmentId = Annotated[str, Path(description="the assessment's id", max_length=64)]
ItemValue = Annotated[int, Field(ge=0, le=4, strict=True)]


class HagosSubmission(BaseModel):
    """Answers by item id (S1..Q5): 0 = no problem ... 4 = extreme; null or absent = not answered."""

    model_config = ConfigDict(extra="forbid")

    day: dt.date | None = Field(default=None, description="the day it was filled in; today if absent")
    responses: dict[Annotated[str, Field(max_length=8)], ItemValue | None] = Field(max_length=37)


@router.get("/hagos/questionnaire", response_model=Hagos, summary="The HAGOS questionnaire (37 items)")
def questionnaire() -> Hagos:
    return load_hagos()


@router.post(
    "/assessments/{assessment_id}/hagos",
    response_model=HagosRecord,
    status_code=status.HTTP_201_CREATED,
    summary="Score and store a filled-in HAGOS questionnaire",
)
def submit(assessment_id: AssessmentId, body: HagosSubmission, store: StoreDep) -> HagosRecord:
    return services.submit_hagos(
        uow=store, responses=body.responses, day=body.day, assessment_id=assessment_id
    )


@router.get(
    "/assessments/{assessment_id}/hagos",
    response_model=list[HagosRecord],
    summary="Stored HAGOS scores of an assessment, oldest first",
)
def history(assessment_id: AssessmentId, store: StoreDep) -> list[HagosRecord]:
    return services.list_hagos(uow=store, assessment_id=assessment_id)
