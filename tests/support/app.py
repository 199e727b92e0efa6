"""Helpers to build the real app over a real database and log in as demo roles."""

from __future__ import annotations

from fastapi.testclient import TestClient

from pingan.config import Settings
from pingan.web.app import create_app


def seeded_client(settings: Settings) -> TestClient:
    """The app over ``settings``; the test database already holds the demo tree and
    one account per role (see ``tests/conftest.py``)."""
    return TestClient(create_app(settings))


def token_for(client: TestClient, settings: Settings, username: str) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/token", json={"username": username, "password": settings.demo_password}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}
