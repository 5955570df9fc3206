"""A small hand-made knowledge base and assessment results for the care-plan tests.

Conditions: gtps (outer-hip tendon, soft tissue), itbs, hamstring (acute strain),
fnsf (femoral-neck bone stress injury, bone). Texts are placeholders: the tests check which
knowledge-base entries the plan picks and how it labels them, not medical wording.
"""

from __future__ import annotations

from typing import Any

import pytest

from hipcheck.engine.result import AssessmentResult, ConditionScore, Triage, TriageReason
from hipcheck.knowledge.schema import KnowledgeBase, TriageLevel


def _condition(cid: str, triage: str, group: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": cid,
        "name": f"name of {cid}",
        "spec_meaning": cid,
        "explanation": "x",
        "default_triage": triage,
        "prior_percent": 10,
        "likelihoods": {"loc_x": {"p": 0.5}},
        "typical_course": f"course of {cid}",
        "see_whom": f"whom for {cid}",
        "see_when": f"when for {cid}",
        "avoid": [f"avoid for {cid}"],
        "return_to_run_group": group,
        "sources": [f"src_{cid}"],
        **extra,
    }


def _care(cid: str, kind: str, indications: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "id": cid,
        "name": f"name of {cid}",
        "kind": kind,
        "summary": f"summary of {cid}",
        "how": [f"how of {cid}"],
        "indications": indications,
        "sources": [f"src_{cid}"],
        **extra,
    }


def _contra(*conditions: str) -> list[dict[str, str]]:
    return [{"condition": c, "reason": f"not with {c}"} for c in conditions]


def _exercise(
    eid: str, kind: str, phases: list[str], favours: list[str], forbids: tuple[str, ...] = (), **extra: Any
) -> dict[str, Any]:
    return {
        "id": eid,
        "name": f"name of {eid}",
        "kind": kind,
        "how_to": [f"how to {eid}"],
        "target": "x",
        "dose": {"sets": 2, "reps": "10", "frequency": "daily"},
        "progression": f"progress {eid}",
        "regression": f"regress {eid}",
        "phases": phases,
        "favours": favours,
        "forbids": _contra(*forbids),
        "sources": [f"src_{eid}"],
        **extra,
    }


SOFT = ["gtps", "itbs", "hamstring"]


