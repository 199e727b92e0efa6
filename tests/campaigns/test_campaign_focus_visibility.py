"""The target "police visibility at focus places during focus hours": measured from the demo
units' position reports near the demo night market in its focus hours (20:00–02:00), in
progress (value, Wilson interval, verdict, roll-up), the brief and the closing report, and
the records its links open (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

import pytest

from pingan import demo
from pingan.algo import campaign_stats as cs
from pingan.config import Settings, get_settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from pingan.jurisdictions import service as jurisdictions
from support.app import seeded_client, token_for

PLACE = (60.1700, 24.9480)  # the demo campaign's night market
DAY = dt.date(2026, 7, 15)
METRES_PER_DEGREE = 111_320.0


@pytest.fixture
def units_seeded(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    factory = make_session_factory(make_engine(settings.effective_database_url))
    with unit_of_work(factory) as db_session:
        demo.seed_units(db_session, settings, lambda *_: None)
    monkeypatch.setenv("PINGAN_DATABASE_URL", settings.effective_database_url)
    get_settings.cache_clear()
    return settings


def _owner(settings: Settings) -> str:
    factory = make_session_factory(make_engine(settings.effective_database_url))
    with unit_of_work(factory) as db_session:
        node = jurisdictions.jurisdiction_for_point(db_session, *PLACE)
        assert node is not None
        return node.code


def _at(day: dt.date, hour: int, minute: int, zone: ZoneInfo) -> str:
    return dt.datetime.combine(day, dt.time(hour, minute), zone).isoformat()


def test_focus_visibility_in_progress_brief_and_report(units_seeded: Settings) -> None:
    settings = units_seeded
    zone = ZoneInfo(settings.time_zone)
    client = seeded_client(settings)
    admin = token_for(client, settings, "admin")
    owner = _owner(settings)
    other = "station-b" if owner == "station-a" else "station-a"
    created = client.post(
        "/api/v1/campaigns",
        json={
            "name": "夜市见警率提升",
            "from": "2026-06-01",
            "to": "2026-09-08",
            "jurisdictions": ["station-a", "station-b"],
            "focus_places": [
                {
                    "name": "东街夜市",
                    "lat": PLACE[0],
                    "lon": PLACE[1],
                    "radius_m": 200,
                    "hours_from": "20:00",
                    "hours_to": "02:00",
                }
            ],
            "targets": [
                {"jurisdiction": j, "figure": "focus_visibility", "direction": ">=", "value": 0.3}
                for j in ("station-a", "station-b")
            ],
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    campaign_id = created.json()["id"]
    units = client.get("/api/v1/units", headers=admin).json()
    near, far = [u for u in units if u["city"] == "helsinki"][:2]
    # one unit at the market 20:00–21:57 every minute (present until 21:59), and at 01:30;
    # another 600 m north at 23:30 (outside the 200 m radius)
    positions = [
        {"unit_id": near["id"], "lat": PLACE[0], "lon": PLACE[1], "at": _at(DAY, 20, m, zone)}
        for m in range(60)
    ]
    positions += [
        {"unit_id": near["id"], "lat": PLACE[0], "lon": PLACE[1], "at": _at(DAY, 21, m, zone)}
        for m in range(58)
    ]
    positions.append(
        {
            "unit_id": near["id"],
            "lat": PLACE[0] + 30 / METRES_PER_DEGREE,
            "lon": PLACE[1],
            "at": _at(DAY + dt.timedelta(days=1), 1, 30, zone),
        }
    )
    positions.append(
        {
            "unit_id": far["id"],
            "lat": PLACE[0] + 600 / METRES_PER_DEGREE,
            "lon": PLACE[1],
            "at": _at(DAY, 23, 30, zone),
        }
    )
    sent = client.post("/api/v1/units/positions", json={"positions": positions}, headers=admin)
    assert sent.status_code == 200, sent.text

    # progress to the 16th: 46 nights of 6 focus hours, 3 of them seen
    found = client.get(
        f"/api/v1/campaigns/{campaign_id}/progress",
        params={"as_of": "2026-07-16"},
        headers=admin,
    ).json()
    rows = {r["jurisdiction"]: r for r in found["targets"]}
    mine, theirs = rows[owner], rows[other]
    assert mine["detail"]["seen_hours"] == 3
    assert mine["detail"]["hours"] == 46 * 6
    assert mine["value"] == round(3 / 276, 4)
    band = cs.wilson(3, 276)
    assert band is not None
    assert mine["interval"] == [round(band.low, 4), round(band.high, 4)]
    assert mine["verdict"] == "off_track"
    assert theirs["value"] is None
    assert theirs["interval_reason"] == "no focus place in this jurisdiction"
    assert theirs["verdict"] is None
    (whole,) = found["rollup"]
    assert whole["value"] == mine["value"]
    assert whole["detail"]["hours"] == 276
    # the link opens the focus windows behind the figure
    listed = client.get(mine["query"], headers=admin)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert body["total"] == 46
    assert body["figures"]["seen_hours"] == 3
    assert body["figures"]["hours"] == 276
    seen_days = [(r["day"], r["seen_hours"]) for r in body["rows"] if r["seen_hours"]]
    assert seen_days == [(DAY.isoformat(), 3)]

    # the brief of the 15th states it; the 14th, with no position reported, does not
    brief = client.get(
        f"/api/v1/campaigns/{campaign_id}/brief",
        params={"date": DAY.isoformat(), "format": "text"},
        headers=admin,
    ).text
    assert "重点部位（1处）见警率50%：重点时段6小时中3小时有警力在场。" in brief
    quiet = client.get(
        f"/api/v1/campaigns/{campaign_id}/brief",
        params={"date": "2026-07-14", "format": "text"},
        headers=admin,
    ).text
    assert "重点部位" not in quiet
    assert "巡逻防控" not in quiet  # no plan, no visibility: no empty section
    english = client.get(
        f"/api/v1/campaigns/{campaign_id}/brief",
        params={"date": DAY.isoformat(), "format": "text", "lang": "en"},
        headers=admin,
    ).text
    assert "50% of the focus hours: 3 of 6 h." in english

    # the closing report: the whole campaign, 100 nights
    report = client.get(
        f"/api/v1/campaigns/{campaign_id}/report", params={"format": "json"}, headers=admin
    ).json()
    lines = [line for section in report["sections"] for line in section["lines"]]
    seen = [line for line in lines if "重点时段见警率" in line["text"]]
    assert len(seen) == 1
    assert "600小时中3小时有警力在场" in seen[0]["text"]
    whole_campaign = client.get(seen[0]["link"], headers=admin).json()
    assert whole_campaign["figures"]["hours"] == 600
    assert whole_campaign["figures"]["seen_hours"] == 3
    assert math.isclose(3 / 600, 0.005)


def test_no_positions_means_no_value(units_seeded: Settings) -> None:
    client = seeded_client(units_seeded)
    chief = token_for(client, units_seeded, "chief_a")
    owner = _owner(units_seeded)
    created = client.post(
        "/api/v1/campaigns",
        json={
            "name": "夜市巡防",
            "from": "2026-06-01",
            "to": "2026-06-30",
            "jurisdictions": [owner],
            "focus_places": [
                {
                    "name": "东街夜市",
                    "lat": PLACE[0],
                    "lon": PLACE[1],
                    "hours_from": "20:00",
                    "hours_to": "02:00",
                }
            ],
            "targets": [
                {
                    "jurisdiction": owner,
                    "figure": "focus_visibility",
                    "direction": ">=",
                    "value": 0.5,
                }
            ],
        },
        headers=token_for(client, units_seeded, "admin"),
    )
    assert created.status_code == 201, created.text
    found = client.get(
        f"/api/v1/campaigns/{created.json()['id']}/progress",
        params={"as_of": "2026-06-20"},
        headers=token_for(client, units_seeded, "admin"),
    ).json()
    (row,) = found["targets"]
    assert row["value"] is None
    assert row["interval"] is None
    assert "no unit reported a position" in row["interval_reason"]
    assert row["verdict"] is None
    assert chief
