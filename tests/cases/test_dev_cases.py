"""Every development case: the gold cause is in the top 3 and triage is at least the gold level."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hipcheck.engine import CompiledModel
from hipcheck.engine.evaluate import evaluate, parse_case, run_interactive, run_static


def read_raw(name: str) -> list[dict[str, object]]:
    """The case objects of a JSON Lines file beside this test."""
    text = Path(__file__).with_name(name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


RAW = read_raw("dev-cases.jsonl")


@pytest.mark.parametrize("raw", RAW, ids=[r["id"] for r in RAW])
def test_static_top3_and_safe_triage(model: CompiledModel, raw: dict[str, object]) -> None:
    case = parse_case(raw, 0, model)
    assert case.gold is not None
    result = run_static(model, case)
    top3 = [c.id for c in result.conditions[:3]]
    assert case.gold.condition in top3, f"top 3 was {top3}"
    assert result.triage.level >= case.gold.triage, result.triage.reasons


@pytest.mark.parametrize("raw", RAW, ids=[r["id"] for r in RAW])
def test_interactive_triage_is_safe_within_the_question_cap(
    model: CompiledModel, raw: dict[str, object]
) -> None:
    case = parse_case(raw, 0, model)
    assert case.gold is not None
    result, asked = run_interactive(model, case)
    assert asked <= model.params.max_questions
    assert result.should_stop
    assert result.triage.level >= case.gold.triage, result.triage.reasons


def test_dev_set_meets_the_static_targets(model: CompiledModel) -> None:
    cases = [parse_case(raw, n, model) for n, raw in enumerate(RAW, start=1)]
    report = evaluate(model, cases, "static")
    assert report.top1 >= 0.90
    assert report.top3 == 1.0
    assert report.under_triage == []
    assert report.red_flag_sensitivity == 1.0


def test_dev_set_meets_the_interactive_targets(model: CompiledModel) -> None:
    cases = [parse_case(raw, n, model) for n, raw in enumerate(RAW, start=1)]
    report = evaluate(model, cases, "interactive")
    assert report.top3 >= 0.90
    assert report.mean_questions is not None and report.mean_questions <= 15
    assert report.max_questions is not None and report.max_questions <= 25


SPARSE = read_raw("sparse-cases.jsonl")


@pytest.mark.parametrize("raw", SPARSE, ids=[r["id"] for r in SPARSE])
def test_sparse_case_is_never_under_triaged(model: CompiledModel, raw: dict[str, object]) -> None:
    """Author-written cases in the style of the unseen ones: 2-4 findings, mostly serious causes."""
    case = parse_case(raw, 0, model)
    assert case.gold is not None
    assert run_static(model, case).triage.level >= case.gold.triage
    assert run_interactive(model, case)[0].triage.level >= case.gold.triage


def test_sparse_set_top3(model: CompiledModel) -> None:
    cases = [parse_case(raw, n, model) for n, raw in enumerate(SPARSE, start=1)]
    for mode in ("static", "interactive"):
        report = evaluate(model, cases, mode)
        assert report.top3 >= 0.8, (mode, [(o.id, o.top3) for o in report.outcomes if (o.rank or 99) > 3])
        assert report.red_flag_sensitivity == 1.0