def care_kb_data() -> dict[str, Any]:
    conditions = [
        _condition("gtps", "self_care", "soft_tissue"),
        _condition("itbs", "self_care", "soft_tissue"),
        _condition("hamstring", "self_care", "hamstring_acute"),
        _condition("fnsf", "urgent", "bone", must_not_miss=True, safety_threshold=0.1),
        _condition("hernia", "see_clinician", "not_applicable"),
    ]
    care = [
        _care(
            "ice",
            "ice",
            SOFT,
            phases=["calm_down"],
            start_after_hours=0,
            stop_after_hours=48,
            contraindications=_contra("fnsf"),
        ),
        _care(
            "heat",
            "heat",
            ["itbs", "hamstring"],  # not gtps: listed for it only to say why not
            phases=["restore", "strengthen", "return_to_run"],
            start_after_hours=48,
            contraindications=_contra("gtps", "fnsf"),
            evidence_note="thin evidence note",
        ),
        _care(
            "relative_rest",
            "relative_rest",
            SOFT,
            phases=["calm_down", "restore"],
            contraindications=_contra("fnsf"),
        ),
        _care("protected_weight_bearing", "relative_rest", ["fnsf"], phases=["calm_down"]),
        _care("pain_monitoring", "pain_monitoring", [*SOFT, "fnsf"], how=["rule one", "rule two"]),
        _care(
            "nsaids",
            "medicine",
            SOFT,
            phases=["calm_down", "restore"],
            contraindications=_contra("fnsf"),
            cautions=["pharmacist caution"],
        ),
        _care(
            "cadence_running_form",
            "running_form",
            SOFT,
            phases=["return_to_run"],
            contraindications=_contra("fnsf"),
        ),
        _care("training_load", "training_load", [*SOFT, "fnsf"]),
        _care("footwear_check", "footwear", SOFT),
        _care("physiotherapy", "physiotherapy", [*SOFT, "fnsf"]),
    ]
    exercises = [
        _exercise("ex_iso_abd", "isometric", ["calm_down", "restore"], ["gtps"]),
        _exercise("ex_bridge", "strength", ["restore", "strengthen"], ["gtps", "hamstring"]),
        _exercise("ex_sidestep", "strength", ["restore", "strengthen"], ["gtps", "itbs"], equipment=["band"]),
        _exercise("ex_clam", "strength", ["restore", "strengthen"], ["itbs", "gtps"]),
        _exercise("ex_sl_squat", "strength", ["strengthen", "return_to_run"], ["itbs", "gtps"]),
        _exercise("st_itb_crossover", "stretch", ["restore", "strengthen"], ["itbs"], forbids=("gtps",)),
        _exercise(
            "ex_hops",
            "plyometric",
            ["strengthen", "return_to_run"],
            ["itbs"],
            forbids=("fnsf",),
            loads=["impact"],
        ),
        _exercise("ex_ham_iso", "isometric", ["calm_down", "restore"], ["hamstring"]),
        _exercise("st_hamstring", "stretch", ["restore", "strengthen"], ["itbs"], forbids=("hamstring",)),
        _exercise("ex_copenhagen", "strength", ["strengthen"], ["itbs"], equipment=["bench"]),
    ]
    red_flags = [
        {
            "id": "rf_fever_rule",
            "name": "fever rule",
            "when": {"all_of": ["rf_fever"]},
            "level": "emergency",
            "instruction": "go to the emergency department (fixture)",
            "why": "why fever (fixture)",
            "sources": ["src_rf_fever"],
        },
        {
            "id": "rf_bone_rule",
            "name": "bone rule",
            "when": {"all_of": ["loc_groin", "worse_weight_bearing"]},
            "level": "urgent",
            "instruction": "stop running, crutches if walking hurts (fixture)",
            "why": "why bone (fixture)",
            "suspects": ["fnsf"],
            "sources": ["src_rf_bone"],
        },
        {
            "id": "rf_bone_variant",
            "name": "bone rule, variant with a risk factor",
            "when": {"all_of": ["loc_groin", "training_increase"]},
            "level": "urgent",
            "instruction": "stop running, crutches if walking hurts (fixture)",
            "why": "why bone (fixture)",
            "suspects": ["fnsf"],
            "sources": ["src_rf_bone_variant"],
        },
        {
            "id": "rf_other_rule",
            "name": "rule for a condition not in play",
            "when": {"all_of": ["x_y"]},
            "level": "urgent",
            "instruction": "other instruction",
            "why": "x",
            "suspects": ["septic"],
            "sources": ["src_other"],
        },
        {
            "id": "rf_gtps_note",
            "name": "lesser rule pointing at gtps",
            "when": {"all_of": ["x_z"]},
            "level": "see_clinician",
            "instruction": "gtps note instruction",
            "why": "x",
            "suspects": ["gtps"],
            "sources": ["src_gtps_note"],
        },
        {
            "id": "rf_minor_other",
            "name": "lesser rule for a condition not in play",
            "when": {"all_of": ["x_w"]},
            "level": "see_clinician",
            "instruction": "minor instruction",
            "why": "x",
            "suspects": ["septic"],
            "sources": ["src_other"],
        },
        {
            "id": "rf_child",
            "name": "children only",
            "when": {"all_of": ["x_v"], "age_max": 17},
            "level": "urgent",
            "instruction": "child instruction",
            "why": "x",
            "suspects": ["fnsf"],
            "sources": ["src_child"],
        },
    ]
    rtr = {
        "id": "walk_run",
        "stages": [
            {"stage": 1, "walk_minutes": 4, "run_minutes": 1, "repeats": 6},
            {"stage": 2, "walk_minutes": 3, "run_minutes": 2, "repeats": 6},
            {"stage": 3, "walk_minutes": 2, "run_minutes": 3, "repeats": 6},
            {"stage": 4, "walk_minutes": 1, "run_minutes": 4, "repeats": 6},
            {"stage": 5, "walk_minutes": 1, "run_minutes": 9, "repeats": 3},
            {"stage": 6, "walk_minutes": 1, "run_minutes": 14, "repeats": 2},
            {"stage": 7, "walk_minutes": 0, "run_minutes": 20, "repeats": 1},
            {"stage": 8, "walk_minutes": 0, "run_minutes": 30, "repeats": 1},
        ],
        "entry_criteria": {
            "soft_tissue": ["walk 30 min", "single-leg squats"],
            "hamstring_acute": ["full range", "strength"],
            "bone": ["no tenderness", "pain-free walking", "clinician clearance"],
        },
        "rules": ["rtr rule one"],
        "max_pain_to_advance": {"soft_tissue": 2, "hamstring_acute": 2, "bone": 0},
        "sources": ["src_rtr"],
    }
    return {
        "sources": {},
        "findings": {},
        "conditions": {c["id"]: c for c in conditions},
        "red_flags": {r["id"]: r for r in red_flags},
        "care": {c["id"]: c for c in care},
        "exercises": {e["id"]: e for e in exercises},
        "corrections": {},
        "return_to_run": rtr,
    }


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return KnowledgeBase.model_validate(care_kb_data())


def _result(
    level: str, probs: dict[str, float], reasons: list[tuple[str, str, str]] | None = None
) -> AssessmentResult:
    """An assessment result: triage level, condition -> probability, (kind, id, level) reasons."""
    ranked = sorted(probs.items(), key=lambda kv: -kv[1])
    return AssessmentResult(
        triage=Triage(
            level=TriageLevel(level),
            instruction=f"instruction for {level}",
            reasons=[
                TriageReason(kind=k, id=i, level=TriageLevel(lv), text=f"reason {i}")  # type: ignore[arg-type]
                for k, i, lv in (reasons or [])
            ],
        ),
        conditions=[ConditionScore(id=c, name=f"name of {c}", probability=p, prior=0.1) for c, p in ranked],
        next_question=None,
        should_stop=True,
    )


@pytest.fixture(scope="session")
def make_result() -> Any:
    """Build an AssessmentResult: make_result(level, {condition: probability}, [(kind, id, level)])."""
    return _result
