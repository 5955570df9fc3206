"""Value objects of the care room: plan options, the plan, progress decisions and HAGOS results.

These are the contract between `care` and every adapter (services, store, CLI, web, report):
plain frozen pydantic models that serialise to JSON unchanged. The diary entry lives in
`care.diary` beside its validation. Every text field that carries medical content is copied
from the knowledge base; the code itself only adds short structural labels.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hipcheck.knowledge.schema import Dose, HagosSubscaleId, PainMonitoring, Phase, Sex, TriageLevel

EXCLUSION_THRESHOLD = 0.05
"""A condition at or above this posterior probability is 'plausible': an exercise or care item
that any plausible condition forbids is left out of the plan (and listed as excluded)."""

Equipment = Literal["none", "band", "bench", "ball", "weight"]


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- input ---------------------------------------------------------------------------------


def _no_equipment() -> list[Equipment]:
    return ["none"]


class TrainingNumbers(Frozen):
    """Optional numbers from the runner's training history (provided by `training.metrics`)."""

    weekly_distance_km: float | None = Field(
        default=None, ge=0, description="usual weekly volume before the pain, to build back to"
    )
    longest_recent_run_km: float | None = Field(
        default=None, ge=0, description="longest run of the last 30 days before the pain"
    )
    shoe_name: str | None = Field(default=None, max_length=200, description="the shoe to check or retire")
    shoe_distance_km: float | None = Field(default=None, ge=0)


class PlanOptions(Frozen):
    """What the runner tells the plan generator beside the assessment."""

    equipment: list[Equipment] = Field(
        default_factory=_no_equipment,
        description="what is at hand; household items (chair, wall, step) are always assumed",
    )
    days_per_week: int = Field(default=3, ge=1, le=7, description="exercise sessions a week")
    days_since_onset: int | None = Field(
        default=None, ge=0, le=3650, description="days since the pain started (or last flared)"
    )
    phase: Phase | None = Field(
        default=None, description="override the phase; otherwise derived from days_since_onset"
    )
    training: TrainingNumbers | None = None
    age: int | None = Field(
        default=None, ge=10, le=100, description="to leave out red flags that cannot apply (e.g. child-only)"
    )
    sex: Sex | None = None


# --- the plan ------------------------------------------------------------------------------


class PlanItem(Frozen):
    """One recommendation: a care component, a running change, footwear advice, an instruction."""

    id: str = Field(description="knowledge-base id it comes from (care component, red flag, condition)")
    title: str
    text: str
    details: list[str] = Field(default_factory=list, description="how-to steps")
    cautions: list[str] = Field(default_factory=list)
    evidence_note: str | None = None
    for_conditions: list[str] = Field(default_factory=list, description="condition ids it was chosen for")
    sources: list[str] = Field(default_factory=list)


class ConditionRef(Frozen):
    """A condition as the plan considered it."""

    id: str
    name: str
    probability: float = Field(ge=0.0, le=1.0)
    typical_course: str | None = None


class RuledOutBy(Frozen):
    """A plausible condition that forbids an exercise or care item, and why."""

    condition_id: str
    condition_name: str
    probability: float = Field(ge=0.0, le=1.0)
    reason: str


class SymptomCare(Frozen):
    """A symptom-care component placed in time (ice, heat, medicines, relative rest...)."""

    id: str
    name: str
    kind: str
    summary: str
    how: list[str] = Field(default_factory=list)
    offered: bool = Field(description="False: a plausible condition rules it out (see not_offered_because)")
    active_now: bool = Field(
        default=True, description="offered and it fits the current phase and hours since onset"
    )
    timing: str = Field(description="structural label: 'now', 'after 48 h', 'first 48 h'...")
    start_after_hours: int | None = None
    stop_after_hours: int | None = None
    cautions: list[str] = Field(default_factory=list)
    evidence_note: str | None = None
    not_offered_because: list[RuledOutBy] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)


class PlanPhase(Frozen):
    """One phase of rehabilitation (calm down -> restore -> strengthen -> return to run)."""

    id: Phase
    name: str
    current: bool
    goal: str
    typical_duration: str | None = None
    move_on_when: list[str] = Field(default_factory=list)
    care_ids: list[str] = Field(default_factory=list, description="care components used in this phase")
    exercise_ids: list[str] = Field(default_factory=list, description="plan exercises used in this phase")
    sources: list[str] = Field(default_factory=list)


class PlannedExercise(Frozen):
    """An exercise chosen for this runner, with dose and how to change it."""

    id: str
    name: str
    kind: str
    how_to: list[str]
    target: str
    dose: Dose
    sessions_per_week: int = Field(ge=1, le=7)
    progression: str
    regression: str
    phases: list[Phase]
    equipment: list[str]
    favoured_for: list[str] = Field(description="condition ids among the top causes it is chosen for")
    cautions: list[str] = Field(default_factory=list)
    sources: list[str] = Field(min_length=1)


class ExcludedExercise(Frozen):
    """An exercise left out because a plausible condition forbids it."""

    id: str
    name: str
    ruled_out_by: list[RuledOutBy] = Field(min_length=1)


