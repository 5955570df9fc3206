"""Posterior over conditions and the per-finding contributions behind it (the "why").

Model: naive Bayes over mutually exclusive conditions (one cause of this pain). Each answered
finding multiplies a condition's odds by its likelihood ratio against runners with hip pain in
general, P(answer | condition) / P(answer); an unknown answer is simply left out, so it changes
nothing. Age, sex and risk-factor modifiers from the knowledge base multiply the prior first.
The posterior is normalised over all conditions, so probabilities sum to 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hipcheck.engine.model import (
    MAX_REASONS,
    MIN_REASON,
    CompiledModel,
    FloatArray,
    IntArray,
    PriorRow,
    normalise,
    prior_row,
)
from hipcheck.engine.result import Contribution, Evidence
from hipcheck.errors import UnknownFinding

__all__ = [
    "EvidenceIndex",
    "Posterior",
    "contributions",
    "index_evidence",
    "normalise",
    "posterior",
    "prior_for",
    "to_probability",
]


@dataclass(frozen=True)
class EvidenceIndex:
    """The known answers of one Evidence as finding indices (unknowns dropped)."""

    yes: IntArray
    no: IntArray
    yes_list: tuple[int, ...]
    """`yes` as Python ints (sorted), for the per-answer loops."""
    no_list: tuple[int, ...]
    yes_ids: frozenset[str]
    """Every finding answered 'yes', including those asked only of the other sex (rules read these)."""


def index_evidence(model: CompiledModel, evidence: Evidence) -> EvidenceIndex:
    """Check every finding id and split the answers into yes / no index arrays."""
    yes: list[int] = []
    no: list[int] = []
    yes_ids: list[str] = []
    finding_index = model.finding_index
    finding_sex = model.finding_sex
    runner_sex = evidence.sex
    for finding_id, answer in evidence.answers.items():
        index = finding_index.get(finding_id)
        if index is None:
            raise UnknownFinding(f"unknown finding id '{finding_id}'", field=finding_id)
        if answer == "yes":
            yes_ids.append(finding_id)
        sex = finding_sex[index]
        if sex is not None and sex != runner_sex:
            continue  # asked only of the other sex: not evidence for this runner
        if answer == "yes":
            yes.append(index)
        elif answer == "no":
            no.append(index)
    yes.sort()
    no.sort()
    return EvidenceIndex(
        yes=np.array(yes, dtype=np.int64),
        no=np.array(no, dtype=np.int64),
        yes_list=tuple(yes),
        no_list=tuple(no),
        yes_ids=frozenset(yes_ids),
    )


def prior_for(model: CompiledModel, evidence: Evidence) -> PriorRow:
    """The age/sex prior of this runner: prepared at compile time for every age an Evidence allows."""
    row = model.prior_rows.get((evidence.sex, evidence.age))
    if row is None:
        row = prior_row(model.log_prior, model.modifiers, evidence.age, evidence.sex)
    return row


def _risk_log_weights(model: CompiledModel, evidence: Evidence, idx: EvidenceIndex) -> FloatArray | None:
    """Extra log factor per condition from risk-factor modifiers whose findings are all 'yes'
    (None when none applies: adding zeros would change nothing)."""
    if not model.risk_modifiers:
        return None
    risk: FloatArray | None = None
    yes = set(idx.yes_list)
    for mod in model.risk_modifiers:
        if not mod.applies_to(evidence.age, evidence.sex):
            continue
        if all(f in yes for f in mod.if_present):
            if risk is None:
                risk = np.zeros_like(model.log_prior)
            risk[mod.condition] += mod.log_factor
    return risk


@dataclass(frozen=True)
class Posterior:
    probability: FloatArray
    """(conditions,): after every known answer, normalised."""
    index: EvidenceIndex
    log_score: FloatArray
    """(conditions,): unnormalised log posterior (log prior + log LRs)."""
    log_prior: FloatArray
    """(conditions,): unnormalised log prior after age/sex modifiers."""


def to_probability(model: CompiledModel, log_score: FloatArray, log_prior: FloatArray) -> FloatArray:
    """Probabilities from log scores; `log_score` may be (conditions,) or (members, conditions)."""
    if model.params.normalisation == "one_vs_rest":
        # Each condition against "not this condition", with the general hip-pain population
        # standing in for the rest: odds = prior odds x product of LRs. Does not sum to 1.
        prior = normalise(log_prior)
        prior_odds = np.log(prior) - np.log1p(-np.minimum(prior, 1 - 1e-12))
        log_odds = prior_odds + (log_score - log_prior)
        odds: FloatArray = 1.0 / (1.0 + np.exp(-log_odds))
        return odds
    shifted = log_score - np.maximum.reduce(log_score, axis=-1, keepdims=True)
    weights = np.exp(shifted)
    result: FloatArray = weights / np.add.reduce(weights, axis=-1, keepdims=True)
    return result


def posterior(model: CompiledModel, evidence: Evidence) -> Posterior:
    """Prior and posterior probability of every condition given the evidence."""
    idx = index_evidence(model, evidence)
    demographic = prior_for(model, evidence).log_prior
    risk = _risk_log_weights(model, evidence, idx)
    # Without risk factors the sum would add zeros, which leaves every value as it is.
    log_post = demographic if risk is None else demographic + risk
    # Keep these exact expressions: [:, idx] gives a column-major copy, and the order in which
    # numpy then adds (and so the last bit of every probability) depends on that layout.
    if idx.yes_list:
        log_post = log_post + model.log_lr_yes[:, idx.yes].sum(axis=1)
    if idx.no_list:
        log_post = log_post + model.log_lr_no[:, idx.no].sum(axis=1)
    return Posterior(
        probability=to_probability(model, log_post, demographic),
        index=idx,
        log_score=log_post,
        log_prior=demographic,
    )


def contributions(
    model: CompiledModel, evidence: Evidence, idx: EvidenceIndex
) -> list[tuple[list[Contribution], list[Contribution]]]:
    """Per condition (model order): its strongest supporting and conflicting answers (at most
    MAX_REASONS of each), strongest first.

    Each log-LR is the answer's likelihood ratio for the condition against runners with hip pain
    in general, plus any risk-factor prior modifier that the answer switched on (shared equally
    among the modifier's findings). Answers that moved the odds by under 1% are left out.
    """
    if not idx.yes_list and not idx.no_list:
        return [([], []) for _ in model.condition_ids]
    n_f = len(model.finding_ids)
    # Columns ordered by finding id, so a stable sort by strength breaks ties by id.
    known = sorted(idx.yes_list + idx.no_list, key=model.finding_rank.__getitem__)
    yes = set(idx.yes_list)
    columns = np.array([f + n_f if f in yes else f for f in known], dtype=np.int64)
    reasons = model.answer_reason.take(columns, axis=1)
    bonus = _modifier_shares(model, evidence, yes, known)
    if bonus:
        values = model.answer_log_lr.take(columns, axis=1)
        for (ci, k), share in bonus.items():
            values[ci, k] += share
        values = np.round(values, 6)
        for ci, k in bonus:
            # The prepared reason carries the likelihood ratio alone; this one adds the modifier.
            prepared: Contribution = reasons[ci, k]
            reasons[ci, k] = Contribution(
                finding_id=prepared.finding_id,
                answer=prepared.answer,
                log_lr=float(values[ci, k]),
                text=prepared.text,
            )
        order_key = -np.abs(values)
    else:
        # Rounding and -|x| are element-wise, so gathering the prepared tables gives the same.
        values = model.answer_strength.take(columns, axis=1)
        order_key = model.answer_order_key.take(columns, axis=1)
    order = order_key.argsort(axis=1, kind="stable")
    rows = model.condition_rows
    ordered_values = values[rows, order]
    ordered_reasons = reasons[rows, order]
    # Sorted by strength, so the answers that moved the odds by under 1% are the tail of each row.
    supporting = ordered_values >= MIN_REASON
    conflicting = ordered_values <= -MIN_REASON
    if len(known) > MAX_REASONS:  # only the strongest MAX_REASONS of each kind are kept
        supporting &= np.cumsum(supporting, axis=1) <= MAX_REASONS
        conflicting &= np.cumsum(conflicting, axis=1) <= MAX_REASONS
    # Every condition's kept reasons, row after row; each condition takes its slice.
    supporting_all: list[Contribution] = ordered_reasons[supporting].tolist()
    conflicting_all: list[Contribution] = ordered_reasons[conflicting].tolist()
    s_end: list[int] = supporting.sum(axis=1).cumsum().tolist()
    c_end: list[int] = conflicting.sum(axis=1).cumsum().tolist()
    return [
        (supporting_all[s0:s1], conflicting_all[c0:c1])
        for s0, s1, c0, c1 in zip([0, *s_end[:-1]], s_end, [0, *c_end[:-1]], c_end, strict=True)
    ]


def _modifier_shares(
    model: CompiledModel, evidence: Evidence, yes: set[int], known: list[int]
) -> dict[tuple[int, int], float]:
    """(condition, column in `known`) -> log factor of the risk-factor modifiers that answer
    switched on, shared equally among each modifier's findings."""
    bonus: dict[tuple[int, int], float] = {}
    if not model.risk_modifiers:
        return bonus
    position = {f: k for k, f in enumerate(known)}
    for mod in model.risk_modifiers:
        if not mod.applies_to(evidence.age, evidence.sex):
            continue
        if all(f in yes for f in mod.if_present):
            share = mod.log_factor / len(mod.if_present)
            for f in mod.if_present:
                key = (mod.condition, position[f])
                bonus[key] = bonus.get(key, 0.0) + share
    return bonus
