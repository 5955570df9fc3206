"""Safety floor on the held-out case-report set (issue 3, clinical validation).

`case-reports.jsonl` holds published case reports and teaching vignettes reduced to what the runner
could say (sources and reduction notes: `case-reports.sources.md`). The floors below are the
measured levels (2026-11-23, knowledge base after the case-report fixes), not targets: a change that
drops below them has made the engine less safe on realistic sparse cases.

Every urgent/emergency case must be triaged at least at its gold level, except the documented
misses below. They are strict xfails: when one starts passing, remove it from the list.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hipcheck.engine import CompiledModel
from hipcheck.engine.evaluate import Mode, evaluate, parse_case, run_interactive, run_static
from hipcheck.knowledge.schema import TriageLevel

CASE_FILE = Path(__file__).with_name("case-reports.jsonl")
SOURCES_FILE = Path(__file__).with_name("case-reports.sources.md")
RAW: list[dict[str, object]] = [
    json.loads(line) for line in CASE_FILE.read_text(encoding="utf-8").splitlines() if line.strip()
]

# Serious gold cases the engine under-triages, with the reason (see the helper's report).
KNOWN_UNDER_TRIAGE: dict[str, str] = {
    "cr-fnsf-03": "only groin pain + no better with rest reported; no load-pain finding for rule R2",
    "cr-osf-01": "months of groin pain without a weight-bearing finding; R2 is not met",
    "cr-osf-06": "sacral pain on weight bearing with the risk factors explicitly absent",
    "cr-sep-09": "afebrile hip infection first read as osteoarthritis (decisive finding absent)",
    "cr-avul-05": "chronic, insidious ischial avulsion that looks like hamstring tendinopathy",
    "cr-tt-02": "torsion felt as groin pain only, testicle not painful (decisive finding absent)",
    "cr-her-01": "obturator hernia: thigh pain in an 89-year-old, no lump, no vomiting reported",
    "cr-her-02": "strangulated obturator hernia: triaged urgent for weight loss, gold emergency",
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


def test_every_case_has_a_documented_source() -> None:
    documented = set(re.findall(r"^\| (cr-[a-z0-9_-]+) \|", SOURCES_FILE.read_text(encoding="utf-8"), re.M))
    ids = [str(r["id"]) for r in RAW]
    assert len(ids) == len(set(ids))
    assert set(ids) == documented


def test_the_set_is_mostly_serious_and_known_misses_are_real_cases() -> None:
    assert len(SERIOUS) / len(RAW) >= 0.4
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
def test_case_report_set_meets_its_measured_floor(model: CompiledModel, mode: Mode) -> None:
    cases = [parse_case(raw, n, model) for n, raw in enumerate(RAW, start=1)]
    report = evaluate(model, cases, mode)
    # measured (96 cases): static top-3 0.781, interactive 0.792; red-flag sensitivity 0.873 in both
    # at first, 0.921 after the engine's red-flag floor and pooled bone-injury threshold
    assert report.top3 >= 0.78
    assert report.red_flag_sensitivity is not None and report.red_flag_sensitivity >= 0.92
    assert report.self_care_kept == 1.0
    serious_ids = {str(r["id"]) for r in SERIOUS}
    assert {i for i in report.under_triage if i in serious_ids} <= set(KNOWN_UNDER_TRIAGE)
    if mode == "interactive":
        assert report.mean_questions is not None and report.mean_questions <= 15


def test_every_emergency_gold_case_is_at_least_urgent(model: CompiledModel) -> None:
    """Even the documented misses are never sent home: an emergency is at least 'see today'."""
    for raw in _raw_by_level("emergency"):
        case = parse_case(raw, 0, model)
        level = run_static(model, case).triage.level
        if raw["id"] in {"cr-tt-02", "cr-her-01"}:
            continue  # no runner-reportable sign of the cause at all (see KNOWN_UNDER_TRIAGE)
        assert level >= TriageLevel.urgent, raw["id"]
