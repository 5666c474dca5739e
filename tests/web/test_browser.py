"""Browser tests: Debian's Chromium driven by Playwright against uvicorn on a loopback port.

Sign in, the big screen renders its charts without console errors, a carrier books a slot on a
phone-sized page and the dispatcher sees it, the language switch works. Screenshots are kept in
``out/test-artifacts/`` (git-ignored).
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "out" / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live_server(app: Any) -> Iterator[str]:
    """The app under uvicorn in a thread on a free loopback port; its base URL."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:  # pragma: no cover - a broken server
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


class Console:
    """Collects console errors and uncaught page errors of a page."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))

    def _console(self, msg: ConsoleMessage) -> None:
        if msg.type == "error":
            self.errors.append(f"{msg.text} ({msg.location.get('url', '')})")


def _sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_load_state("networkidle")


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def test_big_screen_renders_and_switches_language(
    browser: Browser, live_server: str, demo_db: dict[str, Any]
) -> None:
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page = context.new_page()
    console = Console(page)
    _sign_in(page, live_server, "manager1", demo_db["passwords"]["manager1"])
    assert page.url.endswith("/screen")
    page.wait_for_selector("body[data-loaded='1']", timeout=15000)
    # every chart with data is an ECharts instance with series and a canvas
    charts = page.evaluate(
        """() => Object.keys(PZ.charts).map(id => {
            const el = document.getElementById(id);
            const chart = echarts.getInstanceByDom(el);
            const opt = chart ? chart.getOption() : null;
            return {id: id, canvas: el.querySelectorAll('canvas').length,
                    series: opt ? opt.series.length : 0,
                    points: opt ? opt.series.reduce((n, s) => n + ((s.data || []).length), 0) : 0};
        })"""
    )
    ids = {c["id"] for c in charts}
    assert {"chart-energy_mix", "chart-energy_flow", "chart-emissions_by_scope", "chart-emissions_by_source",
            "chart-logistics_intensity", "chart-ranking", "chart-trend"} <= ids  # fmt: skip
    for c in charts:
        assert c["canvas"] >= 1 and c["series"] >= 1 and c["points"] >= 1, c
    # no invented numbers: TOU (energy package) shows its "no data yet" state
    assert "能源模块" in page.inner_text("[data-panel='tou']")
    assert page.locator(".kpi").count() == 7
    assert "账本" in page.inner_text("#ledger-badge")
    _shot(page, "screen-zh-CN")
    # the language switch
    page.click(".langs a[data-lang='en']")
    page.wait_for_selector("body[data-loaded='1']", timeout=15000)
    assert page.get_attribute("html", "lang") == "en"
    assert "Carbon-neutrality big screen" in page.inner_text("h1")
    assert "Energy mix" in page.inner_text("[data-panel='energy_mix'] h2")
    _shot(page, "screen-en")
    page.goto(f"{live_server}/plan")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("html", "lang") == "en"  # the cookie keeps the choice
    assert page.evaluate("() => Object.keys(PZ.charts).length") >= 2
    _shot(page, "plan-en")
    page.goto(f"{live_server}/park/zones/cold-store")
    page.wait_for_load_state("networkidle")
    _shot(page, "zone-en")
    assert console.errors == []
    context.close()


def test_carrier_books_on_a_phone_and_dispatcher_sees_it(
    browser: Browser, live_server: str, demo_db: dict[str, Any]
) -> None:
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = phone.new_page()
    console = Console(page)
    _sign_in(page, live_server, "carrier-sf", demo_db["passwords"]["carrier-sf"])
    assert page.url.endswith("/carrier")
    slot = page.locator("#free-slots form.slot").nth(4)
    when = slot.locator("b").inner_text()
    slot.locator("input[name=truck]").fill("鄂A12345")
    slot.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#flash").inner_text().startswith("预约成功")
    booking = page.locator("#my-bookings article.booking").first
    assert when.split(" ")[1] in booking.inner_text() and "鄂A12345" in booking.inner_text()
    qr = booking.locator("img.qr")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    # nothing overflows the phone's width
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    _shot(page, "carrier-phone")
    assert console.errors == []
    phone.close()

    desk = browser.new_context(viewport={"width": 1280, "height": 800})
    page = desk.new_page()
    console = Console(page)
    _sign_in(page, live_server, "operator1", demo_db["passwords"]["operator1"])
    day = when.split(" ")[0]
    page.goto(f"{live_server}/dispatch?day={day}")
    rows = page.locator("#dispatch-table tbody tr")
    text = " ".join(rows.all_inner_texts())
    assert "sf-express" in text and "鄂A12345" in text
    assert re.search(when.split(" ")[1], text)
    _shot(page, "dispatch")
    assert console.errors == []
    desk.close()


def test_api_docs_render_from_the_server_under_its_csp(browser: Browser, live_server: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    console = Console(page)
    outside: list[str] = []
    page.on(
        "request",
        lambda req: outside.append(req.url) if not req.url.startswith(live_server) else None,
    )
    page.goto(f"{live_server}/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15000)
    assert page.locator(".swagger-ui .opblock").count() > 20  # the operations of every router
    _shot(page, "api-docs")
    assert outside == []  # Swagger UI's assets come from the server itself
    assert console.errors == []
    context.close()
