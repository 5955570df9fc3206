"""Assessment pages: start, one question (or one grouped question) per screen, back, emergency
screen, result, answers, history. Every form posts and redirects (303) back to a GET page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from hipcheck import services
from hipcheck.config import Settings
from hipcheck.engine.result import AssessmentResult, ConditionScore
from hipcheck.errors import InvalidInput
from hipcheck.knowledge.schema import Finding, KnowledgeBase, TriageLevel
from hipcheck.services import AssessmentState
from hipcheck.store.unit_of_work import Store
from hipcheck.training.metrics import ProposedAnswer
from hipcheck.web.deps import ModelDep, SettingsDep, StoreDep
from hipcheck.web.render import render

router = APIRouter(prefix="/assessments")

MAX_QUESTIONS = 25
TOP_CAUSES_MIN = 3
TOP_CAUSES_MAX = 8
TOP_CAUSE_PROBABILITY = 0.02

# Screen titles for grouped questions: structural wording, not medical content.
GROUP_TITLES = {
    "red_flag": "First, a few safety questions. Do any of these apply to you?",
    "location": "Where is the pain?",
    "character": "What does the pain feel like?",
    "onset": "How did it start?",
    "training": "About your training",
    "history": "About your health history",
    "aggravating": "What makes it worse?",
    "self_test": "A few gentle self-checks",
}


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def split_causes(conditions: list[ConditionScore]) -> tuple[list[ConditionScore], list[ConditionScore]]:
    """The causes worth showing first, and the rest (behind a 'less likely' disclosure)."""
    top = [c for c in conditions[:TOP_CAUSES_MAX] if c.probability >= TOP_CAUSE_PROBABILITY]
    if len(top) < TOP_CAUSES_MIN:
        top = conditions[:TOP_CAUSES_MIN]
    return top, conditions[len(top) :]


def _question_context(kb: KnowledgeBase, state: AssessmentState) -> dict[str, Any]:
    result = state.result
    assert result.next_question is not None
    findings: list[Finding] = [kb.findings[f] for f in result.next_question.finding_ids if f in kb.findings]
    groups = {f.group for f in findings}
    group = next(iter(groups)) if len(groups) == 1 else ""
    return {
        "assessment_id": state.id,
        "findings": findings,
        "red_flag_screen": bool(findings) and all(f.group == "red_flag" for f in findings),
        "group_title": GROUP_TITLES.get(group, "Do any of these apply to you?"),
        "reason": result.next_question.reason,
        "answered": result.questions_answered,
        "max_questions": MAX_QUESTIONS,
        "triage": result.triage,
    }


def _is_emergency(result: AssessmentResult) -> bool:
    return result.triage.level == TriageLevel.emergency


@router.post("")
async def start(request: Request, store: StoreDep, model: ModelDep) -> Response:
    form = await request.form()
    raw_age, sex = str(form.get("age", "")).strip(), str(form.get("sex", "")).strip()
    errors: dict[str, str] = {}
    age = 0
    try:
        age = int(raw_age)
        if not 10 <= age <= 100:
            errors["age"] = "Enter an age between 10 and 100."
    except ValueError:
        errors["age"] = "Enter your age in whole years, for example 34."
    if sex not in ("female", "male"):
        errors["sex"] = "Choose female or male."
    if errors:
        return render(
            request, "start.html", {"errors": errors, "values": {"age": raw_age, "sex": sex}}, status_code=422
        )
    state = await run_in_threadpool(services.start_assessment, uow=store, model=model, age=age, sex=sex)
    return see_other(f"/assessments/{state.id}")


@router.get("")
def history(request: Request, store: StoreDep, model: ModelDep) -> Response:
    items = services.list_assessments(uow=store, limit=200)
    names = {c.id: c.name for c in model.kb.conditions.values()}
    return render(request, "assessment/history.html", {"items": items, "top_names": names})


def _suggestions(store: Store, settings: Settings, findings: list[Finding]) -> dict[str, ProposedAnswer]:
    """Answers the runner's training log proposes for training questions on this screen."""
    if not any(f.group == "training" for f in findings):
        return {}
    from hipcheck.web.pages.training import summary_for

    _, proposals = summary_for(store, settings.units)
    ids = {f.id for f in findings}
    return {p.finding_id: p for p in proposals if p.finding_id in ids}


