"""Store fixtures: every test runs on a fresh SQLite file and, when a server is given, on PostgreSQL.

`make test` wraps pytest in scripts/with-postgres.sh, which starts a throw-away server and sets
HIPCHECK_TEST_POSTGRES_URL; each PostgreSQL test gets its own new database, dropped afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from hipcheck.engine import CompiledModel, compile_model
from hipcheck.knowledge.schema import KnowledgeBase
from hipcheck.store.base import Base
from hipcheck.store.unit_of_work import Store, open_store

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def postgres_store(postgres_database: Callable[[str], AbstractContextManager[str]]) -> Iterator[Store]:
    """One migrated PostgreSQL database for the session; `store` empties it before each test."""
    with postgres_database("hipcheck_test") as url:
        opened = open_store(url)
        try:
            yield opened
        finally:
            opened.dispose()


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A migrated, empty store: a new SQLite file, or the session's PostgreSQL database emptied."""
    if request.param == "sqlite":
        opened = open_store(f"sqlite:///{tmp_path}/hipcheck.db")
        try:
            yield opened
        finally:
            opened.dispose()
        return
    shared: Store = request.getfixturevalue("postgres_store")
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with shared.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield shared


# --- a small knowledge base -----------------------------------------------------------------
# The store and service tests check persistence, not medicine: a three-condition knowledge base
# keeps them fast and independent of the real one (the CLI tests use the real one).

SRC = ["s1"]


def _finding(fid: str, group: str, base: float, **extra: Any) -> dict[str, Any]:
    return {"id": fid, "question": f"Question about {fid}?", "group": group, "base_rate": base, **extra}


def _condition(cid: str, prior: float, triage: str, likelihoods: dict[str, float]) -> dict[str, Any]:
    return {
        "id": cid,
        "name": f"name of {cid}",
        "spec_meaning": cid,
        "explanation": "x",
        "default_triage": triage,
        "prior_percent": prior,
        "likelihoods": {f: {"p": p} for f, p in likelihoods.items()},
        "typical_course": "x",
        "see_whom": "a physio",
        "see_when": "within 2 weeks",
        "sources": SRC,
    }


def small_kb() -> KnowledgeBase:
    findings = [
        _finding("rf_fever_unwell", "red_flag", 0.05),
        _finding("loc_outer_hip", "location", 0.5, ask_group="where"),
        _finding("loc_groin", "location", 0.5, ask_group="where"),
        _finding("worse_lying_on_side", "aggravating", 0.4),
        _finding("worse_hopping", "aggravating", 0.2),
    ]
    conditions = [
        _condition(
            "gluteal_tendinopathy_bursitis",
            60,
            "self_care",
            {"loc_outer_hip": 0.9, "loc_groin": 0.1, "worse_lying_on_side": 0.8},
        ),
        _condition("labral_tear_fai", 30, "see_clinician", {"loc_groin": 0.8, "loc_outer_hip": 0.2}),
        _condition("septic_arthritis", 10, "emergency", {"rf_fever_unwell": 0.9, "loc_groin": 0.7}),
    ]
    data: dict[str, Any] = {
        "sources": {"s1": {"id": "s1", "kind": "paper", "title": "t"}},
        "findings": {f["id"]: f for f in findings},
        "conditions": {c["id"]: c for c in conditions},
        "red_flags": {
            "fever": {
                "id": "fever",
                "name": "fever",
                "when": {"all_of": ["rf_fever_unwell"]},
                "level": "emergency",
                "instruction": "go to the emergency department now",
                "why": "infection",
                "sources": SRC,
            }
        },
        "care": {},
        "exercises": {
            "ex_bridge": {
                "id": "ex_bridge",
                "name": "Bridge",
                "kind": "strength",
                "how_to": ["lie on your back", "lift your hips"],
                "target": "gluteals",
                "dose": {"sets": 3, "reps": "10", "frequency": "3 times a week"},
                "progression": "single leg",
                "regression": "smaller range",
                "phases": ["strengthen"],
                "sources": SRC,
            }
        },
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
    return KnowledgeBase.model_validate(data)


@pytest.fixture(scope="session")
def model() -> CompiledModel:
    return compile_model(small_kb())
