"""The knowledge base compiled once into arrays: conditions x findings P(yes | condition).

A `CompiledModel` is an immutable value built by `compile_model(kb)`; the engine functions take
it as their first argument, so there is no module state and tests can compile tiny hand-made
knowledge bases. Everything the engine computes per answer is an array lookup or a small numpy
operation on these arrays. Whatever depends only on the knowledge base (the age/sex prior of every
age and sex, rules and escalations as sets, screens, the fixed triage reasons, reasons as object
arrays) is prepared here once, because `assess()` runs after every answer.

Self-report shrinkage: likelihoods marked `clinician_test` come from an examiner's test, but here
the runner answers for themselves, so the model pulls them toward the finding's base rate on the
log-odds scale: logit(p') = logit(base) + w * (logit(p) - logit(base)), with w = `clinician_weight`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from hipcheck.engine.result import Answer, Contribution, TriageReason
from hipcheck.knowledge.schema import (
    Condition,
    Escalation,
    Finding,
    KnowledgeBase,
    PriorModifier,
    RedFlagRule,
    Sex,
    TriageLevel,
)

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
ObjectArray = npt.NDArray[np.object_]

MIN_REASON = 0.01
"""|log LR| below which an answer is not listed as a reason (under a 1% change in odds)."""

MAX_REASONS = 6
"""Supporting answers kept per condition, and conflicting answers kept per condition: the
strongest by |log LR|. Every screen and report shows at most 5 of each, and without a cap the
result grows with every answer (all conditions x all answers, ~230 KB after 80 answers)."""

EVIDENCE_AGES = (10, 100)
"""The ages an Evidence allows (result.Evidence): the prior of each is prepared at compile time
(any other age is computed on the fly the same way)."""

# Probabilities are kept away from 0 and 1 so that no single answer can make a condition impossible.
_P_MIN = 0.005
_P_MAX = 0.995


@dataclass(frozen=True)
class EngineParams:
    """Tunable numbers of the engine (no medical content: weights and stopping thresholds)."""

    normalisation: Literal["softmax", "one_vs_rest"] = "softmax"
    """softmax: one cause, probabilities sum to 1; one_vs_rest: each condition against the rest."""
    clinician_weight: float = 0.5
    """Share of an examiner-test likelihood's log-odds effect kept when the runner self-reports."""
    evidence_weight: float = 1.0
    """Share of every likelihood's log-odds effect kept (1 = plain naive Bayes)."""
    median_share: float = 0.5
    """The baseline triage is the highest level whose conditions together hold at least this share."""
    escalation_min_probability: float = 0.2
    """A finding-triggered escalation with no probability of its own needs the condition this likely."""
    confident: float = 0.75
    """Stop asking once the top condition is at least this likely and no must-not-miss is open."""
    mnm_open_fraction: float = 0.2
    """A must-not-miss condition is open while its probability is above this fraction of its threshold."""
    mnm_weight: float = 2.0
    """Weight of must-not-miss rule-in/rule-out information relative to the whole differential."""
    min_gain: float = 0.01
    """Stop when no question is expected to yield at least this much information (nats)."""
    rule_relevance: float = 0.01
    """Ask what would complete a red-flag rule only if one of its suspects is at least this likely."""
    max_questions: int = 25
    """Hard cap on the number of questions (screens) in one assessment."""


@dataclass(frozen=True)
class CompiledModifier:
    """One prior modifier of one condition, with its findings as array indices."""

    condition: int
    log_factor: float
    age_min: int | None
    age_max: int | None
    sex: Sex | None
    if_present: tuple[int, ...]

    def applies_to(self, age: int, sex: Sex) -> bool:
        if self.age_min is not None and age < self.age_min:
            return False
        if self.age_max is not None and age > self.age_max:
            return False
        return self.sex is None or self.sex == sex


