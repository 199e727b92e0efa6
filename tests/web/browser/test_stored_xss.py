"""In a real browser: stored XSS. Every user-editable field a page shows gets a script
payload through the API (a unit's callsign, a camera's name set by another station's chief,
an incident's place, description, reporter, property and notes, a series' name, a patrol
plan's name, a citizen's report), then each page is opened as the roles that see it, every
map tooltip and popup is opened, and the test fails if any script ran, a dialog opened,
markup was injected, or the page broke its own Content-Security-Policy. Last, the policy
itself is shown to refuse an inline script.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from support.browser import LiveServer, serve_demo

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A demo server of this module's own: the payloads it stores in names and notes must
    not reach the pages other browser tests read (they may run after it, on any worker)."""
    with serve_demo(tmp_path_factory.mktemp("browser-xss")) as server:
        yield server


#: Payloads: each sets ``window.__xss`` to where it came from, if it ever runs.
IMG = "<img src=x onerror=\"window.__xss='{where}'\">"
SCRIPT = "<script>window.__xss='{where}'</script>"
SVG = "<svg onload=\"window.__xss='{where}'\">"
SHORT = ("<img src=x onerror=__xss=1>", "<script>__xss=2</script>")  # callsigns: 32 chars

#: Before any page script: count CSP violations, catch dialogs, and keep every Leaflet map
#: (Leaflet assigns window.L; a setter hooks L.Map so the test can open every tooltip).
INIT_SCRIPT = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "") + " " + (e.sample || ""));
});
window.__maps = [];
(function () {
  let leaflet;
  Object.defineProperty(window, "L", {
    configurable: true,
    get: function () { return leaflet; },
    set: function (value) {
      leaflet = value;
      if (value && value.Map && !value.__pinganTest) {
        value.__pinganTest = true;
        value.Map.addInitHook(function () { window.__maps.push(this); });
      }
    },
  });
})();
"""

#: Open every tooltip and popup bound on any layer of any map (their content is rendered on
#: open), then report what ran or got injected.
OPEN_EVERYTHING = """
() => {
  let opened = 0;
  (window.__maps || []).forEach(function (map) {
    map.eachLayer(function (layer) {
      try {
        if (layer.getTooltip && layer.getTooltip()) { layer.openTooltip(); opened += 1; }
        if (layer.getPopup && layer.getPopup()) { layer.openPopup(); opened += 1; }
      } catch (err) { /* a layer without a position */ }
    });
  });
  return opened;
}
"""

INJECTED = """
() => {
  const handlers = [];
  document.querySelectorAll("*").forEach(function (node) {
    Array.from(node.attributes).forEach(function (a) {
      if (a.name.indexOf("on") === 0) handlers.push(node.tagName + "[" + a.name + "]");
    });
  });
  const scripts = Array.from(document.querySelectorAll("script"))
    .filter(function (s) { return !s.src && s.type !== "application/json"; })
    .map(function (s) { return s.textContent.slice(0, 60); });
  return {
    xss: window.__xss === undefined ? null : String(window.__xss),
    handlers: handlers,
    scripts: scripts,
    csp: window.__csp || [],
  };
}
"""


@dataclass
class Stored:
    """What the set-up stored, for the pages to be checked against."""

    incident_ids: list[int] = field(default_factory=list)
    canvass_incident: int = 0
    report_url: str = ""
    texts: list[str] = field(default_factory=list)
    fire_site: int = 0


def _payload(where: str, kind: str = IMG) -> str:
    return kind.format(where=where)


def _ok(response: httpx.Response) -> Any:
    assert response.status_code < 300, f"{response.request.url}: {response.text}"
    return response.json() if response.content else None


def _store_payloads(server: Any) -> Stored:
    """Put a payload in every field a page shows, through the API as the roles that may."""
    stored = Stored()
    url = server.url + "/api/v1"
    dispatcher = server.token("dispatcher_a")
    chief_a = server.token("chief_a")
    chief_b = server.token("chief_b")
    analyst = server.token("analyst")
    city = _ok(httpx.get(f"{url}/cities/helsinki", headers=dispatcher, timeout=30))
    min_lon, min_lat, max_lon, max_lat = city["bbox"]
    mid_lon, mid_lat = (min_lon + max_lon) / 2, (min_lat + max_lat) / 2
    # station A holds the city's east half, station B the west: the scene is in A, just
    # east of the line, so station B's camera just west of it is on the escape routes
    scene = (mid_lat, mid_lon + 0.0012)

    # units: the callsign is on the board's and the dashboard's maps
    for n, callsign in enumerate(SHORT):
        unit = _ok(
            httpx.post(
                f"{url}/units",
                headers=chief_a,
                json={
                    "callsign": callsign,
                    "kind": "foot_patrol",
                    "station_code": "station-a",
                    "city": "helsinki",
                    "members": [_payload(f"unit member {n}")],
                },
                timeout=30,
            )
        )
        position = {"lat": scene[0] + 0.0004 * (n + 1), "lon": scene[1] + 0.0004 * (n + 1)}
        _ok(httpx.post(f"{url}/units/{unit['id']}/position", headers=dispatcher, json=position))
        _ok(
            httpx.post(
                f"{url}/units/{unit['id']}/status",
                headers=dispatcher,
                json={"status": "available"},
            )
        )
        stored.texts.append(callsign)

    # incidents: place, description, reporter, property, notes (board, analysis, series)
    for n, kind in enumerate((IMG, SCRIPT, SVG)):
        incident = _ok(
            httpx.post(
                f"{url}/reports",
                headers=dispatcher,
                json={
                    "type": "theft.ebike",
                    "description": _payload(f"description {n}", kind),
                    "place_text": _payload(f"place {n}", kind),
                    "reporter_name": _payload(f"reporter {n}", kind)[:100],
                    "lat": scene[0] + 0.0001 * n,
                    "lon": scene[1] - 0.0001 * n,
                    "items": [
                        {
                            "kind": "ebike",
                            "brand": _payload(f"b{n}", kind)[:64],
                            "colour": SHORT[n % 2],
                            "plate": SHORT[n % 2],
                        }
                    ],
                },
                timeout=30,
            )
        )
        stored.incident_ids.append(incident["id"])
        _ok(
            httpx.post(
                f"{url}/incidents/{incident['id']}/notes",
                headers=dispatcher,
                json={"text": _payload(f"note {n}", kind)},
                timeout=30,
            )
        )
        stored.texts.append(_payload(f"place {n}", kind))
    stored.canvass_incident = stored.incident_ids[0]

    # cameras: station B's chief renames B's camera near A's scene (the reported attack);
    # station A's chief names and owns one too
    camera_b = _ok(
        httpx.post(
            f"{url}/analytics/cameras",
            headers=chief_b,
            json={
                "city": "helsinki",
                "name": "west gate",
                "lat": scene[0],
                "lon": mid_lon - 0.0008,
            },
            timeout=30,
        )
    )
    _ok(
        httpx.patch(
            f"{url}/analytics/cameras/{camera_b['id']}",
            headers=chief_b,
            json={"name": _payload("camera B name"), "owner": _payload("camera B owner", SVG)},
            timeout=30,
        )
    )
    _ok(
        httpx.post(
            f"{url}/analytics/cameras",
            headers=chief_a,
            json={
                "city": "helsinki",
                "name": _payload("camera A name", SCRIPT),
                "owner": _payload("camera A owner"),
                "lat": scene[0] + 0.00005,
                "lon": mid_lon - 0.0007,
            },
            timeout=30,
        )
    )

    # a series of the payload incidents, named by the analyst (analysis page, series tab)
    _ok(
        httpx.post(
            f"{url}/analytics/series",
            headers=analyst,
            json={
                "incident_ids": stored.incident_ids,
                "name": _payload("series name"),
                "status": "confirmed",
                "note": _payload("series note"),
            },
            timeout=60,
        )
    )

    # a jurisdiction's names (charts and tables by station)
    _ok(
        httpx.post(
            f"{url}/jurisdictions",
            headers=server.token("admin"),
            json={
                "code": "grid-xss",
                "parent_code": "station-a",
                "level": "grid",
                "name_zh": _payload("jurisdiction zh"),
                "name_en": _payload("jurisdiction en", SCRIPT),
            },
            timeout=30,
        )
    )

    # a patrol plan, made active, whose name the chief's dashboard shows: solved as a job by
    # the server's own worker, followed until it ends
    job = _ok(
        httpx.post(
            f"{url}/plans",
            headers=chief_a,
            json={
                "city": "helsinki",
                "station_code": "station-a",
                "name": _payload("plan name"),
                "groups": 2,
                "shift": "20:00-02:00",
                "time_limit_s": 5,
                "activate": True,
            },
            timeout=300,
        )
    )
    for _ in range(600):
        job = _ok(httpx.get(f"{server.url}/api/v1/jobs/{job['id']}", headers=chief_a, timeout=30))
        if job["status"] in ("done", "failed", "cancelled"):
            break
        time.sleep(0.5)
    assert job["status"] == "done", job

    # warnings on station A's anti-fraud desk: the person's name and the situation typed at
    # the desk, and a citizen's red consultation (its text becomes the warning's situation)
    _ok(
        httpx.post(
            f"{url}/antifraud/warnings",
            headers=server.token("antifraud_a"),
            json={
                "jurisdiction_code": "station-a",
                "target_name": _payload("warning person")[:100],
                "situation": _payload("warning situation", SVG),
                "tier": "red",
                "fraud_type": "impersonating_officials",
            },
            timeout=30,
        )
    )
    _ok(
        httpx.post(
            f"{url}/antifraud/consultations",
            json={
                "jurisdiction_code": "station-a",
                "text": _payload("consultation", SCRIPT)
                + " 对方说我涉嫌洗钱，让我把钱转到安全账户，我正在转账",
            },
            timeout=30,
        )
    )

    # a stall in station A's outreach ledger (the ledger table and the stall's map tooltip
    # show its place), held this month so that the reach map draws it
    month = _ok(httpx.get(f"{url}/antifraud/outreach/reach", headers=chief_a, timeout=60))
    _ok(
        httpx.post(
            f"{url}/antifraud/outreach",
            headers=chief_a,
            json={
                "kind": "stall",
                "venue": "night_market",
                "place_text": _payload("outreach place"),
                "lat": mid_lat,
                "lon": mid_lon + 0.003,
                "starts_at": f"{month['month']}-01T12:00:00+08:00",
                "ends_at": f"{month['month']}-01T14:00:00+08:00",
                "people_reached": 10,
            },
            timeout=30,
        )
    )

    # a police–citizen group of station A (its name is on the chief's dashboard) where a
    # citizen asked an hour ago and no officer has answered
    group = {
        "platform": "wechat",
        "external_id": "wx-xss",
        "name": _payload("chat group name"),
        "grid_code": "grid-a1",
        "officer": "officer_a",
        "created_on": "2025-01-01",
    }
    _ok(httpx.post(f"{url}/community/groups", headers=chief_a, json=group, timeout=30))
    asked = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    message = {"group": group["name"], "sender": "李阿姨", "sent_at": asked, "text": "请问几点关门"}
    _ok(httpx.post(f"{url}/chat/messages", headers=dispatcher, json=message, timeout=30))
    # a campaign of grid A1 (station A has the demo's) and its focus place: the chief's
    # dashboard opens on the newest running campaign
    today = datetime.now(UTC).date()
    campaign = {
        "name": _payload("campaign name"),
        "from": str(today - timedelta(days=30)),
        "to": str(today + timedelta(days=30)),
        "jurisdictions": ["grid-a1"],
        "focus_places": [
            {
                "name": _payload("focus place"),
                "lat": 60.17,
                "lon": 24.948,
                "hours_from": "20:00",
                "hours_to": "02:00",
            }
        ],
        "targets": [
            {"jurisdiction": "grid-a1", "figure": "incidents_yoy", "direction": "<=", "value": 0}
        ],
    }
    _ok(httpx.post(f"{url}/campaigns", headers=chief_a, json=campaign, timeout=60))
    _store_ledger_payloads(server, stored)
    _store_community_payloads(server)
    return stored


def _store_community_payloads(server: Any) -> None:
    """Volunteers (15.1-3): a team and a volunteer entered by an officer, a clue handed in
    by volunteer_a (text and place) and its rejection's reason, each text a payload."""
    url = server.url + "/api/v1/community"
    officer = server.token("officer_a")
    team = _ok(
        httpx.post(
            f"{url}/teams",
            headers=officer,
            json={
                "station_code": "station-a",
                "name": _payload("team name")[:100],
                "leaderboard_opt_in": True,
            },
            timeout=30,
        )
    )
    volunteer = {
        "station_code": "station-a",
        "name": _payload("volunteer name")[:100],
        "phone": "13900009999",
        "availability": _payload("availability")[:200],
        "team_id": team["id"],
    }
    _ok(httpx.post(f"{url}/volunteers", headers=officer, json=volunteer, timeout=30))
    clue = _ok(
        httpx.post(
            f"{url}/clues",
            headers=server.token("volunteer_a"),
            data={
                "text": _payload("clue text", SCRIPT),
                "place_text": _payload("clue place")[:200],
            },
            timeout=60,
        )
    )
    citizen_clue = {"text": _payload("citizen clue", SCRIPT), "station_code": "station-a"}
    _ok(httpx.post(f"{url}/clues", headers=server.token("citizen"), data=citizen_clue, timeout=60))
    reason = {"status": "rejected", "reason": _payload("clue reason")[:500]}
    _ok(httpx.post(f"{url}/clues/{clue['id']}/triage", headers=officer, json=reason, timeout=30))


