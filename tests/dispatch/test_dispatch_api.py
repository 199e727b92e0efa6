"""Recommendation by tier, dispatch, arrival, clearing and figures, on a hand-checked network."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pingan.config import Settings
from support.app import seeded_client, token_for
from support.tiny import CAR_STEP_S, FOOT_STEP_S, POINTS, import_tiny


def _unit(client, headers, callsign, kind, at, **extra):  # type: ignore[no-untyped-def]
    body = {
        "callsign": callsign,
        "kind": kind,
        "station_code": "station-a",
        "city": "tiny",
        **extra,
    }
    if at is not None:
        body["post_lat"], body["post_lon"] = POINTS[at]
    response = client.post("/api/v1/units", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def board(settings: Settings, tmp_path):  # type: ignore[no-untyped-def]
    import_tiny(settings, tmp_path)
    client = seeded_client(settings)
    chief = token_for(client, settings, "chief_a")
    desk = token_for(client, settings, "dispatcher_a")
    units = {
        "V1": _unit(client, chief, "V1", "volunteer_team", "C"),
        "P1": _unit(client, chief, "P1", "patrol_car", "B"),
        "F1": _unit(client, chief, "F1", "foot_patrol", "A"),
        "P2": _unit(client, chief, "P2", "patrol_car", "A"),
        "P3": _unit(client, chief, "P3", "patrol_car", None),
    }
    # P2 goes off duty; P3 has no post and its only position report is an hour old.
    assert (
        client.post(
            f"/api/v1/units/{units['P2']['id']}/status", json={"status": "off_duty"}, headers=chief
        ).status_code
        == 200
    )
    old = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    units["P3"] = client.post(
        f"/api/v1/units/{units['P3']['id']}/position",
        json={"lat": 0.001, "lon": 0.001, "at": old},
        headers=desk,
    ).json()
    incident = client.post(
        "/api/v1/reports",
        headers=desk,
        json={
            "description": "水产路尽头有人打架",
            "type": "assault",
            "lat": 0.0,
            "lon": 0.002,
        },
    )
    assert incident.status_code in (200, 201), incident.text
    return client, desk, chief, units, incident.json()["id"]


def test_recommendation_matches_hand_computed_times(board) -> None:  # type: ignore[no-untyped-def]
    client, desk, _chief, _units, incident_id = board
    response = client.get(f"/api/v1/incidents/{incident_id}/recommendation", headers=desk)
    assert response.status_code == 200, response.text
    body = response.json()
    ranked = [(u["callsign"], u["travel_time_s"], u["tier"]) for u in body["units"]]
    assert [r[0] for r in ranked] == ["V1", "P1", "F1"]
    assert ranked[0][1] == pytest.approx(0.0, abs=0.05)
    assert ranked[1][1] == pytest.approx(CAR_STEP_S, abs=0.05)  # B→C, 13.34 s
    assert ranked[2][1] == pytest.approx(2 * FOOT_STEP_S, abs=0.05)  # A→B→C on foot, 160.1 s
    assert [r[2] for r in ranked] == [1, 1, 2]
    assert body["met"] == {"60": True, "180": True, "300": True}
    ineligible = {u["callsign"]: u["reason"] for u in body["ineligible"]}
    assert ineligible == {"P2": "off_duty", "P3": "stale_position"}


def test_dispatch_arrive_clear_and_figures(board) -> None:  # type: ignore[no-untyped-def]
    client, desk, chief, _units, incident_id = board
    top = client.get(f"/api/v1/incidents/{incident_id}/recommendation", headers=desk).json()[
        "units"
    ][1]
    made = client.post(
        f"/api/v1/incidents/{incident_id}/dispatch",
        json={"unit_ids": [top["unit_id"]]},
        headers=desk,
    )
    assert made.status_code == 201, made.text
    assignment = made.json()[0]
    assert assignment["predicted_tier"] == 1
    assert assignment["predicted_travel_s"] == pytest.approx(CAR_STEP_S, abs=0.05)
    assert (
        client.get(f"/api/v1/units/{top['unit_id']}", headers=desk).json()["status"] == "en_route"
    )
    # the same unit cannot be sent twice, and clearing before arriving is a cancel
    again = client.post(
        f"/api/v1/incidents/{incident_id}/dispatch",
        json={"unit_ids": [top["unit_id"]]},
        headers=desk,
    )
    assert again.status_code == 409
    arrived = client.post(f"/api/v1/assignments/{assignment['id']}/arrived", headers=desk)
    assert arrived.status_code == 200, arrived.text
    assert arrived.json()["response_s"] >= 0
    assert (
        client.post(f"/api/v1/assignments/{assignment['id']}/arrived", headers=desk).status_code
        == 409
    )
    cleared = client.post(f"/api/v1/assignments/{assignment['id']}/cleared", headers=desk)
    assert cleared.json()["status"] == "cleared"
    assert (
        client.get(f"/api/v1/units/{top['unit_id']}", headers=desk).json()["status"] == "available"
    )
    incident = client.get(f"/api/v1/incidents/{incident_id}", headers=desk).json()
    assert incident["status"] == "resolved"
    figures = client.get("/api/v1/dispatch/figures?group_by=station", headers=chief).json()
    assert figures["overall"]["count"] == 1
    assert figures["groups"][0]["group"] == "station-a"
    assert figures["overall"]["median_s"] == pytest.approx(arrived.json()["response_s"], abs=1e-3)
    assert figures["overall"]["share_within"]["60"] == 1.0
    # another station's chief sees none of it
    other = client.get(
        "/api/v1/dispatch/figures", headers=token_for(client, board_settings(client), "chief_b")
    )
    assert other.json()["overall"]["count"] == 0


def board_settings(client):  # type: ignore[no-untyped-def]
    return client.app.state.settings


def test_live_reach_shares(board) -> None:  # type: ignore[no-untyped-def]
    client, desk, _chief, _units, _incident_id = board
    reach = client.get("/api/v1/reach/live", params={"city": "tiny"}, headers=desk)
    assert reach.status_code == 200, reach.text
    props = reach.json()["properties"]
    # demand: the incident at C (weight 1) and the pub at (0.0005, 0.0015) (weight 2)
    assert props["demand_weight"] == 3.0
    assert props["units"] == 3  # V1, P1, F1 (P2 off duty, P3 stale)
    assert props["share_within"]["300"] == 1.0
    assert [f["properties"]["cutoff_s"] for f in reach.json()["features"]] == [60, 180, 300]


def test_bad_positions_are_refused_and_nothing_moves(board) -> None:  # type: ignore[no-untyped-def]
    client, desk, _chief, units, _incident_id = board
    batch = {
        "positions": [
            {"callsign": "P1", "lat": 0.0, "lon": 0.0},
            {"callsign": "F1", "lat": 31.2, "lon": 121.5},
        ]
    }
    response = client.post("/api/v1/units/positions", json=batch, headers=desk)
    assert response.status_code == 422
    assert response.json()["field"] == "body.positions.1.lat"
    p1 = client.get(f"/api/v1/units/{units['P1']['id']}", headers=desk).json()
    assert (p1["lat"], p1["lon"]) == (0.0, 0.001)
    ok = client.post(
        "/api/v1/units/positions", json={"positions": batch["positions"][:1]}, headers=desk
    )
    assert ok.json() == {"accepted": 1}
    future = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    late = client.post(
        f"/api/v1/units/{units['F1']['id']}/position",
        json={"lat": 0.0, "lon": 0.0, "at": future},
        headers=desk,
    )
    assert late.status_code == 422
    off = client.post(
        f"/api/v1/units/{units['P2']['id']}/status",
        json={"status": "on_scene"},
        headers=token_for(client, board_settings(client), "chief_a"),
    )
    assert off.status_code == 409


def test_recommendation_body_is_the_response_models(board, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    """The lean route serialises in one pass; its body equals what FastAPI's response
    model would give for the same service answer."""
    from fastapi.encoders import jsonable_encoder
    from sqlalchemy import select

    from pingan.auth import service as auth
    from pingan.auth.models import User
    from pingan.db import make_engine, make_session_factory, unit_of_work
    from pingan.dispatch import recommend
    from pingan.dispatch.schemas import Recommendation

    client, desk, _chief, _units, incident_id = board
    response = client.get(f"/api/v1/incidents/{incident_id}/recommendation", headers=desk)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    engine = make_engine(settings.effective_database_url)
    with unit_of_work(make_session_factory(engine)) as session:
        user = session.scalar(select(User).where(User.username == "dispatcher_a"))
        assert user is not None
        answer = recommend.recommend(
            session, settings, auth.principal_for(session, user), incident_id
        )
    engine.dispose()
    assert response.json() == jsonable_encoder(Recommendation.model_validate(answer))
    # no credentials, an incident that does not exist: the usual errors
    assert client.get(f"/api/v1/incidents/{incident_id}/recommendation").status_code == 401
    missing = client.get("/api/v1/incidents/999999/recommendation", headers=desk)
    assert missing.status_code == 404
