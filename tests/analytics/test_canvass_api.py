"""Camera canvass on the hand-built tiny network (see tests/support/tiny.py).

The scene is C (0, 0.002). Cameras: a registered one at B, one at D, and the map's
surveillance point at (0.0002, 0.0002), which snaps to A (31 m away). By car C→B is one
residential step (13.343 s); C→B→D adds the one-way primary B→D (11.120 s), 24.463 s in all,
quicker than C→E→D (26.687 s); C→B→A is two residential steps, 26.687 s. On foot every one of
them is two steps except B (one step, 80.060 s): 160.12 s.
"""

from __future__ import annotations

import pytest

from pingan.config import Settings
from support.app import seeded_client, token_for
from support.tiny import CAR_STEP_S, FOOT_STEP_S, POINTS, STEP_M, import_tiny

PRIMARY_STEP_S = STEP_M / 10.0  # 36 km/h


@pytest.fixture
def scene(settings: Settings, tmp_path):  # type: ignore[no-untyped-def]
    import_tiny(settings, tmp_path)
    client = seeded_client(settings)
    desk = token_for(client, settings, "dispatcher_a")
    analyst = token_for(client, settings, "analyst")
    incident = client.post(
        "/api/v1/reports",
        headers=desk,
        json={"description": "电动车被盗", "type": "theft.ebike", "lat": 0.0, "lon": 0.002},
    )
    assert incident.status_code in (200, 201), incident.text
    cameras = {}
    for name, at in (("Shop B", "B"), ("Gate D", "D")):
        made = client.post(
            "/api/v1/analytics/cameras",
            headers=analyst,
            json={
                "city": "tiny",
                "name": name,
                "lat": POINTS[at][0],
                "lon": POINTS[at][1],
                "owner": "物业",
            },
        )
        assert made.status_code == 201, made.text
        cameras[name] = made.json()
    return client, desk, analyst, incident.json()["id"], cameras


def test_cameras_in_order_of_earliest_passing(scene) -> None:  # type: ignore[no-untyped-def]
    client, _desk, analyst, incident_id, cameras = scene
    assert cameras["Shop B"]["jurisdiction_code"] == "station-a"
    response = client.get(
        f"/api/v1/analytics/incidents/{incident_id}/canvass?minutes=5&modes=foot,car",
        headers=analyst,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["city"] == "tiny"
    listed = [
        (c["name"], c["source"], c["earliest_mode"], c["earliest_s"]) for c in body["cameras"]
    ]
    assert [row[:3] for row in listed] == [
        ("Shop B", "camera", "car"),
        ("Gate D", "camera", "car"),
        (listed[2][0], "place", "car"),
    ]
    assert listed[0][3] == pytest.approx(CAR_STEP_S, abs=0.01)  # 13.34 s
    assert listed[1][3] == pytest.approx(CAR_STEP_S + PRIMARY_STEP_S, abs=0.01)  # 24.46 s
    assert listed[2][3] == pytest.approx(2 * CAR_STEP_S, abs=0.01)  # 26.69 s
    foot = [c["arrival_s"]["foot"] for c in body["cameras"]]
    assert foot == pytest.approx([FOOT_STEP_S, 2 * FOOT_STEP_S, 2 * FOOT_STEP_S], abs=0.01)
    assert body["cameras"][2]["snap_m"] == pytest.approx(31.4, abs=0.5)
    assert body["counts"] == {"none": 3, "requested": 0, "obtained": 0}

    # within 15 s only the car reaches B
    short = client.get(
        f"/api/v1/analytics/incidents/{incident_id}/canvass?minutes=0.25&modes=foot,car",
        headers=analyst,
    ).json()
    assert [(c["name"], list(c["arrival_s"])) for c in short["cameras"]] == [("Shop B", ["car"])]


def test_footage_checklist_is_kept_and_audited(scene, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    client, desk, analyst, incident_id, cameras = scene
    shop = cameras["Shop B"]["id"]
    url = f"/api/v1/analytics/incidents/{incident_id}/canvass/camera/{shop}"
    asked = client.put(url, json={"status": "requested", "note": "店主明早调取"}, headers=analyst)
    assert asked.status_code == 200, asked.text
    assert asked.json()["status"] == "requested"
    got = client.put(url, json={"status": "obtained"}, headers=analyst)
    assert got.json()["status"] == "obtained"
    body = client.get(
        f"/api/v1/analytics/incidents/{incident_id}/canvass?modes=car", headers=analyst
    ).json()
    first = body["cameras"][0]
    assert (first["name"], first["status"], first["updated_by"]) == (
        "Shop B",
        "obtained",
        "analyst",
    )
    assert body["counts"] == {"none": 2, "requested": 0, "obtained": 1}
    auditor = token_for(client, settings, "auditor")
    events = client.get("/api/v1/audit?action=canvass.obtained", headers=auditor)
    assert events.status_code == 200, events.text
    assert [(e["object_type"], e["actor"]) for e in events.json()] == [("canvass_item", "analyst")]
    # a dispatcher may not canvass; an unknown camera is missing
    assert client.put(url, json={"status": "requested"}, headers=desk).status_code == 403
    missing = client.put(
        f"/api/v1/analytics/incidents/{incident_id}/canvass/camera/999999",
        json={"status": "requested"},
        headers=analyst,
    )
    assert missing.status_code == 404
