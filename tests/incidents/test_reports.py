"""The JSON report channel: idempotency (also under concurrency), the point deciding the
station, masking and audit of personal data, citizens' own scope, and bad input."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from incidents_helpers import IN_A, IN_B, OUTSIDE, Env
from sqlalchemy import func, select

from pingan.audit.models import AuditEvent
from pingan.auth import service as auth
from pingan.auth.models import User
from pingan.auth.schemas import GrantRead, UserCreate
from pingan.db import make_engine, make_session_factory, unit_of_work
from pingan.errors import InvalidInput
from pingan.incidents import intake, privacy
from pingan.incidents.schemas import ReportCreate
from pingan.policy import Role

THEFT = "我的电动车昨晚在小区楼下被偷了，绿色雅迪"


def _post(env: Env, headers: dict[str, str], body: dict, key: str | None = None):  # type: ignore[no-untyped-def]
    extra = {"Idempotency-Key": key} if key else {}
    return env.client.post("/api/v1/reports", json=body, headers={**headers, **extra})


def test_same_key_same_body_returns_the_first_result(env: Env) -> None:
    citizen = env.headers("citizen")
    body = {"description": THEFT, "lat": IN_A[0], "lon": IN_A[1]}
    first = _post(env, citizen, body, "key-1")
    assert first.status_code == 201, first.text
    created = first.json()
    assert created["type"] == "theft.ebike"
    assert created["jurisdiction_code"] == "station-a"
    assert created["items"][0]["brand"] == "雅迪"
    assert created["items"][0]["colour"] == "green"
    again = _post(env, citizen, body, "key-1")
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == created
    assert env.counts()["incident"] == 1

    other_body = _post(env, citizen, {**body, "description": "手机被偷了"}, "key-1")
    assert other_body.status_code == 422
    assert "different body" in other_body.json()["detail"]
    assert other_body.json()["field"] == "Idempotency-Key"
    assert env.counts()["incident"] == 1

    second = _post(env, citizen, body, "key-2")
    assert second.status_code == 201
    assert second.json()["id"] != created["id"]
    assert env.counts() | {} == {
        "incident": 2,
        "incident_report": 2,
        "stolen_item": 2,
        "chat_message": 0,
        "idempotency_record": 2,
    }


def test_one_key_sent_concurrently_is_stored_once(env: Env) -> None:
    engine = make_engine(env.settings.effective_database_url)
    factory = make_session_factory(engine)
    body = ReportCreate(description=THEFT, lat=IN_A[0], lon=IN_A[1])

    def send(_: int) -> int:
        with unit_of_work(factory) as session:
            user = session.scalar(select(User).where(User.username == "citizen"))
            assert user is not None
            principal = auth.principal_for(session, user)
            result = intake.create_report(
                session, env.settings, principal, body, idempotency_key="race"
            )
            return result.incident_id

    with ThreadPoolExecutor(max_workers=6) as pool:
        ids = list(pool.map(send, range(12)))
    engine.dispose()
    assert len(set(ids)) == 1
    assert env.counts()["incident"] == 1
    assert env.counts()["idempotency_record"] == 1


def test_the_point_decides_the_station(env: Env) -> None:
    created = _post(
        env, env.headers("citizen"), {"description": THEFT, "lat": IN_B[0], "lon": IN_B[1]}
    ).json()
    assert created["jurisdiction_code"] == "station-b"
    url = f"/api/v1/incidents/{created['id']}"
    assert env.client.get(url, headers=env.headers("chief_a")).status_code == 404
    assert env.client.get(url, headers=env.headers("chief_b")).status_code == 200


def _personal_reads(env: Env) -> int:
    with env.session() as session:
        return session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "personal_data.read")
        )


def test_personal_data_is_masked_for_analysts_and_audited_for_officers(env: Env) -> None:
    body = {
        "description": THEFT,
        "lat": IN_A[0],
        "lon": IN_A[1],
        "reporter_name": "张三丰",
        "reporter_phone": "13812345678",
    }
    created = _post(env, env.headers("citizen"), body).json()
    assert created["reporter_name"] == "张三丰"  # the reporter sees their own data
    assert _personal_reads(env) == 0

    analyst = env.client.get("/api/v1/incidents", headers=env.headers("analyst")).json()
    assert analyst["total"] == 1
    assert analyst["items"][0]["reporter_name"] == "张**"
    assert analyst["items"][0]["reporter_phone"] == "138****5678"
    assert analyst["items"][0]["public_token"] is None
    assert _personal_reads(env) == 0

    chief = env.client.get("/api/v1/incidents", headers=env.headers("chief_a")).json()
    assert chief["items"][0]["reporter_name"] == "张三丰"
    assert chief["items"][0]["reporter_phone"] == "13812345678"
    assert _personal_reads(env) == 1
    single = env.client.get(f"/api/v1/incidents/{created['id']}", headers=env.headers("chief_a"))
    assert single.json()["reporter_phone"] == "13812345678"
    assert _personal_reads(env) == 2


def test_citizens_read_only_their_own_reports(env: Env) -> None:
    with env.session() as session:
        auth.create_user(
            session,
            UserCreate(
                username="citizen2",
                password=env.settings.demo_password,
                display_name="另一位市民",
                grants=[GrantRead(role=Role.citizen, jurisdiction_code="demo-bureau")],
            ),
        )
    first = env.headers("citizen")
    second = env.headers("citizen2")
    mine = _post(env, first, {"description": THEFT, "lat": IN_A[0], "lon": IN_A[1]}).json()
    assert [r["id"] for r in env.client.get("/api/v1/reports", headers=first).json()] == [
        mine["id"]
    ]
    assert env.client.get("/api/v1/reports", headers=second).json() == []
    assert env.client.get("/api/v1/incidents", headers=second).status_code == 403
    assert env.client.get(f"/api/v1/incidents/{mine['id']}", headers=second).status_code == 403
    status = env.client.get(f"/api/v1/reports/{mine['public_token']}")
    assert status.status_code == 200
    assert status.json()["status"] == "received"
    assert "reporter_name" not in status.json()
    assert env.client.get("/api/v1/reports/not-a-token").status_code == 404


BAD_BODIES = [
    ({"description": ""}, "empty"),
    ({"description": "   \n "}, "empty"),
    ({"description": "偷" * 4001}, "at most 4000"),
    ({"description": "😡😡😡🚲❗"}, "no words"),
    ({"description": THEFT, "lat": OUTSIDE[0], "lon": OUTSIDE[1]}, "outside the city"),
    ({"description": THEFT, "lat": 95.0, "lon": 24.9}, "less than or equal to 90"),
    ({"description": THEFT, "lat": IN_A[0]}, "both lat and lon"),
    ({"description": THEFT, "type": "theft.spaceship"}, "unknown incident type"),
]


@pytest.mark.parametrize(("body", "reason"), BAD_BODIES, ids=[r for _, r in BAD_BODIES])
def test_bad_reports_are_refused_and_nothing_is_stored(env: Env, body: dict, reason: str) -> None:
    response = _post(env, env.headers("citizen"), body, key="bad")
    assert response.status_code == 422
    assert reason in response.json()["detail"]
    assert set(env.counts().values()) == {0}


def test_invalid_utf8_body_is_refused(env: Env) -> None:
    raw = b'{"description": "\xe6\x88\x91\xff\xfe\xe7\x9a\x84"}'
    response = env.client.post(
        "/api/v1/reports",
        content=raw,
        headers={**env.headers("citizen"), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert "parsing the body" in response.json()["detail"]
    assert set(env.counts().values()) == {0}


def test_check_text_reasons() -> None:
    assert privacy.check_text("  有人打架 ", limit=10, field="t") == "有人打架"
    with pytest.raises(InvalidInput, match="no words"):
        privacy.check_text("👍👍", limit=10, field="t")
    with pytest.raises(InvalidInput, match="11 characters; at most 10"):
        privacy.check_text("一二三四五六七八九十一", limit=10, field="t")
    assert privacy.redact("张三", privacy.NOBODY, privacy.Field.name) == "张**"
    assert privacy.redact("13812345678", privacy.NOBODY, privacy.Field.phone) == "138****5678"
