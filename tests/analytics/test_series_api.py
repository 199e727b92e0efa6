"""Series linkage on stored e-bike thefts: candidates with evidence, confirm, reject, map."""

from __future__ import annotations

import pytest

from analytics.conftest import file_incident

#: Three thefts within 60 m of each other at one apartment block, and one 2 km away.
BLOCK = [(60.17000, 24.94800), (60.17030, 24.94820), (60.17010, 24.94860)]
FAR = (60.17700, 24.95200)
YADEA = {"kind": "ebike", "brand": "雅迪", "colour": "白色"}


def _thefts(client, desk) -> list[int]:  # type: ignore[no-untyped-def]
    ids = [
        file_incident(
            client,
            desk,
            incident_type="theft.ebike",
            at=f"2025-06-0{day}T02:{10 * k:02d}:00+08:00",
            lat=lat,
            lon=lon,
            items=[YADEA],
        )
        for k, (day, (lat, lon)) in enumerate(zip((1, 3, 5), BLOCK, strict=True))
    ]
    ids.append(
        file_incident(
            client,
            desk,
            incident_type="theft.ebike",
            at="2025-06-02T15:00:00+08:00",
            lat=FAR[0],
            lon=FAR[1],
            items=[{"kind": "ebike", "brand": "爱玛", "colour": "黑色"}],
        )
    )
    return ids


def test_candidates_confirm_and_map(api) -> None:  # type: ignore[no-untyped-def]
    client, headers = api
    analyst = headers["analyst"]
    ids = _thefts(client, headers["dispatcher_a"])
    found = client.get(
        "/api/v1/analytics/series/candidates?city=helsinki&type=theft.ebike", headers=analyst
    )
    assert found.status_code == 200, found.text
    candidates = found.json()
    assert len(candidates) == 1
    best = candidates[0]
    assert [m["incident_id"] for m in best["members"]] == ids[:3]
    assert best["id"] is None
    assert best["status"] == "candidate"
    assert best["span_days"] == pytest.approx(4 + 20 / 1440, abs=1e-3)  # 02:00 → 02:20
    assert {m["brand"] for m in best["members"]} == {"雅迪"}
    first = next(link for link in best["links"] if set(link["incident_ids"]) == set(ids[:2]))
    assert "same brand: 雅迪" in first["evidence"]
    assert "same colour: 白色" in first["evidence"]
    assert "2.0 days apart" in first["evidence"]

    stored = client.post(
        "/api/v1/analytics/series",
        json={"incident_ids": ids[:3], "name": "雅迪 block thefts"},
        headers=analyst,
    )
    assert stored.status_code == 201, stored.text
    series = stored.json()
    assert series["status"] == "candidate"
    assert len(series["links"]) == 3  # every pair of the three, with its evidence
    again = client.get(
        "/api/v1/analytics/series/candidates?city=helsinki&type=theft.ebike", headers=analyst
    ).json()
    assert again[0]["id"] == series["id"]

    # nothing is on the map until an analyst confirms it
    layer = client.get("/api/v1/analytics/series.geojson?city=helsinki", headers=analyst)
    assert layer.json()["features"] == []
    confirmed = client.post(
        f"/api/v1/analytics/series/{series['id']}/decision",
        json={"status": "confirmed", "note": "same MO, same brand"},
        headers=analyst,
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "confirmed"
    assert confirmed.json()["decided_by"] == "analyst"
    layer = client.get("/api/v1/analytics/series.geojson?city=helsinki", headers=analyst).json()
    points = [f for f in layer["features"] if f["geometry"]["type"] == "Point"]
    lines = [f for f in layer["features"] if f["geometry"]["type"] == "LineString"]
    assert [p["properties"]["incident_id"] for p in points] == ids[:3]
    assert [p["properties"]["order"] for p in points] == [1, 2, 3]
    assert len(lines) == 1
    assert len(lines[0]["geometry"]["coordinates"]) == 3

    # station B's chief does not see station A's series; a dispatcher may not use series
    assert (
        client.get(
            f"/api/v1/analytics/series/{series['id']}", headers=headers["chief_b"]
        ).status_code
        == 404
    )
    assert (
        client.get(
            f"/api/v1/analytics/series/{series['id']}", headers=headers["chief_a"]
        ).status_code
        == 200
    )
    assert (
        client.get("/api/v1/analytics/series", headers=headers["dispatcher_a"]).status_code == 403
    )


def test_reject_keeps_the_decision(api) -> None:  # type: ignore[no-untyped-def]
    client, headers = api
    chief = headers["chief_a"]
    ids = _thefts(client, headers["dispatcher_a"])
    made = client.post(
        "/api/v1/analytics/series",
        json={"incident_ids": [ids[0], ids[3]], "status": "rejected", "note": "2 km apart"},
        headers=chief,
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["status"] == "rejected"
    assert body["decided_by"] == "chief_a"
    link = body["links"][0]
    assert "brand differs: 雅迪 / 爱玛" in link["evidence"]
    listed = client.get("/api/v1/analytics/series?status=rejected", headers=chief).json()
    assert [s["id"] for s in listed] == [body["id"]]
    back = client.post(
        f"/api/v1/analytics/series/{body['id']}/decision",
        json={"status": "confirmed"},
        headers=headers["chief_b"],
    )
    assert back.status_code == 404
    unknown = client.post(
        "/api/v1/analytics/series", json={"incident_ids": [ids[0], 999999]}, headers=chief
    )
    assert unknown.status_code == 404
