"""Failed logins throttle a (username, address) pair, never the account; every failure
answers alike; the throttling is audited (issue 11, item 3)."""

from __future__ import annotations

from typing import Literal

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select

from pingan.audit.models import AuditEvent
from pingan.auth import service as auth
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory
from pingan.web.app import create_app
from support.pages import login_form_token

ATTACKER = ("203.0.113.7", 40000)
OFFICE = ("198.51.100.20", 40000)


def _client(app, address: tuple[str, int]) -> TestClient:
    return TestClient(app, client=address)


def _token(client: TestClient, username: str, password: str):
    return client.post("/api/v1/auth/token", json={"username": username, "password": password})


def test_failing_admins_login_from_one_address_does_not_lock_admin_out_elsewhere(
    settings: Settings,
) -> None:
    app = create_app(settings)
    attacker, office = _client(app, ATTACKER), _client(app, OFFICE)
    for _ in range(7):
        assert _token(attacker, "admin", "guessing-guessing").status_code == 401
    # the attacker's address is throttled for admin, even with the right password …
    throttled = _token(attacker, "admin", settings.demo_password)
    assert throttled.status_code == 401
    assert throttled.json()["detail"] == "wrong username or password"
    # … but admin logs in from the office, and the attacker may still log in as itself
    assert _token(office, "admin", settings.demo_password).status_code == 200
    assert _token(attacker, "chief_a", settings.demo_password).status_code == 200


def test_unknown_user_wrong_password_and_throttled_pair_answer_identically(
    settings: Settings,
) -> None:
    client = _client(create_app(settings), ATTACKER)
    unknown = _token(client, "nobody-here", "guessing-guessing")
    wrong = _token(client, "admin", "guessing-guessing")
    for _ in range(6):
        _token(client, "analyst", "guessing-guessing")
    throttled = _token(client, "analyst", settings.demo_password)

    def shape(response) -> tuple[int, dict, str | None, str | None]:
        return (
            response.status_code,
            response.json(),
            response.headers.get("www-authenticate"),
            response.headers.get("retry-after"),
        )

    assert shape(unknown) == shape(wrong) == shape(throttled)
    assert shape(unknown) == (
        401,
        {
            "type": "about:blank",
            "title": "Unauthenticated",
            "status": 401,
            "detail": "wrong username or password",
        },
        "Bearer",
        None,
    )


@pytest.fixture
def verify_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The hashes that the login verifies against, through a real argon2 hasher that
    notes each call (it does the full work)."""
    calls: list[str] = []

    class CountingHasher(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
            calls.append(str(hash))
            return super().verify(hash, password)

    monkeypatch.setattr(auth, "_hasher", CountingHasher())
    return calls


def test_every_failure_path_verifies_one_argon2_hash(
    settings: Settings, verify_calls: list[str]
) -> None:
    client = _client(create_app(settings), ATTACKER)
    assert _token(client, "nobody-here", "guessing-guessing").status_code == 401
    assert _token(client, "admin", "guessing-guessing").status_code == 401
    assert len(verify_calls) == 2
    # the unknown user's hash is a real argon2id hash of the same cost as admin's
    unknown_hash, admin_hash = verify_calls
    assert unknown_hash.startswith("$argon2id$")
    assert unknown_hash.split("$")[3] == admin_hash.split("$")[3]  # m=…,t=…,p=…
    for _ in range(5):
        _token(client, "admin", "guessing-guessing")
    verify_calls.clear()
    assert _token(client, "admin", settings.demo_password).status_code == 401  # throttled
    assert len(verify_calls) == 1


def test_throttling_a_pair_is_audited(settings: Settings) -> None:
    client = _client(create_app(settings), ATTACKER)
    for _ in range(6):
        assert _token(client, "dispatcher_a", "guessing-guessing").status_code == 401
    engine = make_engine(settings.effective_database_url)
    session = make_session_factory(engine)()
    try:
        rows = session.execute(
            select(AuditEvent.action, AuditEvent.outcome, AuditEvent.client_addr)
            .where(AuditEvent.actor == "dispatcher_a")
            .order_by(AuditEvent.seq)
        ).all()
    finally:
        session.close()
        engine.dispose()
    address = ATTACKER[0]
    assert rows == [
        *[("auth.login", "bad_password", address)] * 5,
        ("auth.login_throttled", "throttled", address),
        ("auth.login", "throttled", address),
    ]


def test_a_good_login_clears_the_pairs_failures(settings: Settings) -> None:
    client = _client(create_app(settings), OFFICE)
    for _round in range(3):
        for _ in range(4):
            assert _token(client, "officer_a", "nope-nope-nope").status_code == 401
        assert _token(client, "officer_a", settings.demo_password).status_code == 200


def test_login_attempts_per_address_answer_429_with_retry_after(settings: Settings) -> None:
    limited = settings.model_copy(update={"token_rate_limit": "3/minute"})
    app = create_app(limited)
    attacker, office = _client(app, ATTACKER), _client(app, OFFICE)
    for username in ("admin", "chief_a", "nobody"):
        assert _token(attacker, username, "guessing-guessing").status_code == 401
    refused = _token(attacker, "analyst", limited.demo_password)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json()["detail"] == (
        "too many login attempts from this address; try again later"
    )
    assert _token(office, "analyst", limited.demo_password).status_code == 200


def _page_login(client: TestClient, username: str, password: str):
    return client.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "csrf_token": login_form_token(client),
        },
        follow_redirects=False,
    )


def test_the_login_page_throttles_the_pair_not_the_account(settings: Settings) -> None:
    app = create_app(settings)
    attacker, office = _client(app, ATTACKER), _client(app, OFFICE)
    wrong = [_page_login(attacker, "admin", "guessing-guessing") for _ in range(6)]
    throttled = _page_login(attacker, "admin", settings.demo_password)
    unknown = _page_login(attacker, "nobody-here", "guessing-guessing")
    for response in (*wrong, throttled, unknown):
        assert response.status_code == 401
        assert "用户名或密码错误。" in response.text  # "Wrong username or password."
        assert "锁定" not in response.text  # no "locked"
    assert _page_login(office, "admin", settings.demo_password).status_code == 303


def test_the_login_page_answers_429_per_address(settings: Settings) -> None:
    limited = settings.model_copy(update={"login_rate_limit": "2/minute"})
    app = create_app(limited)
    attacker, office = _client(app, ATTACKER), _client(app, OFFICE)
    for _ in range(2):
        assert _page_login(attacker, "admin", "guessing-guessing").status_code == 401
    refused = _page_login(attacker, "admin", limited.demo_password)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert "您所在地址的登录尝试过多" in refused.text  # "Too many login attempts from your address"
    assert _page_login(office, "admin", limited.demo_password).status_code == 303


def test_a_forged_forwarded_for_header_does_not_escape_the_address_limit(
    settings: Settings,
) -> None:
    """The app counts the address the server reports (uvicorn rewrites it from
    X-Forwarded-For only for a trusted proxy), never a header the client chose."""
    limited = settings.model_copy(update={"token_rate_limit": "2/minute"})
    attacker = _client(create_app(limited), ATTACKER)
    answers = [
        attacker.post(
            "/api/v1/auth/token",
            json={"username": "admin", "password": "guessing-guessing"},
            headers={"X-Forwarded-For": f"10.9.8.{index}", "X-Real-IP": f"10.9.8.{index}"},
        ).status_code
        for index in range(3)
    ]
    assert answers == [401, 401, 429]