@dataclass(frozen=True)
class PriorRow:
    """The prior of one (sex, age) after its demographic modifiers (read-only arrays)."""

    log_prior: FloatArray
    """(conditions,): unnormalised log prior after the age/sex modifiers."""
    prior: FloatArray
    """(conditions,): the same, normalised."""
    prior_list: tuple[float, ...]
    """`prior` clipped to [0, 1] as Python floats, as the result reports it."""


@dataclass(frozen=True)
class CompiledRule:
    """One red-flag rule with its findings as sets, and the triage reason it gives when it fires."""

    rule: RedFlagRule
    rank: int
    all_of: frozenset[str]
    any_of: tuple[frozenset[str], ...]
    none_of: frozenset[str]
    reason: TriageReason
    suspects: tuple[int, ...]
    """Condition indices of the rule's suspects that the model knows."""
    trigger: frozenset[str]
    """Findings of which at least one must be 'yes' for the rule to fire (`all_of`, or else the
    first `any_of` group): most rules are ruled out by this one set operation."""

    def applies_to(self, age: int, sex: Sex) -> bool:
        """Whether the rule's age and sex limits admit this runner."""
        when = self.rule.when
        if when.age_min is not None and age < when.age_min:
            return False
        if when.age_max is not None and age > when.age_max:
            return False
        return when.sex is None or when.sex == sex

    def fires(self, age: int, sex: Sex, yes: frozenset[str] | set[str]) -> bool:
        """Whether the rule's `when` matches (answers 'yes' only count)."""
        if self.trigger.isdisjoint(yes) or not self.applies_to(age, sex):
            return False
        if not self.all_of <= yes:
            return False
        if not all(not group.isdisjoint(yes) for group in self.any_of):
            return False
        return self.none_of.isdisjoint(yes)


@dataclass(frozen=True)
class CompiledEscalation:
    """One escalation of one condition, with what triage and question planning need of it."""

    condition: int
    level: TriageLevel
    rank: int
    if_present: tuple[str, ...]
    present: frozenset[str]
    triage_needed: float | None
    """Probability triage requires (None: triage skips it, it has neither threshold nor findings)."""
    ask_needed: float
    """Probability the question planner requires before asking for its missing finding."""
    trigger: str
    """The questions of its findings, joined, for the triage reason."""
    instruction: str


@dataclass(frozen=True)
class SafetyPool:
    """Must-not-miss conditions of one KB safety_pool sharing a default level (see `safety_pools`)."""

    members: tuple[int, ...]
    member_list: list[int]
    """The same as a list, for numpy indexing (a tuple would index dimensions)."""
    member_array: IntArray
    threshold: float
    """The smallest threshold among the members."""


