"""Triage: red-flag rules first, then must-not-miss thresholds, escalations and the differential.

The level is the highest of:
1. every red-flag rule of the knowledge base whose findings (and age/sex) match;
2. every must-not-miss condition whose probability has reached its safety threshold;
3. every condition escalation whose probability and findings are met;
4. the differential's baseline: the highest default level whose conditions together hold at
   least `median_share` of the probability (the "median" urgency of the differential).

Red flags are a floor that no later answer lowers. Rules only read 'yes' answers, so they only
ever add. For parts 2-4, each red-flag 'yes' is also read as if it had been 'no' (every
combination), and the highest level wins: a red flag can shift probability away from another
dangerous cause (e.g. calf swelling towards a clot, away from a stress fracture), but it can
never talk triage down from where it stood without it. Because a posterior with an answer
unknown is a weighted average of the posteriors with that answer yes and no, this makes "adding
a red-flag answer never lowers triage" hold exactly. Every instruction shown is text from the
knowledge base; this module holds no medical wording.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hipcheck.engine.inference import Posterior, to_probability
from hipcheck.engine.model import LEVELS, BoolArray, CompiledModel, FloatArray, IntArray
from hipcheck.engine.result import Evidence, Triage, TriageReason

_MAX_FLIPPED = 12
"""Red-flag 'yes' answers read both ways (2**n combinations); any beyond are read as given."""


@dataclass(frozen=True)
class RedFlagFamily:
    """Posteriors with each red-flag 'yes' read as given or as 'no', one row per combination."""

    probability: FloatArray
    """(members, conditions)"""
    flipped: tuple[str, ...]
    """The red-flag findings read both ways, in column order of `kept`."""
    kept: BoolArray
    """(members, flipped): True where the member keeps the runner's 'yes'."""


def red_flag_family(model: CompiledModel, post: Posterior) -> RedFlagFamily:
    """Every combination of the red-flag 'yes' answers read as given or as 'no'.

    Only the likelihood terms are swapped; a prior modifier keyed on a red-flag finding (the
    knowledge base has none) would follow the answer as given.
    """
    red = [f for f in post.index.yes_list if f in model.red_flag_index][:_MAX_FLIPPED]
    if not red:
        return RedFlagFamily(post.probability[None, :], (), np.ones((1, 0), dtype=np.bool_))
    cols = np.array(red, dtype=np.int64)
    kept = ((np.arange(2 ** len(red))[:, None] >> np.arange(len(red))[None, :]) & 1).astype(np.bool_)
    delta = model.log_lr_yes[:, cols] - model.log_lr_no[:, cols]  # (C, k): yes instead of no
    all_no = post.log_score - delta.sum(axis=1)
    scores = all_no[None, :] + kept.astype(np.float64) @ delta.T
    probability = to_probability(model, scores, post.log_prior)
    return RedFlagFamily(probability, tuple(model.finding_ids[f] for f in red), kept)


def _percent(p: float) -> str:
    return f"{100 * p:.0f}%" if p >= 0.01 else "under 1%"


