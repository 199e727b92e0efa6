"""In a real browser: the chief's dashboard lists the demo's group chats where citizens
asked and no officer has answered (zh-CN), and a group leaves the list once its officer
writes in it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
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


def _waiting_ids(page: Any) -> list[str]:
    ids: list[str] = page.locator("#chat-groups-panel tbody tr").evaluate_all(
        "rows => rows.map(r => r.getAttribute('data-group'))"
    )
    return ids


def test_chief_sees_groups_waiting_for_an_answer(
    live_server: Any, browser: Any, screenshots: Path
) -> None:
    server = live_server
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = _login(context, server, "chief_a")
    page.goto(f"{server.url}/dashboard")
    page.wait_for_selector("#chat-groups-panel:not([hidden])", timeout=30_000)
    panel = page.locator("#chat-groups-panel")
    assert "警民群中未获民警答复的提问" in panel.locator("h2").inner_text()
    assert panel.locator("[data-week]").inner_text().startswith("本周：")
    waiting = _waiting_ids(page)
    assert waiting  # the demo neglects a few groups
    first = page.locator("#chat-groups-panel tbody tr").first.locator("td").all_inner_texts()
    assert first[0].endswith("警民群（模拟）")
    assert first[1] in ("grid-a1", "grid-a2")
    panel.screenshot(path=screenshots / "dashboard-groups-zh-CN.png")

    # the group's officer answers in the group: it leaves the list
    headers = server.token("officer_a")
    group = httpx.get(
        f"{server.url}/api/v1/community/groups/{waiting[0]}", headers=headers, timeout=30
    ).json()
    message = {
        "group": group["name"],
        "sender": group["officer_senders"][0],
        "sent_at": datetime.now(UTC).isoformat(),
        "text": "已经看到了，马上安排人处理",
    }
    answered = httpx.post(
        f"{server.url}/api/v1/chat/messages", headers=headers, json=message, timeout=30
    )
    assert answered.status_code == 201, answered.text
    page.reload()
    page.wait_for_selector("#chat-groups-panel:not([hidden])", timeout=30_000)
    assert waiting[0] not in _waiting_ids(page)
    assert set(_waiting_ids(page)) == set(waiting[1:])
    context.close()
