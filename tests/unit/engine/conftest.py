"""A tiny hand-made knowledge base whose posteriors are worked out by hand in the tests."""

from __future__ import annotations

import functools
from typing import Any

import pytest

from hipcheck.engine import CompiledModel, EngineParams, compile_model
from hipcheck.knowledge.load import load_knowledge_base
from hipcheck.knowledge.schema import KnowledgeBase

SRC = ["s1"]


def _finding(fid: str, group: str, base: float, **extra: Any) -> dict[str, Any]:
    return {"id": fid, "question": f"Question about {fid}?", "group": group, "base_rate": base, **extra}


def _condition(
    cid: str, prior: float, triage: str, likelihoods: dict[str, float], **extra: Any
) -> dict[str, Any]:
    return {
        "id": cid,
        "name": f"name of {cid}",
        "spec_meaning": cid,
        "explanation": "x",
        "default_triage": triage,
        "prior_percent": prior,
        "likelihoods": {f: {"p": p} for f, p in likelihoods.items()},
        "typical_course": "x",
        "see_whom": f"whom for {cid}",
        "see_when": f"when for {cid}",
        "sources": SRC,
        **extra,
    }


def tiny_kb_data() -> dict[str, Any]:
    """Three conditions, five findings, one red-flag rule.

    Base rates: rf_fever 0.1, loc_outer 0.5, loc_groin 0.5, lying_side 0.4, hop_pain 0.2.
    gtps (prior 60, self_care): loc_outer 0.9, loc_groin 0.1, lying_side 0.8; others base rate.
    fnsf (prior 30, urgent, must-not-miss at 0.3): loc_groin 0.8, hop_pain 0.6, loc_outer 0.2.
    septic (prior 10, emergency): rf_fever 0.9, loc_groin 0.7; age 50+ x2.
    """
    findings = [
        _finding("rf_fever", "red_flag", 0.1),
        _finding("loc_outer", "location", 0.5, ask_group="where"),
        _finding("loc_groin", "location", 0.5, ask_group="where"),
        _finding("lying_side", "aggravating", 0.4),
        _finding("hop_pain", "aggravating", 0.2),
        _finding("scrotal", "self_test", 0.05, sex="male"),
    ]
    conditions = [
        _condition("gtps", 60, "self_care", {"loc_outer": 0.9, "loc_groin": 0.1, "lying_side": 0.8}),
        _condition(
            "fnsf",
            30,
            "urgent",
            {"loc_groin": 0.8, "hop_pain": 0.6, "loc_outer": 0.2},
            must_not_miss=True,
            safety_threshold=0.3,
        ),
        _condition(
            "septic",
            10,
            "emergency",
            {"rf_fever": 0.9, "loc_groin": 0.7},
            prior_modifiers=[{"factor": 2.0, "age_min": 50}],
            escalations=[],
        ),
    ]
    return {
        "sources": {"s1": {"id": "s1", "kind": "paper", "title": "t"}},
        "findings": {f["id"]: f for f in findings},
        "conditions": {c["id"]: c for c in conditions},
        "red_flags": {
            "fever": {
                "id": "fever",
                "name": "fever",
                "when": {"all_of": ["rf_fever"]},
                "level": "emergency",
                "instruction": "go to the emergency department now",
                "why": "infection",
                "sources": SRC,
            }
        },
        "care": {},
        "exercises": {},
        "corrections": {},
        "return_to_run": {
            "id": "rtr",
            "stages": [{"stage": 1, "walk_minutes": 1, "run_minutes": 1, "repeats": 1}],
            "entry_criteria": {},
            "rules": ["x"],
            "max_pain_to_advance": {},
            "sources": SRC,
        },
    }


def build_model(data: dict[str, Any], params: EngineParams | None = None) -> CompiledModel:
    return compile_model(KnowledgeBase.model_validate(data), params)


@pytest.fixture
def tiny() -> CompiledModel:
    return build_model(tiny_kb_data())


@functools.cache
def real_model() -> CompiledModel:
    """The packaged knowledge base, compiled once per test session."""
    return compile_model(load_knowledge_base())
