"""In a real browser: a citizen files a report; the dispatcher's board shows it without a
reload, the top recommended unit is dispatched and marked arrived; the chief's dashboard
shows the response time. Screenshots of the three pages in both languages are saved
under test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.browser

DESCRIPTION = "刚才我的蓝色电动车在超市门口被人偷走了，车是雅迪牌的"


def _responded(server: Any, username: str) -> int:
    """How many incidents the user's figures count as responded to (the dashboard's KPI)."""
    figures = httpx.get(
        f"{server.url}/api/v1/dispatch/figures",
        headers=server.token(username),
        params={"group_by": "station"},
        timeout=60,
    )
    figures.raise_for_status()
    return int(figures.json()["overall"]["count"])


def _login(context: Any, server: Any, username: str) -> Any:
    page = context.new_page()
    page.goto(f"{server.url}/login")
    page.fill("#username", username)
    page.fill("#password", server.password)
    page.click(".login-card button[type=submit]")
    page.wait_for_load_state("load")
    return page


def _switch_language(page: Any, language: str) -> None:
    page.click(f"[data-lang-switch='{language}']")
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == language


def test_report_to_arrival_and_dashboard(live_server: Any, browser: Any, screenshots: Path) -> None:
    server = live_server

    # The dispatcher is on the board before the report exists.
    dispatcher_context = browser.new_context(viewport={"width": 1440, "height": 900})
    board = _login(dispatcher_context, server, "dispatcher_a")
    assert board.url.endswith("/board")
    board.wait_for_selector("#board[data-ready='1']")
    board.wait_for_selector("#live.on", timeout=15_000)

    # A citizen on a phone files a report with a pin in station A's (east) half.
    citizen_context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
    )
    citizen = citizen_context.new_page()
    citizen.goto(f"{server.url}/report")
    assert citizen.locator("html").get_attribute("lang") == "zh-CN"
    citizen.click("#submit")
    type_error = citizen.locator("#err-type")
    type_error.wait_for()
    assert type_error.inner_text() == "请选择发生了什么。"
    citizen.check("input[value='theft.ebike']")
    citizen.fill("#description", DESCRIPTION)
    citizen.wait_for_selector("#pin-map[data-ready='1']")
    pin_map = citizen.locator("#pin-map")
    box = pin_map.bounding_box()
    assert box is not None
    pin_map.click(position={"x": box["width"] * 0.72, "y": box["height"] * 0.5})
    assert citizen.input_value("#lat") != ""
    citizen.fill("#phone", "13800138000")
    citizen.screenshot(path=screenshots / "citizen-report-zh-CN.png", full_page=True)
    citizen.click("#submit")
    citizen.wait_for_url(re.compile(r"/report/[A-Za-z0-9_-]+$"), timeout=20_000)
    assert citizen.locator("[data-status]").first.get_attribute("data-status") == "received"
    citizen.screenshot(path=screenshots / "citizen-status-zh-CN.png", full_page=True)
    status_url = citizen.url

    # The board shows it without a reload (server-sent events).
    item = board.locator("#queue .qi", has_text="雅迪牌").first
    item.wait_for(timeout=20_000)
    item.click()
    top = board.locator("#reco li.top button[data-action='dispatch']")
    top.wait_for(timeout=30_000)
    top_unit = board.locator("#reco li.top strong").inner_text()
    board.keyboard.press("d")
    en_route = board.locator("li[data-assignment][data-status='en_route']")
    en_route.wait_for(timeout=20_000)
    assert top_unit in en_route.inner_text()
    board.screenshot(path=screenshots / "board-zh-CN.png")
    responded_before = _responded(server, "chief_a")
    board.click("li[data-assignment] button[data-action='arrived']")
    board.locator("li[data-assignment][data-status='on_scene']").wait_for(timeout=20_000)

    # The citizen's status page follows the incident.
    citizen.goto(status_url)
    assert citizen.locator("[data-status]").first.get_attribute("data-status") == "on_scene"

    # The chief sees the response time on the dashboard.
    chief_context = browser.new_context(viewport={"width": 1440, "height": 900})
    dashboard = _login(chief_context, server, "chief_a")
    dashboard.goto(f"{server.url}/dashboard")
    median = dashboard.locator("[data-kpi='median'] .value").inner_text()
    assert re.search(r"\d+ 秒", median), median
    assert _responded(server, "chief_a") == responded_before + 1
    dashboard.wait_for_selector("#dash-map[data-ready='1']", timeout=30_000)
    # the demo's active plan for station A is on the map, and its simulated figures say so
    assert dashboard.locator("#dash-map").get_attribute("data-plan") is not None
    assert "东街派出所夜班" in dashboard.locator("#plan-note").inner_text()
    assert dashboard.locator("h1 [data-simulated]").inner_text() == "模拟数据"
    assert "同比" in dashboard.locator("[data-kpi='count'] [data-verdict]").inner_text()
    dashboard.screenshot(path=screenshots / "dashboard-zh-CN.png", full_page=True)

    # The same pages in English; the choice is remembered on the account.
    _switch_language(dashboard, "en")
    assert re.search(r"\d+ s", dashboard.locator("[data-kpi='median'] .value").inner_text())
    dashboard.wait_for_selector("#dash-map[data-ready='1']", timeout=30_000)
    dashboard.screenshot(path=screenshots / "dashboard-en.png", full_page=True)
    _switch_language(board, "en")
    board.wait_for_selector("#board[data-ready='1']")
    board.locator("#queue .qi", has_text="雅迪牌").first.click()
    board.locator("li[data-assignment][data-status='on_scene']").wait_for(timeout=20_000)
    board.screenshot(path=screenshots / "board-en.png")
    fresh = _login(browser.new_context(viewport={"width": 1440, "height": 900}), server, "chief_a")
    fresh.goto(f"{server.url}/dashboard")
    assert fresh.locator("html").get_attribute("lang") == "en"

    citizen.goto(f"{server.url}/report")
    _switch_language(citizen, "en")
    citizen.click("#submit")
    citizen.locator("#err-type").wait_for()
    assert citizen.locator("#err-type").inner_text() == "Choose what happened."
    citizen.wait_for_selector("#pin-map[data-ready='1']")
    citizen.screenshot(path=screenshots / "citizen-report-en.png", full_page=True)
    citizen.goto(status_url)
    citizen.screenshot(path=screenshots / "citizen-status-en.png", full_page=True)
    for context in (dispatcher_context, citizen_context, chief_context):
        context.close()
