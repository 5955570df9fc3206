"""Pydantic models of the knowledge base: what each YAML file in knowledge/data/ may contain.

Every model forbids unknown keys. Cross-references (a likelihood naming a finding, an entity
citing a source) are checked by knowledge.load, which collects every problem before failing.
Probabilities are plain floats in (0, 1); priors are percentages as the clinical brief gives them.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", min_length=2, max_length=64)]
Probability = Annotated[float, Field(gt=0.0, lt=1.0)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TriageLevel(str, Enum):  # noqa: UP042  (str() must stay the Enum form for existing callers)
    """Ordered from least to most urgent (intake-v1)."""

    self_care = "self_care"
    see_clinician = "see_clinician"
    urgent = "urgent"
    emergency = "emergency"

    @property
    def rank(self) -> int:
        return _TRIAGE_ORDER.index(self)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, TriageLevel):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, TriageLevel):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, TriageLevel):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, TriageLevel):
            return NotImplemented
        return self.rank >= other.rank


_TRIAGE_ORDER = [
    TriageLevel.self_care,
    TriageLevel.see_clinician,
    TriageLevel.urgent,
    TriageLevel.emergency,
]


class Sex(str, Enum):  # noqa: UP042
    female = "female"
    male = "male"


# --- sources -------------------------------------------------------------------------------


class Source(Strict):
    """A seed article (by file name) or a paper / guideline / web page."""

    id: Id
    kind: Literal["seed", "paper", "guideline", "review", "web"]
    title: str
    authors: str | None = None
    year: int | None = Field(default=None, ge=1900, le=2100)
    venue: str | None = None
    file: str | None = Field(default=None, description="seed file name under shared/seeds")
    url: str | None = None
    brief_tag: str | None = Field(default=None, description="the [S#] tag in the clinical brief")

    @model_validator(mode="after")
    def _seed_has_file(self) -> Source:
        if self.kind == "seed" and not self.file:
            raise ValueError("a seed source needs `file` (its file name)")
        return self


class Sourced(Strict):
    """Mixin fields: every medical entity cites sources and may cover seed concepts."""

    sources: list[Id] = Field(min_length=1)
    seed_refs: list[str] = Field(default_factory=list)


# --- findings ------------------------------------------------------------------------------

FindingGroup = Literal[
    "location",
    "character",
    "onset",
    "training",
    "history",
    "aggravating",
    "self_test",
    "red_flag",
]


class Finding(Strict):
    """One question a runner can answer yes / no / don't know."""

    id: Id
    question: str
    help: str | None = Field(default=None, description="how to notice or self-test it safely")
    group: FindingGroup
    answer_type: Literal["yes_no_unknown"] = "yes_no_unknown"
    ask_group: Id | None = Field(
        default=None, description="findings sharing an ask_group are asked together on one screen"
    )
    sex: Sex | None = Field(default=None, description="only asked of this sex")
    base_rate: Probability = Field(
        description="P(yes) among runners with hip pain in general; the likelihood for any "
        "condition that does not list this finding",
    )
    spec_meaning: str | None = Field(default=None, description="intake-v1 wording, kept for audit")


# --- conditions ----------------------------------------------------------------------------


class Likelihood(Strict):
    """P(finding present | condition), with provenance."""

    p: Probability
    estimated: bool = Field(default=True, description="our estimate [E] rather than a measured value")
    clinician_test: bool = Field(
        default=False, description="derived from an examiner's test: the engine shrinks it"
    )
    sources: list[Id] = Field(default_factory=list)
    note: str | None = None


class PriorModifier(Strict):
    """Multiply the prior when every stated condition holds (age bounds inclusive)."""

    factor: float = Field(ge=0.0, le=100.0)
    age_min: int | None = Field(default=None, ge=0, le=120)
    age_max: int | None = Field(default=None, ge=0, le=120)
    sex: Sex | None = None
    if_present: list[Id] = Field(default_factory=list)
    sources: list[Id] = Field(default_factory=list)
    note: str | None = None


class Escalation(Strict):
    """Raise this condition's triage when its probability passes a threshold or findings appear."""

    level: TriageLevel
    min_probability: Probability | None = None
    if_present: list[Id] = Field(default_factory=list)
    instruction: str
    sources: list[Id] = Field(min_length=1)