@router.get("/{assessment_id}")
def question(
    request: Request, assessment_id: str, store: StoreDep, model: ModelDep, settings: SettingsDep
) -> Response:
    state = services.get_assessment(uow=store, model=model, assessment_id=assessment_id)
    if _is_emergency(state.result):
        return render(
            request,
            "assessment/emergency.html",
            {
                "assessment_id": state.id,
                "triage": state.result.triage,
                # only the reasons that set this level, not the milder ones beside them
                "reasons": [r for r in state.result.triage.reasons if r.level == TriageLevel.emergency],
                "answered": len(state.answers),
            },
        )
    if state.result.should_stop or state.result.next_question is None:
        return see_other(f"/assessments/{state.id}/result")
    context = _question_context(model.kb, state)
    context["suggestions"] = _suggestions(store, settings, context["findings"])
    return render(request, "assessment/question.html", context)


@router.post("/{assessment_id}/answers")
async def post_answers(request: Request, assessment_id: str, store: StoreDep, model: ModelDep) -> Response:
    form = await request.form()
    answers: dict[str, str] = {}
    finding_id = form.get("finding_id")
    if isinstance(finding_id, str) and finding_id:
        answers[finding_id] = str(form.get("answer", ""))
    for key, value in form.multi_items():
        if key.startswith("answer_") and isinstance(value, str):
            answers[key.removeprefix("answer_")] = value
    if not answers:
        raise InvalidInput("choose Yes, No or Don't know", field="answer")
    for fid, value in answers.items():
        if value not in services.ANSWER_VALUES:
            raise InvalidInput(f"the answer to {fid} must be yes, no or don't know", field=fid)
    await run_in_threadpool(
        services.answer_many, uow=store, model=model, assessment_id=assessment_id, answers=answers
    )
    return see_other(f"/assessments/{assessment_id}")


@router.post("/{assessment_id}/back")
def back(assessment_id: str, store: StoreDep, model: ModelDep) -> Response:
    services.back(uow=store, model=model, assessment_id=assessment_id)
    return see_other(f"/assessments/{assessment_id}")


@router.get("/{assessment_id}/result")
def result(request: Request, assessment_id: str, store: StoreDep, model: ModelDep) -> Response:
    state = services.get_assessment(uow=store, model=model, assessment_id=assessment_id)
    stored = services.current_plan(uow=store, model=model, assessment_id=assessment_id)
    top, rest = split_causes(state.result.conditions)
    instruction = state.result.triage.instruction.strip()
    care_now = [] if stored.plan.now_only else [c for c in stored.plan.symptom_care if c.offered][:3]
    return render(
        request,
        "assessment/result.html",
        {
            "assessment": state,
            "assessment_id": state.id,
            "result": state.result,
            "answered": len(state.answers),
            "finished": state.result.should_stop,
            "top_causes": top,
            "other_causes": rest,
            # the triage banner already says the instruction: do not repeat it
            "now_items": [i for i in stored.plan.now if i.text.strip() != instruction],
            "care_now": care_now,
        },
    )


@router.get("/{assessment_id}/answers")
def answers(request: Request, assessment_id: str, store: StoreDep, model: ModelDep) -> Response:
    state = services.get_assessment(uow=store, model=model, assessment_id=assessment_id)
    rows = [(model.kb.findings.get(a.finding_id), a) for a in state.answers]
    return render(
        request,
        "assessment/answers.html",
        {"assessment": state, "assessment_id": state.id, "rows": rows, "answered": len(state.answers)},
    )


@router.post("/{assessment_id}/delete")
def delete(assessment_id: str, store: StoreDep) -> Response:
    services.delete_assessment(uow=store, assessment_id=assessment_id)
    return see_other("/assessments")
