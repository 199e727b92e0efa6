"""The monthly round for fire_a: every due site visited within its opening hours, sites
with open or overdue hazards first, on the road network (OR-Tools core)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from ledgers_helpers import IN_A

from pingan.config import Settings
from support.app import seeded_client, token_for

ZONE = ZoneInfo("Asia/Shanghai")
SITES = [
    ("BAR-1", "bar", "17:00-02:00", (60.1705, 24.9455)),
    ("CLUB-1", "nightclub", "21:00-04:00", (60.1690, 24.9500)),
    ("MALL-1", "mall", "10:00-22:00", (60.1712, 24.9480)),
    ("NET-1", "internet_cafe", "24h", (60.1680, 24.9470)),
    ("SCH-1", "school", "07:30-17:30", IN_A),
]


def _inside(start: datetime, end: datetime, hours: str) -> bool:
    if hours == "24h":
        return True
    opens, closes = (time.fromisoformat(h) for h in hours.split("-"))
    day = start.date()
    for base in (day - timedelta(days=1), day):
        window_start = datetime.combine(base, opens, ZONE)
        window_end = datetime.combine(base, closes, ZONE)
        if window_end <= window_start:
            window_end += timedelta(days=1)
        if window_start <= start and end <= window_end:
            return True
    return False


def test_the_round_visits_every_due_site_within_its_opening_hours(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "fire_a")
    ids = {}
    for code, category, hours, (lat, lon) in SITES:
        body = {"code": code, "name": code, "category": category, "opening_hours": hours,
                "lat": lat, "lon": lon, "jurisdiction_code": "station-a"}  # fmt: skip
        response = client.post("/api/v1/ledgers/sites", headers=officer, json=body)
        assert response.status_code == 201, response.text
        ids[code] = response.json()["id"]
    # MALL-1 holds an open hazard: it comes first
    found = {"site_id": ids["MALL-1"], "inspectors": ["消防专干"], "signature": "经理",
             "items": [{"code": "EV-01", "result": "failed"}]}  # fmt: skip
    assert (
        client.post("/api/v1/ledgers/inspections", headers=officer, json=found).status_code == 201
    )
    month = (datetime.now(ZONE).replace(day=1) + timedelta(days=40)).strftime("%Y-%m")
    chief = token_for(client, settings, "chief_a")
    response = client.get(
        "/api/v1/ledgers/rounds", headers=chief, params={"inspector": "fire_a", "month": month}
    )
    assert response.status_code == 200, response.text
    plan = response.json()
    assert plan["due"] == len(SITES)
    assert plan["unplaced"] == []
    visits = [(day["date"], v) for day in plan["days"] for v in day["visits"]]
    assert sorted(v["code"] for _, v in visits) == sorted(code for code, *_ in SITES)
    for _, visit in visits:
        start = datetime.fromisoformat(visit["start_at"])
        end = datetime.fromisoformat(visit["end_at"])
        assert _inside(start, end, visit["opening_hours"]), visit
        assert start.strftime("%Y-%m") == month or visit["code"] == "CLUB-1"
    first_day = min(date for date, _ in visits)
    assert next(d for d, v in visits if v["code"] == "MALL-1") == first_day
    assert plan["travel_s"] > 0


def test_a_round_of_another_station_s_inspector_looks_missing(settings: Settings) -> None:
    client = seeded_client(settings)
    chief_b = token_for(client, settings, "chief_b")
    params = {"inspector": "fire_a", "month": "2027-01"}
    assert client.get("/api/v1/ledgers/rounds", headers=chief_b, params=params).status_code == 404
    officer = token_for(client, settings, "fire_a")
    bad = client.get(
        "/api/v1/ledgers/rounds", headers=officer, params=params | {"month": "2027-13"}
    )
    assert bad.status_code == 422
