"""Warnings (预警): intake, masking and audit, jurisdiction, lifecycle and the queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from pingan.antifraud import intake
from pingan.antifraud.models import Tier, WarningSource
from pingan.audit.models import AuditEvent
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from pingan.jurisdictions import service as jurisdictions
from support.app import seeded_client, token_for

URL = "/api/v1/antifraud/warnings"
SAFE_ACCOUNT = "公安局的人打电话说我涉嫌洗钱，让我把存款转到安全账户，我正在去银行转账"


def _manual(client: TestClient, headers: dict[str, str], **extra: Any) -> dict[str, Any]:
    body = {"tier": "red", "fraud_type": "impersonating_officials"} | extra
    response = client.post(URL, headers=headers, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _audited_reads(settings: Settings, warning_id: int) -> int:
    engine = make_engine(settings.database_url)
    with unit_of_work(make_session_factory(engine)) as db_session:
        n = db_session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.action == "personal_data.read",
                AuditEvent.object_type == "fraud_warning",
                AuditEvent.object_id == str(warning_id),
            )
        )
    engine.dispose()
    return int(n or 0)


def test_red_warning_is_due_in_ten_minutes_and_masked_for_the_admin(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "antifraud_a")
    made = _manual(client, officer, target_name="张三丰", target_phone="13812345678")
    created = datetime.fromisoformat(made["created_at"])
    assert datetime.fromisoformat(made["due_at"]) - created == timedelta(minutes=10)
    assert (made["status"], made["source"], made["jurisdiction_code"]) == (
        "new",
        "manual",
        "station-a",
    )
    # the desk sees the person whole, and that read is audited
    assert (made["target_name"], made["target_phone"]) == ("张三丰", "13812345678")
    before = _audited_reads(settings, made["id"])
    assert before >= 1
    client.get(f"{URL}/{made['id']}", headers=officer)
    assert _audited_reads(settings, made["id"]) == before + 1
    # the admin may read warnings but not the person's data: masked through redact
    admin = token_for(client, settings, "admin")
    seen = client.get(f"{URL}/{made['id']}", headers=admin).json()
    assert (seen["target_name"], seen["target_phone"]) == ("张**", "138****5678")
    assert _audited_reads(settings, made["id"]) == before + 1


def test_orange_is_due_in_two_hours_and_a_screened_situation_sets_the_tier(
    settings: Settings,
) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "antifraud_a")
    orange = _manual(client, officer, tier="orange")
    due = datetime.fromisoformat(orange["due_at"]) - datetime.fromisoformat(orange["created_at"])
    assert due == timedelta(hours=2)
    screened = client.post(URL, headers=officer, json={"situation": SAFE_ACCOUNT})
    assert screened.status_code == 201, screened.text
    assert (screened.json()["tier"], screened.json()["source"]) == ("red", "screening")
    harmless = "水电费账单出来了，物业在业主群里发了缴费通知，让大家在官方生活缴费里交"
    refused = client.post(URL, headers=officer, json={"situation": harmless})
    assert refused.status_code == 422
    assert "only red and orange" in refused.text
    assert client.post(URL, headers=officer, json={}).status_code == 422


def test_another_stations_warning_looks_missing(settings: Settings) -> None:
    client = seeded_client(settings)
    made = _manual(client, token_for(client, settings, "antifraud_a"))
    chief_b = token_for(client, settings, "chief_b")
    assert client.get(f"{URL}/{made['id']}", headers=chief_b).status_code == 404
    assert client.post(f"{URL}/{made['id']}/assign", headers=chief_b).status_code == 404
    assert client.get(URL, headers=chief_b).json()["items"] == []
    chief_a = token_for(client, settings, "chief_a")
    assert [w["id"] for w in client.get(URL, headers=chief_a).json()["items"]] == [made["id"]]
    # a desk officer of station A cannot file into station B
    refused = client.post(
        URL,
        headers=token_for(client, settings, "antifraud_a"),
        json={"tier": "red", "jurisdiction_code": "station-b"},
    )
    assert refused.status_code == 404
    citizen = token_for(client, settings, "citizen")
    assert client.get(URL, headers=citizen).status_code == 403


def test_lifecycle_order_and_payment_stopped(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "antifraud_a")
    wid = _manual(client, officer)["id"]
    phone = {"channel": "phone", "reached": True, "note": "已电话联系本人"}
    stopped = {"outcome": "payment_stopped", "amount_yuan": 20_000}
    assert client.post(f"{URL}/{wid}/contacts", headers=officer, json=phone).status_code == 409
    assert client.post(f"{URL}/{wid}/outcome", headers=officer, json=stopped).status_code == 409
    assert client.post(f"{URL}/{wid}/assign", headers=officer).json()["status"] == "assigned"
    contacted = client.post(f"{URL}/{wid}/contacts", headers=officer, json=phone).json()
    assert contacted["status"] == "contacting"
    assert contacted["first_contact_at"] == contacted["contacts"][0]["at"]
    assert client.post(f"{URL}/{wid}/assign", headers=officer).status_code == 409
    no_amount = client.post(
        f"{URL}/{wid}/outcome", headers=officer, json={"outcome": "payment_stopped"}
    )
    assert no_amount.status_code == 422
    assert "amount" in no_amount.text
    closed = client.post(f"{URL}/{wid}/outcome", headers=officer, json=stopped).json()
    assert (closed["status"], closed["outcome"], closed["amount_yuan"]) == (
        "closed",
        "payment_stopped",
        20_000,
    )
    assert client.post(f"{URL}/{wid}/contacts", headers=officer, json=phone).status_code == 409
    assert client.get(URL, headers=officer).json()["items"] == []
    assert [w["id"] for w in client.get(URL, headers=officer, params={"closed": True}).json()[
        "items"
    ]] == [wid]  # fmt: skip


def test_unreachable_then_visit_then_already_lost_files_an_incident(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "antifraud_a")
    wid = _manual(client, officer, situation=SAFE_ACCOUNT, target_name="李四")["id"]
    client.post(f"{URL}/{wid}/assign", headers=officer)
    missed = {"channel": "phone", "reached": False, "note": "无人接听"}
    client.post(f"{URL}/{wid}/contacts", headers=officer, json=missed)
    lost = {"outcome": "already_lost", "amount_yuan": 50_000}
    refused = client.post(f"{URL}/{wid}/outcome", headers=officer, json=lost)
    assert refused.status_code == 409  # nobody reached yet
    escalated = client.post(
        f"{URL}/{wid}/outcome", headers=officer, json={"outcome": "unreachable"}
    ).json()
    assert (escalated["status"], escalated["visit_required"]) == ("contacting", True)
    assert escalated["first_contact_at"] is None
    visit = {"channel": "in_person", "reached": True}
    client.post(f"{URL}/{wid}/contacts", headers=officer, json=visit)
    closed = client.post(f"{URL}/{wid}/outcome", headers=officer, json=lost).json()
    assert (closed["status"], closed["outcome"]) == ("closed", "already_lost")
    incident = client.get(
        f"/api/v1/incidents/{closed['incident_id']}", headers=token_for(client, settings, "chief_a")
    )
    assert incident.status_code == 200, incident.text
    body = incident.json()
    assert (body["type"], body["fraud_type"]) == ("fraud", "impersonating_officials")
    assert body["jurisdiction_code"] == "station-a"
    assert "50000" in body["description"]


def test_queue_puts_overdue_first_then_tier_then_due_time(settings: Settings) -> None:
    client = seeded_client(settings)
    now = datetime.now(UTC)
    engine = make_engine(settings.database_url)
    ids: dict[str, int] = {}
    with unit_of_work(make_session_factory(engine)) as db_session:
        station = jurisdictions.get_by_code(db_session, "station-a").id
        for name, tier, ago in (
            ("orange_now", Tier.orange, timedelta(0)),
            ("red_now", Tier.red, timedelta(0)),
            ("yellow_overdue", Tier.yellow, timedelta(days=3)),
            ("red_earlier", Tier.red, timedelta(minutes=1)),
        ):
            data = intake.WarningInput(station, tier, WarningSource.manual)
            warning = intake.add_warning(
                db_session, settings, data, created_by_id=None, now=now - ago
            )
            ids[name] = warning.id
    engine.dispose()
    queue = client.get(URL, headers=token_for(client, settings, "antifraud_a")).json()
    order = ["yellow_overdue", "red_earlier", "red_now", "orange_now"]
    assert [w["id"] for w in queue["items"]] == [ids[n] for n in order]
    assert queue["overdue"] == 1
    assert [w["overdue"] for w in queue["items"]] == [True, False, False, False]


def _chat_report(client: TestClient, settings: Settings, text: str, station: str) -> int:
    message = client.post(
        "/api/v1/chat/messages",
        headers=token_for(client, settings, "admin"),
        json={"sent_at": "2026-12-04T21:14:00+08:00", "text": text, "jurisdiction_code": station},
    )
    assert message.status_code == 201, message.text
    incident_id: int = message.json()["incident_id"]
    return incident_id


def test_a_fraud_report_from_chat_is_lifted_into_a_warning_once(settings: Settings) -> None:
    client = seeded_client(settings)
    fraud = _chat_report(client, settings, "我被刷单骗了1.5万，对方还让我继续垫付", "station-a")
    theft = _chat_report(client, settings, "我的电动车在小区楼下被偷了", "station-a")
    foreign = _chat_report(client, settings, "我被刷单骗了2万", "station-b")
    officer = token_for(client, settings, "antifraud_a")
    lifted = client.post(f"{URL}/from-report/{fraud}", headers=officer)
    assert lifted.status_code == 201, lifted.text
    body = lifted.json()
    assert (body["source"], body["source_incident_id"], body["fraud_type"]) == (
        "report",
        fraud,
        "rebate_task",
    )
    assert body["tier"] in {"red", "orange"}
    assert client.post(f"{URL}/from-report/{fraud}", headers=officer).status_code == 409
    not_fraud = client.post(f"{URL}/from-report/{theft}", headers=officer)
    assert not_fraud.status_code == 422
    assert client.post(f"{URL}/from-report/{foreign}", headers=officer).status_code == 404
    assert client.post(f"{URL}/from-report/999999", headers=officer).status_code == 404
