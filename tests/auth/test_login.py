"""Logins, lock-out, tokens, cookie sessions with CSRF, and password changes."""

from __future__ import annotations

from pingan.config import Settings
from support.app import seeded_client, token_for
from support.pages import login_form_token


def _login(client, username: str, password: str):
    return client.post("/api/v1/auth/token", json={"username": username, "password": password})


def test_five_bad_logins_throttle_the_username_from_that_address(settings: Settings) -> None:
    client = seeded_client(settings)
    for _ in range(5):
        assert _login(client, "officer_a", "wrong-password").status_code == 401
    # now even the right password is refused from this address, answered like a wrong one
    # (no 423 that would tell a guesser the account exists; see tests/auth/test_lockout.py)
    throttled = _login(client, "officer_a", settings.demo_password)
    assert throttled.status_code == 401
    assert throttled.json()["detail"] == "wrong username or password"
    # other accounts are unaffected
    assert _login(client, "chief_a", settings.demo_password).status_code == 200


def test_four_bad_logins_then_good_one_resets_the_count(settings: Settings) -> None:
    client = seeded_client(settings)
    for _ in range(4):
        _login(client, "officer_a", "nope-nope-nope")
    assert _login(client, "officer_a", settings.demo_password).status_code == 200
    for _ in range(4):
        _login(client, "officer_a", "nope-nope-nope")
    assert _login(client, "officer_a", settings.demo_password).status_code == 200


def test_logout_revokes_the_token(settings: Settings) -> None:
    client = seeded_client(settings)
    headers = token_for(client, settings, "chief_a")
    assert client.get("/api/v1/auth/me", headers=headers).json()["username"] == "chief_a"
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_password_change_revokes_every_token(settings: Settings) -> None:
    client = seeded_client(settings)
    first = token_for(client, settings, "analyst")
    second = token_for(client, settings, "analyst")
    change = client.post(
        "/api/v1/auth/password",
        headers=first,
        json={"old_password": settings.demo_password, "new_password": "a-new-long-password"},
    )
    assert change.status_code == 204
    assert client.get("/api/v1/auth/me", headers=second).status_code == 401
    assert _login(client, "analyst", settings.demo_password).status_code == 401
    assert _login(client, "analyst", "a-new-long-password").status_code == 200


def test_cookie_session_needs_csrf_token_for_writes(settings: Settings) -> None:
    client = seeded_client(settings)
    page = client.post(
        "/login",
        data={
            "username": "admin",
            "password": settings.demo_password,
            "csrf_token": login_form_token(client),
        },
        follow_redirects=False,
    )
    assert page.status_code == 303
    assert client.cookies.get("pingan_session")
    csrf = client.cookies.get("pingan_csrf")
    body = {
        "code": "grid-a3",
        "parent_code": "station-a",
        "level": "grid",
        "name_zh": "东街第三网格",
    }
    refused = client.post("/api/v1/jurisdictions", json=body)
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    accepted = client.post("/api/v1/jurisdictions", json=body, headers={"X-CSRF-Token": csrf})
    assert accepted.status_code == 201, accepted.text


def test_passwords_are_stored_as_argon2id(settings: Settings) -> None:
    from sqlalchemy import select

    from pingan.auth.models import User
    from pingan.db import make_engine, make_session_factory

    seeded_client(settings)
    session = make_session_factory(make_engine(settings.effective_database_url))()
    stored = session.scalar(select(User.password_hash).where(User.username == "admin"))
    session.close()
    assert stored.startswith("$argon2id$")
    assert settings.demo_password not in stored


def test_an_admin_lists_only_accounts_of_their_subtree(settings: Settings) -> None:
    client = seeded_client(settings)
    everyone = client.get("/api/v1/users", headers=token_for(client, settings, "admin")).json()
    assert {"chief_a", "chief_b", "auditor"} <= {u["username"] for u in everyone}
    created = client.post(
        "/api/v1/users",
        headers=token_for(client, settings, "admin"),
        json={
            "username": "admin_b",
            "password": "a-long-password-b",
            "grants": [{"role": "admin", "jurisdiction_code": "station-b"}],
        },
    )
    assert created.status_code == 201, created.text
    login = client.post(
        "/api/v1/auth/token", json={"username": "admin_b", "password": "a-long-password-b"}
    )
    local = client.get(
        "/api/v1/users", headers={"Authorization": f"Bearer {login.json()['access_token']}"}
    ).json()
    assert {u["username"] for u in local} == {"chief_b", "admin_b"}
