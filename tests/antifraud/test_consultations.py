"""Consultations ("是不是诈骗？"): the answer at once, a red one warns the desk, rate limits."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from pingan.audit.models import AuditEvent
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from support.app import seeded_client, token_for

URL = "/api/v1/antifraud/consultations"
SAFE_ACCOUNT = "公安局的人打电话说我涉嫌洗钱，让我把存款转到安全账户，我正在去银行转账"
WATER_BILL = "水电费账单出来了，物业在业主群里发了缴费通知，让大家在官方生活缴费里交"


def test_anonymous_red_consultation_says_call_110_and_warns_the_desk(settings: Settings) -> None:
    client = seeded_client(settings)
    body = {"text": SAFE_ACCOUNT, "jurisdiction_code": "station-a", "callback_phone": "13912345678"}
    response = client.post(URL, json=body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["risk"], answer["call_110"], answer["desk_warned"]) == ("red", True, True)
    assert answer["advice"]["zh"]
    assert "id" not in answer  # nothing of the desk's record goes back to the citizen
    queue = client.get(
        "/api/v1/antifraud/warnings", headers=token_for(client, settings, "antifraud_a")
    ).json()
    (warning,) = queue["items"]
    assert (warning["tier"], warning["source"], warning["status"]) == ("red", "consultation", "new")
    assert warning["target_phone"] == "13912345678"
    assert warning["situation"] == SAFE_ACCOUNT
    due = datetime.fromisoformat(warning["due_at"]) - datetime.fromisoformat(warning["created_at"])
    assert due == timedelta(minutes=10)
    # the other station's desk does not see it
    chief_b = token_for(client, settings, "chief_b")
    assert client.get("/api/v1/antifraud/warnings", headers=chief_b).json()["items"] == []


def test_a_harmless_question_warns_nobody(settings: Settings) -> None:
    client = seeded_client(settings)
    response = client.post(URL, json={"text": WATER_BILL, "jurisdiction_code": "station-a"})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["risk"], answer["call_110"], answer["desk_warned"]) == ("none", False, False)
    queue = client.get(
        "/api/v1/antifraud/warnings", headers=token_for(client, settings, "antifraud_a")
    ).json()
    assert queue["items"] == []


def test_bad_input_is_refused(settings: Settings) -> None:
    client = seeded_client(settings)
    assert client.post(URL, json={"text": "  "}).status_code == 422
    assert client.post(URL, json={"text": "转" * 4_001}).status_code == 422
    half_point = client.post(URL, json={"text": SAFE_ACCOUNT, "lat": 60.17})
    assert half_point.status_code == 422
    assert "lat and lon" in half_point.text
    unknown = client.post(URL, json={"text": SAFE_ACCOUNT, "jurisdiction_code": "nowhere"})
    assert unknown.status_code == 404


def test_consultations_are_rate_limited_per_address(settings: Settings) -> None:
    limited = settings.model_copy(update={"consultation_rate_limit": "2/minute"})
    client = seeded_client(limited)
    for _ in range(2):
        assert client.post(URL, json={"text": WATER_BILL}).status_code == 200
    refused = client.post(URL, json={"text": WATER_BILL})
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers


def audited_reads(settings: Settings, warning_id: int) -> int:
    """Audited unmasked reads of the warning's person."""
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


SMS_LINK = "收到一条短信说我的医保卡被冻结了，让我点链接解冻，我还没点"


def test_a_call_back_asked_for_puts_a_masked_audited_warning_on_the_desk(
    settings: Settings,
) -> None:
    client = seeded_client(settings)
    body = {"text": SMS_LINK, "jurisdiction_code": "station-a", "callback_phone": "139 1234 5678"}
    answer = client.post(URL, json=body).json()
    assert (answer["risk"], answer["call_110"], answer["desk_warned"]) == ("yellow", False, True)
    officer = token_for(client, settings, "antifraud_a")
    (warning,) = client.get("/api/v1/antifraud/warnings", headers=officer).json()["items"]
    assert (warning["tier"], warning["source"]) == ("yellow", "consultation")
    # the desk sees the number whole (audited); the admin, without personal-data rights, masked
    assert warning["target_phone"] == "139 1234 5678"
    before = audited_reads(settings, warning["id"])
    assert before >= 1
    admin = token_for(client, settings, "admin")
    seen = client.get(f"/api/v1/antifraud/warnings/{warning['id']}", headers=admin).json()
    assert seen["target_phone"] != "139 1234 5678"
    assert "1234" not in seen["target_phone"]
    assert audited_reads(settings, warning["id"]) == before
    # no call back asked for: a yellow answer warns nobody
    assert client.post(URL, json={"text": SMS_LINK}).json()["desk_warned"] is False


def test_a_call_back_number_must_be_a_phone(settings: Settings) -> None:
    client = seeded_client(settings)
    for bad in ("call me", "12", "１３９１２３４５６７８", "+86 139-1234-5678x"):
        refused = client.post(URL, json={"text": SMS_LINK, "callback_phone": bad})
        assert refused.status_code == 422, bad
    blank = client.post(URL, json={"text": SMS_LINK, "callback_phone": "  "})
    assert blank.json()["desk_warned"] is False
