"""Triage: red-flag rules first, then must-not-miss thresholds, escalations and the differential.

The level is the highest of:
1. every red-flag rule of the knowledge base whose findings (and age/sex) match — a floor;
2. every must-not-miss condition whose probability has reached its safety threshold;
3. every condition escalation whose probability and findings are met;
4. the differential's baseline: the highest default level whose conditions together hold at
   least `median_share` of the probability (the "median" urgency of the differential).

Parts 2-4 read the posterior computed WITHOUT red-flag 'yes' answers: a red flag acts on triage
only through its explicit rules, so answering yes to a red flag can never lower the level (it may
shift probability away from another condition, but that part does not see it). Every instruction
shown is text from the knowledge base; this module holds no medical wording.
"""

from __future__ import annotations

import numpy as np

from hipcheck.engine.model import LEVELS, CompiledModel, FloatArray
from hipcheck.engine.result import Evidence, Triage, TriageReason
from hipcheck.knowledge.schema import RedFlagRule


def rule_fires(rule: RedFlagRule, evidence: Evidence, yes: frozenset[str]) -> bool:
    """Whether a red-flag rule's `when` matches the evidence (answers 'yes' only count)."""
    when = rule.when
    if when.age_min is not None and evidence.age < when.age_min:
        return False
    if when.age_max is not None and evidence.age > when.age_max:
        return False
    if when.sex is not None and when.sex != evidence.sex:
        return False
    if not all(f in yes for f in when.all_of):
        return False
    if not all(any(f in yes for f in group) for group in when.any_of):
        return False
    return not any(f in yes for f in when.none_of)


def _yes_set(evidence: Evidence) -> frozenset[str]:
    return frozenset(f for f, a in evidence.answers.items() if a == "yes")


def without_red_flag_yes(model: CompiledModel, evidence: Evidence) -> Evidence:
    """The evidence with every red-flag 'yes' removed (for the probability part of triage)."""
    red = set(model.red_flag_findings)
    kept = {f: a for f, a in evidence.answers.items() if not (a == "yes" and f in red)}
    if len(kept) == len(evidence.answers):
        return evidence
    return Evidence(age=evidence.age, sex=evidence.sex, answers=kept)


def _percent(p: float) -> str:
    return f"{100 * p:.0f}%" if p >= 0.01 else "under 1%"


def _condition_instruction(model: CompiledModel, index: int) -> str:
    cond = model.condition(index)
    return f"{cond.see_whom.rstrip('.')}. When: {cond.see_when}"


def decide_triage(model: CompiledModel, evidence: Evidence, probability: FloatArray) -> Triage:
    """Triage level, instruction and reasons.

    `probability` is the posterior of `without_red_flag_yes(model, evidence)`.
    """
    params = model.params
    yes = _yes_set(evidence)
    reasons: list[tuple[int, int, TriageReason, str]] = []  # (level rank, priority, reason, instruction)

    for rule in model.kb.red_flags.values():
        if rule_fires(rule, evidence, yes):
            reason = TriageReason(
                kind="red_flag", id=rule.id, level=rule.level, text=f"{rule.name}: {rule.why}"
            )
            reasons.append((rule.level.rank, 0, reason, rule.instruction))

    for ci, cid in enumerate(model.condition_ids):
        cond = model.condition(ci)
        p = float(probability[ci])
        if model.must_not_miss[ci] and p >= float(model.safety_threshold[ci]):
            level = cond.default_triage
            text = (
                f"{cond.name} is {_percent(p)} likely, at or above its safety threshold of "
                f"{_percent(float(model.safety_threshold[ci]))}"
            )
            reason = TriageReason(kind="must_not_miss", id=cid, level=level, text=text)
            reasons.append((level.rank, 2, reason, _condition_instruction(model, ci)))
        for esc in cond.escalations:
            needed = esc.min_probability
            if needed is None:
                if not esc.if_present:
                    continue
                needed = params.escalation_min_probability
            if p < needed or not all(f in yes for f in esc.if_present):
                continue
            trigger = ", ".join(model.finding(f).question for f in esc.if_present if f in model.kb.findings)
            text = f"{cond.name} ({_percent(p)} likely)" + (f" with: {trigger}" if trigger else "")
            reason = TriageReason(kind="escalation", id=cid, level=esc.level, text=text)
            reasons.append((esc.level.rank, 1, reason, esc.instruction))

    base_rank, base_index = baseline_level(model, probability)
    base_cond = model.condition(base_index)
    reasons.append(
        (
            base_rank,
            3,
            TriageReason(
                kind="condition_default",
                id=base_cond.id,
                level=LEVELS[base_rank],
                text=f"most likely causes usually need: {LEVELS[base_rank].value.replace('_', ' ')}",
            ),
            _condition_instruction(model, base_index),
        )
    )

    reasons.sort(key=lambda r: (-r[0], r[1], r[2].id))
    top_rank, _, _, instruction = reasons[0]
    return Triage(level=LEVELS[top_rank], instruction=instruction, reasons=[r[2] for r in reasons])


def baseline_level(model: CompiledModel, probability: FloatArray) -> tuple[int, int]:
    """(level rank, condition index): the highest level L whose conditions (default >= L) hold at
    least `median_share` of the probability, and the most likely condition with default L."""
    share = model.params.median_share
    # Shares of the differential (one-vs-rest probabilities need not sum to 1).
    weights = probability / max(float(probability.sum()), 1e-12)
    rank = 0
    for level in range(len(LEVELS) - 1, 0, -1):
        if float(weights[model.default_level >= level].sum()) >= share:
            rank = level
            break
    at_level = np.flatnonzero(model.default_level == rank)
    if at_level.size == 0:
        at_level = np.flatnonzero(model.default_level >= rank)
    best = int(at_level[np.argmax(probability[at_level])])
    return rank, best
