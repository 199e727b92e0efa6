"""Bad requests get RFC 9457 problem details naming the bad field, and no internals."""

from __future__ import annotations

from pingan.config import Settings
from support.app import seeded_client, token_for


def test_bad_request_names_the_field(settings: Settings) -> None:
    client = seeded_client(settings)
    headers = token_for(client, settings, "admin")
    response = client.post(
        "/api/v1/jurisdictions",
        headers=headers,
        json={
            "code": "grid-x",
            "parent_code": "station-a",
            "level": "village",
            "name_zh": "某网格",
        },
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["field"] == "body.level"
    assert body["status"] == 422
    assert "Traceback" not in response.text


def test_domain_error_names_the_field(settings: Settings) -> None:
    client = seeded_client(settings)
    headers = token_for(client, settings, "admin")
    response = client.post(
        "/api/v1/jurisdictions",
        headers=headers,
        json={"code": "grid-a1", "parent_code": "station-a", "level": "grid", "name_zh": "重复"},
    )
    assert response.status_code == 422
    assert response.json()["field"] == "body.code"


def test_unauthenticated_gets_401(settings: Settings) -> None:
    client = seeded_client(settings)
    response = client.get("/api/v1/jurisdictions")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_unsafe_settings_refused_outside_demo(settings: Settings) -> None:
    import pytest

    from pingan.errors import ConfigError
    from pingan.web.app import create_app

    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(settings.model_copy(update={"secret_key": "change-me-demo-secret"}))
    with pytest.raises(ConfigError, match="DEMO_PASSWORD"):
        create_app(settings.model_copy(update={"demo_password": "pingan-demo-2026"}))
    create_app(
        settings.model_copy(update={"secret_key": "change-me-demo-secret", "demo_mode": True})
    )