class Condition(Sourced):
    id: Id
    name: str = Field(description="plain-language name")
    spec_meaning: str = Field(description="the intake-v1 meaning of this id")
    explanation: str = Field(description="one paragraph for a runner")
    default_triage: TriageLevel
    prior_percent: float = Field(gt=0.0, le=100.0)
    prior_estimated: bool = True
    prior_modifiers: list[PriorModifier] = Field(default_factory=list)
    likelihoods: dict[Id, Likelihood] = Field(min_length=1)
    default_likelihood: Probability | None = Field(
        default=None, description="P(yes) for unlisted findings; None uses each finding's base_rate"
    )
    must_not_miss: bool = False
    safety_threshold: Probability | None = Field(
        default=None, description="must-not-miss: posterior above this raises triage to default_triage"
    )
    safety_pool: Id | None = Field(
        default=None,
        description="must-not-miss conditions in the same pool with the same default_triage share one "
        "action (e.g. bone injuries: stop running, imaging); their probabilities are summed against "
        "the pool's smallest safety_threshold",
    )
    escalations: list[Escalation] = Field(default_factory=list)
    typical_course: str
    first_line_care: list[Id] = Field(default_factory=list, description="care component ids")
    favoured_exercises: list[Id] = Field(default_factory=list)
    avoid: list[str] = Field(default_factory=list)
    see_whom: str
    see_when: str
    what_to_tell_them: str | None = None
    return_to_run_group: Literal["soft_tissue", "hamstring_acute", "bone", "not_applicable"] = "soft_tissue"

    @model_validator(mode="after")
    def _must_not_miss_threshold(self) -> Condition:
        if self.must_not_miss and self.safety_threshold is None:
            raise ValueError("a must_not_miss condition needs a safety_threshold")
        if self.safety_pool is not None and not self.must_not_miss:
            raise ValueError("safety_pool is only for must_not_miss conditions")
        return self


# --- red flags -----------------------------------------------------------------------------


class RuleWhen(Strict):
    """All of `all_of` present, at least one of each group in `any_of`, none of `none_of`."""

    all_of: list[Id] = Field(default_factory=list)
    any_of: list[list[Id]] = Field(default_factory=list)
    none_of: list[Id] = Field(default_factory=list)
    age_min: int | None = Field(default=None, ge=0, le=120)
    age_max: int | None = Field(default=None, ge=0, le=120)
    sex: Sex | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> RuleWhen:
        if not self.all_of and not self.any_of:
            raise ValueError("a rule needs at least one finding in all_of or any_of")
        return self


class RedFlagRule(Sourced):
    id: Id
    name: str
    when: RuleWhen
    level: TriageLevel
    instruction: str = Field(description="what to do now, in plain words")
    why: str = Field(description="what it may mean, in plain words")
    suspects: list[Id] = Field(default_factory=list, description="condition ids this rule points to")


# --- care ----------------------------------------------------------------------------------

Phase = Literal["calm_down", "restore", "strengthen", "return_to_run"]


class Contraindication(Strict):
    condition: Id
    reason: str
    until_hours: int | None = Field(
        default=None,
        ge=1,
        description="applies only in the first N hours after onset (e.g. heat on a fresh bruise); "
        "None = always. When the time since onset is unknown it applies.",
    )


class CareComponent(Sourced):
    """Ice, heat, relative rest, medicines, running form, footwear, referral options..."""

    id: Id
    name: str
    kind: Literal[
        "ice",
        "heat",
        "relative_rest",
        "pain_monitoring",
        "medicine",
        "soft_tissue",
        "running_form",
        "footwear",
        "training_load",
        "physiotherapy",
        "injection",
        "surgery",
        "cross_training",
        "other",
    ]
    summary: str
    how: list[str] = Field(default_factory=list)
    phases: list[Phase] = Field(default_factory=list)
    start_after_hours: int | None = Field(default=None, ge=0, description="not before this many hours")
    stop_after_hours: int | None = Field(default=None, ge=0, description="not after this many hours")
    indications: list[Id] = Field(default_factory=list, description="condition ids it suits")
    contraindications: list[Contraindication] = Field(default_factory=list)
    cautions: list[str] = Field(default_factory=list)
    evidence_note: str | None = None


class Dose(Strict):
    sets: int | None = Field(default=None, ge=1, le=20)
    reps: str | None = Field(default=None, description='e.g. "10" or "8-15" or "10 each side"')
    hold_seconds: int | None = Field(default=None, ge=1, le=600)
    rest_seconds: int | None = Field(default=None, ge=0, le=600)
    frequency: str = Field(description='e.g. "daily" or "3 times a week"')


Equipment = Literal["none", "band", "bench", "ball", "weight", "chair", "wall", "step"]


def _no_equipment() -> list[Equipment]:
    return ["none"]