def decide_triage(model: CompiledModel, evidence: Evidence, post: Posterior) -> Triage:
    """Triage level, instruction and reasons for the evidence and its posterior."""
    yes = post.index.yes_ids
    family = red_flag_family(model, post)
    probability = family.probability
    # One member (no red-flag 'yes') is the common case: its row is already the maximum.
    highest = probability[0] if probability.shape[0] == 1 else probability.max(axis=0)
    reasons: list[tuple[int, int, TriageReason, str]] = []  # (level rank, priority, reason, instruction)

    for compiled in model.rules:
        if compiled.fires(evidence.age, evidence.sex, yes):
            reasons.append((compiled.rank, 0, compiled.reason, compiled.rule.instruction))

    # Must-not-miss reasons (priority 2) and escalations (priority 1) never tie in the final sort,
    # so collecting them in two passes gives the same order as one pass per condition.
    thresholds = model.safety_threshold
    for ci in (model.must_not_miss & (highest >= thresholds)).nonzero()[0].tolist():
        cond = model.conditions[ci]
        p = float(highest[ci])
        level = cond.default_triage
        text = (
            f"{cond.name} is {_percent(p)} likely, at or above its safety threshold of "
            f"{_percent(float(thresholds[ci]))}"
        )
        reason = TriageReason(kind="must_not_miss", id=model.condition_ids[ci], level=level, text=text)
        reasons.append((level.rank, 2, reason, model.condition_instruction[ci]))

    for esc in model.escalations:
        needed = esc.triage_needed
        if needed is None or not esc.present <= yes:
            continue
        ci = esc.condition
        if family.flipped and not esc.present.isdisjoint(family.flipped):
            # Members that read one of this escalation's own findings as 'no' do not count.
            members = np.ones(family.kept.shape[0], dtype=np.bool_)
            for f in esc.if_present:
                if f in family.flipped:
                    members &= family.kept[:, family.flipped.index(f)]
            p_esc = float(probability[members, ci].max())
        else:
            p_esc = float(highest[ci])  # every member counts: the column's maximum
        if p_esc < needed:
            continue
        name = model.conditions[ci].name
        text = f"{name} ({_percent(p_esc)} likely)" + (f" with: {esc.trigger}" if esc.trigger else "")
        reason = TriageReason(kind="escalation", id=model.condition_ids[ci], level=esc.level, text=text)
        reasons.append((esc.rank, 1, reason, esc.instruction))

    for pool in model.pools:
        total = float(np.add.reduce(_columns(probability, pool.member_array, pool.member_list), axis=1).max())
        if total < pool.threshold:
            continue
        lead = max(pool.members, key=lambda i: float(highest[i]))
        level = model.conditions[lead].default_triage
        ranked = sorted(pool.members, key=lambda i: -float(highest[i]))
        names = " or ".join(model.conditions[i].name for i in ranked if float(highest[i]) >= 0.01)
        text = (
            f"{names}: {_percent(total)} likely in all, at or above the "
            f"{_percent(pool.threshold)} safety threshold"
        )
        reason = TriageReason(kind="must_not_miss", id=model.condition_ids[lead], level=level, text=text)
        reasons.append((level.rank, 2, reason, model.condition_instruction[lead]))

    base_rank, base_index = baseline_level(model, probability)
    reasons.append(
        (base_rank, 3, model.baseline_reasons[base_rank][base_index], model.condition_instruction[base_index])
    )

    reasons.sort(key=lambda r: (-r[0], r[1], r[2].id))
    top_rank, _, _, instruction = reasons[0]
    return Triage(level=LEVELS[top_rank], instruction=instruction, reasons=[r[2] for r in reasons])


def baseline_level(model: CompiledModel, probability: FloatArray) -> tuple[int, int]:
    """(level rank, condition index): the highest level L whose conditions (default >= L) hold at
    least `median_share` of the probability in any row of `probability` (members x conditions),
    and the most likely condition with default L in that row."""
    share = model.params.median_share
    # Shares of the differential (one-vs-rest probabilities need not sum to 1). np.add.reduce is
    # what .sum() calls, without its Python wrapper.
    weights = probability / np.maximum(np.add.reduce(probability, axis=1, keepdims=True), 1e-12)
    rank, row = 0, 0
    single = probability.shape[0] == 1
    for level in range(len(LEVELS) - 1, 0, -1):
        columns = _columns(weights, model.level_columns[level], model.level_masks[level])
        shares = np.add.reduce(columns, axis=1)
        if single:
            if float(shares[0]) >= share:
                rank = level
                break
        elif float(shares.max()) >= share:
            rank, row = level, int(shares.argmax())
            break
    at_level = model.at_level[rank]
    best = int(at_level[probability[row].take(at_level).argmax()])
    return rank, best


def _columns(rows: FloatArray, columns: IntArray, select: BoolArray | list[int]) -> FloatArray:
    """rows[:, select], quicker for one row.

    Indexing [:, select] copies the columns in column-major order, so with several rows numpy
    sums each row in a different order than over a row-major copy (the last bit can differ). One
    row is laid out the same either way, so there take() (much quicker) gives identical sums.
    """
    if rows.shape[0] == 1:
        return rows.take(columns, axis=1)
    selected: FloatArray = rows[:, select]
    return selected
