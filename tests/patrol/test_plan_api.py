"""Plans through the API on the Helsinki demo map, on SQLite and PostgreSQL."""

from __future__ import annotations

import numpy as np
import pytest
from patrol_history import DAYS, FIRST_DAY, add_history

from pingan.algo.routing import shortest_times, snap
from pingan.city import service as cities
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from pingan.patrol import reads
from support.app import seeded_client, token_for
from support.jobs import make_plan

#: A point in station A's half of central Helsinki, kept as a police box.
BOX = {"lat": 60.1690, "lon": 24.9490}


@pytest.fixture
def planned(settings: Settings):  # type: ignore[no-untyped-def]
    made = add_history(settings, "helsinki", "station-a", 80)
    client = seeded_client(settings)
    chief = token_for(client, settings, "chief_a")
    plan = make_plan(
        client,
        settings,
        chief,
        {
            "city": "helsinki",
            "station_code": "station-a",
            "groups": 3,
            "shift": "20:00-02:00",
            "fixed_posts": [BOX],
            "history_from": FIRST_DAY.isoformat(),
            "time_limit_s": 10,
        },
    )
    return client, chief, plan, made


def test_plan_has_posts_routes_beats_and_honest_coverage(planned, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    _client, _chief, plan, made = planned
    assert plan["groups"] == 3
    assert plan["station_code"] == "station-a"
    assert plan["status"] == "draft"
    assert [p["group"] for p in plan["posts"]] == [1, 2, 3]
    assert [r["group"] for r in plan["routes"]] == [1, 2, 3]
    assert sorted(b["beat"] for b in plan["beats"]) == [1, 2, 3]
    assert plan["demand_sources"]["history"]["count"] == made.weekday_window
    assert plan["demand_sources"]["history"]["used"] is True
    assert plan["demand_sources"]["venues"]["used"] is True
    assert set(plan["coverage"]) == {"60", "180", "300"}
    assert 0.0 <= plan["gap"] <= 1.0
    assert plan["bound"] >= plan["objective"] - 1e-9
    # every stop dwells 15 minutes and the loops fit into the six-hour shift
    for route in plan["routes"]:
        for stop in route["stops"]:
            assert stop["dwell_s"] == pytest.approx(900.0)
        assert route["loop_s"] <= 6 * 3600
    # the police box is kept as a fixed post at its road node
    with unit_of_work(make_session_factory(make_engine(settings.database_url))) as db_session:
        city = cities.get_city(db_session, "helsinki")
        graph = cities.load_graph(settings, city, "car")
        stored = reads.get_plan(db_session, None, plan["id"])
        nodes, weights = reads.plan_demand(stored)
    box_node = int(snap(graph, BOX["lat"], BOX["lon"]).node[0])
    fixed = [p for p in plan["posts"] if p["fixed"]]
    assert [p["node"] for p in fixed] == [box_node]
    # independent check: nearest post by a fresh search, share of demand within each tier
    posts = np.array([p["node"] for p in plan["posts"]])
    nearest = shortest_times(graph, posts)[:, nodes].min(axis=0)
    for key, share in plan["coverage"].items():
        expected = float(weights[nearest <= float(key)].sum() / weights.sum())
        assert share == pytest.approx(expected, abs=1e-9)


def test_plan_reads_layers_sheet_and_access(planned, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    client, chief, plan, _made = planned
    listed = client.get("/api/v1/plans", headers=chief)
    assert listed.status_code == 200
    assert [p["id"] for p in listed.json()] == [plan["id"]]
    layer = client.get(f"/api/v1/plans/{plan['id']}.geojson", headers=chief)
    assert layer.status_code == 200
    assert layer.headers["content-type"].startswith("application/geo+json")
    kinds = [f["properties"]["kind"] for f in layer.json()["features"]]
    assert kinds.count("post") == 3
    assert kinds.count("route") == 3
    assert kinds.count("beat") == 3
    assert kinds.count("stop") == sum(len(r["stops"]) for r in plan["routes"])
    sheet = client.get(f"/api/v1/plans/{plan['id']}/sheets/2.pdf", headers=chief)
    assert sheet.status_code == 200
    assert sheet.headers["content-type"] == "application/pdf"
    assert sheet.content.startswith(b"%PDF")
    assert client.get(f"/api/v1/plans/{plan['id']}/sheets/4.pdf", headers=chief).status_code == 404
    other = token_for(client, settings, "chief_b")
    assert client.get(f"/api/v1/plans/{plan['id']}", headers=other).status_code == 404
    assert client.get("/api/v1/plans", headers=other).json() == []
    citizen = token_for(client, settings, "citizen")
    assert client.get(f"/api/v1/plans/{plan['id']}", headers=citizen).status_code == 403
    active = client.post(f"/api/v1/plans/{plan['id']}/activate", headers=chief)
    assert active.status_code == 200
    assert active.json()["status"] == "active"


def test_compare_reports_plan_and_naive_plans(planned) -> None:  # type: ignore[no-untyped-def]
    client, chief, plan, made = planned
    last = FIRST_DAY.toordinal() + DAYS - 1
    response = client.post(
        "/api/v1/plans/compare",
        headers=chief,
        json={
            "plan_id": plan["id"],
            "date_from": FIRST_DAY.isoformat(),
            "date_to": FIRST_DAY.fromordinal(last).isoformat(),
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["incidents"] == made.weekday_window
    assert body["simulated_incidents"] == made.weekday_window
    assert [p["label"] for p in body["plans"]] == [
        f"plan #{plan['id']}",
        "naive: station posts",
        "naive: uniform grid",
    ]
    for row in body["plans"]:
        assert row["incidents"] == made.weekday_window
        assert row["served"] + row["unserved"] == made.weekday_window
        assert set(row["share_within"]) == {"60", "180", "300"}
        assert sum(row["histogram"]["counts"]) == row["served"]
        shares = [row["share_within"][k] for k in ("60", "180", "300")]
        assert shares == sorted(shares)
    # all three groups wait at one stand-in station (the extract has no police station)
    assert body["plans"][1]["posts"] == 1
    assert body["plans"][1]["groups"] == 3
    assert body["notes"]


def test_visibility_from_position_reports(planned, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    client, chief, plan, _made = planned
    zone = ZoneInfo(settings.time_zone)
    day = (datetime.now(zone) - timedelta(days=2)).date()
    spot = plan["routes"][0]["stops"][0]
    hotspots = {s["hotspot"] for r in plan["routes"] for s in r["stops"]}
    unit = client.post(
        "/api/v1/units",
        headers=chief,
        json={
            "callsign": "VIS-1",
            "kind": "foot_patrol",
            "station_code": "station-a",
            "city": "helsinki",
        },
    )
    assert unit.status_code == 201, unit.text
    # one report a minute at the hot spot from 21:00:30 to 22:04:30: seen in the 21–22 and
    # 22–23 o'clock slots of a 20:00–02:00 shift (six slots per hot spot)
    start = datetime(day.year, day.month, day.day, 21, 0, 30, tzinfo=zone)
    positions = [
        {
            "unit_id": unit.json()["id"],
            "lat": spot["lat"],
            "lon": spot["lon"],
            "at": (start + timedelta(minutes=i)).isoformat(),
        }
        for i in range(65)
    ]
    desk = token_for(client, settings, "dispatcher_a")  # the chief may not report positions
    sent = client.post("/api/v1/units/positions", headers=desk, json={"positions": positions})
    assert sent.status_code == 200, sent.text
    seen = client.get(
        f"/api/v1/plans/{plan['id']}/visibility",
        headers=chief,
        params={"from": day.isoformat(), "to": day.isoformat(), "radius_m": 5},
    )
    assert seen.status_code == 200, seen.text
    body = seen.json()
    assert body["hotspots"] == len(hotspots)
    assert body["n_slots"] == 6 * len(hotspots)
    assert body["positions"] == 65
    assert body["share"] == pytest.approx(round(2 / (6 * len(hotspots)), 4))
    nothing = client.get(
        f"/api/v1/plans/{plan['id']}/visibility",
        headers=chief,
        params={
            "from": (day - timedelta(days=1)).isoformat(),
            "to": (day - timedelta(days=1)).isoformat(),
        },
    )
    assert nothing.json()["share"] == 0.0
    backwards = client.get(
        f"/api/v1/plans/{plan['id']}/visibility",
        headers=chief,
        params={"from": day.isoformat(), "to": (day - timedelta(days=1)).isoformat()},
    )
    assert backwards.status_code == 422
    assert backwards.json()["field"] == "to"
