"""Browser-test harness: a real uvicorn server on a free loopback port and Debian's Chromium.

The server runs in a thread of the test process against a temporary SQLite database; each test
gets a fresh page whose screenshots go under the test's own tmp directory.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from hipcheck.config import Settings
from hipcheck.web.app import create_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# WCAG 2 contrast of an element's text colour against the first opaque background behind it.
CONTRAST_JS = """
el => {
  const parse = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  let bg = null, node = el;
  while (node && node.nodeType === 1) {
    const c = parse(getComputedStyle(node).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) { bg = c.slice(0, 3); break; }
    node = node.parentElement;
  }
  bg = bg || [255, 255, 255];
  const fg = parse(getComputedStyle(el).color).slice(0, 3);
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    settings: Settings


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    db = tmp_path_factory.mktemp("web-db") / "hipcheck.db"
    port = _free_port()
    settings = Settings(
        database_url=f"sqlite:///{db}", host="127.0.0.1", port=port, access_log=False, log_level="warning"
    )
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test web server did not start")
        time.sleep(0.05)
    yield LiveServer(url=f"http://127.0.0.1:{port}", settings=settings)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Debian's Chromium is not installed at {CHROMIUM} (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@dataclass
class Shooter:
    """Saves numbered full-page screenshots into the test's tmp directory."""

    page: object
    out: Path
    n: int = 0

    def __call__(self, name: str) -> Path:
        self.n += 1
        path = self.out / f"{self.n:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
        return path


def _page_in_new_context(browser: object, **context_options: Any) -> Iterator[object]:
    context = browser.new_context(**context_options)  # type: ignore[attr-defined]
    context.set_default_timeout(30_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(browser: object, live_server: LiveServer) -> Iterator[object]:
    yield from _page_in_new_context(browser, viewport={"width": 1024, "height": 800})


@pytest.fixture
def phone_page(browser: object, live_server: LiveServer) -> Iterator[object]:
    yield from _page_in_new_context(
        browser, viewport={"width": 360, "height": 740}, device_scale_factor=1, is_mobile=True, has_touch=True
    )


@pytest.fixture
def shot(page: object, tmp_path: Path) -> Shooter:
    out = tmp_path / "screenshots"
    out.mkdir()
    return Shooter(page, out)


@pytest.fixture
def contrast() -> Callable[[object], float]:
    """WCAG contrast ratio of a Playwright locator's text against its background."""

    def ratio(locator: object) -> float:
        return float(locator.evaluate(CONTRAST_JS))  # type: ignore[attr-defined]

    return ratio
