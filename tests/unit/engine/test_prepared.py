"""What compile_model prepares and the engine's short cuts give exactly what the plain code gives.

`assess()` runs after every answer, so the engine reads prepared tables and skips numpy calls
where it can; each test here puts a short cut beside the straightforward computation it replaces
and asks for equality to the last bit (not approximate), on generated inputs.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from hipcheck.engine import CompiledModel, assess
from hipcheck.engine.inference import contributions, index_evidence, normalise, posterior, prior_for
from hipcheck.engine.model import LEVELS, MAX_REASONS, MIN_REASON, FloatArray, demographic_log_prior
from hipcheck.engine.questions import _rule_completion, _screen_gain
from hipcheck.engine.result import Answer, Contribution, Evidence
from hipcheck.engine.triage import baseline_level
from hipcheck.knowledge.schema import Sex, TriageLevel

from .conftest import build_model, real_model, tiny_kb_data

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ANSWERS: list[Answer] = ["yes", "no", "unknown"]


def risky_tiny_model() -> CompiledModel:
    """The tiny knowledge base plus risk-factor modifiers (the packaged one has none today)."""
    data = tiny_kb_data()
    data["conditions"]["gtps"]["prior_modifiers"] = [
        {"factor": 2.0, "if_present": ["hop_pain"]},
        {"factor": 0.5, "age_min": 40, "if_present": ["hop_pain", "rf_fever"]},
    ]
    data["conditions"]["fnsf"]["prior_modifiers"] = [
        {"factor": 3.0, "sex": "female", "if_present": ["lying_side"]}
    ]
    return build_model(data)


@st.composite
def evidence_for(draw: st.DrawFn, model: CompiledModel) -> Evidence:
    findings = draw(st.lists(st.sampled_from(model.finding_ids), unique=True, max_size=30))
    return Evidence(
        age=draw(st.integers(min_value=10, max_value=100)),
        sex=draw(st.sampled_from(list(Sex))),
        answers={f: draw(st.sampled_from(ANSWERS)) for f in findings},
    )


def plain_contributions(
    model: CompiledModel, evidence: Evidence
) -> list[tuple[list[Contribution], list[Contribution]]]:
    """Reasons the straightforward way: every condition's answers sorted by |log LR| (ties by
    finding id), modifier shares added, the first MAX_REASONS of each sign above MIN_REASON."""
    idx = index_evidence(model, evidence)
    yes = set(idx.yes_list)
    known = sorted(yes | set(idx.no_list), key=lambda f: model.finding_ids[f])
    out: list[tuple[list[Contribution], list[Contribution]]] = []
    for ci in range(len(model.condition_ids)):
        rows: list[tuple[float, int, Contribution]] = []
        for k, f in enumerate(known):
            value = float(model.log_lr_yes[ci, f] if f in yes else model.log_lr_no[ci, f])
            bonus: float | None = None  # the modifiers' shares are added up first, then to the LR
            for mod in model.modifiers:
                applies = (
                    mod.condition == ci and mod.if_present and mod.applies_to(evidence.age, evidence.sex)
                )
                if applies and f in mod.if_present and all(g in yes for g in mod.if_present):
                    bonus = (bonus or 0.0) + mod.log_factor / len(mod.if_present)
            if bonus is not None:
                value += bonus
            value = round(value, 6)
            prepared = model.answer_reason[ci, f + len(model.finding_ids) if f in yes else f]
            reason = prepared if value == prepared.log_lr else prepared.model_copy(update={"log_lr": value})
            rows.append((value, k, reason))
        rows.sort(key=lambda r: (-abs(r[0]), r[1]))
        supporting = [r for v, _, r in rows if v >= MIN_REASON][:MAX_REASONS]
        conflicting = [r for v, _, r in rows if v <= -MIN_REASON][:MAX_REASONS]
        out.append((supporting, conflicting))
    return out


@pytest.mark.parametrize("get_model", [risky_tiny_model, real_model], ids=["tiny-with-risk", "real"])
@SETTINGS
@given(data=st.data())
def test_reasons_equal_the_plain_per_condition_sort(
    get_model: Callable[[], CompiledModel], data: st.DataObject
) -> None:
    model = get_model()
    evidence = data.draw(evidence_for(model))
    fast = contributions(model, evidence, index_evidence(model, evidence))
    assert fast == plain_contributions(model, evidence)


def test_prepared_priors_are_the_modifier_loop_for_every_age_and_sex() -> None:
    model = real_model()
    for sex in Sex:
        for age in range(10, 101):
            row = prior_for(model, Evidence(age=age, sex=sex))
            plain = demographic_log_prior(model.log_prior, model.modifiers, age, sex)
            assert row.log_prior.tobytes() == plain.tobytes()
            assert row.prior.tobytes() == normalise(plain).tobytes()
            assert row.prior_list == tuple(np.clip(normalise(plain), 0.0, 1.0).tolist())


def test_an_age_outside_the_prepared_rows_is_computed_the_same_way() -> None:
    model = real_model()
    evidence = Evidence.model_construct(age=7, sex=Sex.male, answers={})  # bypasses the 10-100 check
    row = prior_for(model, evidence)
    assert (
        row.log_prior.tobytes()
        == demographic_log_prior(model.log_prior, model.modifiers, 7, Sex.male).tobytes()
    )


@pytest.mark.parametrize("get_model", [risky_tiny_model, real_model], ids=["tiny-with-risk", "real"])
@SETTINGS
@given(data=st.data())
def test_red_flag_rules_fire_exactly_as_their_when_reads(
    get_model: Callable[[], CompiledModel], data: st.DataObject
) -> None:
    model = get_model()
    evidence = data.draw(evidence_for(model))
    yes = frozenset(f for f, a in evidence.answers.items() if a == "yes")
    for compiled in model.rules:
        when = compiled.rule.when
        plain = (
            (when.age_min is None or evidence.age >= when.age_min)
            and (when.age_max is None or evidence.age <= when.age_max)
            and (when.sex is None or when.sex == evidence.sex)
            and all(f in yes for f in when.all_of)
            and all(any(f in yes for f in group) for group in when.any_of)
            and not any(f in yes for f in when.none_of)
        )
        assert compiled.fires(evidence.age, evidence.sex, yes) == plain


def plain_baseline_level(model: CompiledModel, probability: FloatArray) -> tuple[int, int]:
    weights = probability / np.maximum(probability.sum(axis=1, keepdims=True), 1e-12)
    rank, row = 0, 0
    for level in range(len(LEVELS) - 1, 0, -1):
        shares = weights[:, model.default_level >= level].sum(axis=1)
        if float(shares.max()) >= model.params.median_share:
            rank, row = level, int(np.argmax(shares))
            break
    at_level = np.flatnonzero(model.default_level == rank)
    if at_level.size == 0:
        at_level = np.flatnonzero(model.default_level >= rank)
    return rank, int(at_level[np.argmax(probability[row, at_level])])


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_baseline_level_equals_the_boolean_mask_version(data: st.DataObject) -> None:
    model = real_model()
    n_rows = data.draw(st.integers(min_value=1, max_value=6))
    raw = data.draw(
        hnp.arrays(np.float64, (n_rows, len(model.condition_ids)), elements=st.floats(0.0, 1.0, width=64))
    )
    probability = raw / np.maximum(raw.sum(axis=1, keepdims=True), 1e-12)
    assert baseline_level(model, probability) == plain_baseline_level(model, probability)


@settings(max_examples=300, deadline=None)
@given(
    gains=hnp.arrays(np.float64, 40, elements=st.floats(0.0, 5.0, width=64)),
    members=st.lists(st.integers(0, 39), min_size=1, max_size=12, unique=True).map(sorted),
)
def test_a_screens_gain_is_numpys_sum_to_the_last_bit(gains: FloatArray, members: list[int]) -> None:
    expected = float(gains[members].sum())
    assert _screen_gain(gains, gains.tolist(), members) == expected
    assert (
        np.float64(_screen_gain(gains, gains.tolist(), members)).tobytes() == np.float64(expected).tobytes()
    )


@SETTINGS
@given(data=st.data())
def test_the_result_passes_its_own_contract_and_repeats_the_posterior(data: st.DataObject) -> None:
    model = real_model()
    evidence = data.draw(evidence_for(model))
    result = assess(model, evidence)
    assert type(result).model_validate(result.model_dump()) == result
    post = posterior(model, evidence)
    by_id = {c.id: c.probability for c in result.conditions}
    assert [by_id[c] for c in model.condition_ids] == np.clip(post.probability, 0.0, 1.0).tolist()


def plain_rule_completion(
    model: CompiledModel, evidence: Evidence, askable: set[str], probability: FloatArray, level: TriageLevel
) -> tuple[list[str], str] | None:
    """The first rule (most urgent, then by id) above `level` that exactly one askable part
    would fire, read straight from its `when`."""
    yes = {f for f, a in evidence.answers.items() if a == "yes"}
    for rule in sorted(model.kb.red_flags.values(), key=lambda r: (-r.level.rank, r.id)):
        when = rule.when
        if rule.level <= level or any(f in yes for f in when.none_of):
            continue
        if when.age_min is not None and evidence.age < when.age_min:
            continue
        if when.age_max is not None and evidence.age > when.age_max:
            continue
        if when.sex is not None and when.sex != evidence.sex:
            continue
        missing: list[list[str]] = []
        possible = True
        for f in when.all_of:
            if f not in yes:
                possible = possible and f in askable
                missing.append([f])
        for group in when.any_of:
            if not any(f in yes for f in group):
                unasked = [f for f in group if f in askable]
                possible = possible and bool(unasked)
                missing.append(unasked)
        if not possible or len(missing) != 1:
            continue
        suspects = [model.condition_index[c] for c in rule.suspects if c in model.condition_index]
        if suspects and float(probability[suspects].max()) < model.params.rule_relevance:
            continue
        return missing[0], rule.name
    return None


@SETTINGS
@given(data=st.data())
def test_the_warning_sign_to_complete_is_the_one_a_plain_reading_finds(data: st.DataObject) -> None:
    model = real_model()
    evidence = data.draw(evidence_for(model))
    # Askable: the unanswered findings, less a few (as if asked of the other sex or answered).
    dropped = data.draw(st.sets(st.sampled_from(model.finding_ids), max_size=10))
    askable = set(model.finding_ids) - set(evidence.answers) - dropped
    level = data.draw(st.sampled_from(list(TriageLevel)))
    probability = posterior(model, evidence).probability
    found = _rule_completion(model, evidence, askable, probability, level)
    plain = plain_rule_completion(model, evidence, askable, probability, level)
    event("a rule to complete" if plain else "no rule to complete")
    if plain is None:
        assert found is None
    else:
        assert found is not None
        assert (found.finding_ids, found.reason) == (plain[0], f"checking a warning sign: {plain[1]}")