class Referral(Frozen):
    """Whom to see, when, and what to tell them, for one plausible condition."""

    condition_id: str
    condition_name: str
    probability: float = Field(ge=0.0, le=1.0)
    see_whom: str
    see_when: str
    what_to_tell_them: str | None = None
    sources: list[str] = Field(default_factory=list)


class RedFlagWatch(Frozen):
    """A red flag to watch for, with what to do if it appears."""

    id: str
    name: str
    level: TriageLevel
    instruction: str
    sources: list[str] = Field(default_factory=list)


class RunStageView(Frozen):
    stage: int
    walk_minutes: float
    run_minutes: float
    repeats: int
    note: str | None = None


class ReturnToRunPlan(Frozen):
    """The walk-run progression for this runner's return-to-run group."""

    group: Literal["soft_tissue", "hamstring_acute", "bone"]
    entry_criteria: list[str]
    needs_clearance: bool = Field(description="bone stress injury: only after a clinician clears it")
    max_pain_to_advance: int = Field(ge=0, le=10)
    stages: list[RunStageView]
    rules: list[str]
    sources: list[str] = Field(default_factory=list)


class Plan(Frozen):
    """The care plan for one assessment. Urgent/emergency: only `now`, nothing else."""

    triage_level: TriageLevel
    now_only: bool = Field(description="urgent or emergency: the plan is only what to do now")
    now: list[PlanItem] = Field(default_factory=list, description="what to do today / right now")
    conditions: list[ConditionRef] = Field(
        default_factory=list, description="plausible conditions the plan was built for, most likely first"
    )
    exclusion_threshold: float = EXCLUSION_THRESHOLD
    current_phase: Phase | None = None
    days_since_onset: int | None = None
    phases: list[PlanPhase] = Field(default_factory=list)
    symptom_care: list[SymptomCare] = Field(default_factory=list)
    treatments: list[SymptomCare] = Field(
        default_factory=list, description="options a clinician may offer (physiotherapy, injection...)"
    )
    exercises: list[PlannedExercise] = Field(default_factory=list)
    excluded_exercises: list[ExcludedExercise] = Field(default_factory=list)
    running_changes: list[PlanItem] = Field(default_factory=list)
    footwear: list[PlanItem] = Field(default_factory=list)
    see_whom: list[Referral] = Field(default_factory=list)
    red_flags_to_watch: list[RedFlagWatch] = Field(default_factory=list)
    avoid: list[PlanItem] = Field(default_factory=list, description="what to avoid, per plausible condition")
    return_to_run: ReturnToRunPlan | None = None
    pain_monitoring: PainMonitoring | None = Field(
        default=None, description="the knowledge base's pain-monitoring numbers progress is judged by"
    )
    training: TrainingNumbers | None = None
    sources: list[str] = Field(default_factory=list, description="every source id cited anywhere in the plan")


# --- progress ------------------------------------------------------------------------------

ProgressAction = Literal["advance", "hold", "step_back", "see_clinician", "retriage"]
ProgressRule = Literal[
    "new_red_flag",
    "rising_trend",
    "bone_pain",
    "repeated_step_back",
    "pain_too_high",
    "pain_rose",
    "morning_worse",
    "not_settled",
    "pain_above_limit",
    "rest_day",
    "needs_more_sessions",
    "within_limits",
    "top_level",
    "entry_criteria_not_met",
    "no_entries",
    "urgent_triage",
    "no_rules",
]


class ProgressDecision(Frozen):
    """What to do at the next session, decided from the pain diary, with the reason."""

    action: ProgressAction
    rule: ProgressRule = Field(description="which rule decided it (stable code for adapters)")
    reason: str = Field(description="plain explanation with the numbers that decided it")
    level: int = Field(ge=0, description="level (or walk-run stage) for the next session")
    previous_level: int = Field(ge=0)
    day: dt.date | None = Field(default=None, description="the diary day the decision is based on")
    stop_progression: bool = Field(
        default=False, description="True when progression must stop until a clinician or re-triage"
    )
    phase: Phase | None = Field(
        default=None, description="for plan progress: the rehab phase of `level` (1-4 = the plan's phases)"
    )
    stage: int | None = Field(
        default=None, ge=0, description="in the return-to-run phase: the walk-run stage (0 = not running yet)"
    )
    sources: list[str] = Field(default_factory=list)


# --- HAGOS ---------------------------------------------------------------------------------


class HagosSubscaleScore(Frozen):
    subscale: HagosSubscaleId
    name: str
    score: float | None = Field(
        ge=0.0, le=100.0, description="0 = extreme problems, 100 = none; None when too many items are missing"
    )
    answered: int = Field(ge=0)
    missing: int = Field(ge=0)
    items: int = Field(ge=1)


class HagosResult(Frozen):
    """One completed (or partly completed) HAGOS questionnaire, scored per subscale."""

    day: dt.date
    responses: dict[str, int | None] = Field(description="item id -> 0..4 (0 = no problem) or None")
    subscales: list[HagosSubscaleScore] = Field(min_length=6, max_length=6)

    def score(self, subscale: HagosSubscaleId) -> float | None:
        for s in self.subscales:
            if s.subscale == subscale:
                return s.score
        raise KeyError(subscale)
