"""The reasoning engine: evidence in, triage + ranked causes with reasons + next question out.

Pure: no I/O, no globals. Compile the knowledge base once with `compile_model(kb)`, then call
`assess(model, evidence)` after every answer.
"""

from __future__ import annotations

import numpy as np

from hipcheck.engine.inference import contributions, posterior
from hipcheck.engine.model import CompiledModel, EngineParams, compile_model
from hipcheck.engine.questions import plan_next
from hipcheck.engine.result import AssessmentResult, ConditionScore, Evidence
from hipcheck.engine.triage import decide_triage

__all__ = ["CompiledModel", "EngineParams", "assess", "compile_model", "count_questions"]


def count_questions(model: CompiledModel, evidence: Evidence) -> int:
    """How many screens the answers took: findings sharing an ask_group (or the red-flag and
    location screens without one) count once."""
    screens: set[str] = set()
    for finding_id in evidence.answers:
        finding = model.kb.findings.get(finding_id)
        if finding is None:
            continue
        if finding.ask_group:
            screens.add("group:" + finding.ask_group)
        elif finding.group in ("red_flag", "location"):
            screens.add("group:" + finding.group)
        else:
            screens.add(finding_id)
    return len(screens)


def assess(
    model: CompiledModel, evidence: Evidence, *, questions_asked: int | None = None
) -> AssessmentResult:
    """Triage, every condition ranked with its reasons, and the next question (or why to stop).

    `questions_asked` is the number of questions (screens) asked so far; by default it is counted
    from the answers with `count_questions`.
    """
    post = posterior(model, evidence)
    triage = decide_triage(model, evidence, post)

    probability = np.clip(post.probability, 0.0, 1.0).tolist()
    prior = np.clip(post.prior, 0.0, 1.0).tolist()
    reasons = contributions(model, evidence, post.index)
    order = sorted(range(len(model.condition_ids)), key=lambda i: (-probability[i], model.condition_ids[i]))
    scores: list[ConditionScore] = []
    for ci in order:
        cond = model.condition(ci)
        supporting, conflicting = reasons[ci]
        scores.append(
            ConditionScore(
                id=cond.id,
                name=cond.name,
                probability=probability[ci],
                prior=prior[ci],
                must_not_miss=cond.must_not_miss,
                supporting=supporting,
                conflicting=conflicting,
            )
        )

    asked = count_questions(model, evidence) if questions_asked is None else questions_asked
    plan = plan_next(model, evidence, post.probability, triage.level, asked)
    return AssessmentResult(
        triage=triage,
        conditions=scores,
        next_question=plan.next_question,
        should_stop=plan.should_stop,
        stop_reason=plan.stop_reason,
        questions_answered=asked,
    )
