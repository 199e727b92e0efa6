"""Duty records after GB 25506: one person on duty, a late alarm, manual mode, an
unreported fault, an uncertified operator and a gap in the log are flagged."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from ledgers_helpers import IN_A, workbook_bytes

from pingan.config import Settings
from support.app import seeded_client, token_for

START = datetime.fromisoformat("2026-07-10T08:00:00+08:00")


def _room(client: TestClient, headers: dict[str, str]) -> None:
    site = {"code": "MALL-1", "name": "东街商场", "category": "mall", "lat": IN_A[0],
            "lon": IN_A[1], "jurisdiction_code": "station-a", "key_unit": True}  # fmt: skip
    assert client.post("/api/v1/ledgers/sites", headers=headers, json=site).status_code == 201
    room = {
        "code": "CR-1",
        "site_code": "MALL-1",
        "location": "B1",
        "systems": {"alarm_controller": {"mode": "auto"}, "sprinkler_pump": {"mode": "auto"}},
        "operators": [
            {
                "name": "王伟",
                "certificate_no": "C-100",
                "level": "四级",
                "expires_on": "2027-05-01",
            },
            {
                "name": "李静",
                "certificate_no": "C-101",
                "level": "四级",
                "expires_on": "2027-05-01",
            },
            {
                "name": "赵敏",
                "certificate_no": "C-102",
                "level": "四级",
                "expires_on": "2026-06-30",
            },
        ],
    }
    response = client.post("/api/v1/ledgers/control-rooms", headers=headers, json=room)
    assert response.status_code == 201, response.text


def _shift(**changes: Any) -> dict[str, Any]:
    entries = [(START + timedelta(hours=h)).isoformat() for h in (1.5, 3.5, 5.5, 7.5)]
    shift = {
        "control_room_code": "CR-1",
        "starts_at": START.isoformat(),
        "ends_at": (START + timedelta(hours=8)).isoformat(),
        "on_duty": [
            {"name": "王伟", "certificate_no": "C-100"},
            {"name": "李静", "certificate_no": "C-101"},
        ],
        "systems": {
            "alarm_controller": {"mode": "auto", "state": "normal"},
            "sprinkler_pump": {"mode": "auto", "state": "normal"},
        },
        "daily_check": {
            "self_test": True,
            "silence": True,
            "reset": True,
            "main_power": True,
            "backup_power": True,
        },
        "entries": entries,
        "alarms": [],
    }
    return shift | changes


def _alarm(confirmed_after_s: int | None, nature: str = "false_alarm") -> dict[str, Any]:
    received = START + timedelta(hours=2)
    return {
        "received_at": received.isoformat(),
        "confirmed_at": None
        if confirmed_after_s is None
        else (received + timedelta(seconds=confirmed_after_s)).isoformat(),
        "nature": nature,
        "location": "3F 东侧",
        "cause": "烟感误报",
        "handling": "复位",
    }


@pytest.fixture
def officer(settings: Settings) -> tuple[TestClient, dict[str, str]]:
    client = seeded_client(settings)
    headers = token_for(client, settings, "fire_a")
    _room(client, headers)
    return client, headers


def _flags(officer: tuple[TestClient, dict[str, str]], shift: dict[str, Any]) -> list[str]:
    client, headers = officer
    response = client.post("/api/v1/ledgers/shifts", headers=headers, json=shift)
    assert response.status_code == 201, response.text
    flags: list[str] = response.json()["flags"]
    return flags


def test_a_proper_shift_is_not_flagged(officer: tuple[TestClient, dict[str, str]]) -> None:
    assert _flags(officer, _shift(alarms=[_alarm(120)])) == []


def test_a_shift_with_one_person_on_duty_is_flagged(
    officer: tuple[TestClient, dict[str, str]],
) -> None:
    one = _shift(on_duty=[{"name": "王伟", "certificate_no": "C-100"}])
    assert _flags(officer, one) == ["understaffed"]


def test_an_alarm_confirmed_after_five_minutes_is_flagged(
    officer: tuple[TestClient, dict[str, str]],
) -> None:
    assert _flags(officer, _shift(alarms=[_alarm(300)])) == ["alarm_confirmed_late"]
    assert _flags(officer, _shift(alarms=[_alarm(None)])) == ["alarm_confirmed_late"]
    assert _flags(officer, _shift(alarms=[_alarm(179)])) == []


def test_the_confirmation_limit_is_a_setting(settings: Settings) -> None:
    client = seeded_client(settings.model_copy(update={"ledger_alarm_confirm_limit_s": 600}))
    headers = token_for(client, settings, "fire_a")
    _room(client, headers)
    assert _flags((client, headers), _shift(alarms=[_alarm(300)])) == []


def test_uncertified_and_expired_operators_are_flagged(
    officer: tuple[TestClient, dict[str, str]],
) -> None:
    stranger = _shift(on_duty=[{"name": "王伟", "certificate_no": "C-100"}, {"name": "路人"}])
    assert _flags(officer, stranger) == ["uncertified"]
    expired = _shift(on_duty=[{"name": "王伟", "certificate_no": "C-100"},
                              {"name": "赵敏", "certificate_no": "C-102"}])  # fmt: skip
    assert _flags(officer, expired) == ["certificate_expired"]


def test_manual_mode_unreported_fault_and_a_gap_in_the_log_are_flagged(
    officer: tuple[TestClient, dict[str, str]],
) -> None:
    manual = _shift(systems={"sprinkler_pump": {"mode": "manual", "state": "normal"}})
    assert _flags(officer, manual) == ["manual_mode"]
    fault = _alarm(60, "fault")
    assert _flags(officer, _shift(alarms=[fault])) == ["fault_not_reported"]
    assert _flags(officer, _shift(alarms=[fault | {"reported": True}])) == []
    broken = _shift(systems={"alarm_controller": {"mode": "auto", "state": "fault"}})
    assert _flags(officer, broken) == ["fault_not_reported"]
    gap = _shift(entries=[(START + timedelta(hours=1)).isoformat()])
    assert _flags(officer, gap) == ["entries_gap"]


def test_a_shift_longer_than_eight_hours_is_refused(
    officer: tuple[TestClient, dict[str, str]],
) -> None:
    client, headers = officer
    long = _shift(ends_at=(START + timedelta(hours=9)).isoformat())
    response = client.post("/api/v1/ledgers/shifts", headers=headers, json=long)
    assert response.status_code == 422
    assert "8 hours" in response.text


def test_flagged_rooms_and_masked_names_for_the_chief(
    officer: tuple[TestClient, dict[str, str]], settings: Settings
) -> None:
    client, headers = officer
    now = datetime.now().astimezone()
    recent = _shift(
        starts_at=(now - timedelta(days=1)).isoformat(),
        ends_at=(now - timedelta(days=1) + timedelta(hours=8)).isoformat(),
        entries=[(now - timedelta(days=1) + timedelta(hours=h)).isoformat() for h in (2, 4, 6)],
        on_duty=[{"name": "王伟", "certificate_no": "C-100"}],
    )
    assert _flags(officer, recent) == ["understaffed"]
    home = client.get("/api/v1/ledgers/home", headers=headers).json()
    assert [(r["control_room_code"], r["flags"]) for r in home["flagged_rooms"]] == [
        ("CR-1", ["understaffed"])
    ]
    admin = token_for(client, settings, "admin")
    room_id = home["flagged_rooms"][0]["control_room_id"]
    shifts = client.get(f"/api/v1/ledgers/control-rooms/{room_id}/shifts", headers=admin).json()
    assert shifts[0]["on_duty"][0]["name"] == "王**"
    mine = client.get(f"/api/v1/ledgers/control-rooms/{room_id}/shifts", headers=headers).json()
    assert mine[0]["on_duty"][0]["name"] == "王伟"


def test_duty_records_are_imported_from_a_workbook_and_flagged(
    officer: tuple[TestClient, dict[str, str]],
) -> None:
    client, headers = officer
    header = ("control_room_code", "starts_at", "ends_at", "on_duty", "entries",
              "alarm_received_at", "alarm_confirmed_at")  # fmt: skip
    good = ("CR-1", "2026-07-10 08:00", "2026-07-10 16:00", "王伟:C-100;李静:C-101",
            "09:30;11:30;13:30;15:30", "", "")  # fmt: skip
    alone = ("CR-1", "2026-07-10 16:00", "2026-07-11 00:00", "王伟:C-100",
             "17:30;19:30;21:30;23:30", "2026-07-10 18:00", "2026-07-10 18:06")  # fmt: skip
    url = "/api/v1/ledgers/import/shifts"
    bad = ("CR-1", "2026-07-11 00:00", "2026-07-11 08:00", "王伟:C-100;李静:C-101", "1.30", "", "")
    files = {"file": ("duty.xlsx", workbook_bytes({"shifts": [header, good, alone, bad]}), "x")}
    refused = client.post(url, headers=headers, files=files)
    assert refused.status_code == 422
    assert "sheet shifts, line 4, column entries" in refused.json()["detail"]
    files = {"file": ("duty.xlsx", workbook_bytes({"shifts": [header, good, alone]}), "x")}
    response = client.post(url, headers=headers, files=files)
    assert response.status_code == 201, response.text
    rooms = client.get("/api/v1/ledgers/control-rooms", headers=headers).json()
    shifts = client.get(
        f"/api/v1/ledgers/control-rooms/{rooms[0]['id']}/shifts", headers=headers
    ).json()
    assert [(s["starts_at"][:16], s["flags"]) for s in shifts] == [
        ("2026-07-10T08:00", ["understaffed", "alarm_confirmed_late"]),  # 16:00 +08:00
        ("2026-07-10T00:00", []),
    ]
