"""The training page and the training log's suggestions on the question screens."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from hipcheck.training.import_service import import_paths


def _gpx(day: dt.date, km: float) -> str:
    start = dt.datetime.combine(day, dt.time(7, 0), tzinfo=dt.UTC)
    points = []
    n = int(km * 20)  # a point every 50 m, 5 min/km
    for i in range(n + 1):
        lat = 55.0 + (i * 50 / 111_320)
        when = start + dt.timedelta(seconds=i * 15)
        points.append(f'<trkpt lat="{lat:.6f}" lon="12.0"><time>{when:%Y-%m-%dT%H:%M:%SZ}</time></trkpt>')
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk><name>run {day}</name><type>running</type><trkseg>{''.join(points)}</trkseg></trk></gpx>"
    )


def test_training_page_without_runs(sqlite_client: TestClient) -> None:
    soup = BeautifulSoup(sqlite_client.get("/training").text, "lxml")
    assert soup.find(id="no-runs")
    assert "Not measured" in soup.get_text()


def test_training_page_and_chart_with_runs(sqlite_client: TestClient, tmp_path: Path) -> None:
    today = dt.datetime.now().astimezone().date()
    for back, km in [(20, 5.0), (13, 5.0), (6, 5.0), (2, 12.0)]:
        (tmp_path / f"run{back}.gpx").write_text(_gpx(today - dt.timedelta(days=back), km), encoding="utf-8")
    store = sqlite_client.app.state.store  # type: ignore[attr-defined]
    report = import_paths([tmp_path], store.session_factory)
    assert report.imported == 4, report
    soup = BeautifulSoup(sqlite_client.get("/training").text, "lxml")
    rows = soup.find(id="weeks").find("tbody").find_all("tr")
    assert sum(int(r.find_all("td")[2].get_text()) for r in rows) == 4
    img = soup.find("img", src="/training/chart.svg")
    assert img and img.get("alt")
    chart = sqlite_client.get("/training/chart.svg")
    assert chart.status_code == 200 and chart.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in chart.content[:500]
    spikes = soup.find(id="spikes")
    assert spikes and "longer than" in spikes.get_text(), "a 12 km run after 5 km runs is a spike"


def test_training_log_suggests_an_answer_on_the_question_screen(
    sqlite_client: TestClient, tmp_path: Path
) -> None:
    today = dt.datetime.now().astimezone().date()
    for back, km in [(20, 5.0), (13, 5.0), (6, 5.0), (2, 12.0)]:
        (tmp_path / f"run{back}.gpx").write_text(_gpx(today - dt.timedelta(days=back), km), encoding="utf-8")
    store = sqlite_client.app.state.store  # type: ignore[attr-defined]
    import_paths([tmp_path], store.session_factory)
    model = sqlite_client.app.state.model  # type: ignore[attr-defined]
    r = sqlite_client.post("/assessments", data={"age": "30", "sex": "female"}, follow_redirects=False)
    aid = r.headers["location"].rsplit("/", 1)[-1]
    # A gradual outer-hip ache: the engine soon asks about training.
    answers = {"loc_outer_hip": "yes", "onset_gradual": "yes"}
    for _ in range(25):
        page = sqlite_client.get(f"/assessments/{aid}")
        soup = BeautifulSoup(page.text, "lxml")
        fids = [el["data-finding"] for el in soup.select("main [data-finding]")]
        if not fids:
            break
        if any(model.kb.findings[f].group == "training" for f in fids):
            hint = soup.select_one(".suggestion")
            assert hint is not None, f"no training-log hint on the screen asking {fids}"
            assert "training log" in hint.get_text()
            return
        data = {f"answer_{f}": answers.get(f, "no") for f in fids}
        sqlite_client.post(f"/assessments/{aid}/answers", data=data)
    raise AssertionError("the assessment never asked a training question")
