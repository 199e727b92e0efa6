"""Outreach (反诈宣传): the ledger of stalls and talks and its weekly figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pingan.config import Settings
from support.app import seeded_client, token_for

URL = "/api/v1/antifraud/outreach"


def _stall(**extra: Any) -> dict[str, Any]:
    return {
        "kind": "stall",
        "venue": "night_market",
        "place_text": "夜市东口",
        "jurisdiction_code": "station-a",
        "starts_at": "2026-12-01T19:00:00+08:00",
        "ends_at": "2026-12-01T21:30:00+08:00",
        "staff": 2,
        "volunteers": 5,
        "people_reached": 340,
        "leaflets": 500,
        "app_registrations": 61,
        "clues": 2,
    } | extra


def _monday_two_weeks_ago(settings: Settings) -> datetime:
    local = datetime.now(UTC).astimezone(ZoneInfo(settings.time_zone)) - timedelta(weeks=2)
    start = local - timedelta(days=local.weekday())
    return start.replace(hour=0, minute=0, second=0, microsecond=0)


def _week(at: datetime) -> str:
    year, week, _ = at.isocalendar()
    return f"{year}-W{week:02d}"


def _at(base: datetime, days: int, hour: int, hours: int = 2) -> dict[str, str]:
    start = base + timedelta(days=days, hours=hour)
    return {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=hours)).isoformat()}


def test_stalls_sum_by_station_and_week(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "antifraud_a")
    monday = _monday_two_weeks_ago(settings)
    first = client.post(URL, headers=officer, json=_stall(**_at(monday, 1, 19)))
    assert first.status_code == 201, first.text
    assert (first.json()["jurisdiction_code"], first.json()["people_reached"]) == ("station-a", 340)
    talk = _stall(kind="talk", venue="school", people_reached=120, leaflets=0,
                  app_registrations=80, clues=0, **_at(monday, 3, 9, hours=1))  # fmt: skip
    assert client.post(URL, headers=officer, json=talk).status_code == 201
    next_week = _stall(**_at(monday, 8, 19))
    assert client.post(URL, headers=officer, json=next_week).status_code == 201
    rows = client.get(f"{URL}/figures", headers=officer).json()  # the last 8 weeks
    assert rows == [
        {"station": "station-a", "week": _week(monday), "events": 2, "people_reached": 460,
         "leaflets": 500, "app_registrations": 141, "clues": 2},
        {"station": "station-a", "week": _week(monday + timedelta(days=8)), "events": 1,
         "people_reached": 340,
         "leaflets": 500, "app_registrations": 61, "clues": 2},
    ]  # fmt: skip
    ledger = client.get(URL, headers=officer).json()
    assert [e["people_reached"] for e in ledger] == [340, 120, 340]  # newest first
    chief_b = token_for(client, settings, "chief_b")
    assert client.get(URL, headers=chief_b).json() == []


def test_bad_outreach_is_refused(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "antifraud_a")
    backwards = _stall(ends_at="2026-12-01T18:00:00+08:00")
    assert "ends before it starts" in client.post(URL, headers=officer, json=backwards).text
    naive = _stall(starts_at="2026-12-01T19:00:00")
    assert client.post(URL, headers=officer, json=naive).status_code == 422
    ancient = _stall(starts_at="0001-01-01T00:00:00+08:00")
    assert client.post(URL, headers=officer, json=ancient).status_code == 422
    foreign = client.post(URL, headers=officer, json=_stall(jurisdiction_code="station-b"))
    assert foreign.status_code == 404
    negative = client.post(URL, headers=officer, json=_stall(leaflets=-1))
    assert negative.status_code == 422
    citizen = token_for(client, settings, "citizen")
    assert client.post(URL, headers=citizen, json=_stall()).status_code == 403
