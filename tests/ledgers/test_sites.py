"""Sites: geocoded through the city gazetteer, venues seeded from the city's OSM places
(marked with their source, idempotent, editable), frequencies from the settings."""

from __future__ import annotations

from datetime import datetime, timedelta

from pingan.config import Settings
from pingan.ledgers.checklists import frequencies
from pingan.ledgers.models import SiteCategory
from support.app import seeded_client, token_for


def test_an_address_is_geocoded_through_the_city_gazetteer(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "fire_a")
    body = {"code": "ADDR-1", "name": "某宾馆", "category": "hotel",
            "address": "Mannerheimintie 5", "jurisdiction_code": "station-a"}  # fmt: skip
    response = client.post("/api/v1/ledgers/sites", headers=officer, json=body)
    assert response.status_code == 201, response.text
    site = response.json()
    assert site["lat"] is not None
    assert 60.1 < site["lat"] < 60.2
    assert 24.9 < site["lon"] < 25.0
    unknown = body | {"code": "ADDR-2", "address": "不存在的路999号"}
    blank = client.post("/api/v1/ledgers/sites", headers=officer, json=unknown).json()
    assert (blank["lat"], blank["lon"]) == (None, None)


def test_venues_are_seeded_from_the_city_s_osm_places_once(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "fire_a")
    first = client.post("/api/v1/ledgers/venues/seed", headers=officer, json={"city": "helsinki"})
    assert first.status_code == 201, first.text
    added = first.json()["added"]
    assert added > 20
    assert set(first.json()["by_category"]) <= {c.value for c in SiteCategory}
    # Helsinki's hotels (tourism=hotel) and bars are among them
    assert {"hotel", "bar"} <= set(first.json()["by_category"])
    again = client.post("/api/v1/ledgers/venues/seed", headers=officer, json={"city": "helsinki"})
    assert again.json()["added"] == 0
    listed = client.get("/api/v1/ledgers/sites", headers=officer).json()
    assert len(listed) == added
    assert {s["source"] for s in listed} == {"osm"}
    assert {s["jurisdiction_code"] for s in listed} == {"station-a"}  # fire_a's station only
    assert all(s["code"].startswith("OSM-") and s["osm_id"] for s in listed)
    # editable, and still marked as seeded from OSM
    venue = listed[0]
    edit = {k: venue[k] for k in ("code", "category", "lat", "lon", "opening_hours")}
    edit |= {"name": "改过的名字", "jurisdiction_code": "station-a"}
    changed = client.put(f"/api/v1/ledgers/sites/{venue['id']}", headers=officer, json=edit)
    assert changed.status_code == 200, changed.text
    assert (changed.json()["name"], changed.json()["source"]) == ("改过的名字", "osm")


def test_frequencies_follow_61_and_the_settings(settings: Settings) -> None:
    bar = frequencies(settings, SiteCategory.bar, key_unit=False)
    assert (bar.patrol_h, bar.while_open, bar.check_days, bar.drill_days) == (2, True, 30, 365)
    office = frequencies(settings, SiteCategory.government, key_unit=True)
    assert (office.patrol_h, office.check_days, office.drill_days) == (24, 91, 182)
    tuned = settings.model_copy(update={"ledger_frequencies": {"bar": {"patrol_h": 3}}})
    assert frequencies(tuned, SiteCategory.bar, key_unit=False).patrol_h == 3
    client = seeded_client(tuned)
    officer = token_for(client, settings, "fire_a")
    site = {"code": "BAR-9", "name": "酒吧", "category": "bar", "lat": 60.17, "lon": 24.96}
    site_id = client.post("/api/v1/ledgers/sites", headers=officer, json=site).json()["id"]
    start = (datetime.now().astimezone() - timedelta(hours=1)).isoformat()
    task = client.post("/api/v1/ledgers/tasks", headers=officer,
                       json={"site_id": site_id, "kind": "patrol", "starts_at": start})  # fmt: skip
    assert task.json()["interval_h"] == 3
