"""Web integration fixtures: the real app (the real knowledge base: `model` in tests/conftest.py) on a
fresh database per test.

Every API test runs on a new SQLite file and, under `make test` (scripts/with-postgres.sh sets
HIPCHECK_TEST_POSTGRES_URL), on a new PostgreSQL database that is dropped afterwards.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from hipcheck.config import Settings
from hipcheck.engine import CompiledModel
from hipcheck.web.app import create_app

LOCAL = "http://localhost"


def make_client(database_url: str, model: CompiledModel) -> TestClient:
    app = create_app(Settings(database_url=database_url, access_log=False))
    app.state.model = model  # skip re-loading the same knowledge base for every test
    # A host the app answers (it refuses unknown Host headers, e.g. TestClient's "testserver").
    return TestClient(app, base_url=LOCAL, raise_server_exceptions=False)


@pytest.fixture
def client(database_url: str, model: CompiledModel) -> Iterator[TestClient]:
    with make_client(database_url, model) as c:
        yield c


@pytest.fixture
def sqlite_client(tmp_path: Path, model: CompiledModel) -> Iterator[TestClient]:
    """For page tests, which check HTML rather than storage: SQLite only."""
    with make_client(f"sqlite:///{tmp_path}/pages.db", model) as c:
        yield c


# --- driving the API like a client app ------------------------------------------------------

CASES = Path(__file__).resolve().parents[2] / "cases" / "dev-cases.jsonl"  # the repo's copy
SPEC = Path(__file__).resolve().parents[3] / "docs" / "spec" / "intake-v1.yaml"


def dev_cases() -> list[dict[str, Any]]:
    return [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip()]


def case_answer(case: dict[str, Any], finding_id: str) -> str:
    if finding_id in case.get("present", []):
        return "yes"
    if finding_id in case.get("absent", []):
        return "no"
    return "unknown"


def start(client: TestClient, age: int = 35, sex: str = "female") -> dict[str, Any]:
    r = client.post("/api/v1/assessments", json={"age": age, "sex": sex})
    assert r.status_code == 201, r.text
    return dict(r.json())


def answer_screen(client: TestClient, aid: str, answers: dict[str, str]) -> dict[str, Any]:
    if len(answers) == 1:
        ((fid, value),) = answers.items()
        r = client.post(f"/api/v1/assessments/{aid}/answers", json={"finding_id": fid, "answer": value})
    else:
        r = client.post(f"/api/v1/assessments/{aid}/answers/batch", json={"answers": answers})
    assert r.status_code == 200, r.text
    return dict(r.json())


def run_case(client: TestClient, case: dict[str, Any], max_screens: int = 40) -> dict[str, Any]:
    """Answer every question the engine asks from the case until it stops."""
    state = start(client, case["age"], case["sex"])
    for _ in range(max_screens):
        nq = state["result"]["next_question"]
        if state["result"]["should_stop"] or nq is None:
            return state
        state = answer_screen(client, state["id"], {f: case_answer(case, f) for f in nq["finding_ids"]})
    raise AssertionError(f"the assessment did not stop within {max_screens} screens")


class Api:
    """The flow helpers bound to one client (a fixture, since test folders are not packages)."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def start(self, age: int = 35, sex: str = "female") -> dict[str, Any]:
        return start(self.client, age, sex)

    def answer(self, aid: str, answers: dict[str, str]) -> dict[str, Any]:
        return answer_screen(self.client, aid, answers)

    def run_case(self, case: dict[str, Any]) -> dict[str, Any]:
        return run_case(self.client, case)


@pytest.fixture
def api(client: TestClient) -> Api:
    return Api(client)


@pytest.fixture(scope="session", name="dev_cases")
def dev_cases_fixture() -> list[dict[str, Any]]:
    return dev_cases()


def emergency_finding_of(model: CompiledModel) -> str:
    """A finding that alone, at any age, makes a red-flag rule send the runner to emergency care."""
    for rule in model.kb.red_flags.values():
        when = rule.when
        if (
            rule.level.value == "emergency"
            and len(when.all_of) == 1
            and not when.any_of
            and when.age_min is None
        ):
            return when.all_of[0]
    raise LookupError("the knowledge base has no single-finding emergency rule")


@pytest.fixture(scope="session")
def emergency_finding(model: CompiledModel) -> str:
    return emergency_finding_of(model)
