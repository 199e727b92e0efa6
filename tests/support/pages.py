"""Log in through the login page, as a browser does: the form's login-CSRF token included."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from pingan.config import Settings


def login_form_token(client: TestClient) -> str:
    """The login-CSRF token the login page embeds (its cookie lands in ``client``)."""
    page = client.get("/login")
    assert page.status_code == 200, page.text
    found = re.search(r'<input type="hidden" name="csrf_token" value="([^"]+)">', page.text)
    assert found is not None, "the login page embeds no CSRF token"
    return found.group(1)


def page_login(
    client: TestClient, settings: Settings, username: str, password: str | None = None
) -> str:
    """Log ``username`` in with a session cookie; the page it is sent to."""
    response = client.post(
        "/login",
        data={
            "username": username,
            "password": settings.demo_password if password is None else password,
            "csrf_token": login_form_token(client),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"])
