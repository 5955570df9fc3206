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

from hipcheck.engine.model import MAX_REASONS, MIN_REASON, CompiledModel, FloatArray, IntArray
from hipcheck.engine.result import Contribution, Evidence
from hipcheck.errors import UnknownFinding


@dataclass(frozen=True)
class EvidenceIndex:
    """The known answers of one Evidence as finding indices (unknowns dropped)."""

    yes: IntArray
    no: IntArray
    answered: frozenset[str]
    """Every finding the runner has been asked, including those answered 'unknown'."""


def index_evidence(model: CompiledModel, evidence: Evidence) -> EvidenceIndex:
    """Check every finding id and split the answers into yes / no index arrays."""
    yes: list[int] = []
    no: list[int] = []
    for finding_id, answer in evidence.answers.items():
        index = model.finding_index.get(finding_id)
        if index is None:
            raise UnknownFinding(f"unknown finding id '{finding_id}'", field=finding_id)
        sex = model.finding_sex[index]
        if sex is not None and sex != evidence.sex:
            continue  # asked only of the other sex: not evidence for this runner
        if answer == "yes":
            yes.append(index)
        elif answer == "no":
            no.append(index)
    return EvidenceIndex(
        yes=np.array(sorted(yes), dtype=np.int64),
        no=np.array(sorted(no), dtype=np.int64),
        answered=frozenset(evidence.answers),
    )


def prior_log_weights(
    model: CompiledModel, evidence: Evidence, idx: EvidenceIndex
) -> tuple[FloatArray, FloatArray]:
    """(demographic log prior, extra log factor from risk-factor modifiers), both per condition.

    Demographic modifiers (age, sex only) set the reported prior; modifiers that also need a
    finding present count as that finding's contribution.
    """
    demographic = model.log_prior.copy()
    risk = np.zeros_like(demographic)
    yes = set(idx.yes.tolist())
    for mod in model.modifiers:
        if not mod.applies_to(evidence.age, evidence.sex):
            continue
        if not mod.if_present:
            demographic[mod.condition] += mod.log_factor
        elif all(f in yes for f in mod.if_present):
            risk[mod.condition] += mod.log_factor
    return demographic, risk


def normalise(log_weights: FloatArray) -> FloatArray:
    shifted = log_weights - log_weights.max()
    weights = np.exp(shifted)
    result: FloatArray = weights / weights.sum()
    return result


@dataclass(frozen=True)
class Posterior:
    prior: FloatArray
    """(conditions,): after age/sex modifiers, normalised."""
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
    shifted = log_score - log_score.max(axis=-1, keepdims=True)
    weights = np.exp(shifted)
    result: FloatArray = weights / weights.sum(axis=-1, keepdims=True)
    return result


def posterior(model: CompiledModel, evidence: Evidence) -> Posterior:
    """Prior and posterior probability of every condition given the evidence."""
    idx = index_evidence(model, evidence)
    demographic, risk = prior_log_weights(model, evidence, idx)
    log_post = demographic + risk
    if idx.yes.size:
        log_post = log_post + model.log_lr_yes[:, idx.yes].sum(axis=1)
    if idx.no.size:
        log_post = log_post + model.log_lr_no[:, idx.no].sum(axis=1)
    return Posterior(
        prior=normalise(demographic),
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
    # Columns ordered by finding id, so a stable sort by strength breaks ties by id.
    known = sorted(
        [(f, True) for f in idx.yes.tolist()] + [(f, False) for f in idx.no.tolist()],
        key=lambda fa: model.finding_ids[fa[0]],
    )
    if not known:
        return [([], []) for _ in model.condition_ids]
    columns = np.array([f for f, _ in known], dtype=np.int64)
    is_yes = np.array([y for _, y in known], dtype=np.bool_)
    values = np.where(is_yes[None, :], model.log_lr_yes[:, columns], model.log_lr_no[:, columns])
    bonus: dict[tuple[int, int], float] = {}
    yes = set(idx.yes.tolist())
    position = {f: k for k, (f, _) in enumerate(known)}
    for mod in model.modifiers:
        if not mod.if_present or not mod.applies_to(evidence.age, evidence.sex):
            continue
        if all(f in yes for f in mod.if_present):
            share = mod.log_factor / len(mod.if_present)
            for f in mod.if_present:
                key = (mod.condition, position[f])
                bonus[key] = bonus.get(key, 0.0) + share
    for (ci, k), share in bonus.items():
        values[ci, k] += share
    values = np.round(values, 6)
    order = np.argsort(-np.abs(values), axis=1, kind="stable")
    strong = (np.abs(values) >= MIN_REASON).tolist()
    rows = values.tolist()

    out: list[tuple[list[Contribution], list[Contribution]]] = []
    for ci, row in enumerate(order.tolist()):
        supporting: list[Contribution] = []
        conflicting: list[Contribution] = []
        for k in row:
            if not strong[ci][k]:
                break  # sorted by strength: the rest are weaker still
            kept = supporting if rows[ci][k] > 0 else conflicting
            if len(kept) >= MAX_REASONS:
                if len(supporting) >= MAX_REASONS and len(conflicting) >= MAX_REASONS:
                    break
                continue  # only the strongest MAX_REASONS of each kind are kept
            fi, answered_yes = known[k]
            reason = model.reasons[(ci, fi, answered_yes)]
            if (ci, k) in bonus:
                reason = Contribution(
                    finding_id=reason.finding_id,
                    answer=reason.answer,
                    log_lr=rows[ci][k],
                    text=reason.text,
                )
            kept.append(reason)
        out.append((supporting, conflicting))
    return out
