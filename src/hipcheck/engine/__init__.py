"""The reasoning engine: evidence in, triage + ranked causes with reasons + next question out.

Pure: no I/O, no globals. Compile the knowledge base once with `compile_model(kb)`, then call
`assess(model, evidence)` after every answer.
"""

from __future__ import annotations

import numpy as np

from hipcheck.engine.inference import contributions, posterior, prior_for
from hipcheck.engine.model import CompiledModel, EngineParams, compile_model
from hipcheck.engine.questions import plan_next
from hipcheck.engine.result import AssessmentResult, Evidence
from hipcheck.engine.triage import decide_triage

__all__ = ["CompiledModel", "EngineParams", "assess", "compile_model", "count_questions"]


def count_questions(model: CompiledModel, evidence: Evidence) -> int:
    """How many screens the answers took: findings sharing an ask_group (or the red-flag and
    location screens without one) count once."""
    count_key = model.count_key
    return len({count_key[f] for f in evidence.answers if f in count_key})


def assess(
    model: CompiledModel, evidence: Evidence, *, questions_asked: int | None = None
) -> AssessmentResult:
    """Triage, every condition ranked with its reasons, and the next question (or why to stop).

    `questions_asked` is the number of questions (screens) asked so far; by default it is counted
    from the answers with `count_questions`.
    """
    post = posterior(model, evidence)
    triage = decide_triage(model, evidence, post)

    clipped = post.probability.clip(0.0, 1.0)
    probability: list[float] = clipped.tolist()
    prior = prior_for(model, evidence).prior_list
    reasons = contributions(model, evidence, post.index)
    # Most likely first, ties by condition id.
    order: list[int] = np.lexsort((model.condition_rank, -clipped)).tolist()
    fixed = model.score_fields
    # The whole result is validated in one call (nested models are built by pydantic-core), which
    # is quicker than one ConditionScore(...) per condition; the values are the same.
    scores = [
        {
            "id": fixed[ci][0],
            "name": fixed[ci][1],
            "probability": probability[ci],
            "prior": prior[ci],
            "must_not_miss": fixed[ci][2],
            "supporting": reasons[ci][0],
            "conflicting": reasons[ci][1],
        }
        for ci in order
    ]

    asked = count_questions(model, evidence) if questions_asked is None else questions_asked
    plan = plan_next(model, evidence, post.probability, triage.level, asked)
    return AssessmentResult.model_validate(
        {
            "triage": triage,
            "conditions": scores,
            "next_question": plan.next_question,
            "should_stop": plan.should_stop,
            "stop_reason": plan.stop_reason,
            "questions_answered": asked,
        }
    )
