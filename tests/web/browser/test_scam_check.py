"""In a real browser, the issue's done-when: an anonymous citizen types a red situation in
the report page's "是不是诈骗？" box and is told to call 110 now; the anti-fraud officer
finds it at the top of the queue with a timer, marks it "payment stopped, 20000", and the
week's protected amount on the figures rises by 20,000. Then the same box in English."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

pytestmark = pytest.mark.browser

RED = "我在银行柜台，电话里自称公安局的人说我的账户涉嫌洗钱，让我马上把存款转到安全账户配合调查"
RED_EN = (
    "A man on the phone says he is from the police, my account is linked to money laundering, "
    "and I must move my savings to a safe account now. I am at the bank transferring it."
)
PHONE = "13912345678"


def _this_week() -> str:
    year, week, _ = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).isocalendar()
    return f"{year}-W{week:02d}"


def _close_open_warnings(server: Any) -> None:
    """Warnings other tests left open would rank before ours: the desk works them off."""
    headers = server.token("antifraud_a")
    base = f"{server.url}/api/v1/antifraud/warnings"
    for w in httpx.get(base, headers=headers, timeout=30).json()["items"]:
        if w["status"] == "new":
            httpx.post(f"{base}/{w['id']}/assign", headers=headers, timeout=30)
        httpx.post(
            f"{base}/{w['id']}/contacts",
            headers=headers,
            json={"channel": "phone", "reached": True},
            timeout=30,
        )
        done = httpx.post(
            f"{base}/{w['id']}/outcome", headers=headers, json={"outcome": "dissuaded"}, timeout=30
        )
        assert done.status_code == 200, done.text


def _ask(page: Any, text: str, phone: str | None = None) -> None:
    page.wait_for_selector("#pin-map[data-ready='1']", timeout=30_000)
    box = page.locator("#pin-map").bounding_box()
    assert box is not None
    # east of the middle: station A's half, so station A's desk gets the warning
    page.click("#pin-map", position={"x": box["width"] * 0.6, "y": box["height"] / 2})
    page.fill("#scam-text", text)
    if phone:
        page.fill("#scam-phone", phone)
    page.click("#scam-submit")
    page.wait_for_selector("#scam-result[data-ready]", timeout=20_000)


def test_citizen_red_scam_check_reaches_the_desk_and_a_stopped_payment_is_protected(
    live_server: Any, browser: Any, screenshots: Path
) -> None:
    server = live_server
    _close_open_warnings(server)

    # an anonymous citizen on a phone, on the report page they land on
    citizen_context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    citizen = citizen_context.new_page()
    citizen.goto(f"{server.url}/report")
    assert citizen.locator("html").get_attribute("lang") == "zh-CN"
    assert citizen.locator("#scam-check-title").inner_text() == "是不是诈骗？"
    _ask(citizen, RED, PHONE)
    alarm = citizen.locator("#scam-110")
    assert alarm.is_visible()
    assert "请立即拨打110" in alarm.inner_text()
    assert alarm.locator("a[href='tel:110']").count() == 1
    assert citizen.get_attribute("#scam-tier", "data-risk") == "red"
    assert citizen.get_attribute("#scam-type", "data-type") == "impersonating_officials"
    assert citizen.locator(".scam-advice li").count() >= 1
    assert citizen.locator("#scam-desk").inner_text() == "反诈民警已收到您的问题，会给您回电。"
    # the number typed is not shown back on the page
    assert PHONE not in citizen.locator("#scam-check").inner_text()
    citizen.screenshot(path=screenshots / "citizen-scam-check-zh-CN.png", full_page=True)
    citizen_context.close()

    # the anti-fraud officer: the warning on top of the queue, with its timer
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.goto(f"{server.url}/login")
    page.fill("#username", "antifraud_a")
    page.fill("#password", server.password)
    page.click(".login-card button[type=submit]")
    page.wait_for_url("**/antifraud", timeout=30_000)
    page.wait_for_selector("#antifraud[data-queue-ready]", timeout=30_000)
    page.wait_for_selector("#af-trends[data-ready]", timeout=30_000)
    top = page.locator("#af-queue-list .af-warning").first
    assert top.locator(".af-situation").inner_text() == RED
    assert "tier-red" in (top.get_attribute("class") or "")
    assert top.locator(".af-person").inner_text() == PHONE  # the desk sees the number whole
    timer = top.locator(".af-timer")
    assert timer.inner_text().startswith("剩余")
    assert timer.get_attribute("data-due")

    week = _this_week()
    protected = page.locator(
        f"#af-yoy-table tr[data-station='station-a'][data-week='{week}'] .af-protected"
    )
    before = int(protected.get_attribute("data-yuan") or "0")

    # one click: payment stopped, 20000
    top.locator(".af-amount").fill("20000")
    with page.expect_response("**/outcome") as done:
        top.locator("[data-outcome='payment_stopped']").click()
    assert done.value.status == 200
    cell = f"#af-yoy-table tr[data-station='station-a'][data-week='{week}'] .af-protected"
    page.wait_for_function(
        "([sel, want]) => { const c = document.querySelector(sel);"
        " return c !== null && c.getAttribute('data-yuan') === want; }",
        arg=[cell, str(before + 20_000)],
        timeout=20_000,
    )
    assert protected.inner_text() == f"{before + 20_000:,}"
    page.screenshot(path=screenshots / "antifraud-trends-zh-CN.png", full_page=True)
    context.close()

    # the same box in English
    english = browser.new_context(viewport={"width": 1024, "height": 900})
    english.add_cookies([{"name": "pingan_lang", "value": "en", "url": server.url}])
    citizen = english.new_page()
    citizen.goto(f"{server.url}/report")
    assert citizen.locator("#scam-check-title").inner_text() == "Is this a scam?"
    _ask(citizen, RED_EN)
    assert citizen.get_attribute("#scam-tier", "data-risk") == "red"
    assert "Call 110 now." in citizen.locator("#scam-110").inner_text()
    assert citizen.locator("#scam-desk").inner_text() == "The anti-fraud desk has been alerted."
    english.close()
