"""Reviewer findings: phone numbers in free text are personal data, chat places outside the
caller's area are refused, and out-of-range input (naive times, huge numbers, long strings,
bad cursors, a client-set ``simulated``) is refused with 422/400, never a 500."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from incidents_helpers import IN_A, IN_B, Env
from sqlalchemy import func, select

from pingan.algo.text import GeoHit
from pingan.audit.models import AuditEvent
from pingan.auth import service as auth
from pingan.auth.models import User
from pingan.errors import InvalidInput
from pingan.incidents import chat, open311, privacy
from pingan.incidents.models import Incident

PHONE_TEXT = "我的电动车在楼下被偷了，我的电话13812345678"


def _personal_reads(env: Env) -> int:
    with env.session() as session:
        return session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "personal_data.read")
        )


def _report(env: Env, body: dict):  # type: ignore[no-untyped-def]
    return env.client.post("/api/v1/reports", json=body, headers=env.headers("citizen"))


def test_mask_text_phones() -> None:
    def masked(text: str) -> str | None:
        return privacy.redact(text, privacy.NOBODY)

    assert masked(PHONE_TEXT) == "我的电动车在楼下被偷了，我的电话138****5678"
    # spaced, full-width and landline numbers; other text is kept as it is
    assert masked("打138 1234 5678或０５７１-８８８８００００，谢谢") == (
        "打138****5678或057****0000，谢谢"
    )
    assert masked("被骗了5000元") == "被骗了5000元"


def test_phone_in_description_and_report_text_is_masked_or_audited(env: Env) -> None:
    created = _report(env, {"description": PHONE_TEXT, "lat": IN_A[0], "lon": IN_A[1]})
    assert created.status_code == 201, created.text
    incident_id = created.json()["id"]
    assert created.json()["description"] == PHONE_TEXT  # the reporter's own
    analyst = env.headers("analyst")
    [item] = env.client.get("/api/v1/incidents", headers=analyst).json()["items"]
    assert item["description"].endswith("138****5678")
    single = env.client.get(f"/api/v1/incidents/{incident_id}", headers=analyst).json()
    assert "13812345678" not in single["description"]
    [report] = env.client.get(f"/api/v1/incidents/{incident_id}/reports", headers=analyst).json()
    assert report["text"].endswith("138****5678")
    assert _personal_reads(env) == 0

    chief = env.headers("chief_a")
    single = env.client.get(f"/api/v1/incidents/{incident_id}", headers=chief).json()
    assert single["description"] == PHONE_TEXT
    assert _personal_reads(env) == 1
    [report] = env.client.get(f"/api/v1/incidents/{incident_id}/reports", headers=chief).json()
    assert report["text"] == PHONE_TEXT
    assert _personal_reads(env) == 2


def test_chat_place_in_another_station_is_refused(env: Env) -> None:
    def in_b(text: str) -> GeoHit:
        return GeoHit(IN_B[0], IN_B[1], 0.9)

    def in_a(text: str) -> GeoHit:
        return GeoHit(IN_A[0], IN_A[1], 0.9)

    text = "我放在锦绣花园3栋楼下的电瓶车昨天夜里被人偷了，绿色的雅迪"
    sent = datetime(2026, 7, 10, 13, 5, tzinfo=UTC)
    with env.session() as session:
        user = session.scalar(select(User).where(User.username == "officer_a"))
        officer = auth.principal_for(session, user, client_addr="test")
        with pytest.raises(InvalidInput, match="station-b, outside your jurisdiction"):
            chat.post_chat_message(
                session,
                env.settings,
                officer,
                group="东街平安群",
                sender="张三",
                sent_at=sent,
                text=text,
                geocode=in_b,
            )
    assert set(env.counts().values()) == {0}
    with env.session() as session:
        user = session.scalar(select(User).where(User.username == "officer_a"))
        officer = auth.principal_for(session, user, client_addr="test")
        outcome = chat.post_chat_message(
            session,
            env.settings,
            officer,
            group="东街平安群",
            sender="张三",
            sent_at=sent,
            text=text,
            geocode=in_a,
        )
        assert outcome.incident is not None
    assert env.counts()["incident"] == 1


@pytest.mark.parametrize("field", ["occurred_start", "occurred_end"])
def test_naive_occurred_times_are_refused(env: Env, field: str) -> None:
    body = {"description": "电动车被偷了", "lat": IN_A[0], "lon": IN_A[1]}
    response = _report(env, {**body, field: "2026-07-03T21:00:00"})
    assert response.status_code == 422
    assert "UTC offset" in response.json()["detail"]
    assert field in response.text
    assert set(env.counts().values()) == {0}


def _open311(env: Env, **change: str):  # type: ignore[no-untyped-def]
    with env.session() as session:
        key, _row = open311.create_key(session, "app", "station-a")
    form = {
        "api_key": key,
        "service_code": "theft.ebike",
        "lat": str(IN_A[0]),
        "long": str(IN_A[1]),
        "description": "电动车在楼下被偷了",
        "attribute[item_brand]": "雅迪",
        **change,
    }
    return env.client.post(
        "/open311/v2/requests.json",
        content=urlencode(form).encode("ascii"),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )


@pytest.mark.parametrize("value", ["1e400", "nan", "inf", "3000000000"])
def test_open311_huge_value_is_refused(env: Env, value: str) -> None:
    response = _open311(env, **{"attribute[value_yuan]": value})
    assert response.status_code == 400
    assert "attribute[value_yuan]" in response.json()[0]["description"]
    assert set(env.counts().values()) == {0}


def test_item_value_over_int32_is_refused(env: Env) -> None:
    body = {
        "description": "电动车被偷了",
        "lat": IN_A[0],
        "lon": IN_A[1],
        "items": [{"kind": "ebike", "value_yuan": 2_147_483_648}],
    }
    response = _report(env, body)
    assert response.status_code == 422
    assert "2147483647" in response.json()["detail"]


def test_extracted_amount_over_int32_is_not_stored(env: Env) -> None:
    body = {"description": "我被骗了3000000000元", "lat": IN_A[0], "lon": IN_A[1]}
    response = _report(env, body)
    assert response.status_code == 201, response.text
    assert response.json()["amount_yuan"] is None
    small = _report(env, {**body, "description": "我被骗了2147483647元"})
    assert small.json()["amount_yuan"] == 2_147_483_647


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"first_name": "三" * 60, "last_name": "张" * 60}, "reporter_name"),
        ({"phone": "1" * 33}, "reporter_phone"),
        ({"address_string": "路" * 301}, "place_text"),
    ],
)
def test_open311_long_strings_are_refused(env: Env, change: dict[str, str], field: str) -> None:
    response = _open311(env, **change)
    assert response.status_code == 400
    assert response.json()[0]["description"].startswith(field)
    assert set(env.counts().values()) == {0}


def test_long_csv_cells_are_refused(env: Env) -> None:
    text = "报警时间,简要警情,报警人\n2026-07-03 21:14,电动车被盗," + "王" * 101 + "\n"
    response = env.client.post(
        "/api/v1/incidents/import",
        files={"file": ("110.csv", text.encode("utf-8"), "text/csv")},
        data={"mapping": "received_at=报警时间,description=简要警情,reporter_name=报警人"},
        headers=env.headers("dispatcher_a"),
    )
    assert response.status_code == 422
    assert "reporter_name has 101 characters" in response.text
    assert set(env.counts().values()) == {0}


@pytest.mark.parametrize(
    "cursor",
    ["99999999999999999999999-1", "1-99999999999999999999", "1--5", "1e3-1", "x"],
)
def test_bad_cursor_is_refused(env: Env, cursor: str) -> None:
    response = env.client.get(
        "/api/v1/incidents/changes", params={"cursor": cursor}, headers=env.headers("chief_a")
    )
    assert response.status_code == 422
    assert "cursor" in response.text


def test_client_cannot_mark_a_report_simulated(env: Env) -> None:
    body = {"description": "电动车被偷了", "lat": IN_A[0], "lon": IN_A[1], "simulated": True}
    response = _report(env, body)
    assert response.status_code == 201, response.text
    assert response.json()["simulated"] is False
    with env.session() as session:
        assert session.scalar(select(Incident.simulated)) is False
