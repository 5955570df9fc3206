"""Each condition lists only its strongest answers (MAX_REASONS of each kind), however many were given."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hipcheck.engine import assess
from hipcheck.engine import inference as inference_module
from hipcheck.engine.model import MAX_REASONS, MIN_REASON
from hipcheck.engine.result import Answer, Evidence
from hipcheck.knowledge.schema import Sex

from .conftest import real_model

ANSWERS: list[Answer] = ["yes", "no"]


@st.composite
def long_evidence(draw: st.DrawFn) -> Evidence:
    model = real_model()
    findings = draw(st.lists(st.sampled_from(model.finding_ids), unique=True, min_size=10, max_size=91))
    return Evidence(
        age=draw(st.integers(min_value=10, max_value=100)),
        sex=draw(st.sampled_from(list(Sex))),
        answers={f: draw(st.sampled_from(ANSWERS)) for f in findings},
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(evidence=long_evidence())
def test_reasons_are_the_strongest_few_of_the_full_lists(
    monkeypatch: pytest.MonkeyPatch, evidence: Evidence
) -> None:
    model = real_model()
    capped = assess(model, evidence)
    with monkeypatch.context() as m:
        m.setattr(inference_module, "MAX_REASONS", 10_000)
        full = assess(model, evidence)
    # The cap changes only the lists of reasons: ranking, probabilities and triage use every answer.
    ranked = [(c.id, c.probability) for c in capped.conditions]
    assert ranked == [(c.id, c.probability) for c in full.conditions]
    assert capped.triage == full.triage and capped.next_question == full.next_question
    for short, whole in zip(capped.conditions, full.conditions, strict=True):
        assert short.supporting == whole.supporting[:MAX_REASONS]
        assert short.conflicting == whole.conflicting[:MAX_REASONS]
        assert all(r.log_lr >= MIN_REASON for r in short.supporting)
        assert all(r.log_lr <= -MIN_REASON for r in short.conflicting)
        strengths = [abs(r.log_lr) for r in short.supporting]
        assert strengths == sorted(strengths, reverse=True)


def test_a_long_interview_keeps_at_most_max_reasons_per_condition() -> None:
    model = real_model()
    every = {f: "no" for f in model.finding_ids}
    result = assess(model, Evidence(age=40, sex=Sex.female, answers=every))
    assert any(len(c.conflicting) == MAX_REASONS for c in result.conditions)
    for c in result.conditions:
        assert len(c.supporting) <= MAX_REASONS and len(c.conflicting) <= MAX_REASONS
