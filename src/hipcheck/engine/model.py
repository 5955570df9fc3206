"""The knowledge base compiled once into arrays: conditions x findings P(yes | condition).

A `CompiledModel` is an immutable value built by `compile_model(kb)`; the engine functions take
it as their first argument, so there is no module state and tests can compile tiny hand-made
knowledge bases. Everything the engine computes per answer is an array lookup or a small numpy
operation on these arrays.

Self-report shrinkage: likelihoods marked `clinician_test` come from an examiner's test, but here
the runner answers for themselves, so the model pulls them toward the finding's base rate on the
log-odds scale: logit(p') = logit(base) + w * (logit(p) - logit(base)), with w = `clinician_weight`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from hipcheck.engine.result import Answer, Contribution
from hipcheck.knowledge.schema import Condition, Finding, KnowledgeBase, PriorModifier, Sex, TriageLevel

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

MIN_REASON = 0.01
"""|log LR| below which an answer is not listed as a reason (under a 1% change in odds)."""

MAX_REASONS = 6
"""Supporting answers kept per condition, and conflicting answers kept per condition: the
strongest by |log LR|. Every screen and report shows at most 5 of each, and without a cap the
result grows with every answer (all conditions x all answers, ~230 KB after 80 answers)."""

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
    reasons: dict[tuple[int, int, bool], Contribution]
    """(condition, finding, answered yes) -> the prepared reason (log LR and plain words)."""
    red_flag_findings: tuple[str, ...] = field(default=())
    red_flag_set: frozenset[str] = field(default=frozenset())
    safety_pools: dict[str, tuple[int, ...]] = field(default_factory=dict)
    """"pool:level" -> must-not-miss conditions of one KB safety_pool sharing a default level; triage
    compares their summed probability with their smallest threshold (they share one action)."""

    def condition(self, index: int) -> Condition:
        return self.kb.conditions[self.condition_ids[index]]

    def finding(self, finding_id: str) -> Finding:
        return self.kb.findings[finding_id]


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
    reasons: dict[tuple[int, int, bool], Contribution] = {}
    for fi, fid in enumerate(finding_ids):
        question = kb.findings[fid].question
        for is_yes, table in ((True, log_lr_yes), (False, log_lr_no)):
            answer: Answer = "yes" if is_yes else "no"
            text = answer_text(question, answer)
            for ci in range(n_c):
                value = round(float(table[ci, fi]), 6)
                reasons[(ci, fi, is_yes)] = Contribution(
                    finding_id=fid, answer=answer, log_lr=value, text=text
                )

    pools: dict[str, list[int]] = {}
    for ci, cid in enumerate(condition_ids):
        cond = kb.conditions[cid]
        if cond.must_not_miss and cond.safety_pool is not None:
            pools.setdefault(f"{cond.safety_pool}:{cond.default_triage.value}", []).append(ci)

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
        must_not_miss=np.array([kb.conditions[c].must_not_miss for c in condition_ids], dtype=np.bool_),
        safety_threshold=thresholds,
        default_level=np.array([kb.conditions[c].default_triage.rank for c in condition_ids], dtype=np.int64),
        modifiers=tuple(mods),
        finding_sex=tuple(kb.findings[f].sex for f in finding_ids),
        reasons=reasons,
        red_flag_findings=tuple(f for f in finding_ids if kb.findings[f].group == "red_flag"),
        red_flag_set=frozenset(f for f in finding_ids if kb.findings[f].group == "red_flag"),
        safety_pools={key: tuple(ids) for key, ids in pools.items() if len(ids) > 1},
    )


LEVELS: tuple[TriageLevel, ...] = (
    TriageLevel.self_care,
    TriageLevel.see_clinician,
    TriageLevel.urgent,
    TriageLevel.emergency,
)
