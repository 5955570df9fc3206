"""One error mapping: HipcheckErrors keep their status and words; a bug shows no health data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from hipcheck.config import Settings
from hipcheck.errors import Conflict, StoreError
from hipcheck.web.app import create_app

SECRET = "answers: rf_saddle_bladder_bowel=yes"


def _app(tmp_path: Path) -> TestClient:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path}/e.db"))

    @app.get("/api/v1/test-bug")
    def api_bug() -> None:
        raise RuntimeError(SECRET)

    @app.get("/test-bug")
    def page_bug() -> None:
        raise RuntimeError(SECRET)

    @app.get("/api/v1/test-conflict")
    def conflict() -> None:
        raise Conflict("that day already has an entry", field="day")

    @app.get("/api/v1/test-store")
    def store_down() -> None:
        raise StoreError("the database could not be written: disk full")

    return TestClient(app, base_url="http://localhost", raise_server_exceptions=False)


def test_a_bug_is_a_500_without_health_data(tmp_path: Path) -> None:
    client = _app(tmp_path)
    r = client.get("/api/v1/test-bug")
    assert r.status_code == 500
    assert r.json()["code"] == "internal_error"
    assert SECRET not in r.text and "Traceback" not in r.text
    page = client.get("/test-bug")
    assert page.status_code == 500
    soup = BeautifulSoup(page.text, "lxml")
    assert soup.find(class_="error-message")
    assert SECRET not in page.text


def test_hipcheck_errors_keep_status_code_and_field(tmp_path: Path) -> None:
    client = _app(tmp_path)
    r = client.get("/api/v1/test-conflict")
    assert r.status_code == 409
    assert r.json() == {"code": "conflict", "message": "that day already has an entry", "field": "day"}
    r = client.get("/api/v1/test-store")
    assert r.status_code == 503
    assert r.json()["code"] == "store_error"


def test_wrong_method_is_405_in_the_error_shape(tmp_path: Path) -> None:
    r = _app(tmp_path).put("/api/v1/health")
    assert r.status_code == 405
    assert set(r.json()) == {"code", "message", "field"}


def test_cross_site_writes_are_refused(sqlite_client: TestClient) -> None:
    evil = {"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}
    r = sqlite_client.post("/api/v1/assessments", json={"age": 30, "sex": "male"}, headers=evil)
    assert r.status_code == 403
    assert r.json()["code"] == "forbidden"
    page = sqlite_client.post(
        "/assessments", data={"age": "30", "sex": "male"}, headers={"Origin": "http://evil.example"}
    )
    assert page.status_code == 403
    assert sqlite_client.get("/api/v1/assessments").json() == [], "nothing was stored"
    # The app's own pages and non-browser clients still work.
    same = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
    assert (
        sqlite_client.post("/api/v1/assessments", json={"age": 30, "sex": "male"}, headers=same).status_code
        == 201
    )
    assert sqlite_client.post("/api/v1/assessments", json={"age": 30, "sex": "male"}).status_code == 201
    assert sqlite_client.get("/api/v1/health", headers=evil).status_code == 200, "reads are not writes"


# --- DNS rebinding: only our own host names are answered ------------------------------------


def _on(tmp_path: Path, **settings: Any) -> TestClient:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path}/h.db", **settings))
    return TestClient(app, base_url="http://127.0.0.1:8000")


def test_a_request_for_another_host_name_is_refused(tmp_path: Path) -> None:
    with _on(tmp_path) as client:
        for host in ("evil.example", "evil.example:8000", "127.0.0.1.evil.example"):
            r = client.get("/api/v1/assessments", headers={"Host": host})
            assert r.status_code == 400, host
            assert r.text == "Invalid host header"
            assert client.get("/", headers={"Host": host}).status_code == 400
        refused = client.post(
            "/api/v1/assessments", json={"age": 30, "sex": "female"}, headers={"Host": "evil.example"}
        )
        assert refused.status_code == 400
        assert client.get("/api/v1/assessments").json() == [], "nothing was created"


def test_loopback_names_and_the_configured_host_work(tmp_path: Path) -> None:
    with _on(tmp_path, host="192.168.1.20", allowed_hosts="hipcheck.lan, phone.local") as client:
        for host in (
            "localhost:8000",
            "127.0.0.1:8000",
            "[::1]:8000",
            "LOCALHOST",
            "192.168.1.20:8000",
            "hipcheck.lan",
        ):
            r = client.get("/", headers={"Host": host})
            assert r.status_code == 200, host
            assert "hipcheck" in r.text
        created = client.post(
            "/api/v1/assessments", json={"age": 30, "sex": "female"}, headers={"Host": "phone.local"}
        )
        assert created.status_code == 201
        assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
