"""Assessment endpoints: start, answer (one or a screen of answers), back, state, list, delete.

The answer endpoints are the hot path of a client app, so their state is lean by default (the
leading conditions with their strongest reasons, plus every condition that sets the triage) and
is written as JSON straight from the pydantic model: returning a `Response` skips FastAPI's
second validation and encoding of an already-valid model. The schema is still documented with
`response_model`. GET and start return every condition unless asked for fewer.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from hipcheck import services
from hipcheck.engine.model import CompiledModel
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
        "strongest first (the engine keeps at most 6 of each)",
    ),
]
Conditions = Annotated[
    int,
    Query(
        ge=1,
        le=100,
        description="how many of the most likely conditions to list; every must-not-miss condition "
        "at or above its safety threshold, and every condition named in the triage, is listed too",
    ),
]
DEFAULT_REASONS = 5
ALL_CONDITIONS = 100
STEP_REASONS = 3
STEP_CONDITIONS = 10


def _kept(state: AssessmentState, model: CompiledModel, limit: int) -> set[str]:
    """Condition ids that must stay in a shortened list, so nothing safety-relevant is hidden."""
    triage_ids = {r.id for r in state.result.triage.reasons}
    kept = {c.id for c in state.result.conditions[:limit]}
    for c in state.result.conditions[limit:]:
        i = model.condition_index.get(c.id)
        above = i is not None and bool(model.must_not_miss[i]) and c.probability >= model.safety_threshold[i]
        if above or c.id in triage_ids:
            kept.add(c.id)
    return kept


def _view(state: AssessmentState, model: CompiledModel, reasons: int, conditions: int) -> AssessmentState:
    """The state with the conditions and each condition's reasons cut as asked."""
    listed = state.result.conditions
    if len(listed) > conditions:
        kept = _kept(state, model, conditions)
        listed = [c for c in listed if c.id in kept]
    cut = [
        c
        if len(c.supporting) <= reasons and len(c.conflicting) <= reasons
        else c.model_copy(
            update={"supporting": c.supporting[:reasons], "conflicting": c.conflicting[:reasons]}
        )
        for c in listed
    ]
    result = state.result.model_copy(update={"conditions": cut})
    return state.model_copy(update={"result": result})


def _json(state: AssessmentState, status_code: int = status.HTTP_200_OK) -> Response:
    return Response(content=state.model_dump_json(), media_type="application/json", status_code=status_code)


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
    body: StartAssessment,
    store: StoreDep,
    model: ModelDep,
    reasons: Reasons = DEFAULT_REASONS,
    conditions: Conditions = ALL_CONDITIONS,
) -> Response:
    state = services.start_assessment(uow=store, model=model, age=body.age, sex=body.sex)
    return _json(_view(state, model, reasons, conditions), status.HTTP_201_CREATED)


@router.get("", response_model=list[AssessmentSummary], summary="Stored assessments, newest first")
def list_all(store: StoreDep) -> list[AssessmentSummary]:
    return services.list_assessments(uow=store, limit=200)


@router.get(
    "/{assessment_id}",
    response_model=AssessmentState,
    summary="An assessment: answers, triage, ranked causes and the next question",
)
def get(
    assessment_id: AssessmentId,
    store: StoreDep,
    model: ModelDep,
    reasons: Reasons = DEFAULT_REASONS,
    conditions: Conditions = ALL_CONDITIONS,
) -> Response:
    state = services.get_assessment(uow=store, model=model, assessment_id=assessment_id)
    return _json(_view(state, model, reasons, conditions))


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
    reasons: Reasons = STEP_REASONS,
    conditions: Conditions = STEP_CONDITIONS,
) -> Response:
    state = services.answer(
        uow=store, model=model, assessment_id=assessment_id, finding_id=body.finding_id, value=body.answer
    )
    return _json(_view(state, model, reasons, conditions))


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
    reasons: Reasons = STEP_REASONS,
    conditions: Conditions = STEP_CONDITIONS,
) -> Response:
    state = services.answer_many(uow=store, model=model, assessment_id=assessment_id, answers=body.answers)
    return _json(_view(state, model, reasons, conditions))


@router.post(
    "/{assessment_id}/back",
    response_model=AssessmentState,
    summary="Undo the last step of answers (409 when there is none)",
)
def back(
    assessment_id: AssessmentId,
    store: StoreDep,
    model: ModelDep,
    reasons: Reasons = STEP_REASONS,
    conditions: Conditions = STEP_CONDITIONS,
) -> Response:
    state = services.back(uow=store, model=model, assessment_id=assessment_id)
    return _json(_view(state, model, reasons, conditions))
