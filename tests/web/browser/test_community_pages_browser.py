"""In a real browser (issue 15's Done-when): a volunteer opens a post's QR code URL on a
phone-sized page with a faked position, logs in, checks in, appears on the dispatcher's map
as a joint patrol, and is recommended in tier 1 for an incident 50 m away; a clue handed in
on the phone and linked by officer_a shows there as "linked to a case" with its points."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.browser


def _near_node(server: Any, lat: float, lon: float) -> tuple[float, float]:
    """A point on the demo city's foot network about 50 m from (lat, lon): the network node
    40-60 m away (as the crow flies) with the shortest walk to it."""
    from pingan.algo import routing
    from pingan.city import service as cities
    from pingan.config import Settings
    from pingan.db import make_engine, make_session_factory

    settings = Settings(data_dir=server.data_dir, database_url="")
    engine = make_engine(settings.effective_database_url)
    with make_session_factory(engine)() as db_session:
        graph = cities.load_graph(settings, cities.get_city(db_session, "helsinki"), "foot")
    engine.dispose()
    start = routing.snap(graph, [lat], [lon])
    walk = routing.times_to(graph, int(start.node[0]), cutoff_s=300)
    best: tuple[float, float, float] | None = None
    for node in range(graph.n_nodes):
        dy = (float(graph.lat[node]) - lat) * 111_320
        dx = (float(graph.lon[node]) - lon) * 111_320 * math.cos(math.radians(lat))
        if 40 <= math.hypot(dx, dy) <= 60 and (best is None or walk[node] < best[0]):
            best = (float(walk[node]), float(graph.lat[node]), float(graph.lon[node]))
    assert best is not None
    return best[1], best[2]


def _login(page: Any, server: Any, username: str) -> None:
    page.fill("#username", username)
    page.fill("#password", server.password)
    page.click(".login-card button[type=submit]")
    page.wait_for_load_state("load")


def test_volunteer_checks_in_by_qr_and_is_a_tier_1_joint_patrol(
    live_server: Any, browser: Any, screenshots: Path
) -> None:
    server = live_server
    officer = server.token("officer_a")
    plans = httpx.get(
        f"{server.url}/api/v1/plans", params={"status": "active"}, headers=officer, timeout=30
    ).json()
    plan = next(p for p in plans if p["station_code"] == "station-a")
    codes = httpx.get(
        f"{server.url}/api/v1/community/plans/{plan['id']}/codes", headers=officer, timeout=30
    ).json()
    post = next(c for c in codes if c["kind"] == "post")
    me = httpx.get(
        f"{server.url}/api/v1/community/me", headers=server.token("volunteer_a"), timeout=30
    ).json()
    now = datetime.now(UTC)
    shift = httpx.post(
        f"{server.url}/api/v1/community/shifts",
        json={
            "plan_id": plan["id"],
            "point_kind": "post",
            "point_id": int(post["point"].split("-")[1]),
            "starts_at": (now - timedelta(minutes=5)).isoformat(),
            "ends_at": (now + timedelta(hours=3)).isoformat(),
            "min_people": 2,
            "volunteer_ids": [me["id"]],
        },
        headers=officer,
        timeout=30,
    )
    assert shift.status_code == 201, shift.text
    # the printable QR code of the post
    svg = httpx.get(
        f"{server.url}/api/v1/community/plans/{plan['id']}/codes/{post['point']}.svg",
        headers=officer,
        timeout=30,
    )
    assert svg.headers["content-type"].startswith("image/svg+xml")

    # the phone: 390 x 844, its position faked at the post
    phone_context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        geolocation={"latitude": post["lat"], "longitude": post["lon"]},
        permissions=["geolocation"],
    )
    phone = phone_context.new_page()
    phone.goto(f"{server.url}{post['url']}")  # the URL the QR code holds
    assert "/login" in phone.url
    _login(phone, server, "volunteer_a")
    assert "/volunteer/checkin?code=" in phone.url
    assert phone.locator("html").get_attribute("lang") == "zh-CN"
    phone.wait_for_selector("#vol-point:has-text('点位')", timeout=15_000)
    phone.click("#vol-check-in")
    phone.wait_for_selector("#vol-check-status[data-checked='in']", timeout=20_000)
    status = phone.locator("#vol-check-status").inner_text()
    assert "签到" in status
    assert "联防巡逻" in status
    phone.screenshot(path=screenshots / "volunteer-checkin-zh-CN.png", full_page=True)
    checks = httpx.get(
        f"{server.url}/api/v1/community/me/checkins",
        headers=server.token("volunteer_a"),
        timeout=30,
    ).json()
    unit_id, callsign = checks[0]["unit_id"], checks[0]["unit_callsign"]
    assert unit_id is not None
    assert callsign in status

    # the dispatcher's map shows the joint patrol
    desk_context = browser.new_context(viewport={"width": 1440, "height": 900})
    board = desk_context.new_page()
    board.goto(f"{server.url}/login")
    _login(board, server, "dispatcher_a")
    board.goto(f"{server.url}/board")
    board.locator(".unit-marker", has_text=callsign).first.wait_for(timeout=30_000)

    # an incident 50 m away: the joint patrol is recommended in tier 1
    lat, lon = _near_node(server, post["lat"], post["lon"])
    desk = server.token("dispatcher_a")
    incident = httpx.post(
        f"{server.url}/api/v1/reports",
        json={
            "description": "联防岗旁边有人打架（测试）",
            "type": "assault",
            "lat": lat,
            "lon": lon,
        },
        headers=desk,
        timeout=30,
    )
    assert incident.status_code in (200, 201), incident.text
    incident_id = incident.json()["id"]
    ranked = httpx.get(
        f"{server.url}/api/v1/incidents/{incident_id}/recommendation", headers=desk, timeout=60
    ).json()
    assert unit_id in ranked["by_tier"]["60"], ranked
    board.reload()
    board.locator("#queue .qi", has_text="联防岗旁边有人打架").first.click()
    chip = board.locator(f"#reco li[data-unit='{unit_id}'] .chip")
    chip.wait_for(timeout=30_000)
    assert "tier-1" in (chip.get_attribute("class") or "")
    board.screenshot(path=screenshots / "board-joint-patrol-zh-CN.png")

    # the phone hands in a clue; officer_a links it to the incident; the phone shows
    # "linked to a case" and the points
    phone.goto(f"{server.url}/volunteer")
    phone.wait_for_selector("#volunteer[data-clues-ready='1']", timeout=30_000)
    phone.fill("#vol-clue-text", "联防岗旁边打架的人往南门跑了，穿红色外套（测试）")
    phone.click("#vol-clue-form button[type=submit]")
    item = phone.locator("#vol-clues li", has_text="穿红色外套")
    item.wait_for(timeout=30_000)
    clue_id = item.get_attribute("data-clue")
    linked = httpx.post(
        f"{server.url}/api/v1/community/clues/{clue_id}/triage",
        json={"status": "linked", "incident_id": incident_id},
        headers=officer,
        timeout=30,
    )
    assert linked.status_code == 200, linked.text
    phone.reload()
    outcome = phone.locator(f"#vol-clues li[data-clue='{clue_id}'] [data-outcome]")
    outcome.wait_for(timeout=30_000)
    assert outcome.inner_text() == "已关联案件"
    assert "+155 积分" in phone.locator(f"#vol-clues li[data-clue='{clue_id}']").inner_text()
    phone.screenshot(path=screenshots / "volunteer-clue-linked-zh-CN.png", full_page=True)
    phone_context.close()
    desk_context.close()


def test_anyone_applies_on_the_public_page_and_an_officer_sees_the_application(
    live_server: Any, browser: Any
) -> None:
    server = live_server
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{server.url}/volunteer/apply")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.select_option("#apply-grid", "grid-a2")
    page.fill("#apply-name", "孙申请")
    page.fill("#apply-phone", "13511112222")
    page.check("input[name=skill][value='first_aid']")
    page.fill("#apply-availability", "周末白天")
    page.click("#apply-form button[type=submit]")
    page.wait_for_selector("#apply-status:has-text('申请已提交')", timeout=20_000)
    context.close()
    applied = httpx.get(
        f"{server.url}/api/v1/community/volunteers",
        params={"status": "applied"},
        headers=server.token("officer_a"),
        timeout=30,
    ).json()["items"]
    mine = [v for v in applied if v["name"] == "孙申请"]
    assert [(v["grid_code"], v["skills"], v["station_code"]) for v in mine] == [
        ("grid-a2", ["first_aid"], "station-a")
    ]
