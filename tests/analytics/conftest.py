"""Helpers for the analytics API tests: file incidents through the real intake API."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from pingan.config import Settings
from pingan.db import unit_of_work
from pingan.incidents.models import Incident
from support.app import seeded_client, token_for

#: Points in the east half of the Helsinki extract (station A).
EAST = (60.1700, 24.9480)
EAST_2 = (60.1720, 24.9500)


def file_incident(
    client: TestClient,
    headers: dict[str, str],
    *,
    incident_type: str,
    at: str,
    lat: float,
    lon: float,
    items: list[dict[str, Any]] | None = None,
    simulated: bool = False,
) -> int:
    """One incident of ``incident_type`` that happened at ``at`` (ISO time with offset)."""
    body: dict[str, Any] = {
        "description": "测试警情（模拟）" if simulated else "测试警情",
        "type": incident_type,
        "lat": lat,
        "lon": lon,
        "occurred_start": at,
        "occurred_end": at,
    }
    if items is not None:
        body["items"] = items
    response = client.post("/api/v1/reports", json=body, headers=headers)
    assert response.status_code in (200, 201), response.text
    incident_id = int(response.json()["id"])
    if simulated:  # no client may mark a report simulated; the demo loader does
        with unit_of_work(client.app.state.session_factory) as session:
            session.get(Incident, incident_id).simulated = True
    return incident_id


@pytest.fixture
def api(settings: Settings) -> tuple[TestClient, dict[str, dict[str, str]]]:
    client = seeded_client(settings)
    headers = {
        name: token_for(client, settings, name)
        for name in ("analyst", "dispatcher_a", "chief_a", "chief_b")
    }
    return client, headers
