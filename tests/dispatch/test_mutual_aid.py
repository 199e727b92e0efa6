"""Cross-station dispatch is mutual aid the jurisdiction tree grants (issue 11.4).

The demo tree has station-a and station-b under demo-sub; these tests add station-c under
another sub-bureau. The tiny network's city belongs to station A; the incident lies there.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from pingan.audit.models import AuditEvent
from pingan.auth import service as auth
from pingan.auth.schemas import GrantRead, UserCreate
from pingan.config import Settings
from pingan.db import unit_of_work
from pingan.dispatch.models import Assignment
from pingan.jurisdictions import service as jurisdictions
from pingan.policy import Role
from support.app import seeded_client, token_for
from support.tiny import POINTS, import_tiny


def _unit(client, headers, callsign, station, at):  # type: ignore[no-untyped-def]
    lat, lon = POINTS[at]
    body = {
        "callsign": callsign,
        "kind": "patrol_car",
        "station_code": station,
        "city": "tiny",
        "post_lat": lat,
        "post_lon": lon,
    }
    response = client.post("/api/v1/units", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _events(text: str) -> list[tuple[str, str | None, str]]:
    found = []
    for block in text.split("\n\n"):
        fields = dict(
            line.split(": ", 1) for line in block.splitlines() if ": " in line and line[0] != ":"
        )
        if "event" in fields:
            found.append((fields["event"], fields.get("id"), fields.get("data", "")))
    return found


@pytest.fixture
def district(settings: Settings, tmp_path):  # type: ignore[no-untyped-def]
    import_tiny(settings, tmp_path)
    client = seeded_client(settings)
    admin = token_for(client, settings, "admin")
    for code, parent, level in (
        ("other-sub", "demo-bureau", "sub_bureau"),
        ("station-c", "other-sub", "station"),
    ):
        made = client.post(
            "/api/v1/jurisdictions",
            json={"code": code, "parent_code": parent, "level": level, "name_zh": code},
            headers=admin,
        )
        assert made.status_code == 201, made.text
    with unit_of_work(client.app.state.session_factory) as session:
        for username, station in (("dispatcher_b", "station-b"), ("dispatcher_c", "station-c")):
            auth.create_user(
                session,
                UserCreate(
                    username=username,
                    password=settings.demo_password,
                    display_name=username,
                    grants=[GrantRead(role=Role.dispatcher, jurisdiction_code=station)],
                ),
            )
    units = {
        "A1": _unit(client, token_for(client, settings, "chief_a"), "A1", "station-a", "A"),
        "B1": _unit(client, token_for(client, settings, "chief_b"), "B1", "station-b", "B"),
        "C1": _unit(client, admin, "C1", "station-c", "C"),
    }
    desk = token_for(client, settings, "dispatcher_a")
    incident = client.post(
        "/api/v1/reports",
        headers=desk,
        json={"description": "水产路尽头有人打架", "type": "assault", "lat": 0.0, "lon": 0.002},
    )
    assert incident.status_code in (200, 201), incident.text
    return client, units, incident.json()["id"]


def test_a_sub_bureau_s_stations_help_each_other_recorded_audited_and_live(
    district, settings: Settings
) -> None:  # type: ignore[no-untyped-def]
    client, units, incident_id = district
    desk_a = token_for(client, settings, "dispatcher_a")
    desk_b = token_for(client, settings, "dispatcher_b")

    reco = client.get(f"/api/v1/incidents/{incident_id}/recommendation", headers=desk_a)
    assert reco.status_code == 200, reco.text
    listed = {u["callsign"]: (u["station_code"], u["mutual_aid"]) for u in reco.json()["units"]}
    # station C lies under another sub-bureau: its unit is not offered at all
    assert listed == {"A1": ("station-a", False), "B1": ("station-b", True)}

    # B's dispatcher has a live stream open before the dispatch
    hello = _events(client.get("/api/v1/stream", params={"max_s": 0.5}, headers=desk_b).text)
    assert hello[0][0] == "hello"
    cursor = hello[0][1]
    assert cursor is not None

    made = client.post(
        f"/api/v1/incidents/{incident_id}/dispatch",
        json={"unit_ids": [units["B1"]]},
        headers=desk_a,
    )
    assert made.status_code == 201, made.text
    assignment = made.json()[0]
    assert assignment["mutual_aid"] is True
    listed_after = client.get(f"/api/v1/incidents/{incident_id}/assignments", headers=desk_a)
    assert [a["mutual_aid"] for a in listed_after.json()] == [True]

    with unit_of_work(client.app.state.session_factory) as session:
        stored = session.get(Assignment, assignment["id"])
        assert stored is not None
        assert stored.mutual_aid is True
        station_b = jurisdictions.get_by_code(session, "station-b").id
        events = session.execute(
            select(AuditEvent.action, AuditEvent.jurisdiction_id, AuditEvent.actor).where(
                AuditEvent.object_type == "assignment",
                AuditEvent.object_id == str(assignment["id"]),
            )
        ).all()
    assert ("dispatch.mutual_aid", station_b, "dispatcher_a") in [tuple(e) for e in events]

    # B's board: the stream carries B1 going en route, with where it went
    resumed = client.get(
        "/api/v1/stream", params={"max_s": 0.5}, headers={**desk_b, "Last-Event-ID": cursor}
    )
    unit_events = [json.loads(e[2]) for e in _events(resumed.text) if e[0] == "unit"]
    b1 = [u for u in unit_events if u["id"] == units["B1"]]
    assert b1, resumed.text
    assert b1[-1]["status"] == "en_route"
    assert b1[-1]["mutual_aid"]["incident_id"] == incident_id
    assert b1[-1]["mutual_aid"]["incident_station_code"] == "station-a"
    assert b1[-1]["mutual_aid"]["incident_type"] == "assault"
    # … and B's mutual-aid list says the same; A's own units help no one
    helping = client.get("/api/v1/dispatch/mutual-aid", headers=desk_b)
    assert helping.status_code == 200, helping.text
    assert [(h["callsign"], h["incident_id"]) for h in helping.json()] == [("B1", incident_id)]
    assert client.get("/api/v1/dispatch/mutual-aid", headers=desk_a).json() == []
    # the incident record itself stays station A's
    assert client.get(f"/api/v1/incidents/{incident_id}", headers=desk_b).status_code == 404


def test_units_outside_the_grant_are_refused(district, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    client, units, incident_id = district
    desk_a = token_for(client, settings, "dispatcher_a")
    chief_a = token_for(client, settings, "chief_a")
    admin = token_for(client, settings, "admin")

    # another sub-bureau's unit: "no such unit", as on its reads, and nothing moves
    refused = client.post(
        f"/api/v1/incidents/{incident_id}/dispatch",
        json={"unit_ids": [units["C1"]]},
        headers=desk_a,
    )
    assert refused.status_code == 404, refused.text
    assert refused.json()["field"] == "body.unit_ids.0"
    assert client.get(f"/api/v1/units/{units['C1']}", headers=admin).json()["status"] == (
        "available"
    )
    # the sub-bureau grants its dispatchers mutual aid, not its station chiefs
    assert (
        client.post(
            f"/api/v1/incidents/{incident_id}/dispatch",
            json={"unit_ids": [units["B1"]]},
            headers=chief_a,
        ).status_code
        == 404
    )
    chief_reco = client.get(f"/api/v1/incidents/{incident_id}/recommendation", headers=chief_a)
    assert [u["callsign"] for u in chief_reco.json()["units"]] == ["A1"]

    # the bureau may grant mutual aid across its sub-bureaux; then C1 comes, as mutual aid
    granted = client.put(
        "/api/v1/jurisdictions/demo-bureau/mutual-aid",
        json={"roles": ["dispatcher"]},
        headers=admin,
    )
    assert granted.status_code == 200, granted.text
    assert granted.json() == {"code": "demo-bureau", "roles": ["dispatcher"]}
    sent = client.post(
        f"/api/v1/incidents/{incident_id}/dispatch",
        json={"unit_ids": [units["C1"]]},
        headers=desk_a,
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()[0]["mutual_aid"] is True
    # a sub-bureau may also withdraw the default
    withdrawn = client.put(
        "/api/v1/jurisdictions/demo-sub/mutual-aid", json={"roles": []}, headers=admin
    )
    assert withdrawn.json()["roles"] == []
    again = client.post(
        f"/api/v1/incidents/{incident_id}/dispatch",
        json={"unit_ids": [units["B1"]]},
        headers=desk_a,
    )
    assert again.status_code == 201, again.text  # the bureau's grant still joins A and B
    client.put("/api/v1/jurisdictions/demo-bureau/mutual-aid", json={"roles": None}, headers=admin)
    reco = client.get(f"/api/v1/incidents/{incident_id}/recommendation", headers=desk_a).json()
    assert [u["callsign"] for u in reco["units"]] == ["A1"]
