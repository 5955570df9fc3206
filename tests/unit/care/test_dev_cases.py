"""Plans for every development case, through the real knowledge base and engine.

For each case (all its evidence at once) and several days since onset: urgent/emergency plans
are only "now"; otherwise every exercise is allowed for every plausible condition (posterior
>= 0.05) and favoured by one; ice is active only in the first 48 h and heat only after them;
heat is never offered while outer-hip tendon pain is plausible.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hipcheck.care.models import EXCLUSION_THRESHOLD, Plan, PlanOptions
from hipcheck.care.plan import favoured_by, make_plan
from hipcheck.engine import CompiledModel, assess, compile_model
from hipcheck.engine.result import AssessmentResult, Evidence
from hipcheck.knowledge.load import load_knowledge_base
from hipcheck.knowledge.schema import KnowledgeBase, TriageLevel

CASES_FILE = Path(__file__).resolve().parents[2] / "cases" / "dev-cases.jsonl"
DAYS = (0, 1, 2, 6, 30)
BONE = {"femoral_neck_stress_fracture", "other_stress_fracture"}


def _cases() -> list[dict[str, Any]]:
    return [json.loads(line) for line in CASES_FILE.read_text().splitlines() if line.strip()]


CASES = _cases()


@pytest.fixture(scope="module")
def real_kb() -> KnowledgeBase:
    return load_knowledge_base()


@pytest.fixture(scope="module")
def model(real_kb: KnowledgeBase) -> CompiledModel:
    return compile_model(real_kb)


def _result(model: CompiledModel, case: dict[str, Any]) -> AssessmentResult:
    answers = {f: "yes" for f in case["present"]} | {f: "no" for f in case["absent"]}
    return assess(model, Evidence(age=case["age"], sex=case["sex"], answers=answers))  # type: ignore[arg-type]


def _care(plan: Plan, cid: str) -> Any:
    return next((c for c in plan.symptom_care if c.id == cid), None)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_dev_case_plan_is_safe(case: dict[str, Any], real_kb: KnowledgeBase, model: CompiledModel) -> None:
    result = _result(model, case)
    plausible = {c.id for c in result.conditions if c.probability >= EXCLUSION_THRESHOLD}
    favours = favoured_by(real_kb)
    for days in DAYS:
        plan = make_plan(real_kb, result, PlanOptions(days_since_onset=days, equipment=["band", "bench"]))
        if result.triage.level >= TriageLevel.urgent:
            assert plan.now_only
            assert plan.exercises == []
            assert plan.phases == plan.symptom_care == plan.running_changes == []
            assert plan.now[0].text == result.triage.instruction
            continue
        assert not plan.now_only
        assert len(plan.exercises) <= 6
        for ex in plan.exercises:
            forbidden_by = {f.condition for f in real_kb.exercises[ex.id].forbids}
            assert not forbidden_by & plausible, f"{ex.id} forbidden by {forbidden_by & plausible}"
            assert favours[ex.id] & plausible
            assert ex.sources
        for excluded in plan.excluded_exercises:
            assert all(r.condition_id in plausible for r in excluded.ruled_out_by)
            assert excluded.id not in {e.id for e in plan.exercises}

        ice, heat = _care(plan, "ice"), _care(plan, "heat")
        hours = days * 24
        if ice is not None:
            assert ice.active_now == (ice.offered and hours < 48)
        if heat is not None:
            assert heat.active_now == (heat.offered and hours >= 48)
            if "gluteal_tendinopathy_bursitis" in plausible:
                # No heat for irritable bursitis-type pain in the first two weeks; optional after.
                assert heat.offered == (hours >= 14 * 24)
                assert heat.evidence_note
        nsaids = _care(plan, "nsaids")
        if nsaids is not None and BONE & plausible:
            assert not nsaids.offered
        assert plan.sources


def test_most_non_urgent_dev_cases_get_three_to_six_exercises(
    real_kb: KnowledgeBase, model: CompiledModel
) -> None:
    counts = []
    for case in CASES:
        result = _result(model, case)
        if result.triage.level >= TriageLevel.urgent:
            continue
        plan = make_plan(real_kb, result, PlanOptions(days_since_onset=20))
        counts.append((case["id"], len(plan.exercises)))
    assert counts, "no non-urgent dev case: the share below would hold for none"
    in_range = [c for c in counts if 3 <= c[1] <= 6]
    # Conditions the knowledge base favours no exercise for (hernia, tailbone, skin nerve) get none.
    assert len(in_range) >= 0.75 * len(counts), counts
