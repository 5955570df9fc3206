"""A runner's path through the web app in real Chromium: assessment, emergency, back, diary, phone."""

from __future__ import annotations

import datetime as dt
import functools
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from hipcheck.engine import compile_model
from hipcheck.engine.evaluate import Case, parse_cases
from hipcheck.knowledge.load import load_knowledge_base

pytestmark = pytest.mark.browser

CASES = Path(__file__).resolve().parents[2] / "cases" / "dev-cases.jsonl"  # the repo's copy
LABELS = {"yes": "Yes", "no": "No", "unknown": "Don't know"}


@functools.cache
def _cases() -> dict[str, Case]:
    model = compile_model(load_knowledge_base())
    return {c.id: c for c in parse_cases(CASES.read_text(encoding="utf-8"), model)}


def _case(case_id: str) -> Case:
    return _cases()[case_id]


def wait_path(page: Any, pattern: str) -> None:
    """Wait until the address bar path matches a regular expression (htmx updates it with pushState)."""
    page.wait_for_function("p => new RegExp(p).test(location.pathname)", arg=pattern)


def start(page: Any, base: str, age: int, sex: str) -> str:
    page.goto(base + "/")
    page.get_by_label("Your age in years").fill(str(age))
    page.get_by_role("radio", name=sex.capitalize(), exact=True).check()
    page.get_by_role("button", name="Start").click()
    wait_path(page, "^/assessments/[^/]+$")
    page.locator("#q-progress").wait_for()
    return str(page.evaluate("location.pathname").split("/")[-1])


def current_findings(page: Any) -> list[str]:
    return [
        str(x)
        for x in page.locator("main [data-finding]").evaluate_all("els => els.map(e => e.dataset.finding)")
    ]


def answer_screen(page: Any, answers: dict[str, str]) -> None:
    """Answer what is on screen the way a person would: tap a button, or tick radios then Next."""
    before = page.locator("#q-progress").get_attribute("value")
    single = page.locator("form.single-question")
    if single.count():
        ((_, value),) = answers.items()
        single.get_by_role("button", name=LABELS[value], exact=True).click()
    else:
        for fid, value in answers.items():
            page.locator(f'fieldset[data-finding="{fid}"]').get_by_label(LABELS[value], exact=True).check()
        page.get_by_role("button", name="Next").click()
    changed = (
        "v => { const p = document.querySelector('#q-progress'); return !p || p.getAttribute('value') !== v }"
    )
    page.wait_for_function(changed, arg=before)


def run_to_result(page: Any, case: Case, shot: Any = None, limit: int = 40) -> None:
    for n in range(limit):
        if page.locator("#causes").count():
            return
        fids = current_findings(page)
        assert fids, "a question page without a question"
        if shot is not None and n < 3:
            shot(f"question-{n}")
        answer_screen(page, {f: case.answer(f) for f in fids})
    raise AssertionError("the assessment did not reach the result page")


def result_probabilities(page: Any) -> dict[str, float]:
    pairs = page.locator("#causes > li.cause").evaluate_all(
        "els => els.map(e => [e.dataset.condition, parseFloat(e.dataset.probability)])"
    )
    return {str(k): float(v) for k, v in pairs}


def test_full_assessment_reaches_the_result(page, live_server, shot, contrast) -> None:
    case = _case("dev-001")
    start(page, live_server.url, case.age, case.sex.value)
    assert page.locator(".tag.warn", has_text="Safety check first").is_visible(), (
        "red-flag screen must be first"
    )
    run_to_result(page, case, shot)
    wait_path(page, "/result$")
    banner = page.locator("#triage")
    assert banner.is_visible()
    assert case.gold is not None and case.gold.triage is not None
    assert banner.get_attribute("data-level") == case.gold.triage.value
    top3 = list(result_probabilities(page))[:3]
    assert case.gold.condition in top3
    first = page.locator("#causes > li.cause").first
    first.get_by_text("Why").click()
    assert first.locator(".why-for li").count() >= 1, "the top cause should show answers that support it"
    bar = first.locator("[role=meter]")
    assert int(bar.get_attribute("aria-valuenow")) > 0
    for el in (banner.locator("h2"), banner.locator(".instruction"), first.locator(".cause-name a")):
        assert contrast(el) >= 4.5
    shot("result")


def test_emergency_answer_stops_at_the_instruction(page, live_server, shot, contrast) -> None:
    kb = load_knowledge_base()
    rule = next(
        r
        for r in kb.red_flags.values()
        if r.level.value == "emergency"
        and len(r.when.all_of) == 1
        and not r.when.any_of
        and r.when.age_min is None
    )
    finding = rule.when.all_of[0]
    start(page, live_server.url, 30, "male")
    fids = current_findings(page)
    assert finding in fids, f"{finding} should be on the first (red-flag) screen"
    answer_screen(page, {f: ("yes" if f == finding else "no") for f in fids})
    screen = page.get_by_role("alertdialog")
    screen.wait_for()
    assert page.get_by_role("heading", name="Get emergency help now").is_visible()
    box = screen.bounding_box()
    viewport = page.viewport_size
    assert box["width"] >= viewport["width"] - 1 and box["height"] >= viewport["height"] - 1, (
        "not full-screen"
    )
    assert page.locator("form.single-question, form.group-question").count() == 0, "no more questions"
    assert contrast(page.locator("#em-instruction")) >= 4.5
    shot("emergency")
    # Reloading the assessment still shows the instruction, not the next question.
    page.reload()
    assert page.get_by_role("heading", name="Get emergency help now").is_visible()


