"""Forecasts: computed from stored incidents, stored with their cells, served as GeoJSON."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from shapely.geometry import Point, shape

from analytics.conftest import EAST, EAST_2, file_incident
from pingan.analytics.forecasts import latest_forecast
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory, unit_of_work


def test_forecast_is_stored_and_served(api, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    client, headers = api
    desk = headers["dispatcher_a"]
    now = datetime.now(UTC)
    # three incidents at EAST, two at EAST_2 within the last year; one simulated
    for days in (3, 10, 40):
        at = (now - timedelta(days=days)).isoformat()
        file_incident(client, desk, incident_type="assault", at=at, lat=EAST[0], lon=EAST[1])
    for days, simulated in ((5, False), (50, True)):
        at = (now - timedelta(days=days)).isoformat()
        file_incident(
            client,
            desk,
            incident_type="theft.ebike",
            at=at,
            lat=EAST_2[0],
            lon=EAST_2[1],
            simulated=simulated,
        )
    made = client.post(
        "/api/v1/analytics/forecasts",
        json={"city": "helsinki", "horizon": "7d", "model": "naive"},
        headers=headers["analyst"],
    )
    assert made.status_code == 201, made.text
    forecast = made.json()
    assert forecast["n_events"] == 5
    assert forecast["n_cells"] == 2
    assert forecast["horizon_h"] == 168.0
    assert forecast["simulated"] is True
    assert forecast["label"] == "simulated data"
    assert forecast["jurisdiction_code"] == "demo-sub"

    layer = client.get(
        f"/api/v1/analytics/forecasts/{forecast['id']}.geojson", headers=headers["analyst"]
    )
    assert layer.status_code == 200, layer.text
    assert layer.headers["content-type"].startswith("application/geo+json")
    features = layer.json()["features"]
    # naive counts of the last 365 days: 3 at EAST, 2 at EAST_2
    assert [f["properties"]["rank"] for f in features] == [1, 2]
    assert [f["properties"]["score"] for f in features] == [3.0, 2.0]
    assert features[0]["properties"]["share"] == pytest.approx(0.6)
    assert shape(features[0]["geometry"]).contains(Point(EAST[1], EAST[0]))
    assert shape(features[1]["geometry"]).contains(Point(EAST_2[1], EAST_2[0]))
    assert layer.json()["properties"]["label"] == "simulated data"
    top1 = client.get(
        f"/api/v1/analytics/forecasts/{forecast['id']}.geojson?top=1", headers=headers["analyst"]
    )
    assert len(top1.json()["features"]) == 1

    listed = client.get("/api/v1/analytics/forecasts?city=helsinki", headers=headers["analyst"])
    assert [f["id"] for f in listed.json()] == [forecast["id"]]
    # the city-wide forecast belongs to the sub-bureau: a station chief does not see it
    hidden = client.get(f"/api/v1/analytics/forecasts/{forecast['id']}", headers=headers["chief_a"])
    assert hidden.status_code == 404
    denied = client.get("/api/v1/analytics/forecasts", headers=headers["dispatcher_a"])
    assert denied.status_code == 403

    # patrol planning reads the newest forecast as demand
    factory = make_session_factory(make_engine(settings.effective_database_url))
    with unit_of_work(factory) as db_session:
        demand = latest_forecast(db_session, "helsinki")
        assert latest_forecast(db_session, "coquimbo") is None
    assert demand is not None
    centroids, scores = demand
    assert scores.tolist() == [3.0, 2.0]
    assert centroids.shape == (2, 2)
    # cell centres lie within half a diagonal of a 150 m cell from the incidents
    assert np.abs(centroids[0] - np.array(EAST)).max() < 0.002


def test_forecast_needs_history(api) -> None:  # type: ignore[no-untyped-def]
    client, headers = api
    made = client.post(
        "/api/v1/analytics/forecasts",
        json={"city": "helsinki", "horizon": "1d"},
        headers=headers["analyst"],
    )
    assert made.status_code == 422
    assert "no incident history" in made.json()["detail"]