def _store_ledger_payloads(server: Any, stored: Stored) -> None:
    """The fire officer's ledgers: a site, its control room, a shift, an inspection and the
    hazard it opened, each text a payload."""
    url = server.url + "/api/v1/ledgers"
    fire = server.token("fire_a")
    site = {
        "code": "XSS-1",
        "name": _payload("site name"),
        "category": "bar",
        "address": _payload("site address"),
        "lat": 60.1705,
        "lon": 24.9455,
        "jurisdiction_code": "station-a",
        "responsible_name": _payload("site responsible", SCRIPT)[:100],
        "manager_name": _payload("site manager")[:100],
        "opening_hours": "17:00-02:00",
    }
    stored.fire_site = _ok(httpx.post(f"{url}/sites", headers=fire, json=site, timeout=30))["id"]
    room = {
        "code": "XSS-CR",
        "site_code": "XSS-1",
        "location": _payload("control room location"),
        "operators": [{"name": _payload("operator")[:100], "certificate_no": "C-1"}],
    }
    _ok(httpx.post(f"{url}/control-rooms", headers=fire, json=room, timeout=30))
    start = datetime.now(UTC) - timedelta(hours=10)
    shift = {
        "control_room_code": "XSS-CR",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=8)).isoformat(),
        "on_duty": [{"name": _payload("on duty")[:100]}],
        "handover_to": _payload("handover"),
    }
    _ok(httpx.post(f"{url}/shifts", headers=fire, json=shift, timeout=30))
    inspection = {
        "site_id": stored.fire_site,
        "inspectors": [_payload("inspector")[:100]],
        "signature": _payload("signature")[:100],
        "note": _payload("inspection note"),
        "at": (datetime.now(UTC) - timedelta(days=30)).isoformat(),
        "items": [{"code": "EV-01", "result": "failed", "note": _payload("item note")}],
    }
    found = _ok(httpx.post(f"{url}/inspections", headers=fire, json=inspection, timeout=30))
    plan = {"measures": _payload("hazard measures"), "department": _payload("department")[:100]}
    hazard = found["hazards"][0]
    _ok(httpx.patch(f"{url}/hazards/{hazard}", headers=fire, json=plan, timeout=30))