class Exercise(Sourced):
    id: Id
    name: str
    kind: Literal["isometric", "strength", "stretch", "mobility", "balance", "plyometric", "running_drill"]
    equipment: list[Equipment] = Field(default_factory=_no_equipment)
    how_to: list[str] = Field(min_length=1)
    target: str
    dose: Dose
    progression: str
    regression: str
    phases: list[Phase] = Field(min_length=1)
    loads: list[Literal["impact", "adduction_compression", "deep_flexion", "hamstring_stretch", "sprint"]] = (
        Field(default_factory=list, description="load types that conditions may forbid")
    )
    favours: list[Id] = Field(default_factory=list, description="conditions it is chosen for")
    forbids: list[Contraindication] = Field(
        default_factory=list, description="conditions for which it must not be offered"
    )
    cautions: list[str] = Field(default_factory=list)


# --- corrections and return to run ---------------------------------------------------------


class Correction(Strict):
    """A seed claim that the evidence does not support, and what is right instead."""

    id: Id
    seed_refs: list[str] = Field(min_length=1)
    seed_claim: str
    correction: str
    sources: list[Id] = Field(min_length=1)


class RunStage(Strict):
    stage: int = Field(ge=1, le=20)
    walk_minutes: float = Field(ge=0)
    run_minutes: float = Field(gt=0)
    repeats: int = Field(ge=1)
    note: str | None = None


class PainLimits(Strict):
    """Thresholds (0-10 pain scale) of one use of the pain-monitoring model, applied by care.progress."""

    safe_pain: int = Field(ge=0, le=10, description="a rise that stays at or below this is no setback")
    too_high: int = Field(ge=0, le=10, description="pain with activity above this -> step back")
    sessions_to_advance: int = Field(ge=1, le=10, description="good sessions at a level before moving on")
    step_back_levels: int = Field(ge=1, le=4, description="levels dropped when pain rose or morning worse")
    too_high_step_back_levels: int = Field(ge=1, le=4, description="levels dropped when pain passed too_high")
    refer_after_step_backs: int | None = Field(
        default=None, ge=1, le=10, description="step-backs in a row -> see a clinician (null: never)"
    )

    @model_validator(mode="after")
    def _safe_below_too_high(self) -> PainLimits:
        if self.safe_pain > self.too_high:
            raise ValueError(f"safe_pain {self.safe_pain} is above too_high {self.too_high}")
        return self


class RehabPainLimits(PainLimits):
    """The rehab phases' limits; walk-run takes its limit to move on from max_pain_to_advance by group."""

    max_pain_to_advance: int = Field(ge=0, le=10)
    bone_max_pain_to_advance: int = Field(ge=0, le=10, description="after a bone stress injury")

    @model_validator(mode="after")
    def _advance_below_too_high(self) -> RehabPainLimits:
        if max(self.max_pain_to_advance, self.bone_max_pain_to_advance) > self.too_high:
            raise ValueError(f"a limit to move on is above too_high {self.too_high}")
        return self


class PainMonitoring(Sourced):
    """The pain-monitoring model's numbers (return_to_run.yaml `pain_monitoring`)."""

    note: str = Field(min_length=1)
    rehab: RehabPainLimits
    walk_run: PainLimits
    meaningful_change_points: int = Field(ge=1, le=10, description="a rise of this many points is meaningful")
    meaningful_change_fraction: float = Field(gt=0, le=1, description="... or this share (and 1 point)")
    trend_days: int = Field(ge=4, le=56, description="window compared half against half for a creeping trend")
    trend_min_span_days: int = Field(ge=2, le=56, description="entries must span this many days")

    @model_validator(mode="after")
    def _window(self) -> PainMonitoring:
        if self.trend_days % 2:
            raise ValueError(f"trend_days {self.trend_days} must be even (two equal halves)")
        if self.trend_min_span_days >= self.trend_days:
            raise ValueError(f"trend_min_span_days {self.trend_min_span_days} must be below trend_days")
        return self


class PhaseTiming(Sourced):
    """When the rehab phases change by time since onset (return_to_run.yaml `phases`)."""

    note: str = Field(min_length=1)
    calm_down_hours: int = Field(ge=1, le=168, description="calm-down phase: the first this many hours")
    restore_until_day: int = Field(ge=1, le=90, description="restore phase: up to this day since onset")

    @model_validator(mode="after")
    def _ordered(self) -> PhaseTiming:
        if self.calm_down_hours > self.restore_until_day * 24:
            raise ValueError("calm_down_hours must end before restore_until_day")
        return self


