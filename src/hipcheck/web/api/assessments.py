"""Assessment endpoints: start, answer (one or a screen of answers), back, state, list, delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from hipcheck import services
from hipcheck.engine.result import Answer
from hipcheck.knowledge.schema import Sex
from hipcheck.services import AssessmentState, AssessmentSummary
from hipcheck.web.deps import ModelDep, StoreDep

router = APIRouter(prefix="/assessments", tags=["assessments"])

AssessmentId = Annotated[str, Path(description="the assessment's id", max_length=64)]
FindingId = Annotated[str, Field(min_length=1, max_length=64, description="a finding id from /findings")]


Reasons = Annotated[
    int,
    Query(
        ge=0,
        le=100,
        description="how many supporting and how many conflicting answers to list per condition, "
        "strongest first (the full lists grow with every answer)",
    ),
]
DEFAULT_REASONS = 5


def _view(state: AssessmentState, reasons: int) -> AssessmentState:
    """The state with each condition's reasons cut to the strongest `reasons` of each kind."""
    conditions = [
        c
        if len(c.supporting) <= reasons and len(c.conflicting) <= reasons
        else c.model_copy(
            update={"supporting": c.supporting[:reasons], "conflicting": c.conflicting[:reasons]}
        )
        for c in state.result.conditions
    ]
    result = state.result.model_copy(update={"conditions": conditions})
    return state.model_copy(update={"result": result})


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StartAssessment(Body):
    age: int = Field(ge=10, le=100, strict=True, description="age in years")
    sex: Sex


class PostAnswer(Body):
    finding_id: FindingId
    answer: Answer = Field(description="yes, no or unknown (don't know)")


class PostAnswers(Body):
    """Answers given together on one screen; `back` undoes them together."""

    answers: dict[FindingId, Answer] = Field(min_length=1, max_length=100)


@router.post(
    "",
    response_model=AssessmentState,
    status_code=status.HTTP_201_CREATED,
    summary="Start an assessment; the result holds the first question",
)
def start(
    body: StartAssessment, store: StoreDep, model: ModelDep, reasons: Reasons = DEFAULT_REASONS
) -> AssessmentState:
    return _view(services.start_assessment(uow=store, model=model, age=body.age, sex=body.sex), reasons)


@router.get("", response_model=list[AssessmentSummary], summary="Stored assessments, newest first")
def list_all(store: StoreDep) -> list[AssessmentSummary]:
    return services.list_assessments(uow=store, limit=200)


@router.get(
    "/{assessment_id}",
    response_model=AssessmentState,
    summary="An assessment: answers, triage, ranked causes and the next question",
)
def get(assessment_id: AssessmentId, store: StoreDep, reasons: Reasons = DEFAULT_REASONS) -> AssessmentState:
    return _view(services.get_assessment(uow=store, assessment_id=assessment_id), reasons)


@router.delete(
    "/{assessment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Delete an assessment with its answers, plans, diary and HAGOS scores",
)
def delete(assessment_id: AssessmentId, store: StoreDep) -> Response:
    services.delete_assessment(uow=store, assessment_id=assessment_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{assessment_id}/answers",
    response_model=AssessmentState,
    summary="Answer one question; returns the new triage, ranking and next question",
)
def post_answer(
    assessment_id: AssessmentId,
    body: PostAnswer,
    store: StoreDep,
    model: ModelDep,
    reasons: Reasons = DEFAULT_REASONS,
) -> AssessmentState:
    state = services.answer(
        uow=store, model=model, assessment_id=assessment_id, finding_id=body.finding_id, value=body.answer
    )
    return _view(state, reasons)


@router.post(
    "/{assessment_id}/answers/batch",
    response_model=AssessmentState,
    summary="Answer a grouped question (several findings on one screen) as one step",
)
def post_answers(
    assessment_id: AssessmentId,
    body: PostAnswers,
    store: StoreDep,
    model: ModelDep,
    reasons: Reasons = DEFAULT_REASONS,
) -> AssessmentState:
    state = services.answer_many(uow=store, model=model, assessment_id=assessment_id, answers=body.answers)
    return _view(state, reasons)


@router.post(
    "/{assessment_id}/back",
    response_model=AssessmentState,
    summary="Undo the last step of answers (409 when there is none)",
)
def back(
    assessment_id: AssessmentId, store: StoreDep, model: ModelDep, reasons: Reasons = DEFAULT_REASONS
) -> AssessmentState:
    return _view(services.back(uow=store, model=model, assessment_id=assessment_id), reasons)
