"""A canvass lists other stations' cameras read-only, without their names or owners (11.4).

The tiny network's city belongs to station A, and so does the scene at C; station B's chief
registers a camera at B, station A's chief one at D (see test_canvass_api.py for the times).
"""

from __future__ import annotations

import pytest

from pingan.config import Settings
from support.app import seeded_client, token_for
from support.tiny import POINTS, import_tiny

B_NAME = "王五家门口"
B_OWNER = "王五 13912345678"


@pytest.fixture
def stations(settings: Settings, tmp_path):  # type: ignore[no-untyped-def]
    import_tiny(settings, tmp_path)
    client = seeded_client(settings)
    chief_a = token_for(client, settings, "chief_a")
    chief_b = token_for(client, settings, "chief_b")
    incident = client.post(
        "/api/v1/reports",
        headers=token_for(client, settings, "dispatcher_a"),
        json={"description": "电动车被盗", "type": "theft.ebike", "lat": 0.0, "lon": 0.002},
    )
    assert incident.status_code in (200, 201), incident.text
    assert incident.json()["jurisdiction_code"] == "station-a"

    def register(headers, body):  # type: ignore[no-untyped-def]
        made = client.post("/api/v1/analytics/cameras", headers=headers, json=body)
        assert made.status_code == 201, made.text
        return made.json()

    theirs = register(
        chief_b,
        {
            "city": "tiny",
            "name": B_NAME,
            "lat": POINTS["B"][0],
            "lon": POINTS["B"][1],
            "owner": B_OWNER,
            "owner_role": "resident",
            "direction_deg": 90.0,
            "jurisdiction_code": "station-b",
        },
    )
    ours = register(
        chief_a,
        {"city": "tiny", "name": "Gate D", "lat": POINTS["D"][0], "lon": POINTS["D"][1]},
    )
    return client, chief_a, chief_b, incident.json()["id"], theirs, ours


def test_another_station_s_cameras_are_listed_read_only(stations, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    client, chief_a, _chief_b, incident_id, theirs, ours = stations
    assert theirs["jurisdiction_code"] == "station-b"
    response = client.get(
        f"/api/v1/analytics/incidents/{incident_id}/canvass?modes=car", headers=chief_a
    )
    assert response.status_code == 200, response.text
    assert B_NAME not in response.text
    assert "王五" not in response.text
    assert "13912345678" not in response.text
    rows = {c["camera_id"]: c for c in response.json()["cameras"] if c["source"] == "camera"}
    foreign = rows[theirs["id"]]
    assert foreign["editable"] is False
    assert (foreign["name"], foreign["owner"]) == ("", "")
    assert (foreign["lat"], foreign["lon"]) == POINTS["B"]
    assert foreign["owner_role"] == "resident"
    assert foreign["direction_deg"] == 90.0
    assert foreign["jurisdiction_code"] == "station-b"
    own = rows[ours["id"]]
    assert (own["name"], own["editable"], own["jurisdiction_code"]) == (
        "Gate D",
        True,
        "station-a",
    )
    # the sub-bureau's analyst holds both stations: B's camera is its own there
    analyst = token_for(client, settings, "analyst")
    wide = client.get(
        f"/api/v1/analytics/incidents/{incident_id}/canvass?modes=car", headers=analyst
    ).json()
    seen = {c["camera_id"]: c for c in wide["cameras"] if c["source"] == "camera"}
    assert (seen[theirs["id"]]["name"], seen[theirs["id"]]["editable"]) == (B_NAME, True)


def test_another_station_s_camera_is_never_changed(stations) -> None:  # type: ignore[no-untyped-def]
    client, chief_a, chief_b, incident_id, theirs, ours = stations
    camera_url = f"/api/v1/analytics/cameras/{theirs['id']}"
    assert client.get(camera_url, headers=chief_a).status_code == 404
    patched = client.patch(camera_url, json={"name": "<b>x</b>", "active": False}, headers=chief_a)
    assert patched.status_code == 404
    # nor its footage through A's canvass checklist: B gives it
    footage = f"/api/v1/analytics/incidents/{incident_id}/canvass/camera/"
    refused = client.put(footage + str(theirs["id"]), json={"status": "requested"}, headers=chief_a)
    assert refused.status_code == 404
    assert (
        client.put(footage + str(ours["id"]), json={"status": "requested"}, headers=chief_a)
    ).status_code == 200
    unchanged = client.get(camera_url, headers=chief_b).json()
    assert (unchanged["name"], unchanged["active"], unchanged["owner"]) == (B_NAME, True, B_OWNER)
