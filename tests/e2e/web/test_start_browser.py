"""The start page in a real browser: safety note, labelled form, keyboard only, contrast, phone width."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_start_page_shows_safety_note_and_labelled_form(page, live_server, shot) -> None:
    page.goto(live_server.url + "/")
    assert page.get_by_role("heading", name="Hip pain from running?").is_visible()
    safety = page.get_by_role("complementary", name="Safety note").first
    assert "Not a diagnosis" in safety.inner_text()
    assert page.get_by_label("Your age in years").is_visible()
    assert page.get_by_role("radio", name="Female").is_visible()
    shot("start")


def test_keyboard_alone_starts_an_assessment_and_answers(page, live_server) -> None:
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to content"
    page.get_by_label("Your age in years").focus()
    page.keyboard.type("37")
    page.keyboard.press("Tab")  # into the sex radio group
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.name") == "sex"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Start"
    page.keyboard.press("Enter")
    page.wait_for_function("() => /^\\/assessments\\/[^/]+$/.test(location.pathname)")
    progress = page.locator("#q-progress")
    progress.wait_for()
    # Tab through the first screen to its Next button and press it: the answers go in.
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent").strip() == "Next":
            break
    else:
        raise AssertionError("the Next button cannot be reached with the keyboard")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('#q-progress')?.getAttribute('value') === '1'")


def test_text_has_readable_contrast(page, live_server, contrast) -> None:
    page.goto(live_server.url + "/")
    selectors = ["h1", ".lead", ".safety p", "label[for=age]", "button.primary", ".site-header a", "small"]
    for selector in selectors:
        ratio = contrast(page.locator(selector).first)
        assert ratio >= 4.5, f"{selector}: contrast {ratio:.2f} is below 4.5:1"


def test_phone_viewport_has_no_horizontal_scroll(phone_page, live_server, tmp_path) -> None:
    phone_page.goto(live_server.url + "/")
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a 360px phone screen"
    start = phone_page.get_by_role("button", name="Start")
    box = start.bounding_box()
    assert box is not None and box["height"] >= 44, "the Start button is too small to tap"
    phone_page.screenshot(path=str(tmp_path / "start-phone.png"), full_page=True)


def test_focus_moves_to_the_new_page_heading(page, live_server) -> None:
    page.goto(live_server.url + "/")
    page.get_by_label("Your age in years").fill("44")
    page.get_by_role("radio", name="Male", exact=True).check()
    page.get_by_role("button", name="Start").click()
    page.locator("#q-progress").wait_for()
    page.wait_for_function("() => document.activeElement && document.activeElement.tagName === 'H1'")
    assert page.evaluate("document.activeElement.id") == "q-title"


def test_api_docs_render_offline(page, live_server) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(live_server.url + "/docs")
    page.locator(".swagger-ui .opblock").first.wait_for()
    assert page.locator(".swagger-ui .opblock").count() >= 15
    assert all(u.startswith(live_server.url) or u.startswith("data:") for u in requests), requests