def test_back_changes_an_answer_and_the_result_follows(page, live_server, shot) -> None:
    case = _case("dev-001")
    start(page, live_server.url, case.age, case.sex.value)
    # The red-flag screens: all "no".
    while page.locator(".tag.warn", has_text="Safety check first").count():
        answer_screen(page, dict.fromkeys(current_findings(page), "no"))
    second = current_findings(page)
    answer_screen(page, dict.fromkeys(second, "yes"))
    page.locator("#q-progress").wait_for()
    page.get_by_role("link", name="See results so far").click()
    wait_path(page, "/result$")
    with_yes = result_probabilities(page)
    shot("result-after-yes")

    page.get_by_role("button", name="Back: change my last answer").click()
    wait_path(page, "^/assessments/[^/]+$")
    page.locator("#q-progress").wait_for()
    assert current_findings(page) == second, "back should return to the question just answered"
    answer_screen(page, dict.fromkeys(second, "no"))
    page.get_by_role("link", name="See results so far").click()
    wait_path(page, "/result$")
    with_no = result_probabilities(page)
    shot("result-after-no")
    assert with_yes != with_no, "changing the answer must change the ranking"
    answers_page = page.goto(
        live_server.url + page.evaluate("location.pathname").replace("/result", "/answers")
    )
    assert answers_page is not None and answers_page.ok
    values = page.locator("#answers tbody tr").evaluate_all(
        "rows => rows.map(r => [r.dataset.finding, r.cells[2].textContent.trim()])"
    )
    changed = {k: v for k, v in values if k in second}
    assert changed and set(changed.values()) == {"No"}


def test_diary_entry_appears_on_the_chart(page, live_server, shot) -> None:
    aid = start(page, live_server.url, 41, "female")
    page.goto(f"{live_server.url}/assessments/{aid}/diary")
    assert page.locator("#pain-chart circle").count() == 0
    page.locator("#fs-pain_rest").get_by_text("4", exact=True).click()
    page.locator("#fs-pain_during").get_by_text("6", exact=True).click()
    page.get_by_role("button", name="Save entry").click()
    point = page.locator('#pain-chart circle[data-series="rest"]')
    point.first.wait_for()
    assert point.first.get_attribute("data-value") == "4"
    during = page.locator('#pain-chart circle[data-series="during"]').first
    assert during.get_attribute("data-value") == "6"
    assert page.locator("#diary-entries tbody tr").count() == 1
    shot("diary")


def test_phone_viewport_works_through_the_pages(phone_page, live_server, tmp_path) -> None:
    page = phone_page
    case = _case("dev-004")
    aid = start(page, live_server.url, case.age, case.sex.value)
    screens = [("question", None)]
    for name, _ in screens:
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name}: {overflow}px wider than the phone"
    run_to_result(page, case)
    # scores in the HAGOS history table, which has a column per subscale
    items = [i["id"] for i in httpx.get(live_server.url + "/api/v1/hagos/questionnaire").json()["items"]]
    url = f"{live_server.url}/api/v1/assessments/{aid}/hagos"
    scores = httpx.post(url, json={"responses": dict.fromkeys(items, 1)})
    assert scores.status_code == 201
    # and an earlier one, so the HAGOS page draws its chart too (from two questionnaires on)
    earlier = (dt.datetime.now().astimezone().date() - dt.timedelta(days=21)).isoformat()
    scores = httpx.post(url, json={"day": earlier, "responses": dict.fromkeys(items, 3)})
    assert scores.status_code == 201
    for path in ("result", "plan", "diary", "hagos"):
        page.goto(f"{live_server.url}/assessments/{aid}/{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        page.screenshot(path=str(tmp_path / f"phone-{path}.png"), full_page=True, timeout=30_000)
        assert overflow <= 0, f"{path}: {overflow}px wider than a 360px phone"
        if path == "hagos":
            chart = page.locator("svg#hagos-chart")
            assert chart.count() == 1 and chart.locator("polyline").count() == 6
            assert chart.bounding_box()["width"] <= page.viewport_size["width"]


def test_report_downloads(page, live_server, tmp_path) -> None:
    case = _case("dev-001")
    start(page, live_server.url, case.age, case.sex.value)
    run_to_result(page, case)
    top = page.locator("#causes > li.cause .cause-name a").first.inner_text()
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("link", name="Download the report for your clinician (PDF)").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    data = saved.read_bytes()
    assert data.startswith(b"%PDF-"), "the download is a PDF"

    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(saved), "-"], capture_output=True, check=True, text=True
        ).stdout
        assert "diagnosis" in text.lower()
        assert top.split("(")[0].strip().split()[0] in text
