"""Separation of duties (issue 11.6): no account holds both admin and auditor, and only an
auditor (through the API) or the CLI on the server grants the auditor role."""

from __future__ import annotations

from sqlalchemy import select

from pingan.audit.models import AuditEvent
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory
from support.app import seeded_client, token_for

PASSWORD = "a-long-enough-password"


def _roles(client, headers, username: str) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    users = client.get("/api/v1/users", headers=headers).json()
    (user,) = [u for u in users if u["username"] == username]
    return {(g["role"], g["jurisdiction_code"]) for g in user["grants"]}


def test_admin_cannot_create_an_account_holding_admin_and_auditor(settings: Settings) -> None:
    client = seeded_client(settings)
    admin = token_for(client, settings, "admin")
    response = client.post(
        "/api/v1/users",
        headers=admin,
        json={
            "username": "both.roles",
            "password": PASSWORD,
            "grants": [
                {"role": "admin", "jurisdiction_code": "station-a"},
                {"role": "auditor", "jurisdiction_code": "station-b"},
            ],
        },
    )
    assert response.status_code == 409, response.text
    assert "separation of duties" in response.json()["detail"]
    users = client.get("/api/v1/users", headers=admin).json()
    assert "both.roles" not in {u["username"] for u in users}


def test_admin_cannot_grant_the_auditor_role(settings: Settings) -> None:
    client = seeded_client(settings)
    admin = token_for(client, settings, "admin")
    created = client.post(
        "/api/v1/users",
        headers=admin,
        json={
            "username": "new.auditor",
            "password": PASSWORD,
            "grants": [{"role": "auditor", "jurisdiction_code": "station-a"}],
        },
    )
    assert created.status_code == 403, created.text
    assert "only an auditor" in created.json()["detail"]
    for username, status, reason in (
        ("analyst", 403, "only an auditor"),  # another account
        ("admin", 409, "separation of duties"),  # itself
    ):
        granted = client.post(
            f"/api/v1/users/{username}/grants",
            headers=admin,
            json={"role": "auditor", "jurisdiction_code": "demo-bureau"},
        )
        assert granted.status_code == status, (username, granted.text)
        assert reason in granted.json()["detail"]
    assert _roles(client, admin, "analyst") == {("analyst", "demo-sub")}
    assert _roles(client, admin, "admin") == {("admin", "demo-bureau")}


def test_an_auditor_grants_the_auditor_role_and_it_is_audited(settings: Settings) -> None:
    client = seeded_client(settings)
    auditor = token_for(client, settings, "auditor")
    granted = client.post(
        "/api/v1/users/analyst/grants",
        headers=auditor,
        json={"role": "auditor", "jurisdiction_code": "station-a"},
    )
    assert granted.status_code == 201, granted.text
    assert {"role": "auditor", "jurisdiction_code": "station-a"} in granted.json()["grants"]
    again = client.post(
        "/api/v1/users/analyst/grants",
        headers=auditor,
        json={"role": "auditor", "jurisdiction_code": "station-a"},
    )
    assert again.status_code == 409
    session = make_session_factory(make_engine(settings.effective_database_url))()
    rows = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.grant")).all()
    session.close()
    assert rows[-1].actor == "auditor"
    assert rows[-1].object_id.endswith(":auditor@station-a")
    # the new auditor reads station A's log
    analyst = token_for(client, settings, "analyst")
    assert client.get("/api/v1/audit", headers=analyst).status_code == 200


def test_an_auditor_grants_no_other_role(settings: Settings) -> None:
    client = seeded_client(settings)
    auditor = token_for(client, settings, "auditor")
    for role in ("admin", "dispatcher"):
        response = client.post(
            "/api/v1/users/analyst/grants",
            headers=auditor,
            json={"role": role, "jurisdiction_code": "station-a"},
        )
        assert response.status_code == 403, (role, response.text)
        assert response.json()["detail"] == "your roles do not allow write on user"
    admin = token_for(client, settings, "admin")
    assert _roles(client, admin, "analyst") == {("analyst", "demo-sub")}


def test_admin_and_auditor_never_meet_on_one_account(settings: Settings) -> None:
    client = seeded_client(settings)
    auditor = token_for(client, settings, "auditor")
    to_admin = client.post(
        "/api/v1/users/admin/grants",
        headers=auditor,
        json={"role": "auditor", "jurisdiction_code": "station-a"},
    )
    assert to_admin.status_code == 409, to_admin.text
    assert "separation of duties" in to_admin.json()["detail"]
    admin = token_for(client, settings, "admin")
    to_auditor = client.post(
        "/api/v1/users/auditor/grants",
        headers=admin,
        json={"role": "admin", "jurisdiction_code": "station-a"},
    )
    assert to_auditor.status_code == 409, to_auditor.text
    assert "separation of duties" in to_auditor.json()["detail"]
    assert _roles(client, admin, "auditor") == {("auditor", "demo-bureau")}


def test_admin_still_grants_ordinary_roles_in_its_area(settings: Settings) -> None:
    client = seeded_client(settings)
    admin = token_for(client, settings, "admin")
    granted = client.post(
        "/api/v1/users/analyst/grants",
        headers=admin,
        json={"role": "dispatcher", "jurisdiction_code": "station-b"},
    )
    assert granted.status_code == 201, granted.text
    assert ("dispatcher", "station-b") in _roles(client, admin, "analyst")