class ReturnToRun(Sourced):
    """return_to_run.yaml. The shipped file has `pain_monitoring` and `phases` (a test checks);
    hand-built knowledge bases may leave them out, and care then says what is missing."""

    id: Id
    stages: list[RunStage] = Field(min_length=1)
    entry_criteria: dict[str, list[str]] = Field(description="return_to_run_group -> criteria")
    rules: list[str] = Field(min_length=1)
    max_pain_to_advance: dict[str, int] = Field(description="group -> max pain 0-10 to go on")
    pain_monitoring: PainMonitoring | None = None
    phases: PhaseTiming | None = None

    @model_validator(mode="after")
    def _complete(self) -> ReturnToRun:
        unlimited = sorted(set(self.entry_criteria) - set(self.max_pain_to_advance))
        if unlimited:
            raise ValueError(f"max_pain_to_advance has no limit for group(s) {unlimited}")
        # knowledge.load checks the file's `sources` against sources.yaml; requiring each
        # section's sources among them extends that check to the sections.
        for name, section in (("pain_monitoring", self.pain_monitoring), ("phases", self.phases)):
            missing = [s for s in section.sources if s not in self.sources] if section else []
            if missing:
                raise ValueError(f"{name}.sources {missing} must also be listed in the file's sources")
        return self


class SeedConcept(Strict):
    """One concept a seed article states (seed_coverage.yaml); entities cover it via seed_refs."""

    id: str
    file: str = Field(description="seed file name under shared/seeds")
    text: str


# --- the whole knowledge base --------------------------------------------------------------


class KnowledgeBase(Strict):
    """Every entity by id, validated and cross-checked by knowledge.load.load_knowledge_base()."""

    sources: dict[str, Source]
    findings: dict[str, Finding]
    conditions: dict[str, Condition]
    red_flags: dict[str, RedFlagRule]
    care: dict[str, CareComponent]
    exercises: dict[str, Exercise]
    corrections: dict[str, Correction]
    return_to_run: ReturnToRun
    seed_concepts: dict[str, SeedConcept] = Field(default_factory=dict)


# --- HAGOS questionnaire (hagos.yaml; loaded by knowledge.hagos_data, not part of KnowledgeBase) --

HagosSubscaleId = Literal[
    "symptoms", "pain", "adl", "sport_recreation", "physical_activity", "quality_of_life"
]


class HagosOption(Strict):
    """One answer box; value 0 = no problem ... 4 = extreme problem (as scored before normalising)."""

    value: int = Field(ge=0, le=4)
    label: str


class HagosItem(Strict):
    id: str = Field(pattern=r"^(S|P|A|SP|PA|Q)[0-9]{1,2}$", description="item code on the LK 1.0 form")
    subscale: HagosSubscaleId
    text: str
    options: list[HagosOption] = Field(min_length=5, max_length=5)

    @model_validator(mode="after")
    def _options_in_order(self) -> HagosItem:
        if [o.value for o in self.options] != [0, 1, 2, 3, 4]:
            raise ValueError("options must be listed with values 0, 1, 2, 3, 4 in order")
        return self


class HagosSubscale(Strict):
    id: HagosSubscaleId
    name: str
    intro: str | None = Field(default=None, description="lead-in shown before the subscale's items")
    min_answered: int = Field(ge=1, description="fewest answered items for a score (missing-item rule)")


class Hagos(Strict):
    """The Copenhagen Hip and Groin Outcome Score: items, subscales, scoring and missing-item rule."""

    name: str
    version: str
    recall_period: str
    instructions: str
    scoring: str = Field(description="how a subscale score is computed, in words")
    missing_rule: str
    subscales: list[HagosSubscale] = Field(min_length=6, max_length=6)
    items: list[HagosItem] = Field(min_length=37, max_length=37)
    source: Source
    wording_note: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Hagos:
        ids = [i.id for i in self.items]
        if len(set(ids)) != len(ids):
            raise ValueError("item ids must be unique")
        subscale_ids = [s.id for s in self.subscales]
        if len(set(subscale_ids)) != len(subscale_ids):
            raise ValueError("subscale ids must be unique")
        for sub in self.subscales:
            count = sum(1 for i in self.items if i.subscale == sub.id)
            if not 1 <= sub.min_answered <= count:
                raise ValueError(f"subscale {sub.id}: min_answered must be 1..{count} (its item count)")
        return self

    def items_of(self, subscale: HagosSubscaleId) -> list[HagosItem]:
        return [i for i in self.items if i.subscale == subscale]
