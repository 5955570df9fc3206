"""The lean state of the answer endpoints: short by default, never hiding what sets the triage."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from hipcheck.engine import CompiledModel
from hipcheck.engine.evaluate import parse_case

STEP_CONDITIONS = 10
STEP_REASONS = 3


def _post_screen(client: TestClient, aid: str, answers: dict[str, str], query: str = "") -> dict[str, Any]:
    if len(answers) == 1:
        ((fid, value),) = answers.items()
        r = client.post(
            f"/api/v1/assessments/{aid}/answers{query}", json={"finding_id": fid, "answer": value}
        )
    else:
        r = client.post(f"/api/v1/assessments/{aid}/answers/batch{query}", json={"answers": answers})
    assert r.status_code == 200, r.text
    return dict(r.json())


def _must_show(full: dict[str, Any], model: CompiledModel) -> set[str]:
    """Conditions a runner must see: named in the triage, or must-not-miss at/above threshold."""
    named = {r["id"] for r in full["result"]["triage"]["reasons"]} & set(model.condition_ids)
    for c in full["result"]["conditions"]:
        i = model.condition_index[c["id"]]
        if model.must_not_miss[i] and c["probability"] >= model.safety_threshold[i]:
            named.add(c["id"])
    return named


def test_answer_state_is_short_but_keeps_every_safety_relevant_condition(
    sqlite_client: TestClient, model: CompiledModel, dev_cases: list[dict[str, Any]]
) -> None:
    must_show_seen = 0
    for number, raw in enumerate(dev_cases[:15], start=1):
        case = parse_case(raw, number, model)
        created = sqlite_client.post("/api/v1/assessments", json={"age": case.age, "sex": case.sex.value})
        state = created.json()
        for _ in range(40):
            nq = state["result"]["next_question"]
            if state["result"]["should_stop"] or nq is None:
                break
            answers = {f: case.answer(f) for f in nq["finding_ids"]}
            state = _post_screen(sqlite_client, state["id"], answers)
            full = sqlite_client.get(f"/api/v1/assessments/{state['id']}?reasons=6").json()
            lean_ids = [c["id"] for c in state["result"]["conditions"]]
            full_ids = [c["id"] for c in full["result"]["conditions"]]
            must = _must_show(full, model)
            top1 = sqlite_client.get(f"/api/v1/assessments/{state['id']}?conditions=1").json()
            assert {c["id"] for c in top1["result"]["conditions"]} == {full_ids[0]} | must
            must_show_seen += bool(must - {full_ids[0]})
            assert len(full_ids) == len(model.condition_ids)
            assert set(lean_ids) == set(full_ids[:STEP_CONDITIONS]) | must
            assert lean_ids == [c for c in full_ids if c in set(lean_ids)], "the order is the full ranking's"
            for c in state["result"]["conditions"]:
                assert len(c["supporting"]) <= STEP_REASONS and len(c["conflicting"]) <= STEP_REASONS
            assert state["result"]["triage"] == full["result"]["triage"]
            assert state["result"]["next_question"] == full["result"]["next_question"]
    assert must_show_seen > 0, (
        "no step had a safety-relevant condition below the first: the rule went untested"
    )


def test_query_parameters_give_the_full_state(client: TestClient, api: Any) -> None:
    state = api.start()
    nq = state["result"]["next_question"]["finding_ids"]
    full_answer = _post_screen(client, state["id"], dict.fromkeys(nq, "no"), "?conditions=100&reasons=6")
    stored = client.get(f"/api/v1/assessments/{state['id']}?reasons=6").json()
    assert full_answer == stored
    one = client.get(f"/api/v1/assessments/{state['id']}?conditions=1&reasons=0").json()
    assert one["result"]["conditions"][0]["id"] == stored["result"]["conditions"][0]["id"]
    assert all(not c["supporting"] and not c["conflicting"] for c in one["result"]["conditions"])


def test_out_of_range_limits_are_named_errors(client: TestClient, api: Any) -> None:
    aid = api.start()["id"]
    for query, field in (("?conditions=0", "conditions"), ("?reasons=101", "reasons")):
        r = client.get(f"/api/v1/assessments/{aid}{query}")
        assert r.status_code == 422
        assert r.json()["field"] == field


def test_openapi_documents_the_state_and_the_limits(sqlite_client: TestClient) -> None:
    schema = sqlite_client.get("/api/v1/openapi.json").json()
    op = schema["paths"]["/api/v1/assessments/{assessment_id}/answers"]["post"]
    ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/AssessmentState")
    params = {p["name"]: p["schema"] for p in op["parameters"]}
    assert params["conditions"]["default"] == STEP_CONDITIONS
    assert params["reasons"]["default"] == STEP_REASONS
    started = schema["paths"]["/api/v1/assessments"]["post"]["responses"]
    assert started["201"]["content"]["application/json"]["schema"]["$ref"].endswith("/AssessmentState")
