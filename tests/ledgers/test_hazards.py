"""Inspections and hazards: a failed item becomes a hazard due by its severity, on-the-spot
corrections, the phone form's idempotent send, closing only on a passing re-inspection
(else 409), escalation, `pingan ledgers overdue --json`, photos, recurring patrols."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from ledgers_helpers import IN_A, cli_env, invoke

from pingan.config import Settings
from support.app import seeded_client, token_for

Officer = tuple[TestClient, dict[str, str], int]


@pytest.fixture
def officer(settings: Settings) -> Officer:
    client = seeded_client(settings)
    headers = token_for(client, settings, "fire_a")
    site = {"code": "KTV-1", "name": "金嗓子KTV", "category": "ktv", "lat": IN_A[0],
            "lon": IN_A[1], "opening_hours": "14:00-02:00"}  # fmt: skip
    response = client.post("/api/v1/ledgers/sites", headers=headers, json=site)
    assert response.status_code == 201, response.text
    assert response.json()["jurisdiction_code"] == "station-a"  # from the point
    return client, headers, response.json()["id"]


def _inspect(
    officer: Officer, items: list[dict[str, Any]], key: str | None = None, **extra: Any
) -> Any:
    client, headers, site_id = officer
    body = {
        "site_id": site_id,
        "kind": "check",
        "inspectors": ["消防专干", "东街民警"],
        "lat": IN_A[0],
        "lon": IN_A[1],
        "signature": "王经理",
        "items": items,
    }
    more = {"Idempotency-Key": key} if key else {}
    return client.post("/api/v1/ledgers/inspections", headers=headers | more, json=body | extra)


def _hazard(officer: Officer, hazard_id: int) -> dict[str, Any]:
    client, headers, _ = officer
    found: dict[str, Any] = client.get(
        f"/api/v1/ledgers/hazards/{hazard_id}", headers=headers
    ).json()
    return found


def test_a_failed_item_becomes_a_hazard_due_by_its_severity(officer: Officer) -> None:
    at = datetime.fromisoformat("2026-07-01T20:00:00+08:00")
    response = _inspect(
        officer,
        [
            {"code": "EV-01", "result": "failed", "note": "后门上锁", "severity": "major"},
            {"code": "EQ-01", "result": "failed", "corrected_on_spot": True},
            {"code": "EV-02", "result": "passed"},
            {"code": "VN-02", "result": "not_applicable"},
        ],
        at=at.isoformat(),
    )
    assert response.status_code == 201, response.text
    (hazard_id,) = response.json()["hazards"]  # the on-the-spot correction opens none
    hazard = _hazard(officer, hazard_id)
    assert (hazard["item_code"], hazard["severity"]) == ("EV-01", "major")
    assert hazard["deadline"].startswith("2026-08-30T12:00")  # 60 days for a major hazard
    assert (hazard["status"], hazard["days_overdue"]) == (
        "overdue",
        (datetime.now().astimezone() - datetime.fromisoformat(hazard["deadline"])).days,
    )


def test_the_phone_form_sends_once_with_an_idempotency_key(officer: Officer) -> None:
    client, headers, site_id = officer
    items = [{"code": "EV-01", "result": "failed"}]
    first = _inspect(officer, items, key="draft-0001-abcdef")
    again = _inspect(officer, items, key="draft-0001-abcdef")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    history = client.get(f"/api/v1/ledgers/sites/{site_id}/inspections", headers=headers).json()
    assert len(history) == 1
    assert len(client.get("/api/v1/ledgers/hazards", headers=headers).json()) == 1


def test_a_hazard_closes_only_when_a_new_inspection_passes_its_item(officer: Officer) -> None:
    client, headers, _site_id = officer
    first = _inspect(officer, [{"code": "EB-01", "result": "failed", "note": "楼道充电"}])
    hazard_id = first.json()["hazards"][0]
    close = client.post(f"/api/v1/ledgers/hazards/{hazard_id}/close", headers=headers)
    assert close.status_code == 409
    assert "passes its item" in close.json()["detail"]
    # a re-inspection that finds it not corrected: new deadline, escalated to the chief
    later = (datetime.now().astimezone() + timedelta(minutes=5)).isoformat()
    failed = _inspect(officer, [{"code": "EB-01", "result": "failed"}], kind="reinspection",
                      at=later)  # fmt: skip
    corrected = {"outcome": "corrected", "inspection_id": failed.json()["id"]}
    url = f"/api/v1/ledgers/hazards/{hazard_id}/reinspection"
    assert client.post(url, headers=headers, json=corrected).status_code == 409
    kept = client.post(url, headers=headers, json=corrected | {"outcome": "not_corrected"})
    assert kept.status_code == 200, kept.text
    assert (kept.json()["status"], kept.json()["escalated"]) == ("rectifying", True)
    assert [e["action"] for e in kept.json()["events"]] == ["create", "reinspect", "escalate"]
    # a later inspection passes the item: now it closes
    passing = (datetime.now().astimezone() + timedelta(minutes=10)).isoformat()
    passed = _inspect(officer, [{"code": "EB-01", "result": "passed"}], kind="reinspection",
                      at=passing)  # fmt: skip
    corrected["inspection_id"] = passed.json()["id"]
    done = client.post(url, headers=headers, json=corrected)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "closed"
    again = client.post(f"/api/v1/ledgers/hazards/{hazard_id}/close", headers=headers)
    assert again.status_code == 409


def test_earlier_violations_are_shown_at_a_follow_up(officer: Officer) -> None:
    client, headers, site_id = officer
    _inspect(officer, [{"code": "DR-01", "result": "failed", "note": "防火门常开"},
                       {"code": "EV-02", "result": "passed"}])  # fmt: skip
    checklist = client.get(f"/api/v1/ledgers/sites/{site_id}/checklist", headers=headers).json()
    assert [v["code"] for v in checklist["earlier_violations"]] == ["DR-01"]
    codes = [i["code"] for i in checklist["items"]]
    assert "VN-01" in codes
    assert "CR-01" not in codes
    assert all(i["rule"] for i in checklist["items"])


def test_an_item_not_on_the_checklist_or_not_correctable_on_the_spot_is_refused(
    officer: Officer,
) -> None:
    bad = _inspect(officer, [{"code": "CR-01", "result": "passed"}])
    assert bad.status_code == 422
    spot = _inspect(officer, [{"code": "EV-02", "result": "failed", "corrected_on_spot": True}])
    assert spot.status_code == 422
    assert "on the spot" in spot.text


def test_overdue_hazards_on_the_command_line(
    officer: Officer, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    long_ago = datetime.now().astimezone() - timedelta(days=20, hours=1)
    _inspect(officer, [{"code": "EQ-02", "result": "failed"}], at=long_ago.isoformat())
    _inspect(officer, [{"code": "EV-01", "result": "failed", "severity": "major"}])  # not yet due
    with cli_env(settings, monkeypatch) as runner:
        result = invoke(runner, "ledgers", "overdue", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [(r["site"], r["severity"], r["days_overdue"]) for r in rows] == [
        ("金嗓子KTV", "ordinary", 5)  # 15-day deadline, found 20 days ago
    ]
    client, headers, _ = officer
    home = client.get("/api/v1/ledgers/home", headers=headers).json()
    assert home["overdue_count"] == 1
    assert [h["item_code"] for h in home["major_hazards"]] == ["EV-01"]
    chief = token_for(client, settings, "chief_a")
    figures = client.get("/api/v1/ledgers/figures", headers=chief).json()
    assert (figures["hazards_found"], figures["hazards_overdue"]) == (2, 1)


def test_photos_are_checked_as_incident_photos(officer: Officer, settings: Settings) -> None:
    client, headers, _ = officer
    inspection_id = _inspect(officer, [{"code": "EV-02", "result": "passed"}]).json()["id"]
    url = f"/api/v1/ledgers/inspections/{inspection_id}/photos"
    fake = client.post(url, headers=headers, files={"photo": ("a.jpg", b"<svg/>", "image/jpeg")})
    assert fake.status_code == 422
    assert "JPEG, PNG or WebP" in fake.text
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    stored = client.post(url, headers=headers, files={"photo": ("a.png", png, "image/png")})
    assert stored.status_code == 201
    assert stored.json() == {"photos": 1}
    assert (Path(settings.data_dir) / "ledger-photos" / str(inspection_id) / "1.png").exists()


def test_a_recurring_patrol_is_one_task_with_overdue_occurrences(officer: Officer) -> None:
    client, headers, site_id = officer
    start = datetime.now().astimezone() - timedelta(hours=7)
    body = {"site_id": site_id, "kind": "patrol", "starts_at": start.isoformat()}
    task = client.post("/api/v1/ledgers/tasks", headers=headers, json=body)
    assert task.status_code == 201, task.text
    assert task.json()["interval_h"] == 2  # a public venue: every 2 h while open
    _inspect(officer, [{"code": "EV-01", "result": "passed"}], kind="patrol",
             task_id=task.json()["id"], at=(start + timedelta(hours=1)).isoformat())  # fmt: skip
    shown = client.get(f"/api/v1/ledgers/tasks/{task.json()['id']}", headers=headers).json()
    statuses = [o["status"] for o in shown["occurrences"]]
    assert statuses[:3] == ["done", "overdue", "overdue"]
    assert shown["overdue"] == 2


def test_another_station_sees_nothing_and_cannot_write(
    officer: Officer, settings: Settings
) -> None:
    client, _, site_id = officer
    chief_b = token_for(client, settings, "chief_b")
    assert client.get(f"/api/v1/ledgers/sites/{site_id}", headers=chief_b).status_code == 404
    chief_a = token_for(client, settings, "chief_a")
    assert client.get(f"/api/v1/ledgers/sites/{site_id}", headers=chief_a).status_code == 200
    body = {"site_id": site_id, "inspectors": ["x"], "signature": "x",
            "items": [{"code": "EV-01", "result": "passed"}]}  # fmt: skip
    assert client.post("/api/v1/ledgers/inspections", headers=chief_a, json=body).status_code == 403


def test_training_and_drills_with_photos_and_compliance(officer: Officer) -> None:
    client, headers, site_id = officer
    before = {
        c["site_id"]: c for c in client.get("/api/v1/ledgers/compliance", headers=headers).json()
    }
    assert before[site_id]["drill_ok"] is False  # never drilled
    held = datetime.now().astimezone().date() - timedelta(days=30)
    body = {"site_id": site_id, "held_on": held.isoformat(), "kind": "evacuation_drill",
            "attendees": "全体员工", "attendee_count": 24, "duration_min": 45}  # fmt: skip
    session = client.post("/api/v1/ledgers/training", headers=headers, json=body)
    assert session.status_code == 201, session.text
    url = f"/api/v1/ledgers/training/{session.json()['id']}/photos"
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    assert client.post(
        url, headers=headers, files={"photo": ("d.png", png, "image/png")}
    ).json() == {"photos": 1}
    assert (
        client.post(
            url, headers=headers, files={"photo": ("d.gif", b"GIF89a", "image/gif")}
        ).status_code
        == 422
    )
    after = {
        c["site_id"]: c for c in client.get("/api/v1/ledgers/compliance", headers=headers).json()
    }
    assert after[site_id]["drill_ok"] is True
    assert (
        after[site_id]["drill_due_on"] == (held + timedelta(days=365)).isoformat()
    )  # a KTV: yearly
    listed = client.get(f"/api/v1/ledgers/sites/{site_id}/training", headers=headers).json()
    assert [(s["kind"], s["attendee_count"], s["photos"]) for s in listed] == [
        ("evacuation_drill", 24, 1)
    ]


def test_every_change_of_a_hazard_is_audited(officer: Officer, settings: Settings) -> None:
    client, headers, _ = officer
    hazard_id = _inspect(officer, [{"code": "EQ-01", "result": "failed"}]).json()["hazards"][0]
    url = f"/api/v1/ledgers/hazards/{hazard_id}"
    plan = {
        "measures": "更换灭火器",
        "department": "物业",
        "funding": "5000元",
        "status": "rectifying",
    }
    assert client.patch(url, headers=headers, json=plan).status_code == 200
    assert client.post(f"{url}/close", headers=headers).status_code == 409
    auditor = token_for(client, settings, "auditor")
    events = client.get("/api/v1/audit", headers=auditor, params={"limit": 1000}).json()
    about = [e["action"] for e in events if e["object_type"] == "ledger_hazard"]
    assert sorted(about) == sorted(
        ["ledger.hazard.create", "ledger.hazard.update", "ledger.hazard.rectifying"]
    )
    hazard = client.get(url, headers=headers).json()
    assert (hazard["measures"], hazard["stage"], hazard["status"]) == (
        "更换灭火器",
        "rectifying",
        "rectifying",
    )
    assert [e["action"] for e in hazard["events"]] == ["create", "update", "rectifying"]
