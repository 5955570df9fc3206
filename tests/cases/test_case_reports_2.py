"""Floors on the second held-out case-report set (issue 3, clinical validation).

`case-reports-2.jsonl` holds 36 published case reports, case series and teaching vignettes, written
independently of `case-reports.jsonl` (no shared source) and reduced to what the runner could say
(sources and reduction notes: `case-reports-2.sources.md`). Unlike the first set it covers the
common causes too. The floors are the measured levels (2026-11-23), not targets: a change that drops
below them has made the engine worse on realistic sparse cases it was not tuned on.

Every urgent/emergency case must be triaged at least at its gold level, except the documented
misses below (strict xfails: when one starts passing, remove it from the list).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hipcheck.engine import CompiledModel
from hipcheck.engine.evaluate import Mode, evaluate, parse_case, run_interactive, run_static
from hipcheck.knowledge.schema import TriageLevel

CASE_FILE = Path(__file__).with_name("case-reports-2.jsonl")
SOURCES_FILE = Path(__file__).with_name("case-reports-2.sources.md")
FIRST_SET_SOURCES = Path(__file__).with_name("case-reports.sources.md")
RAW: list[dict[str, object]] = [
    json.loads(line) for line in CASE_FILE.read_text(encoding="utf-8").splitlines() if line.strip()
]

# Serious gold cases the engine under-triages, with the reason.
KNOWN_UNDER_TRIAGE: dict[str, str] = {
    "c2-fnsf-03": "groin pain described as sharp, nothing load-related reported; R2 is not met",
    "c2-osf-02": "ischial stress fracture reported only as buttock pain with activity",
}

# See-clinician gold cases triaged self-care (not serious, listed so the set stays honest).
KNOWN_SEE_CLINICIAN_MISSES = {
    "c2-ham-01": "complete hamstring avulsion with no pop or bruising reported (escalation findings unknown)",
}


def _raw_by_level(*levels: str) -> list[dict[str, object]]:
    return [r for r in RAW if isinstance(r["gold"], dict) and r["gold"]["triage"] in levels]


SERIOUS = _raw_by_level("urgent", "emergency")


def _param(raw: dict[str, object]) -> object:
    case_id = str(raw["id"])
    marks = []
    if case_id in KNOWN_UNDER_TRIAGE:
        marks.append(pytest.mark.xfail(reason=KNOWN_UNDER_TRIAGE[case_id], strict=True))
    return pytest.param(raw, id=case_id, marks=marks)


def test_every_case_has_a_documented_source_not_shared_with_the_first_set() -> None:
    text = SOURCES_FILE.read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| (c2-[a-z0-9_-]+) \|", text, re.M))
    ids = [str(r["id"]) for r in RAW]
    assert len(ids) == len(set(ids))
    assert set(ids) == documented
    first = FIRST_SET_SOURCES.read_text(encoding="utf-8")
    dois = set(re.findall(r"doi[:.]\s*(10\.[0-9]{4,}/[^\s;)]+)", text, re.I))
    assert not {d for d in dois if d in first}


def test_the_set_covers_common_and_serious_causes() -> None:
    gold = {str(r["gold"]["condition"]) for r in RAW if isinstance(r["gold"], dict)}
    assert len(gold) >= 20
    assert 0.3 <= len(SERIOUS) / len(RAW) <= 0.8
    assert set(KNOWN_UNDER_TRIAGE) <= {str(r["id"]) for r in SERIOUS}


@pytest.mark.parametrize("raw", [_param(r) for r in SERIOUS])
def test_serious_case_is_not_under_triaged_static(model: CompiledModel, raw: dict[str, object]) -> None:
    case = parse_case(raw, 0, model)
    assert case.gold is not None
    result = run_static(model, case)
    assert result.triage.level >= case.gold.triage, [r.id for r in result.triage.reasons]


@pytest.mark.parametrize("raw", [_param(r) for r in SERIOUS])
def test_serious_case_is_not_under_triaged_interactive(model: CompiledModel, raw: dict[str, object]) -> None:
    case = parse_case(raw, 0, model)
    assert case.gold is not None
    result, asked = run_interactive(model, case)
    assert asked <= model.params.max_questions
    assert result.triage.level >= case.gold.triage, [r.id for r in result.triage.reasons]


@pytest.mark.parametrize("mode", ["static", "interactive"])
def test_case_report_set_2_meets_its_measured_floor(model: CompiledModel, mode: Mode) -> None:
    cases = [parse_case(raw, n, model) for n, raw in enumerate(RAW, start=1)]
    report = evaluate(model, cases, mode)
    # measured (36 cases): top-1 0.667, top-3 0.750, red-flag sensitivity 0.900 in both modes
    # (before the knowledge-base fixes: 0.611 / 0.722 / 0.850, five under-triaged)
    assert report.top1 >= 0.66
    assert report.top3 >= 0.75
    assert report.red_flag_sensitivity is not None and report.red_flag_sensitivity >= 0.90
    assert report.self_care_kept == 1.0
    assert set(report.under_triage) <= set(KNOWN_UNDER_TRIAGE) | set(KNOWN_SEE_CLINICIAN_MISSES)
    if mode == "interactive":
        assert report.mean_questions is not None and report.mean_questions <= 15


def test_every_emergency_gold_case_is_at_least_urgent(model: CompiledModel) -> None:
    """Even a documented miss is never sent home: an emergency is at least 'see today'."""
    for raw in _raw_by_level("emergency"):
        case = parse_case(raw, 0, model)
        assert run_static(model, case).triage.level >= TriageLevel.urgent, raw["id"]
