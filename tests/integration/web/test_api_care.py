"""Plan, diary, progress and HAGOS through the API, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient

from hipcheck.engine import CompiledModel

SPEC = Path(__file__).resolve().parents[3] / "docs" / "spec" / "intake-v1.yaml"
TODAY = dt.datetime.now().astimezone().date()


def _day(n: int) -> str:
    return (TODAY - dt.timedelta(days=n)).isoformat()


def test_diary_crud(client: TestClient, api: Any) -> None:
    aid = api.start()["id"]
    base = f"/api/v1/assessments/{aid}/diary"
    r = client.post(base, json={"day": _day(2), "pain_rest": 3, "pain_during": 5, "run_minutes": 20})
    assert r.status_code == 201, r.text
    assert client.post(base, json={"day": _day(1), "pain_rest": 2}).status_code == 201
    again = client.post(base, json={"day": _day(2), "pain_rest": 1})
    assert again.status_code == 409
    assert again.json()["field"] == "day"
    listed = client.get(base).json()
    assert [e["day"] for e in listed] == [_day(2), _day(1)], "oldest first"
    patched = client.patch(f"{base}/{_day(2)}", json={"pain_next_morning": 1})
    assert patched.status_code == 200
    assert patched.json()["pain_next_morning"] == 1
    assert patched.json()["pain_during"] == 5, "fields not sent stay as they were"
    assert client.get(f"{base}/{_day(2)}").json()["pain_next_morning"] == 1
    assert client.get(f"{base}/{_day(5)}").status_code == 404

    deleted = client.delete(f"{base}/{_day(2)}")
    assert deleted.status_code == 204
    assert [e["day"] for e in client.get(base).json()] == [_day(1)]
    assert client.get(f"{base}/{_day(2)}").status_code == 404
    missing = client.delete(f"{base}/{_day(2)}")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found" and _day(2) in missing.json()["message"]
    assert client.delete(f"/api/v1/assessments/nope/diary/{_day(1)}").status_code == 404
    assert [e["day"] for e in client.get(base).json()] == [_day(1)]


def test_diary_rejects_bad_entries_naming_the_field(client: TestClient, api: Any) -> None:
    aid = api.start()["id"]
    base = f"/api/v1/assessments/{aid}/diary"
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    for body, field in [
        ({"day": _day(0), "pain_rest": 11}, "pain_rest"),
        ({"day": _day(0), "pain_rest": True}, "pain_rest"),
        ({"day": _day(0), "pain_rest": 2, "pain_during": -1}, "pain_during"),
        ({"day": "yesterday", "pain_rest": 2}, "day"),
        ({"day": tomorrow, "pain_rest": 2}, "day"),
        ({"day": _day(0), "pain_rest": 2, "exercises_done": ["no_such_exercise"]}, None),
    ]:
        r = client.post(base, json=body)
        assert r.status_code == 422, (body, r.text)
        if field:
            assert r.json()["field"] == field, (body, r.json())
    assert client.get(base).json() == [], "nothing invalid was stored"


def test_plan_follows_the_triage(client: TestClient, api: Any, emergency_finding: str) -> None:
    state = api.start(45, "female")
    plan = client.get(f"/api/v1/assessments/{state['id']}/plan")
    assert plan.status_code == 200
    assert plan.json()["plan"]["triage_level"] == state["result"]["triage"]["level"]

    urgent = api.start(45, "female")
    api.answer(urgent["id"], {emergency_finding: "yes"})
    body = client.get(f"/api/v1/assessments/{urgent['id']}/plan").json()["plan"]
    assert body["now_only"] is True
    assert body["exercises"] == []
    assert body["now"], "an emergency plan says what to do now"


def test_plan_options(client: TestClient, api: Any) -> None:
    aid = api.start()["id"]
    r = client.post(f"/api/v1/assessments/{aid}/plan", json={"equipment": ["band"], "days_per_week": 4})
    assert r.status_code == 201, r.text
    assert r.json()["options"]["days_per_week"] == 4
    assert client.get(f"/api/v1/assessments/{aid}/plan").json()["options"]["equipment"] == ["band"]
    bad = client.post(f"/api/v1/assessments/{aid}/plan", json={"days_per_week": 9})
    assert bad.status_code == 422
    assert bad.json()["field"] == "days_per_week"
    # JSON numbers too large for a float parse as infinity: not a weekly distance.
    endless = client.post(
        f"/api/v1/assessments/{aid}/plan",
        content=b'{"training": {"weekly_distance_km": 1e999}}',
        headers={"content-type": "application/json"},
    )
    assert endless.status_code == 422, endless.text
    assert endless.json()["field"] == "training.weekly_distance_km"


def test_progress_reads_the_diary(client: TestClient, api: Any) -> None:
    aid = api.start()["id"]
    client.post(f"/api/v1/assessments/{aid}/diary", json={"day": _day(1), "pain_rest": 8, "pain_during": 9})
    r = client.get(f"/api/v1/assessments/{aid}/progress")
    assert r.status_code == 200
    assert r.json()["action"] != "advance", "never advance after a day with pain 9/10"
    assert r.json()["reason"]


def test_hagos_questionnaire_scoring_and_history(client: TestClient, api: Any) -> None:
    q = client.get("/api/v1/hagos/questionnaire").json()
    items = [i["id"] for i in q["items"]]
    assert len(items) == 37
    aid = api.start()["id"]
    url = f"/api/v1/assessments/{aid}/hagos"
    first = client.post(url, json={"day": _day(14), "responses": dict.fromkeys(items, 0)})
    assert first.status_code == 201, first.text
    assert {s["score"] for s in first.json()["result"]["subscales"]} == {100.0}
    worse = client.post(url, json={"day": _day(0), "responses": dict.fromkeys(items, 4)})
    assert {s["score"] for s in worse.json()["result"]["subscales"]} == {0.0}
    history = client.get(url).json()
    assert [h["result"]["day"] for h in history] == [_day(14), _day(0)]
    for body, field in [
        ({"responses": {"S1": 5}}, "S1"),
        ({"responses": {"Z9": 1}}, "Z9"),
        ({"responses": {}}, "responses"),
    ]:
        r = client.post(url, json=body)
        assert r.status_code == 422, r.text
        assert field in (r.json()["field"] or ""), r.json()


def test_data_survives_a_server_restart(database_url: str, model: CompiledModel) -> None:
    from hipcheck.config import Settings
    from hipcheck.web.app import create_app

    def client() -> TestClient:
        app = create_app(Settings(database_url=database_url))
        app.state.model = model
        return TestClient(app, base_url="http://localhost")

    with client() as c:
        aid = c.post("/api/v1/assessments", json={"age": 30, "sex": "male"}).json()["id"]
        c.post(f"/api/v1/assessments/{aid}/diary", json={"day": _day(0), "pain_rest": 2})
    with client() as c:
        assert c.get(f"/api/v1/assessments/{aid}").status_code == 200
        assert c.get(f"/api/v1/assessments/{aid}/diary").json()[0]["pain_rest"] == 2


def test_knowledge_base_endpoints(client: TestClient, model: CompiledModel) -> None:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    spec_conditions = {c["id"] if isinstance(c, dict) else c for c in spec["conditions"]}
    served = {c["id"] for c in client.get("/api/v1/conditions").json()}
    assert spec_conditions <= served, spec_conditions - served
    assert len(client.get("/api/v1/findings").json()) == len(model.kb.findings)
    sources = {s["id"] for s in client.get("/api/v1/sources").json()}
    assert {"seed_000", "seed_004"} <= sources
    ex = client.get("/api/v1/exercises/ex_bridge")
    assert ex.status_code == 200
    assert ex.json()["how_to"]
    assert client.get("/api/v1/findings/loc_groin").json()["question"]
    assert client.get("/api/v1/sources/nope").status_code == 404
