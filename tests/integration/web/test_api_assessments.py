"""The assessment API as a client app uses it, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from hipcheck.engine import CompiledModel

ERROR_KEYS = {"code", "message", "field"}


def test_start_asks_the_red_flag_screen_first(client: TestClient, api: Any, model: CompiledModel) -> None:
    state = api.start(40, "male")
    assert state["answers"] == []
    first = state["result"]["next_question"]["finding_ids"]
    assert first and all(model.kb.findings[f].group == "red_flag" for f in first)
    again = client.get(f"/api/v1/assessments/{state['id']}").json()
    assert again["result"] == state["result"]


def test_answer_changes_the_result_and_back_restores_it(client: TestClient, api: Any) -> None:
    state = api.start()
    aid = state["id"]
    # the red-flag screen, all "no"
    state = api.answer(aid, dict.fromkeys(state["result"]["next_question"]["finding_ids"], "no"))
    before = state["result"]
    nq = before["next_question"]["finding_ids"]
    after = api.answer(aid, dict.fromkeys(nq, "yes"))["result"]
    assert after["conditions"] != before["conditions"], "answering yes moved nothing"
    undone = client.post(f"/api/v1/assessments/{aid}/back")
    assert undone.status_code == 200
    assert undone.json()["result"] == before
    assert {a["finding_id"] for a in undone.json()["answers"]}.isdisjoint(nq)


def test_a_full_case_runs_to_a_stop_and_is_stored(
    client: TestClient, api: Any, dev_cases: list[dict[str, Any]]
) -> None:
    case = dev_cases[0]
    final = api.run_case(case)
    assert final["result"]["should_stop"]
    listed = client.get("/api/v1/assessments").json()
    assert final["id"] in [a["id"] for a in listed]
    stored = client.get(f"/api/v1/assessments/{final['id']}").json()
    assert stored["result"]["triage"] == final["result"]["triage"]
    top3 = [c["id"] for c in stored["result"]["conditions"][:3]]
    assert case["gold"]["condition"] in top3


def test_emergency_red_flag_sets_emergency_triage(
    client: TestClient, api: Any, emergency_finding: str
) -> None:
    state = api.start()
    state = api.answer(state["id"], {emergency_finding: "yes"})
    assert state["result"]["triage"]["level"] == "emergency"
    assert state["result"]["triage"]["instruction"]


def test_unknown_ids_are_404_with_the_error_shape(client: TestClient) -> None:
    for method, path in [
        ("get", "/api/v1/assessments/nope"),
        ("post", "/api/v1/assessments/nope/back"),
        ("delete", "/api/v1/assessments/nope"),
        ("get", "/api/v1/assessments/nope/diary"),
        ("get", "/api/v1/conditions/nope"),
        ("get", "/api/v1/exercises/nope"),
        ("get", "/api/v1/no/such/route"),
    ]:
        r = getattr(client, method)(path)
        assert r.status_code == 404, (path, r.text)
        assert set(r.json()) == ERROR_KEYS
        assert r.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"age": 5, "sex": "female"}, "age"),
        ({"age": "old", "sex": "female"}, "age"),
        ({"age": 30, "sex": "other"}, "sex"),
        ({"age": 30}, "sex"),
        ({"age": 30, "sex": "male", "extra": 1}, "extra"),
    ],
)
def test_invalid_start_is_422_naming_the_field(
    client: TestClient, body: dict[str, object], field: str
) -> None:
    r = client.post("/api/v1/assessments", json=body)
    assert r.status_code == 422
    assert r.json()["field"] == field
    assert r.json()["code"] == "invalid_input"


def test_invalid_answers_are_422_and_nothing_is_stored(client: TestClient, api: Any) -> None:
    aid = api.start()["id"]
    bad = [
        ({"finding_id": "no_such_finding", "answer": "yes"}, "finding_id"),
        ({"finding_id": "loc_groin", "answer": "maybe"}, "answer"),
        ({"answer": "yes"}, "finding_id"),
    ]
    for body, field in bad:
        r = client.post(f"/api/v1/assessments/{aid}/answers", json=body)
        assert r.status_code == 422, r.text
        assert r.json()["field"] == field
    r = client.post(
        f"/api/v1/assessments/{aid}/answers",
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 422
    assert client.get(f"/api/v1/assessments/{aid}").json()["answers"] == []


def test_back_with_nothing_to_undo_is_409(client: TestClient, api: Any) -> None:
    aid = api.start()["id"]
    r = client.post(f"/api/v1/assessments/{aid}/back")
    assert r.status_code == 409
    assert r.json()["code"] == "conflict"


def test_delete_removes_the_assessment(client: TestClient, api: Any) -> None:
    aid = api.start()["id"]
    assert client.delete(f"/api/v1/assessments/{aid}").status_code == 204
    assert client.get(f"/api/v1/assessments/{aid}").status_code == 404
    assert aid not in [a["id"] for a in client.get("/api/v1/assessments").json()]
