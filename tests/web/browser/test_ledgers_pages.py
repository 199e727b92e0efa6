"""In a real browser: the fire officer lands on the ledgers' home and sees an overdue
hazard; the site page shows it; the phone inspection form at 360 px survives a lost
connection (the draft is kept and sent once when the browser is back online); the round
prints with its map; the chief's dashboard shows the fire-safety panels."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.browser


def _login(context: Any, server: Any, username: str) -> Any:
    page = context.new_page()
    page.goto(f"{server.url}/login")
    page.fill("#username", username)
    page.fill("#password", server.password)
    page.click(".login-card button[type=submit]")
    page.wait_for_load_state("load")
    return page


def _site(server: Any, name: str) -> int:
    """A KTV in station A with an ordinary hazard found 20 days ago (5 days overdue)."""
    officer = server.token("fire_a")
    url = f"{server.url}/api/v1/ledgers"
    code = "T-" + uuid.uuid4().hex[:8]
    body = {"code": code, "name": name, "category": "ktv", "lat": 60.1705, "lon": 24.9455,
            "jurisdiction_code": "station-a", "opening_hours": "14:00-02:00"}  # fmt: skip
    site = httpx.post(f"{url}/sites", headers=officer, json=body, timeout=30)
    assert site.status_code == 201, site.text
    site_id: int = site.json()["id"]
    found = (datetime.now(UTC) - timedelta(days=20)).isoformat()
    inspection = {"site_id": site_id, "inspectors": ["消防专干"], "signature": "经理", "at": found,
                  "items": [{"code": "EV-01", "result": "failed", "note": "后门上锁"}]}  # fmt: skip
    response = httpx.post(f"{url}/inspections", headers=officer, json=inspection, timeout=30)
    assert response.status_code == 201, response.text
    return site_id


def test_fire_officer_home_site_page_round_and_chief_panels(live_server: Any, browser: Any) -> None:
    server = live_server
    site_id = _site(server, "东街金嗓子KTV")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = _login(context, server, "fire_a")
    assert page.url.endswith("/fire")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.wait_for_selector("#ledgers-home[data-ready='1']", timeout=30_000)
    officer = server.token("fire_a")
    overdue = httpx.get(
        f"{server.url}/api/v1/ledgers/hazards",
        headers=officer,
        params={"state": "overdue"},
        timeout=120,  # the server may be planning the round for the page at the same time
    ).json()
    assert page.locator("#lh-overdue-count").inner_text() == str(len(overdue))
    assert page.locator("#lh-overdue li[data-hazard]").count() == min(len(overdue), 50)
    assert page.locator(f"#lh-sites tr[data-site='{site_id}']").count() == 1
    page.wait_for_selector("#ledgers-home[data-round-ready='1']", timeout=90_000)

    page.click(f"#lh-sites a[href='/fire/sites/{site_id}']")
    page.wait_for_selector("#ledgers-site[data-ready='1']", timeout=30_000)
    assert page.locator("#ls-name").inner_text() == "东街金嗓子KTV"
    hazards = page.locator("#ls-hazards").inner_text()
    assert "EV-01" in hazards
    assert "逾期 5 天" in hazards
    # closing without a passing re-inspection is refused with its reason; rectifying starts
    page.click("#ls-hazards button[data-action='close']")
    page.wait_for_selector("#ls-hazards [role='status']:has-text('passes its item')")
    page.click("#ls-hazards button[data-action='rectifying']")
    page.wait_for_selector("#ls-hazards button[data-action='rectifying']", state="detached")
    assert page.locator("#ls-hazards button[data-action='close']").count() == 1
    assert "1 项不合格" in page.locator("#ls-history").inner_text()

    month = datetime.now(UTC).strftime("%Y-%m")
    page.goto(f"{server.url}/fire/round?month={month}&inspector=fire_a")
    page.wait_for_selector("#ledgers-round[data-ready='1']", timeout=90_000)
    assert page.locator("#lr-days table").count() >= 1
    assert page.locator(f"#lr-days tr[data-site='{site_id}']").count() == 1
    context.close()

    chief_context = browser.new_context(viewport={"width": 1440, "height": 900})
    chief = _login(chief_context, server, "chief_a")
    chief.goto(f"{server.url}/dashboard")
    chief.wait_for_selector("#ledger-panels:not([hidden])", timeout=30_000)
    found = int(chief.locator("#ledger-panels [data-figure='found']").inner_text())
    assert found >= 1
    assert chief.locator("#ledger-hazards li[data-hazard]").count() >= 1  # overdue and major
    chief_context.close()


def test_the_phone_form_at_360_px_survives_a_lost_connection(
    live_server: Any, browser: Any
) -> None:
    server = live_server
    site_id = _site(server, "东街星际网吧")
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = _login(context, server, "fire_a")
    page.goto(f"{server.url}/fire/inspect?site={site_id}")
    page.wait_for_selector("#ledgers-inspect[data-ready='1']", timeout=30_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll
    assert "EV-01" in page.locator("#li-earlier-list").inner_text()  # the earlier violation
    codes = page.eval_on_selector_all("[data-item]", "nodes => nodes.map(n => n.dataset.item)")
    for code in codes:
        page.check(f"input[name='r-{code}'][value='passed']")
    page.check("input[name='r-DR-01'][value='failed']")
    page.fill("[data-note='DR-01']", "防火门常开")
    page.fill("#li-inspectors", "消防专干, 东街民警")
    page.fill("#li-signature", "王经理")

    context.set_offline(True)
    page.click("#li-send")
    page.wait_for_selector("#li-status[data-state='waiting']", timeout=15_000)
    draft = page.evaluate(f"JSON.parse(localStorage.getItem('pingan.inspection.draft.{site_id}'))")
    assert draft["pending"] is True
    assert draft["items"]["DR-01"] == {"result": "failed", "note": "防火门常开", "spot": False,
                                       "major": False}  # fmt: skip

    context.set_offline(False)  # back online: the kept draft goes out by itself
    page.wait_for_selector("#li-status[data-state='sent']", timeout=30_000)
    assert page.evaluate(f"localStorage.getItem('pingan.inspection.draft.{site_id}')") is None
    history = httpx.get(
        f"{server.url}/api/v1/ledgers/sites/{site_id}/inspections",
        headers=server.token("fire_a"),
        timeout=30,
    ).json()
    assert len(history) == 2  # the one set up above, and this one, sent once
    sent = history[0]
    assert [i["code"] for i in sent["items"] if i["result"] == "failed"] == ["DR-01"]
    context.close()


def test_a_shift_recorded_on_the_phone_with_one_person_is_flagged(
    live_server: Any, browser: Any
) -> None:
    server = live_server
    officer = server.token("fire_a")
    rooms = httpx.get(f"{server.url}/api/v1/ledgers/control-rooms", headers=officer, timeout=60)
    room = next(r for r in rooms.json() if len(r["operators"]) >= 2)
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = _login(context, server, "fire_a")
    page.goto(f"{server.url}/fire/sites/{room['site_id']}")
    page.wait_for_selector("#ledgers-site[data-ready='1']", timeout=30_000)
    page.click(f"a[data-duty='{room['id']}']")
    page.wait_for_selector("#ledgers-duty[data-ready='1']", timeout=30_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.fill("#ld-start", "2026-07-10T08:00")
    page.fill("#ld-end", "2026-07-10T16:00")
    page.check("[data-operator='0']")  # one person on duty
    page.fill("#ld-entries", "09:30;11:30;13:30;15:30")
    page.click("#ld-form button[type=submit]")
    page.wait_for_selector("#ld-status[data-flags]", timeout=30_000)
    assert page.get_attribute("#ld-status", "data-flags") == "understaffed"
    assert "值班少于2人" in page.locator("#ld-status").inner_text()
    context.close()
