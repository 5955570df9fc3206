"""The start page in a real browser: safety note, labelled form, keyboard reachable, phone width."""

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


def test_keyboard_reaches_the_form_via_skip_link(page, live_server) -> None:
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Skip to content" in focused
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    tag = page.evaluate("document.activeElement.id || document.activeElement.tagName")
    assert tag  # something inside main has focus, not lost on the body
    assert page.evaluate("document.activeElement !== document.body")


def test_phone_viewport_has_no_horizontal_scroll(phone_page, live_server, tmp_path) -> None:
    phone_page.goto(live_server.url + "/")
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a 360px phone screen"
    start = phone_page.get_by_role("button", name="Start")
    box = start.bounding_box()
    assert box is not None and box["height"] >= 44, "the Start button is too small to tap"
    phone_page.screenshot(path=str(tmp_path / "start-phone.png"), full_page=True)
