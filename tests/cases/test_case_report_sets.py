"""Safety floors on the two held-out case-report sets (issue 3, clinical validation).

`case-reports.jsonl` (96 cases, mostly serious) and `case-reports-2.jsonl` (36 cases, written
independently with no shared source, covering the common causes too) hold published case reports,
case series and teaching vignettes reduced to what the runner could say; each has a
`.sources.md` sidecar with citations and reduction notes. The floors are the measured levels
(2026-11-23), not targets: a change that drops below them has made the engine worse on realistic
sparse cases it was not tuned on.

Every urgent/emergency case must be triaged at least at its gold level, except the documented
misses of each set. They are strict xfails: when one starts passing, remove it from the list.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from hipcheck.engine import CompiledModel
from hipcheck.engine.evaluate import Mode, evaluate, parse_case, run_interactive, run_static
from hipcheck.knowledge.schema import TriageLevel

HERE = Path(__file__).parent


@dataclass(frozen=True)
class CaseSet:
    name: str
    id_prefix: str
    known_under_triage: dict[str, str]
    """Serious gold cases the engine under-triages, with the reason."""
    top1: float
    top3: float
    red_flag_sensitivity: float
    known_see_clinician_misses: dict[str, str] = field(default_factory=dict)
    """See-clinician gold cases triaged self-care (not serious, listed so the set stays honest)."""
    no_sign_at_all: frozenset[str] = frozenset()
    """Emergency misses with no runner-reportable sign of the cause: exempt from 'at least urgent'."""
    every_miss_documented: bool = False
    """True: every under-triaged case, serious or not, must be listed (not only the serious ones)."""

    @property
    def raw(self) -> list[dict[str, object]]:
        text = (HERE / f"{self.name}.jsonl").read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines() if line.strip()]

    @property
    def sources(self) -> str:
        return (HERE / f"{self.name}.sources.md").read_text(encoding="utf-8")

    def by_level(self, *levels: str) -> list[dict[str, object]]:
        return [r for r in self.raw if isinstance(r["gold"], dict) and r["gold"]["triage"] in levels]

    @property
    def serious(self) -> list[dict[str, object]]:
        return self.by_level("urgent", "emergency")


FIRST = CaseSet(
    name="case-reports",
    id_prefix="cr-",
    known_under_triage={
        "cr-fnsf-03": "only groin pain + no better with rest reported; no load-pain finding for rule R2",
        "cr-osf-01": "months of groin pain without a weight-bearing finding; R2 is not met",
        "cr-osf-06": "sacral pain on weight bearing with the risk factors explicitly absent",
        "cr-sep-09": "afebrile hip infection first read as osteoarthritis (decisive finding absent)",
        "cr-avul-05": "chronic, insidious ischial avulsion that looks like hamstring tendinopathy",
        "cr-tt-02": "torsion felt as groin pain only, testicle not painful (decisive finding absent)",
        "cr-her-01": "obturator hernia: thigh pain in an 89-year-old, no lump, no vomiting reported",
        "cr-her-02": "strangulated obturator hernia: triaged urgent for weight loss, gold emergency",
    },
    # measured (96 cases): static top-1 0.573, top-3 0.781, interactive 0.792; red-flag sensitivity
    # 0.873 in both at first, 0.921 after the engine's red-flag floor and pooled bone-injury threshold
    top1=0.57,
    top3=0.78,
    red_flag_sensitivity=0.92,
    no_sign_at_all=frozenset({"cr-tt-02", "cr-her-01"}),
)
SECOND = CaseSet(
    name="case-reports-2",
    id_prefix="c2-",
    known_under_triage={
        "c2-fnsf-03": "groin pain described as sharp, nothing load-related reported; R2 is not met",
        "c2-osf-02": "ischial stress fracture reported only as buttock pain with activity",
    },
    known_see_clinician_misses={
        "c2-ham-01": "complete hamstring avulsion, no pop or bruising reported (escalation findings unknown)",
    },
    # measured (36 cases): top-1 0.667, top-3 0.750, red-flag sensitivity 0.900 in both modes
    # (before the knowledge-base fixes: 0.611 / 0.722 / 0.850, five under-triaged)
    top1=0.66,
    top3=0.75,
    red_flag_sensitivity=0.90,
    every_miss_documented=True,
)
SETS = [FIRST, SECOND]


def _serious_params() -> list[object]:
    params = []
    for case_set in SETS:
        for raw in case_set.serious:
            case_id = str(raw["id"])
            reason = case_set.known_under_triage.get(case_id)
            marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
            params.append(pytest.param(raw, id=case_id, marks=marks))
    return params


@pytest.mark.parametrize("case_set", SETS, ids=lambda s: s.name)
def test_every_case_has_a_documented_source(case_set: CaseSet) -> None:
    pattern = rf"^\| ({re.escape(case_set.id_prefix)}[a-z0-9_-]+) \|"
    documented = set(re.findall(pattern, case_set.sources, re.M))
    ids = [str(r["id"]) for r in case_set.raw]
    assert len(ids) == len(set(ids))
    assert set(ids) == documented


def test_the_second_set_shares_no_source_with_the_first() -> None:
    dois = set(re.findall(r"doi[:.]\s*(10\.[0-9]{4,}/[^\s;)]+)", SECOND.sources, re.I))
    assert not {d for d in dois if d in FIRST.sources}


def test_the_first_set_is_mostly_serious_and_known_misses_are_real_cases() -> None:
    assert len(FIRST.serious) / len(FIRST.raw) >= 0.4
    assert set(FIRST.known_under_triage) <= {str(r["id"]) for r in FIRST.serious}


def test_the_second_set_covers_common_and_serious_causes() -> None:
    gold = {str(r["gold"]["condition"]) for r in SECOND.raw if isinstance(r["gold"], dict)}
    assert len(gold) >= 20
    assert 0.3 <= len(SECOND.serious) / len(SECOND.raw) <= 0.8
    assert set(SECOND.known_under_triage) <= {str(r["id"]) for r in SECOND.serious}


@pytest.mark.parametrize("raw", _serious_params())
def test_serious_case_is_not_under_triaged_static(model: CompiledModel, raw: dict[str, object]) -> None:
    case = parse_case(raw, 0, model)
    assert case.gold is not None
    result = run_static(model, case)
    assert result.triage.level >= case.gold.triage, [r.id for r in result.triage.reasons]


@pytest.mark.parametrize("raw", _serious_params())
def test_serious_case_is_not_under_triaged_interactive(model: CompiledModel, raw: dict[str, object]) -> None:
    case = parse_case(raw, 0, model)
    assert case.gold is not None
    result, asked = run_interactive(model, case)
    assert asked <= model.params.max_questions
    assert result.triage.level >= case.gold.triage, [r.id for r in result.triage.reasons]


@pytest.mark.parametrize("mode", ["static", "interactive"])
@pytest.mark.parametrize("case_set", SETS, ids=lambda s: s.name)
def test_case_report_set_meets_its_measured_floor(
    model: CompiledModel, case_set: CaseSet, mode: Mode
) -> None:
    cases = [parse_case(raw, n, model) for n, raw in enumerate(case_set.raw, start=1)]
    report = evaluate(model, cases, mode)
    assert report.top1 >= case_set.top1
    assert report.top3 >= case_set.top3
    assert report.red_flag_sensitivity is not None
    assert report.red_flag_sensitivity >= case_set.red_flag_sensitivity
    assert report.self_care_kept == 1.0
    serious_ids = {str(r["id"]) for r in case_set.serious}
    allowed = set(case_set.known_under_triage) | set(case_set.known_see_clinician_misses)
    assert {i for i in report.under_triage if i in serious_ids} <= allowed
    if case_set.every_miss_documented:
        assert set(report.under_triage) <= allowed
    if mode == "interactive":
        assert report.mean_questions is not None and report.mean_questions <= 15


@pytest.mark.parametrize("case_set", SETS, ids=lambda s: s.name)
def test_every_emergency_gold_case_is_at_least_urgent(model: CompiledModel, case_set: CaseSet) -> None:
    """Even a documented miss is never sent home: an emergency is at least 'see today'."""
    for raw in case_set.by_level("emergency"):
        if raw["id"] in case_set.no_sign_at_all:
            continue  # no runner-reportable sign of the cause at all (see known_under_triage)
        case = parse_case(raw, 0, model)
        assert run_static(model, case).triage.level >= TriageLevel.urgent, raw["id"]
