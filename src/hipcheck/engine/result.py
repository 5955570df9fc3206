"""Value objects the engine takes and returns: evidence in, triage + ranking + next question out.

These are the contract between the engine and every adapter (CLI, web, store, care plan):
plain pydantic models that serialise to JSON unchanged.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hipcheck.knowledge.schema import Sex, TriageLevel

Answer = Literal["yes", "no", "unknown"]


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Evidence(Frozen):
    """What the runner has said: demographics and finding id -> answer (missing = unknown)."""

    age: int = Field(ge=10, le=100)
    sex: Sex
    answers: dict[str, Answer] = Field(default_factory=dict)


class Contribution(Frozen):
    """How one answer moved one condition: log likelihood ratio (>0 supports, <0 conflicts)."""

    finding_id: str
    answer: Answer
    log_lr: float
    text: str = Field(description="plain words, e.g. 'outer-hip pain when lying on that side'")


class ConditionScore(Frozen):
    id: str
    name: str
    probability: float = Field(ge=0.0, le=1.0)
    prior: float = Field(ge=0.0, le=1.0, description="after age/sex modifiers, before answers")
    must_not_miss: bool = False
    supporting: list[Contribution] = Field(default_factory=list)
    conflicting: list[Contribution] = Field(default_factory=list)


class TriageReason(Frozen):
    kind: Literal["red_flag", "must_not_miss", "condition_default", "escalation"]
    id: str = Field(description="rule or condition id that set or raised the level")
    level: TriageLevel
    text: str


class Triage(Frozen):
    level: TriageLevel
    instruction: str
    reasons: list[TriageReason] = Field(default_factory=list)


class NextQuestion(Frozen):
    finding_ids: list[str] = Field(min_length=1, description="one finding, or a group asked together")
    reason: str
    expected_gain: float = 0.0


class AssessmentResult(Frozen):
    triage: Triage
    conditions: list[ConditionScore] = Field(description="all conditions, most likely first")
    next_question: NextQuestion | None
    should_stop: bool
    stop_reason: str | None = None
    questions_answered: int = 0
