"""The HTML pages, read with an HTML parser as a screen reader or a browser would read them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag
from fastapi.testclient import TestClient

from hipcheck.engine import CompiledModel
from hipcheck.training.import_service import import_paths


def soup_of(response: Any) -> BeautifulSoup:
    assert response.headers["content-type"].startswith("text/html"), response.headers["content-type"]
    return BeautifulSoup(response.text, "lxml")


def assert_accessible(soup: BeautifulSoup) -> None:
    """The basics every page must have: language, title, one h1, a main landmark, labelled controls."""
    html = soup.find("html")
    assert isinstance(html, Tag) and html.get("lang") == "en"
    assert soup.title and soup.title.get_text(strip=True)
    assert len(soup.find_all("h1")) == 1, [h.get_text(strip=True) for h in soup.find_all("h1")]
    assert soup.find("main", id="main")
    assert soup.find("meta", attrs={"name": "viewport"})
    for control in soup.select("input:not([type=hidden]), select, textarea"):
        cid = control.get("id")
        labelled = (
            (cid and soup.find("label", attrs={"for": cid}))
            or control.find_parent("label")
            or control.get("aria-label")
            or control.get("aria-labelledby")
        )
        assert labelled, f"unlabelled form control: {control}"
    for button in soup.find_all("button"):
        assert button.get_text(strip=True) or button.get("aria-label"), f"button without a name: {button}"
    for img in soup.find_all("img"):
        assert img.get("alt") is not None


def start(client: TestClient, age: int = 34, sex: str = "female") -> str:
    r = client.post("/assessments", data={"age": str(age), "sex": sex}, follow_redirects=False)
    assert r.status_code == 303
    location = r.headers["location"]
    assert location.startswith("/assessments/")
    return location.rsplit("/", 1)[-1]


def test_start_page(sqlite_client: TestClient) -> None:
    soup = soup_of(sqlite_client.get("/"))
    assert_accessible(soup)
    safety = soup.find("aside", attrs={"aria-label": "Safety note"})
    assert safety and "Not a diagnosis" in safety.get_text()
    form = soup.find("form", action="/assessments")
    assert form and form.get("method") == "post"
    age = form.find("input", attrs={"name": "age"})
    assert age["min"] == "10" and age["max"] == "100"
    assert {i["value"] for i in form.find_all("input", attrs={"name": "sex"})} == {"female", "male"}
    assert soup.find("script", src="/static/htmx.min.js"), "htmx is served locally"
    assert not soup.find("script", src=lambda s: s and s.startswith("http")), "no CDN scripts"


def test_static_assets_are_local(sqlite_client: TestClient) -> None:
    for path in ("/static/htmx.min.js", "/static/style.css", "/static/swagger/swagger-ui-bundle.js"):
        assert sqlite_client.get(path).status_code == 200, path
    docs = soup_of(sqlite_client.get("/docs"))
    sources = [s.get("src") or "" for s in docs.find_all("script")] + [
        x.get("href") or "" for x in docs.find_all("link")
    ]
    assert all(not s.startswith("http") for s in sources if s), sources


def test_invalid_start_form_explains_and_keeps_the_values(sqlite_client: TestClient) -> None:
    r = sqlite_client.post("/assessments", data={"age": "7", "sex": "male"})
    assert r.status_code == 422
    soup = soup_of(r)
    summary = soup.find(id="form-errors")
    assert summary and summary.get("role") == "alert"
    assert "between 10 and 100" in summary.get_text()
    age = soup.find("input", id="age")
    assert age["value"] == "7" and age.get("aria-invalid") == "true"
    assert soup.find("input", id="sex-male").has_attr("checked")


def test_question_pages_and_answers(sqlite_client: TestClient, model: CompiledModel) -> None:
    aid = start(sqlite_client)
    soup = soup_of(sqlite_client.get(f"/assessments/{aid}"))
    assert_accessible(soup)
    progress = soup.find("progress", id="q-progress")
    assert progress and progress["value"] == "0"
    group = soup.find("form", class_="group-question")
    assert group, "the red-flag screen is a grouped question"
    fids = [fs["data-finding"] for fs in group.find_all("fieldset")]
    assert fids and all(model.kb.findings[f].group == "red_flag" for f in fids)
    for fs in group.find_all("fieldset"):
        assert fs.find("legend").get_text(strip=True) == model.kb.findings[fs["data-finding"]].question
        labels = [lab.get_text(strip=True) for lab in fs.find_all("label")]
        assert labels == ["Yes", "No", "Don't know"]
    answers = {f"answer_{f}": "no" for f in fids}
    r = sqlite_client.post(f"/assessments/{aid}/answers", data=answers, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/assessments/{aid}"
    soup = soup_of(sqlite_client.get(f"/assessments/{aid}"))
    assert soup.find("progress", id="q-progress")["value"] == "1"
    assert soup.find(id="back-button")


def test_bad_form_answer_is_an_error_page_not_a_crash(sqlite_client: TestClient) -> None:
    aid = start(sqlite_client)
    r = sqlite_client.post(
        f"/assessments/{aid}/answers", data={"finding_id": "loc_groin", "answer": "perhaps"}
    )
    assert r.status_code == 422
    soup = soup_of(r)
    assert soup.find(class_="error-message").get("role") == "alert"
    r = sqlite_client.post(
        f"/assessments/{aid}/answers", data={"finding_id": "not_a_finding", "answer": "yes"}
    )
    assert r.status_code == 422
    assert "not_a_finding" in soup_of(r).find(class_="error-message").get_text()


def test_emergency_page(sqlite_client: TestClient, emergency_finding: str, model: CompiledModel) -> None:
    aid = start(sqlite_client)
    sqlite_client.post(f"/assessments/{aid}/answers", data={"finding_id": emergency_finding, "answer": "yes"})
    soup = soup_of(sqlite_client.get(f"/assessments/{aid}"))
    assert_accessible(soup)
    dialog = soup.find(attrs={"role": "alertdialog"})
    assert dialog and dialog.find("h1").get_text(strip=True) == "Get emergency help now"
    assert dialog.find(id="em-instruction").get_text(strip=True)
    assert not soup.find("form", class_=["single-question", "group-question"])
    assert not soup.find("nav"), "nothing to wander off to from the emergency screen"
    plan = soup_of(sqlite_client.get(f"/assessments/{aid}/plan"))
    assert not plan.find(id="ex-title"), "no exercises when the runner needs emergency care"


def test_result_page(sqlite_client: TestClient) -> None:
    aid = start(sqlite_client, 52, "female")
    sqlite_client.post(f"/assessments/{aid}/answers", data={"finding_id": "loc_outer_hip", "answer": "yes"})
    soup = soup_of(sqlite_client.get(f"/assessments/{aid}/result"))
    assert_accessible(soup)
    triage = soup.find(id="triage")
    assert triage["data-level"] in {"self_care", "see_clinician", "urgent", "emergency"}
    causes = soup.find(id="causes").find_all("li", class_="cause", recursive=False)
    assert len(causes) >= 3
    probs = [float(c["data-probability"]) for c in causes]
    assert probs == sorted(probs, reverse=True)
    meter = causes[0].find(attrs={"role": "meter"})
    assert meter["aria-valuetext"].endswith("%")
    assert 0 <= int(meter["aria-valuenow"]) <= 100
    why = causes[0].find(class_="why-for")
    assert why and why.find("li", attrs={"data-finding": "loc_outer_hip"})
    links = {a["href"] for a in soup.find("nav", attrs={"aria-label": "Next steps"}).find_all("a")}
    assert {f"/assessments/{aid}/plan", f"/assessments/{aid}/diary", f"/assessments/{aid}/hagos"} <= links


def test_plan_page_shows_exercises_with_dose(sqlite_client: TestClient) -> None:
    aid = start(sqlite_client, 52, "female")
    sqlite_client.post(f"/assessments/{aid}/answers", data={"finding_id": "loc_outer_hip", "answer": "yes"})
    soup = soup_of(sqlite_client.get(f"/assessments/{aid}/plan"))
    assert_accessible(soup)
    exercises = soup.find_all("article", class_="exercise")
    assert exercises, "a self-care plan has exercises"
    for ex in exercises:
        assert ex.find("ol", class_="how-to").find("li")
        assert "How often" in ex.find("dl", class_="dose").get_text()
    assert soup.find(id="sources-title")
    r = sqlite_client.post(f"/assessments/{aid}/plan", data={"equipment": "band", "days_per_week": "2"})
    assert r.status_code == 200
    assert soup_of(r).find("select", id="days_per_week").find("option", selected=True)["value"] == "2"


STRAVA_EXPORT = Path(__file__).resolve().parents[2] / "fixtures" / "strava-export"


def test_bad_plan_options_form_is_one_plain_line_naming_the_field(sqlite_client: TestClient) -> None:
    aid = start(sqlite_client)
    r = sqlite_client.post(f"/assessments/{aid}/plan", data={"equipment": "rocket"})
    assert r.status_code == 422
    soup = soup_of(r)
    message = soup.find(class_="error-message").get_text()
    assert "\n" not in message and "pydantic" not in message, message
    assert soup.find(class_="error-field").get_text() == "equipment.0"
    r = sqlite_client.post(f"/assessments/{aid}/plan", data={"days_per_week": "9"})
    assert r.status_code == 422
    assert soup_of(r).find(class_="error-field").get_text() == "days_per_week"


def test_plan_page_shows_the_numbers_of_the_imported_training_log(sqlite_client: TestClient) -> None:
    store = sqlite_client.app.state.store  # type: ignore[attr-defined]
    assert import_paths([STRAVA_EXPORT], store.session_factory).imported == 93
    aid = start(sqlite_client, 52, "female")
    sqlite_client.post(f"/assessments/{aid}/answers", data={"finding_id": "loc_outer_hip", "answer": "yes"})
    assert not soup_of(sqlite_client.get(f"/assessments/{aid}/plan")).find(id="training-numbers"), (
        "the log ends years before today's pain: nothing to show"
    )
    # The pain started on Monday 2021-08-02 (see tests/fixtures/strava-export/README.md).
    since = (dt.datetime.now().astimezone().date() - dt.date(2021, 8, 2)).days
    r = sqlite_client.post(f"/assessments/{aid}/plan", data={"days_since_onset": str(since)})
    soup = soup_of(r)
    assert_accessible(soup)
    section = soup.find(id="training-numbers")
    assert section is not None
    lines = [li.get_text(strip=True) for li in section.find_all("li")]
    assert lines == [
        "Weekly distance to build back to (your usual before the pain): 11.0 km",
        "Longest run in the weeks before the pain: 10.0 km",
        "Shoe to retire or check: Pegasus 38 (924 km logged)",
    ]


def test_diary_form_adds_a_point_to_the_chart(sqlite_client: TestClient) -> None:
    aid = start(sqlite_client)
    today = dt.datetime.now().astimezone().date().isoformat()
    r = sqlite_client.post(
        f"/assessments/{aid}/diary", data={"day": today, "pain_rest": "3", "pain_during": "none"}
    )
    assert r.status_code == 200
    soup = soup_of(r)
    assert_accessible(soup)
    svg = soup.find("svg", class_="chart")
    assert svg["role"] == "img" and svg.find("title") and svg.find("desc")
    point = svg.find("circle", attrs={"data-series": "rest", "data-day": today})
    assert point and point["data-value"] == "3"
    assert not svg.find("circle", attrs={"data-series": "during"}), "no activity, no activity pain"
    # the same day again edits the entry instead of failing
    r = sqlite_client.post(f"/assessments/{aid}/diary", data={"day": today, "pain_rest": "5"})
    rows = soup_of(r).find(id="diary-entries").find("tbody").find_all("tr")
    assert len(rows) == 1 and rows[0].find_all("td")[1].get_text() == "5"
    bad = sqlite_client.post(f"/assessments/{aid}/diary", data={"day": today, "pain_rest": "12"})
    assert bad.status_code == 422
    panel = soup_of(bad).find(id="diary-panel")
    assert panel.find(id="diary-error")["role"] == "alert", "the error shows inside the swapped panel"
    assert panel.find(class_="error-field").get_text() == "pain_rest"
    future = (dt.datetime.now().astimezone().date() + dt.timedelta(days=2)).isoformat()
    bad = sqlite_client.post(f"/assessments/{aid}/diary", data={"day": future, "pain_rest": "2"})
    assert bad.status_code == 422
    assert "future" in soup_of(bad).find(id="diary-error").get_text()
    # notes longer than the diary keeps are refused, not silently cut (the entry keeps its notes)
    long = sqlite_client.post(
        f"/assessments/{aid}/diary", data={"day": today, "pain_rest": "5", "notes": "x" * 2001}
    )
    assert long.status_code == 422
    assert soup_of(long).find(id="diary-panel").find(class_="error-field").get_text() == "notes"


def test_diary_entry_is_deleted_from_the_diary_page(sqlite_client: TestClient) -> None:
    aid = start(sqlite_client)
    today = dt.datetime.now().astimezone().date()
    days = [(today - dt.timedelta(days=n)).isoformat() for n in (1, 0)]
    for day, pain in zip(days, ("4", "2"), strict=True):
        sqlite_client.post(f"/assessments/{aid}/diary", data={"day": day, "pain_rest": pain})
    soup = soup_of(sqlite_client.get(f"/assessments/{aid}/diary"))
    assert_accessible(soup)
    row = soup.find(id="diary-entries").find("tr", attrs={"data-day": days[0]})
    form = row.find("form")
    assert days[0] in form["hx-confirm"], "the browser asks before deleting"
    assert days[0] in form.find("button")["aria-label"]
    r = sqlite_client.post(form["action"])
    assert r.status_code == 200, "the redirect lands back on the diary"
    soup = soup_of(r)
    assert [tr["data-day"] for tr in soup.find(id="diary-entries").find("tbody").find_all("tr")] == [days[1]]
    svg = soup.find("svg", class_="chart")
    assert not svg.find("circle", attrs={"data-day": days[0]}), "the chart forgets the deleted day"
    assert svg.find("circle", attrs={"data-series": "rest", "data-day": days[1]})
    gone = sqlite_client.post(form["action"])
    assert gone.status_code == 404


def test_hagos_page(sqlite_client: TestClient) -> None:
    aid = start(sqlite_client)
    soup = soup_of(sqlite_client.get(f"/assessments/{aid}/hagos"))
    assert_accessible(soup)
    items = soup.find(id="hagos-form").find_all("fieldset")
    assert len(items) == 37
    data = {fs["data-item"]: "1" for fs in items}
    r = sqlite_client.post(f"/assessments/{aid}/hagos", data=data)
    assert r.status_code == 200
    row = soup_of(r).find(id="hagos-history").find("tbody").find("tr")
    assert [td.get_text() for td in row.find_all("td")[1:]] == ["75"] * 6
    assert not soup_of(r).find("svg", id="hagos-chart"), "one questionnaire is not a trend: table only"


def _hagos_points(svg: Tag) -> dict[str, list[tuple[float, float]]]:
    return {
        line["data-series"]: [tuple(map(float, p.split(","))) for p in line["points"].split()]
        for line in svg.find_all("polyline")
    }


def test_hagos_page_charts_the_scores_above_the_table(sqlite_client: TestClient) -> None:
    aid = start(sqlite_client)
    items = [i["id"] for i in sqlite_client.get("/api/v1/hagos/questionnaire").json()["items"]]
    today = dt.datetime.now().astimezone().date()  # the runner's local day, as the server's
    # Three questionnaires, a fortnight apart: every answer 3, then 2, then 1 (scores 25, 50, 75);
    # pain stays at 2 (50) throughout.
    for weeks_ago, answer in ((4, 3), (2, 2), (0, 1)):
        responses = dict.fromkeys(items, answer) | {
            i: 2 for i in items if i.startswith("P") and i[1:].isdigit()
        }
        day = (today - dt.timedelta(weeks=weeks_ago)).isoformat()
        r = sqlite_client.post(f"/api/v1/assessments/{aid}/hagos", json={"day": day, "responses": responses})
        assert r.status_code == 201, r.text
    soup = soup_of(sqlite_client.get(f"/assessments/{aid}/hagos"))
    assert_accessible(soup)
    history = soup.find(id="history")
    svg = history.find("svg", id="hagos-chart")
    table = history.find("table", id="hagos-history")
    assert svg and table, "the chart and the table are both there"
    assert svg.find_next("table", id="hagos-history") is table, "the chart comes first"
    assert svg["role"] == "img" and "Latest" in svg["aria-label"] and svg.find("title")
    assert not soup.find_all("script", src=lambda src: src and "//" in src), "nothing from a CDN"
    lines = _hagos_points(svg)
    assert list(lines) == [
        "symptoms",
        "pain",
        "adl",
        "sport_recreation",
        "physical_activity",
        "quality_of_life",
    ]
    for sub, points in lines.items():
        assert len(points) == 3, sub
        xs, ys = [x for x, _ in points], [y for _, y in points]
        assert xs == sorted(xs)
        if sub == "pain":
            assert len(set(ys)) == 1, "an unchanged score is a flat line"
        else:
            assert ys[0] > ys[1] > ys[2], f"{sub}: better scores climb (SVG y grows downwards)"
    assert len(table.find("tbody").find_all("tr")) == 3
    legend = [span.get_text(strip=True) for span in history.find(id="hagos-legend").find_all("span")]
    assert legend == [th.get_text(strip=True) for th in table.find("thead").find_all("th")[1:]]


def test_unknown_assessment_is_a_404_page(sqlite_client: TestClient) -> None:
    for path in ("/assessments/nope", "/assessments/nope/result", "/assessments/nope/plan", "/nowhere"):
        r = sqlite_client.get(path)
        assert r.status_code == 404, path
        soup = soup_of(r)
        assert soup.find("h1").get_text(strip=True) == "We could not find that"


def test_every_knowledge_link_works(sqlite_client: TestClient, model: CompiledModel) -> None:
    index = soup_of(sqlite_client.get("/knowledge"))
    assert_accessible(index)
    links = {a["href"] for a in index.select("main a[href^='/knowledge']")}
    assert len([x for x in links if "/conditions/" in x]) == len(model.kb.conditions)
    assert len([x for x in links if "/exercises/" in x]) == len(model.kb.exercises)
    for href in sorted(links):
        r = sqlite_client.get(href)
        assert r.status_code == 200, href
        page = soup_of(r)
        assert_accessible(page)
        if "/conditions/" in href or "/exercises/" in href:
            cited = page.find(class_="sources").find_all("li")
            assert cited, f"{href} cites no source"
        for a in page.select("main a[href^='/']"):
            assert urlsplit(a["href"]).path.startswith(("/knowledge", "/assessments", "/")), a["href"]


def test_history_page_lists_assessments(sqlite_client: TestClient) -> None:
    aid = start(sqlite_client, 60, "male")
    soup = soup_of(sqlite_client.get("/assessments"))
    assert_accessible(soup)
    assert soup.find("tr", attrs={"data-assessment": aid})
    r = sqlite_client.post(f"/assessments/{aid}/delete", follow_redirects=False)
    assert r.status_code == 303
    assert not soup_of(sqlite_client.get("/assessments")).find("tr", attrs={"data-assessment": aid})


def test_report_download(sqlite_client: TestClient) -> None:
    aid = start(sqlite_client, 52, "female")
    sqlite_client.post(f"/assessments/{aid}/answers", data={"finding_id": "loc_outer_hip", "answer": "yes"})
    r = sqlite_client.get(f"/assessments/{aid}/report.html")
    assert r.status_code == 200
    assert r.headers["content-disposition"] == f'attachment; filename="hipcheck-report-{aid}.html"'
    report = soup_of(r)
    assert "diagnosis" in report.get_text().lower()
    assert sqlite_client.get(f"/assessments/{aid}/report.docx").status_code == 404
    assert sqlite_client.get("/assessments/nope/report.html").status_code == 404