@dataclass(frozen=True)
class CompiledModel:
    """The knowledge base as arrays; build it with `compile_model`."""

    kb: KnowledgeBase
    params: EngineParams
    condition_ids: tuple[str, ...]
    finding_ids: tuple[str, ...]
    condition_index: dict[str, int]
    finding_index: dict[str, int]
    p_yes: FloatArray
    """(conditions, findings): P(finding present | condition), after shrinkage."""
    base_rate: FloatArray
    """(findings,): P(present) among runners with hip pain in general."""
    log_lr_yes: FloatArray
    """(conditions, findings): log P(yes | c) / P(yes), the 'why' of a yes answer."""
    log_lr_no: FloatArray
    """(conditions, findings): log P(no | c) / P(no)."""
    log_prior: FloatArray
    """(conditions,): log of the normalised prior before any modifier."""
    must_not_miss: BoolArray
    safety_threshold: FloatArray
    """(conditions,): posterior that raises triage; +inf for conditions without one."""
    default_level: IntArray
    """(conditions,): rank of each condition's default triage level."""
    modifiers: tuple[CompiledModifier, ...]
    finding_sex: tuple[Sex | None, ...]
    safety_pools: dict[str, tuple[int, ...]] = field(default_factory=dict)
    """"pool:level" -> must-not-miss conditions of one KB safety_pool sharing a default level; triage
    compares their summed probability with their smallest threshold (they share one action)."""
    # Prepared once per knowledge base so that `assess()` does lookups instead of rebuilding them.
    conditions: tuple[Condition, ...] = field(default=())
    """Conditions in model order."""
    condition_rows: IntArray = field(default_factory=lambda: np.zeros((0, 1), dtype=np.int64))
    """(conditions, 1): 0, 1, 2, ... down a column, to index one entry per condition row."""
    score_fields: tuple[tuple[str, str, bool], ...] = field(default=())
    """Per condition: (id, name, must_not_miss) as every ConditionScore repeats them."""
    condition_rank: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """(conditions,): position of each condition id in sorted order (ranking ties go by id)."""
    finding_rank: dict[int, int] = field(default_factory=dict)
    """Finding index -> position of its id in sorted order (reasons are listed by id on ties)."""
    risk_modifiers: tuple[CompiledModifier, ...] = field(default=())
    """The modifiers that need a finding present (the rest are folded into `prior_rows`)."""
    prior_rows: dict[tuple[Sex, int], PriorRow] = field(default_factory=dict)
    """(sex, age) -> prior, for every age an Evidence allows."""
    red_flag_index: frozenset[int] = field(default=frozenset())
    # Answer columns: finding index for a 'no', number of findings + finding index for a 'yes', so
    # that one gather takes any mix of answers.
    answer_log_lr: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    """(conditions, 2 x findings): `log_lr_no` then `log_lr_yes`."""
    answer_strength: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    """The same rounded to 6 places, as reasons report them."""
    answer_order_key: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    """-|answer_strength|: sorting it puts the strongest reasons first."""
    answer_reason: ObjectArray = field(default_factory=lambda: np.empty((0, 0), dtype=np.object_))
    """(conditions, 2 x findings): the prepared reason of each answer (log LR and plain words)."""
    rules: tuple[CompiledRule, ...] = field(default=())
    """Red-flag rules in knowledge-base order."""
    rules_by_level: tuple[CompiledRule, ...] = field(default=())
    """The same, most urgent first, then by id (the order the question planner tries them)."""
    escalations: tuple[CompiledEscalation, ...] = field(default=())
    """Every escalation, by condition then knowledge-base order."""
    escalations_of: tuple[tuple[CompiledEscalation, ...], ...] = field(default=())
    """Per condition, its escalations that name findings (those a question can complete)."""
    condition_instruction: tuple[str, ...] = field(default=())
    """Per condition: whom to see and when, the instruction of its triage reasons."""
    baseline_reasons: tuple[tuple[TriageReason, ...], ...] = field(default=())
    """[level rank][condition]: the 'most likely causes usually need' triage reason."""
    level_masks: tuple[BoolArray, ...] = field(default=())
    """[level rank]: conditions whose default level is at least that level."""
    level_columns: tuple[IntArray, ...] = field(default=())
    """The same as index arrays."""
    at_level: tuple[IntArray, ...] = field(default=())
    """[level rank]: conditions with that default level (or above, if none has it exactly)."""
    pools: tuple[SafetyPool, ...] = field(default=())
    """`safety_pools`, prepared for triage."""
    findings_for: dict[Sex, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    """Per sex: (finding id, index) of every finding that may be asked, knowledge-base order."""
    group_screens: dict[str, tuple[tuple[str, str, Sex | None], ...]] = field(default_factory=dict)
    """'red_flag' / 'location' -> (finding id, screen key, sex) of its findings, KB order."""
    screen_key: tuple[str, ...] = field(default=())
    """Per finding: its ask_group, or its own id (findings sharing a key are one screen)."""
    count_key: dict[str, str] = field(default_factory=dict)
    """Finding id -> the screen it counts as when counting questions asked."""

    def finding(self, finding_id: str) -> Finding:
        return self.kb.findings[finding_id]


def normalise(log_weights: FloatArray) -> FloatArray:
    """Probabilities from log weights (softmax)."""
    shifted = log_weights - log_weights.max()
    weights = np.exp(shifted)
    result: FloatArray = weights / weights.sum()
    return result


def demographic_log_prior(
    log_prior: FloatArray, modifiers: tuple[CompiledModifier, ...], age: int, sex: Sex
) -> FloatArray:
    """Log prior after the modifiers that need no finding (age, sex), in modifier order."""
    demographic = log_prior.copy()
    for mod in modifiers:
        if not mod.if_present and mod.applies_to(age, sex):
            demographic[mod.condition] += mod.log_factor
    return demographic


def prior_row(log_prior: FloatArray, modifiers: tuple[CompiledModifier, ...], age: int, sex: Sex) -> PriorRow:
    """The prior of one (sex, age); arrays made read-only since rows are shared between calls."""
    demographic = demographic_log_prior(log_prior, modifiers, age, sex)
    prior = normalise(demographic)
    prior_list = tuple(np.clip(prior, 0.0, 1.0).tolist())
    demographic.setflags(write=False)
    prior.setflags(write=False)
    return PriorRow(demographic, prior, prior_list)


def answer_text(question: str, answer: Answer) -> str:
    """The plain words of one answer: the finding's own question and the runner's answer."""
    return f"{question.strip()} — {answer}"


def _shrink(p: float, base: float, weight: float) -> float:
    """Pull p toward base on the log-odds scale, keeping `weight` of the difference."""
    lp = float(np.log(p) - np.log1p(-p))
    lb = float(np.log(base) - np.log1p(-base))
    z = lb + weight * (lp - lb)
    return float(1.0 / (1.0 + np.exp(-z)))


def _compile_modifier(
    ci: int, cond: Condition, mod: PriorModifier, finding_index: dict[str, int]
) -> CompiledModifier | None:
    # "x0" means practically impossible at this age; a large negative log keeps it finite.
    log_factor = -50.0 if mod.factor <= 0.0 else float(np.log(mod.factor))
    present = tuple(finding_index[f] for f in mod.if_present if f in finding_index)
    if mod.if_present and len(present) != len(mod.if_present):
        return None
    # A finding-only modifier whose findings already carry a likelihood for this condition would
    # count the same evidence twice (naive Bayes multiplies the likelihood in already).
    no_demographics = mod.age_min is None and mod.age_max is None and mod.sex is None
    if mod.if_present and no_demographics and all(f in cond.likelihoods for f in mod.if_present):
        return None
    return CompiledModifier(ci, log_factor, mod.age_min, mod.age_max, mod.sex, present)


def compile_model(kb: KnowledgeBase, params: EngineParams | None = None) -> CompiledModel:
    """Compile the knowledge base into arrays (once per process; the result is immutable)."""
    params = params or EngineParams()
    condition_ids = tuple(kb.conditions)
    finding_ids = tuple(kb.findings)
    ci_of = {c: i for i, c in enumerate(condition_ids)}
    fi_of = {f: i for i, f in enumerate(finding_ids)}
    n_c, n_f = len(condition_ids), len(finding_ids)

    base = np.array([kb.findings[f].base_rate for f in finding_ids], dtype=np.float64)
    base = np.clip(base, _P_MIN, _P_MAX)
    p_yes = np.empty((n_c, n_f), dtype=np.float64)
    for ci, cid in enumerate(condition_ids):
        cond = kb.conditions[cid]
        for fi, fid in enumerate(finding_ids):
            like = cond.likelihoods.get(fid)
            if like is None:
                default = cond.default_likelihood
                p_yes[ci, fi] = base[fi] if default is None else default
                continue
            weight = params.evidence_weight * (params.clinician_weight if like.clinician_test else 1.0)
            p_yes[ci, fi] = _shrink(like.p, float(base[fi]), weight)
    p_yes = np.clip(p_yes, _P_MIN, _P_MAX)

    log_lr_yes = np.log(p_yes) - np.log(base)[None, :]
    log_lr_no = np.log1p(-p_yes) - np.log1p(-base)[None, :]

    prior = np.array([kb.conditions[c].prior_percent for c in condition_ids], dtype=np.float64)
    log_prior = np.log(prior / prior.sum())

    mods: list[CompiledModifier] = []
    for ci, cid in enumerate(condition_ids):
        cond = kb.conditions[cid]
        for mod in cond.prior_modifiers:
            compiled = _compile_modifier(ci, cond, mod, fi_of)
            if compiled is not None:
                mods.append(compiled)

    thresholds = np.array(
        [
            kb.conditions[c].safety_threshold
            if kb.conditions[c].must_not_miss and kb.conditions[c].safety_threshold is not None
            else np.inf
            for c in condition_ids
        ],
        dtype=np.float64,
    )
    answer_reason = np.empty((n_c, 2 * n_f), dtype=np.object_)
    for fi, fid in enumerate(finding_ids):
        question = kb.findings[fid].question
        for is_yes, table in ((True, log_lr_yes), (False, log_lr_no)):
            answer: Answer = "yes" if is_yes else "no"
            text = answer_text(question, answer)
            for ci in range(n_c):
                value = round(float(table[ci, fi]), 6)
                answer_reason[ci, fi + n_f if is_yes else fi] = Contribution(
                    finding_id=fid, answer=answer, log_lr=value, text=text
                )

    pools: dict[str, list[int]] = {}
    for ci, cid in enumerate(condition_ids):
        cond = kb.conditions[cid]
        if cond.must_not_miss and cond.safety_pool is not None:
            pools.setdefault(f"{cond.safety_pool}:{cond.default_triage.value}", []).append(ci)
    safety_pools = {key: tuple(ids) for key, ids in pools.items() if len(ids) > 1}

    conditions = tuple(kb.conditions[c] for c in condition_ids)
    modifiers = tuple(mods)
    default_level = np.array([c.default_triage.rank for c in conditions], dtype=np.int64)
    answer_log_lr = np.concatenate((log_lr_no, log_lr_yes), axis=1)
    answer_strength = np.round(answer_log_lr, 6)
    instructions = tuple(f"{c.see_whom.rstrip('.')}. When: {c.see_when}" for c in conditions)
    rules = tuple(_compile_rule(rule, ci_of) for rule in kb.red_flags.values())
    escalations = tuple(
        _compile_escalation(ci, esc, kb, params)
        for ci, cond in enumerate(conditions)
        for esc in cond.escalations
    )
    at_level: list[IntArray] = []
    for rank in range(len(LEVELS)):
        exact = np.flatnonzero(default_level == rank)
        at_level.append(exact if exact.size else np.flatnonzero(default_level >= rank))
    findings_for = {
        sex: tuple((f, i) for i, f in enumerate(finding_ids) if kb.findings[f].sex in (None, sex))
        for sex in Sex
    }
    group_screens = {
        group: tuple(
            (f, kb.findings[f].ask_group or group, kb.findings[f].sex)
            for f in finding_ids
            if kb.findings[f].group == group
        )
        for group in ("red_flag", "location")
    }

    return CompiledModel(
        kb=kb,
        params=params,
        condition_ids=condition_ids,
        finding_ids=finding_ids,
        condition_index=ci_of,
        finding_index=fi_of,
        p_yes=p_yes,
        base_rate=base,
        log_lr_yes=log_lr_yes,
        log_lr_no=log_lr_no,
        log_prior=log_prior,
        must_not_miss=np.array([c.must_not_miss for c in conditions], dtype=np.bool_),
        safety_threshold=thresholds,
        default_level=default_level,
        modifiers=modifiers,
        finding_sex=tuple(kb.findings[f].sex for f in finding_ids),
        safety_pools=safety_pools,
        conditions=conditions,
        condition_rows=np.arange(n_c, dtype=np.int64)[:, None],
        score_fields=tuple((c.id, c.name, c.must_not_miss) for c in conditions),
        condition_rank=_sorted_positions(condition_ids),
        finding_rank=dict(enumerate(_sorted_positions(finding_ids).tolist())),
        risk_modifiers=tuple(m for m in modifiers if m.if_present),
        prior_rows={
            (sex, age): prior_row(log_prior, modifiers, age, sex)
            for sex in Sex
            for age in range(EVIDENCE_AGES[0], EVIDENCE_AGES[1] + 1)
        },
        red_flag_index=frozenset(i for i, f in enumerate(finding_ids) if kb.findings[f].group == "red_flag"),
        answer_log_lr=answer_log_lr,
        answer_strength=answer_strength,
        answer_order_key=-np.abs(answer_strength),
        answer_reason=answer_reason,
        rules=rules,
        rules_by_level=tuple(sorted(rules, key=lambda r: (-r.rank, r.rule.id))),
        escalations=escalations,
        escalations_of=tuple(
            tuple(e for e in escalations if e.condition == ci and e.if_present) for ci in range(n_c)
        ),
        condition_instruction=instructions,
        baseline_reasons=tuple(
            tuple(
                TriageReason(
                    kind="condition_default",
                    id=cond.id,
                    level=level,
                    text=f"most likely causes usually need: {level.value.replace('_', ' ')}",
                )
                for cond in conditions
            )
            for level in LEVELS
        ),
        level_masks=tuple(default_level >= rank for rank in range(len(LEVELS))),
        level_columns=tuple(np.flatnonzero(default_level >= rank) for rank in range(len(LEVELS))),
        at_level=tuple(at_level),
        pools=tuple(
            SafetyPool(
                members,
                list(members),
                np.array(members, dtype=np.int64),
                float(thresholds[list(members)].min()),
            )
            for members in safety_pools.values()
        ),
        findings_for=findings_for,
        group_screens=group_screens,
        screen_key=tuple(kb.findings[f].ask_group or f for f in finding_ids),
        count_key={f: _count_key(kb.findings[f]) for f in finding_ids},
    )


def _sorted_positions(ids: tuple[str, ...]) -> IntArray:
    positions = np.empty(len(ids), dtype=np.int64)
    for position, index in enumerate(sorted(range(len(ids)), key=ids.__getitem__)):
        positions[index] = position
    return positions


def _count_key(finding: Finding) -> str:
    """Findings sharing an ask_group (or the red-flag and location screens without one) count once."""
    if finding.ask_group:
        return "group:" + finding.ask_group
    if finding.group in ("red_flag", "location"):
        return "group:" + finding.group
    return finding.id


def _compile_rule(rule: RedFlagRule, condition_index: dict[str, int]) -> CompiledRule:
    when = rule.when
    return CompiledRule(
        rule=rule,
        rank=rule.level.rank,
        all_of=frozenset(when.all_of),
        any_of=tuple(frozenset(group) for group in when.any_of),
        none_of=frozenset(when.none_of),
        reason=TriageReason(kind="red_flag", id=rule.id, level=rule.level, text=f"{rule.name}: {rule.why}"),
        suspects=tuple(condition_index[c] for c in rule.suspects if c in condition_index),
        trigger=frozenset(when.all_of) if when.all_of else frozenset(when.any_of[0] if when.any_of else ()),
    )


def _compile_escalation(
    ci: int, esc: Escalation, kb: KnowledgeBase, params: EngineParams
) -> CompiledEscalation:
    # Triage needs the escalation's own threshold, or the default one if it names findings; the
    # question planner treats a missing threshold as the default too.
    triage_needed = esc.min_probability
    if triage_needed is None and esc.if_present:
        triage_needed = params.escalation_min_probability
    return CompiledEscalation(
        condition=ci,
        level=esc.level,
        rank=esc.level.rank,
        if_present=tuple(esc.if_present),
        present=frozenset(esc.if_present),
        triage_needed=triage_needed,
        ask_needed=esc.min_probability or params.escalation_min_probability,
        trigger=", ".join(kb.findings[f].question for f in esc.if_present if f in kb.findings),
        instruction=esc.instruction,
    )


LEVELS: tuple[TriageLevel, ...] = (
    TriageLevel.self_care,
    TriageLevel.see_clinician,
    TriageLevel.urgent,
    TriageLevel.emergency,
)
