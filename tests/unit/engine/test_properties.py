"""Properties of the engine that must hold for any runner and any answers (hypothesis)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hipcheck.engine import CompiledModel, assess
from hipcheck.engine.result import Answer, AssessmentResult, Evidence
from hipcheck.knowledge.schema import Sex

from .conftest import build_model, real_model, tiny_kb_data

_TINY: list[CompiledModel] = []


def tiny_model() -> CompiledModel:
    if not _TINY:
        _TINY.append(build_model(tiny_kb_data()))
    return _TINY[0]


MODELS: list[Callable[[], CompiledModel]] = [tiny_model, real_model]
IDS = ["tiny", "real"]
ANSWERS: list[Answer] = ["yes", "no", "unknown"]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def evidence_for(draw: st.DrawFn, model: CompiledModel) -> Evidence:
    findings = draw(st.lists(st.sampled_from(model.finding_ids), unique=True, max_size=12))
    answers = {f: draw(st.sampled_from(ANSWERS)) for f in findings}
    return Evidence(
        age=draw(st.integers(min_value=10, max_value=100)),
        sex=draw(st.sampled_from(list(Sex))),
        answers=answers,
    )


def _ranking(result: AssessmentResult) -> list[tuple[str, float]]:
    return [(c.id, round(c.probability, 9)) for c in result.conditions]


@pytest.mark.parametrize("get_model", MODELS, ids=IDS)
@SETTINGS
@given(data=st.data())
def test_probabilities_are_in_range_sum_to_one_and_are_ranked(
    get_model: Callable[[], CompiledModel], data: st.DataObject
) -> None:
    model = get_model()
    result = assess(model, data.draw(evidence_for(model)))
    probs = [c.probability for c in result.conditions]
    assert all(0.0 <= p <= 1.0 for p in probs)
    assert sum(probs) == pytest.approx(1.0)
    assert probs == sorted(probs, reverse=True)
    assert {c.id for c in result.conditions} == set(model.condition_ids)


@pytest.mark.parametrize("get_model", MODELS, ids=IDS)
@SETTINGS
@given(data=st.data())
def test_answer_order_does_not_change_the_result(
    get_model: Callable[[], CompiledModel], data: st.DataObject
) -> None:
    model = get_model()
    evidence = data.draw(evidence_for(model))
    items = list(evidence.answers.items())
    shuffled = data.draw(st.permutations(items))
    other = Evidence(age=evidence.age, sex=evidence.sex, answers=dict(shuffled))
    assert assess(model, evidence) == assess(model, other)


@pytest.mark.parametrize("get_model", MODELS, ids=IDS)
@SETTINGS
@given(data=st.data())
def test_an_unknown_answer_changes_nothing(
    get_model: Callable[[], CompiledModel], data: st.DataObject
) -> None:
    model = get_model()
    evidence = data.draw(evidence_for(model))
    unasked = [f for f in model.finding_ids if f not in evidence.answers]
    assume(unasked)
    extra = data.draw(st.lists(st.sampled_from(unasked), unique=True, min_size=1, max_size=5))
    more = Evidence(
        age=evidence.age, sex=evidence.sex, answers={**evidence.answers, **dict.fromkeys(extra, "unknown")}
    )
    before, after = assess(model, evidence), assess(model, more)
    assert _ranking(before) == _ranking(after)
    assert [c.supporting for c in before.conditions] == [c.supporting for c in after.conditions]
    assert before.triage == after.triage


@pytest.mark.parametrize("get_model", MODELS, ids=IDS)
@SETTINGS
@given(data=st.data())
def test_adding_a_red_flag_never_lowers_triage(
    get_model: Callable[[], CompiledModel], data: st.DataObject
) -> None:
    model = get_model()
    evidence = data.draw(evidence_for(model))
    red_flags = [f for f in model.finding_ids if model.kb.findings[f].group == "red_flag"]
    flags = [f for f in red_flags if evidence.answers.get(f) != "yes"]
    if not flags:
        return
    flag = data.draw(st.sampled_from(flags))
    more = Evidence(age=evidence.age, sex=evidence.sex, answers={**evidence.answers, flag: "yes"})
    assert assess(model, more).triage.level >= assess(model, evidence).triage.level


@pytest.mark.parametrize("get_model", MODELS, ids=IDS)
@SETTINGS
@given(data=st.data())
def test_next_question_is_never_one_already_answered(
    get_model: Callable[[], CompiledModel], data: st.DataObject
) -> None:
    model = get_model()
    evidence = data.draw(evidence_for(model))
    result = assess(model, evidence)
    if result.next_question is None:
        assert result.should_stop and result.stop_reason
    else:
        assert not result.should_stop
        assert not set(result.next_question.finding_ids) & set(evidence.answers)
        assert len(set(result.next_question.finding_ids)) == len(result.next_question.finding_ids)


@pytest.mark.parametrize("get_model", MODELS, ids=IDS)
@SETTINGS
@given(data=st.data())
def test_interactive_and_static_agree_once_all_evidence_is_given(
    get_model: Callable[[], CompiledModel], data: st.DataObject
) -> None:
    model = get_model()
    truth = data.draw(evidence_for(model))
    answers: dict[str, Answer] = {}
    asked = 0
    while True:
        result = assess(model, Evidence(age=truth.age, sex=truth.sex, answers=answers), questions_asked=asked)
        assert asked <= model.params.max_questions
        if result.next_question is None:
            break
        for f in result.next_question.finding_ids:
            answers[f] = truth.answers.get(f, "unknown")
        asked += 1
    # The runner then adds everything else they know (e.g. on the summary page).
    answers.update(truth.answers)
    final = assess(model, Evidence(age=truth.age, sex=truth.sex, answers=answers))
    static = assess(model, truth)
    assert final.triage == static.triage
    assert _ranking(final) == _ranking(static)
