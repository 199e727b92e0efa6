"""Drills (演练) over the real app: recorded with their teams and volunteers, read per
station, and per team the drills held and the mean time to assemble."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from pingan.audit.models import AuditEvent
from pingan.config import Settings
from pingan.db import make_engine
from support.app import seeded_client, token_for

API = "/api/v1/community"
BBQ = {
    "kind": "fight",
    "scenario": "烧烤街两桌食客酒后斗殴，一人持酒瓶伤人",
    "held_at": "2026-07-09T21:30:00+08:00",
    "jurisdiction_code": "grid-a1",
    "place_text": "东街烧烤一条街中段",
    "lat": 60.1699,
    "lon": 24.9384,
    "police_count": 4,
    "venue_staff_count": 6,
    "assemble_s": 180,
    "first_action_s": 95,
    "outcome": "3分钟内控制现场，伤者送医",
    "lessons": "红袖标队员应先疏散围观群众，再上前劝阻",
}


def _team(client: TestClient, headers: dict[str, str], name: str, station: str) -> int:
    response = client.post(
        f"{API}/teams", json={"station_code": station, "name": name}, headers=headers
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _volunteer(client: TestClient, headers: dict[str, str], name: str, station: str) -> int:
    body = {"station_code": station, "name": name, "phone": "13900001111"}
    response = client.post(f"{API}/volunteers", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _drill(client: TestClient, headers: dict[str, str], **changes: Any) -> Any:
    return client.post(f"{API}/drills", json=BBQ | changes, headers=headers)


def test_a_drill_is_recorded_with_its_teams_and_volunteers(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "officer_a")
    red = _team(client, officer, "东街红袖标", "station-a")
    volunteer = _volunteer(client, officer, "李红梅", "station-a")
    made = _drill(client, officer, team_ids=[red], volunteer_ids=[volunteer])
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["teams"] == [{"id": red, "name": "东街红袖标"}]
    assert body["volunteer_ids"] == [volunteer]
    assert (body["assemble_s"], body["first_action_s"], body["jurisdiction_code"]) == (
        180,
        95,
        "grid-a1",
    )
    assert body["lessons"] == BBQ["lessons"]
    assert body["simulated"] is False
    chief = token_for(client, settings, "chief_a")
    assert client.get(f"{API}/drills/{body['id']}", headers=chief).json() == body
    page = client.get(f"{API}/drills", headers=chief).json()
    assert page["total"] == 1
    chief_b = token_for(client, settings, "chief_b")
    assert client.get(f"{API}/drills/{body['id']}", headers=chief_b).status_code == 404
    assert client.get(f"{API}/drills", headers=chief_b).json()["total"] == 0


def test_per_team_drills_held_and_mean_time_to_assemble(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "officer_a")
    red = _team(client, officer, "东街红袖标", "station-a")
    firefly = _team(client, officer, "萤火虫夜巡队", "station-a")
    idle = _team(client, officer, "商户联防队", "station-a")
    fire = {"kind": "fire", "scenario": "KTV包厢起火，疏散顾客", "place_text": "东街18号KTV"}
    child = {"kind": "missing_person", "scenario": "夜市走失儿童", "place_text": "东街夜市"}
    for changes in (
        {"team_ids": [red], "assemble_s": 180},
        {"team_ids": [red, firefly], "assemble_s": 240} | fire,
        {"team_ids": [firefly], "assemble_s": 300} | child,
    ):
        assert _drill(client, officer, **changes).status_code == 201
    figures = client.get(f"{API}/drills/teams", headers=officer).json()
    by_team = {f["team_id"]: (f["drills"], f["mean_assemble_s"]) for f in figures}
    assert by_team == {red: (2, 210.0), firefly: (2, 270.0), idle: (0, None)}
    # a window narrows it: only the drills held from 10 July on (none here)
    later = client.get(
        f"{API}/drills/teams", params={"since": "2026-07-10T00:00:00+08:00"}, headers=officer
    ).json()
    assert {f["team_id"]: f["drills"] for f in later} == {red: 0, firefly: 0, idle: 0}
    assert (
        client.get(f"{API}/drills/teams", headers=token_for(client, settings, "chief_b")).json()
        == []
    )


def test_bad_drills_are_refused(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "officer_a")
    chief_b = token_for(client, settings, "chief_b")
    west_team = _team(client, chief_b, "西湖红袖标", "station-b")
    west_volunteer = _volunteer(client, chief_b, "王小军", "station-b")
    foreign_team = _drill(client, officer, team_ids=[west_team])
    assert foreign_team.status_code == 422
    assert foreign_team.json()["field"] == "team_ids"
    assert _drill(client, officer, volunteer_ids=[west_volunteer]).json()["field"] == (
        "volunteer_ids"
    )
    assert _drill(client, officer, jurisdiction_code="grid-b1").status_code == 404
    assert _drill(client, officer, jurisdiction_code="demo-sub").status_code == 422
    assert _drill(client, officer, held_at="2026-07-09T21:30:00").status_code == 422
    assert _drill(client, officer, assemble_s=-1).status_code == 422
    assert _drill(client, officer, scenario="").status_code == 422
    assert _drill(client, officer, lon=None).json()["field"] == "lat"
    analyst = token_for(client, settings, "analyst")
    assert _drill(client, analyst).status_code == 403
    assert client.get(f"{API}/drills", headers=officer).json()["total"] == 0


def test_personal_data_in_a_drills_texts_is_masked_and_whole_reads_audited(
    settings: Settings,
) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "officer_a")
    lessons = "联系人张三丰，电话13812345678，下次提前通知商户"
    drill = _drill(client, officer, lessons=lessons).json()
    # the writer reads it whole; the read is audited
    assert client.get(f"{API}/drills/{drill['id']}", headers=officer).json()["lessons"] == lessons
    assert _audits(settings, "drill.read_personal") >= 1
    # the analyst and the dispatcher get masks
    for username in ("analyst", "dispatcher_a"):
        read = client.get(
            f"{API}/drills/{drill['id']}", headers=token_for(client, settings, username)
        ).json()
        assert "13812345678" not in read["lessons"]
        assert "138****5678" in read["lessons"]
        assert "下次提前通知商户" in read["lessons"]


def _audits(settings: Settings, action: str) -> int:
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        value = conn.execute(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        ).scalar_one()
    engine.dispose()
    return int(value)