class Watch:
    """Dialogs and page errors of one page."""

    def __init__(self, page: Any) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: self.errors.append(str(error)))


def _login(context: Any, server: Any, username: str) -> tuple[Any, Watch]:
    page = context.new_page()
    watch = Watch(page)
    page.goto(f"{server.url}/login")
    page.fill("#username", username)
    page.fill("#password", server.password)
    page.click(".login-card button[type=submit]")
    page.wait_for_load_state("load")
    return page, watch


def _assert_clean(page: Any, watch: Any, where: str) -> int:
    """Open every map tooltip and popup; nothing may have run or been injected."""
    opened = page.evaluate(OPEN_EVERYTHING)
    page.wait_for_timeout(500)  # an injected <img src=x> fails to load, then onerror runs
    found = page.evaluate(INJECTED)
    found.update(dialogs=watch.dialogs, errors=watch.errors)
    clean = {"xss": None, "handlers": [], "scripts": [], "csp": [], "dialogs": [], "errors": []}
    assert found == clean, f"{where}: script ran, markup was injected or the CSP broke: {found}"
    return int(opened)


def test_no_stored_payload_runs_on_any_page(live_server: Any, browser: Any) -> None:
    server = live_server
    stored = _store_payloads(server)
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.add_init_script(INIT_SCRIPT)

    # the dispatcher's board: queue, each payload incident's detail, units and their tooltips
    board, watch = _login(context, server, "dispatcher_a")
    board.wait_for_selector("#board[data-ready='1']", timeout=30_000)
    queue = board.locator("#queue").inner_text()
    assert "<img src=x" in queue  # shown as text
    assert "<script>" in queue
    for incident_id in stored.incident_ids:
        board.click(f"#qi-{incident_id}")
        board.wait_for_selector("#detail .kv", timeout=15_000)
        board.wait_for_selector("#reco, #detail p.muted.small", timeout=30_000)
        _assert_clean(board, watch, f"/board incident {incident_id}")
    assert "<img src=x" in board.locator("#detail").inner_text()
    unit_labels = board.locator(".unit-marker").all_inner_texts()
    assert set(SHORT) <= set(unit_labels)
    assert _assert_clean(board, watch, "/board") >= len(SHORT) + len(stored.incident_ids)
    assert SHORT[0] in board.locator(".leaflet-tooltip-pane").inner_text()

    # the chief of station A: dashboard (units, the active plan) and the canvass of the
    # incident next to station B's renamed camera
    chief_context = browser.new_context(viewport={"width": 1440, "height": 900})
    chief_context.add_init_script(INIT_SCRIPT)
    dashboard, watch = _login(chief_context, server, "chief_a")
    dashboard.goto(f"{server.url}/dashboard")
    dashboard.wait_for_selector("#dash-map[data-ready='1']", timeout=60_000)
    assert "campaign name" in dashboard.locator("[data-campaign-name]").inner_text()
    assert "<img src=x" in dashboard.locator("#plan-note").inner_text()
    dashboard.wait_for_selector("#chat-groups-panel:not([hidden])", timeout=30_000)
    assert "chat group name" in dashboard.locator("#chat-groups-panel [data-list]").inner_text()
    assert _assert_clean(dashboard, watch, "/dashboard") > len(SHORT)
    assert SHORT[0] in dashboard.locator(".leaflet-tooltip-pane").inner_text()

    for who, context_ in (("chief_a", chief_context), ("analyst", None)):
        if context_ is None:
            context_ = browser.new_context(viewport={"width": 1440, "height": 900})
            context_.add_init_script(INIT_SCRIPT)
        page, watch = _login(context_, server, who)
        page.goto(f"{server.url}/analysis?tab=series")
        page.wait_for_selector("#analysis[data-series-ready='1']", timeout=60_000)
        _assert_clean(page, watch, f"/analysis series as {who}")
        page.goto(f"{server.url}/analysis?tab=canvass")
        page.wait_for_selector("#analysis[data-ready='1']")
        page.fill("#canvass-incident", str(stored.canvass_incident))
        page.click("#canvass-run")
        page.wait_for_selector(
            f"#analysis[data-canvass-ready='{stored.canvass_incident}']", timeout=60_000
        )
        cameras = page.locator("#canvass-table").inner_text()
        assert "<script>window.__xss='camera A name'</script>" in cameras
        assert _assert_clean(page, watch, f"/analysis canvass as {who}") > 2
        tooltips = page.locator(".leaflet-tooltip-pane").inner_text()
        assert "camera A name" in tooltips
        page.goto(f"{server.url}/analysis?tab=stats&group_by=station")
        page.wait_for_selector("#analysis[data-ready='1']")
        _assert_clean(page, watch, f"/analysis statistics as {who}")
        page.goto(f"{server.url}/analysis?tab=forecast")
        page.wait_for_selector("#analysis[data-ready='1']")
        _assert_clean(page, watch, f"/analysis forecast as {who}")

    # a citizen's report through the form, then its status page, seen by anyone with the link
    citizen_context = browser.new_context(viewport={"width": 420, "height": 860})
    citizen_context.add_init_script(INIT_SCRIPT)
    citizen = citizen_context.new_page()
    watch = Watch(citizen)
    citizen.goto(f"{server.url}/report")
    citizen.wait_for_selector("#pin-map[data-ready='1']", timeout=30_000)
    box = citizen.locator("#pin-map").bounding_box()
    # east of the middle: station A's half, so station A's dispatcher answers it
    citizen.click("#pin-map", position={"x": box["width"] * 0.6, "y": box["height"] / 2})
    citizen.check("input[name=type][value='noise']")
    citizen.fill("#description", _payload("report description", SCRIPT))
    citizen.fill("#address", _payload("report address"))
    citizen.fill("#name", _payload("report name")[:100])
    citizen.click("#submit")
    citizen.wait_for_url("**/report/*", timeout=30_000)
    assert citizen.locator("[data-status='received']").count() == 1
    _assert_clean(citizen, watch, "/report status")
    # the note the police write for the public, on the same status page
    dispatcher = server.token("dispatcher_a")
    listed = _ok(
        httpx.get(
            f"{server.url}/api/v1/incidents",
            headers=dispatcher,
            params={"status": "received", "type": "noise", "limit": 50},
            timeout=30,
        )
    )
    filed = [i for i in listed["items"] if "report description" in (i["description"] or "")]
    assert len(filed) == 1
    _ok(
        httpx.put(
            f"{server.url}/api/v1/incidents/{filed[0]['id']}/public-note",
            headers=dispatcher,
            json={"text": _payload("public note")},
            timeout=30,
        )
    )
    citizen.reload()
    _assert_clean(citizen, watch, "/report status with a public note")

    # the anti-fraud desk: the queue shows the person and the situation of each warning
    desk_context = browser.new_context(viewport={"width": 1440, "height": 900})
    desk_context.add_init_script(INIT_SCRIPT)
    desk, watch = _login(desk_context, server, "antifraud_a")
    desk.goto(f"{server.url}/antifraud")
    desk.wait_for_selector("#antifraud[data-queue-ready]", timeout=30_000)
    queue_text = desk.locator("#af-queue-list").inner_text()
    assert "warning person" in queue_text
    assert "warning situation" in queue_text
    assert "consultation" in queue_text
    desk.wait_for_selector("#antifraud[data-outreach-ready]", timeout=60_000)
    assert "outreach place" in desk.locator("#af-outreach-table").inner_text()
    _assert_clean(desk, watch, "/antifraud")
    desk_context.close()

    # the fire officer's home, the site's page and the round (with its map's tooltips)
    fire_context = browser.new_context(viewport={"width": 1440, "height": 900})
    fire_context.add_init_script(INIT_SCRIPT)
    fire, watch = _login(fire_context, server, "fire_a")
    fire.goto(f"{server.url}/fire")
    fire.wait_for_selector("#ledgers-home[data-ready='1']", timeout=30_000)
    assert "site name" in fire.locator("#lh-sites").inner_text()
    _assert_clean(fire, watch, "/fire")
    fire.goto(f"{server.url}/fire/sites/{stored.fire_site}")
    fire.wait_for_selector("#ledgers-site[data-ready='1']", timeout=30_000)
    assert "control room location" in fire.locator("#ls-rooms").inner_text()
    assert "inspection note" in fire.locator("#ls-history").inner_text()
    _assert_clean(fire, watch, "/fire/sites")
    fire.goto(f"{server.url}/fire/inspect?site={stored.fire_site}")
    fire.wait_for_selector("#ledgers-inspect[data-ready='1']", timeout=30_000)
    assert "item note" in fire.locator("#li-earlier-list").inner_text()
    _assert_clean(fire, watch, "/fire/inspect")
    fire.goto(f"{server.url}/fire/round?inspector=fire_a")
    fire.wait_for_selector("#ledgers-round[data-ready='1']", timeout=90_000)
    _assert_clean(fire, watch, "/fire/round")
    fire_context.close()

    # the volunteer's phone page (their clue and its rejection's reason) and the lead's page
    volunteer_context = browser.new_context(viewport={"width": 390, "height": 844})
    volunteer_context.add_init_script(INIT_SCRIPT)
    phone, watch = _login(volunteer_context, server, "volunteer_a")
    phone.wait_for_selector("#volunteer[data-clues-ready='1']", timeout=30_000)
    phone.wait_for_selector("#volunteer[data-shifts-ready='1']", timeout=30_000)
    assert "clue text" in phone.locator("#vol-clues").inner_text()
    assert "clue reason" in phone.locator("#vol-clues").inner_text()
    phone.wait_for_selector("#volunteer[data-board-ready='1']", timeout=30_000)
    assert "team name" in phone.locator("#vol-board").inner_text()
    _assert_clean(phone, watch, "/volunteer")
    volunteer_context.close()
    citizen_clues = browser.new_context(viewport={"width": 390, "height": 844})
    citizen_clues.add_init_script(INIT_SCRIPT)
    clue_page, watch = _login(citizen_clues, server, "citizen")
    clue_page.goto(f"{server.url}/clues")
    clue_page.wait_for_selector("#clues-page[data-ready='1']", timeout=30_000)
    assert "citizen clue" in clue_page.locator("#cl-mine").inner_text()
    _assert_clean(clue_page, watch, "/clues")
    citizen_clues.close()
    lead_context = browser.new_context(viewport={"width": 1440, "height": 900})
    lead_context.add_init_script(INIT_SCRIPT)
    lead, watch = _login(lead_context, server, "officer_a")
    lead.goto(f"{server.url}/community")
    lead.wait_for_selector("#community[data-ready='1']", timeout=30_000)
    assert "volunteer name" in lead.locator("#cm-roster").inner_text()
    assert "team name" in lead.locator("#cm-roster").inner_text()
    assert "clue place" in lead.locator("#cm-clues").inner_text()
    _assert_clean(lead, watch, "/community")
    lead_context.close()

    for username in ("dispatcher_a", "chief_a", "analyst", "antifraud_a", "citizen"):
        context_ = browser.new_context()
        context_.add_init_script(INIT_SCRIPT)
        page, watch = _login(context_, server, username)
        page.goto(f"{server.url}/home")
        _assert_clean(page, watch, f"/home as {username}")
        context_.close()
    for context_ in (context, chief_context, citizen_context):
        context_.close()


def test_the_content_security_policy_refuses_inline_script(live_server: Any, browser: Any) -> None:
    context = browser.new_context()
    context.add_init_script(INIT_SCRIPT)
    page = context.new_page()
    response = page.goto(f"{live_server.url}/login")
    assert "script-src 'self';" in response.headers["content-security-policy"]
    ran = page.evaluate(
        """() => new Promise((resolve) => {
          document.addEventListener("securitypolicyviolation", (e) => resolve({
            blocked: e.violatedDirective, ran: window.__inline === 1 }), { once: true });
          const script = document.createElement("script");
          script.textContent = "window.__inline = 1";
          document.body.appendChild(script);
          const img = document.createElement("img");
          img.setAttribute("onerror", "window.__inline = 1");
          img.src = "x";
          document.body.appendChild(img);
        })"""
    )
    assert ran["blocked"].startswith("script-src")
    assert ran["ran"] is False
    page.wait_for_timeout(300)
    assert page.evaluate("window.__inline") is None
    assert len(page.evaluate("window.__csp")) >= 2  # the inline script and the handler
    context.close()
