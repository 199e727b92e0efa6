"""In a real browser: the demo anti-fraud officer screens a situation, sees a red warning
from a citizen's consultation arrive in the queue with its timer, marks it "payment
stopped, 20000" and sees the week's figures count the 20,000 stopped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.browser

QQ_BOSS = "我们主任换了个新QQ号加我，说他在外地出差，让我先帮他给一个朋友转2万，回来还我"
RED = "自称公安局的人说我涉嫌洗钱，要我把钱转到安全账户配合资金核查，我正在银行转账"


def _login(context: Any, server: Any, username: str) -> Any:
    page = context.new_page()
    page.goto(f"{server.url}/login")
    page.fill("#username", username)
    page.fill("#password", server.password)
    page.click(".login-card button[type=submit]")
    page.wait_for_load_state("load")
    return page


def test_officer_screens_works_a_red_warning_and_sees_the_amount_stopped(
    live_server: Any, browser: Any, screenshots: Path
) -> None:
    server = live_server
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = _login(context, server, "antifraud_a")
    assert page.url.endswith("/antifraud")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.wait_for_selector("#antifraud[data-queue-ready]", timeout=30_000)
    page.wait_for_selector("#antifraud[data-figures-ready]", timeout=30_000)

    # the screening box: the QQ "boss" asking for a transfer
    page.fill("#af-screen-text", QQ_BOSS)
    page.click("#af-screen-form button[type=submit]")
    page.wait_for_selector("#af-screen-type", timeout=15_000)
    assert page.get_attribute("#af-screen-type", "data-type") == "impersonating_acquaintance"
    assert page.locator("#af-screen-type").inner_text() == "impersonating_acquaintance"
    assert page.get_attribute("#af-screen-tier", "data-risk") in ("orange", "red")
    assert page.locator("#af-screen-tier").inner_text() in ("橙色", "红色")
    assert page.locator(".af-signs li").count() >= 1
    assert page.locator(".af-advice li").count() >= 1

    # a citizen's red consultation reaches station A's desk as a red warning
    answer = httpx.post(
        f"{server.url}/api/v1/antifraud/consultations",
        json={"text": RED, "jurisdiction_code": "station-a"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["risk"] == "red"
    assert answer.json()["desk_warned"] is True
    queue = httpx.get(
        f"{server.url}/api/v1/antifraud/warnings",
        headers=server.token("antifraud_a"),
        timeout=30,
    ).json()["items"]
    warning_id = max(w["id"] for w in queue if w["situation"] == RED and w["tier"] == "red")

    page.reload()
    card = page.locator(f".af-warning[data-id='{warning_id}']")
    card.wait_for(timeout=30_000)
    assert page.locator(".af-group[data-tier='red']").locator(card).count() == 1
    timer = card.locator(".af-timer")
    assert timer.inner_text().startswith(("剩余", "已超时"))
    assert timer.get_attribute("data-due")
    assert page.get_attribute("#af-overdue", "data-overdue") is not None
    page.screenshot(path=screenshots / "antifraud-zh-CN.png")

    # one click: payment stopped, 20000
    card.locator(".af-amount").fill("20000")
    with page.expect_response("**/outcome") as done:
        card.locator("[data-outcome='payment_stopped']").click()
    assert done.value.status == 200
    page.wait_for_selector(f".af-warning[data-id='{warning_id}']", state="detached")
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.af-stopped'))"
        ".some(function (c) { return c.textContent === '20,000'; })",
        timeout=15_000,
    )
    context.close()


def test_outreach_map_reach_suggestions_and_recording_a_stall(
    live_server: Any, browser: Any, screenshots: Path
) -> None:
    server = live_server
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = _login(context, server, "antifraud_a")
    page.goto(f"{server.url}/antifraud")
    page.wait_for_selector("#antifraud[data-outreach-ready]", timeout=60_000)
    outreach = page.locator("#af-outreach")
    assert page.locator("#af-outreach-title").inner_text() == "反诈宣传"
    assert int(outreach.get_attribute("data-reach-zones") or 0) > 4
    stalls_before = int(outreach.get_attribute("data-stalls") or 0)
    share_before = float(outreach.get_attribute("data-reach-share") or 0)
    # the demo's simulated fraud incidents give next week's sites, drawn on the map too
    sites = page.locator("#af-suggestions li.af-site")
    assert sites.count() >= 1
    assert page.locator(".af-site-marker").count() == sites.count()
    assert sites.first.locator(".af-site-why").inner_text().startswith("步行10分钟内")

    # record a stall: a click on the map places it (a spot of station A between the sites)
    spot = page.evaluate(
        "ll => document.getElementById('af-outreach-map').pinganMap.latLngToContainerPoint(ll)",
        [60.1730, 24.9480],
    )
    page.locator("#af-outreach-map").click(position={"x": spot["x"], "y": spot["y"]})
    point = page.locator("#af-outreach-point")
    assert abs(float(point.get_attribute("data-lat") or 0) - 60.1730) < 5e-4
    assert abs(float(point.get_attribute("data-lon") or 0) - 24.9480) < 5e-4
    page.select_option("#af-o-venue", "night_market")
    page.fill("#af-o-place", "夜市东口反诈摊")
    for field, value in (("staff", "2"), ("volunteers", "5"), ("people", "340"),
                         ("leaflets", "500"), ("apps", "61"), ("clues", "2")):  # fmt: skip
        page.fill(f"#af-o-{field}", value)
    with page.expect_response("**/api/v1/antifraud/outreach") as recorded:
        page.click("#af-outreach-form button[type=submit]")
    assert recorded.value.status == 201, recorded.value.text()
    stall = recorded.value.json()
    assert (stall["jurisdiction_code"], stall["people_reached"]) == ("station-a", 340)
    row = page.locator("#af-outreach-table tbody tr", has_text="夜市东口反诈摊")
    row.wait_for(timeout=15_000)
    assert row.locator("td").nth(5).inner_text() == "340"
    page.wait_for_function(
        "n => document.getElementById('af-outreach').dataset.stalls === String(n)",
        arg=stalls_before + 1,
        timeout=15_000,
    )
    assert float(outreach.get_attribute("data-reach-share") or 0) > share_before
    assert page.locator(".af-stall-marker").count() == stalls_before + 1
    page.screenshot(path=screenshots / "antifraud-outreach-zh-CN.png", full_page=True)

    page.click("[data-lang-switch='en']")
    page.wait_for_selector("#antifraud[data-outreach-ready]", timeout=60_000)
    assert page.locator("#af-outreach-title").inner_text() == "Outreach"
    assert "of residents reached this month" in page.locator("#af-reach-total").inner_text()
    context.close()
