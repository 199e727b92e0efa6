"""Security headers on every page, pages without inline script or style, the CSRF token in a
meta tag (its cookie HttpOnly), the login form's own CSRF check, and page scripts that
never turn data into HTML."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from pingan.config import Settings
from pingan.web import pages
from pingan.web.security import CONTENT_SECURITY_POLICY
from support.app import seeded_client, token_for
from support.pages import login_form_token, page_login

JS_DIR = Path(__file__).resolve().parents[2] / "src" / "pingan" / "web" / "static" / "js"
ROLES = (None, "dispatcher_a", "chief_a", "analyst", "antifraud_a", "citizen")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

EXPECTED = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}


def _assert_security_headers(response: httpx.Response, *, hsts: bool = False) -> None:
    where = f"{response.request.method} {response.request.url.path}"
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, f"{where}: {name}"
    permissions = response.headers.get("permissions-policy", "")
    for feature in ("geolocation=(self)", "camera=()", "microphone=()"):
        assert feature in permissions, f"{where}: {feature}"
    assert ("strict-transport-security" in response.headers) is hsts, where


def _assert_no_inline_code(response: httpx.Response) -> None:
    """No inline script (data blocks aside), no event-handler or style attributes."""
    where = response.request.url.path
    html = response.text
    for attributes in re.findall(r"<script\b([^>]*)>", html, re.I):
        assert "src=" in attributes or 'type="application/json"' in attributes, where
    tags = re.findall(r"<[a-zA-Z][^>]*>", html)
    assert not [tag for tag in tags if re.search(r"\son[a-z]+\s*=", tag, re.I)], where
    assert not [tag for tag in tags if re.search(r"\sstyle\s*=", tag, re.I)], where
    assert "javascript:" not in html.lower(), where


def _routes(router: Any, prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    """(path, route) of every route under ``router``, included routers walked through."""
    for route in router.routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif hasattr(route, "original_router"):  # FastAPI keeps included routers whole
            inner = prefix + (getattr(route.include_context, "prefix", "") or "")
            yield from _routes(route.original_router, inner)


def _page_routes() -> list[str]:
    """Every GET route the pages package serves (the live stream is a separate module)."""
    routes = [
        path
        for path, route in _routes(pages.router)
        if "GET" in route.methods and route.endpoint.__module__.startswith("pingan.web.pages")
    ]
    assert {"/login", "/board", "/dashboard", "/analysis", "/report", "/report/{token}"} <= set(
        routes
    )
    return routes


def _filed_report_token(settings: Settings) -> str:
    citizen = seeded_client(settings)
    page_login(citizen, settings, "citizen")
    filed = citizen.post(
        "/report",
        data={
            "csrf_token": citizen.cookies["pingan_csrf"],
            "type": "noise",
            "description": "楼上装修噪音很大",
            "lat": "60.1716",
            "lon": "24.9500",
            "request_key": "headers-1",
        },
        files={"photo": ("p.png", PNG, "image/png")},
        follow_redirects=False,
    )
    assert filed.status_code == 303, filed.text
    return str(filed.headers["location"]).rsplit("/", 1)[1]


def test_every_page_route_carries_the_security_headers_for_every_role(
    settings: Settings,
) -> None:
    anonymous = seeded_client(settings)
    routes = _page_routes()
    city = anonymous.get("/api/v1/cities", headers=token_for(anonymous, settings, "analyst"))
    params = {
        "token": _filed_report_token(settings),
        "name": city.json()[0]["name"],
        "language": "en",
        "site_id": "1",
    }
    clients: dict[str | None, TestClient] = {None: anonymous}
    for role in ROLES[1:]:
        clients[role] = seeded_client(settings)
        page_login(clients[role], settings, role)

    for route in routes:
        path = re.sub(r"\{(\w+)\}", lambda m: params[m.group(1)], route)
        answered: dict[str | None, int] = {}
        for role, client in clients.items():
            response = client.get(path, follow_redirects=False)
            _assert_security_headers(response)
            if response.headers.get("content-type", "").startswith("text/html"):
                _assert_no_inline_code(response)
            answered[role] = response.status_code
        # each page opens (or, for "/", redirects) for at least one role
        assert any(code in (200, 303) for code in answered.values()), (route, answered)
        assert 500 not in answered.values(), (route, answered)

    # the API, the static files and errors carry them too
    analyst = clients["analyst"]
    _assert_security_headers(analyst.get("/api/v1/auth/me"))
    _assert_security_headers(anonymous.get("/static/js/i18n.js"))
    _assert_security_headers(anonymous.get("/api/v1/incidents"))  # 401
    _assert_security_headers(anonymous.get("/no-such-page"))  # 404


def test_strict_transport_security_only_when_cookies_are_secure(settings: Settings) -> None:
    plain = seeded_client(settings).get("/login")
    assert "strict-transport-security" not in plain.headers
    secure = TestClient(
        seeded_client(settings.model_copy(update={"secure_cookies": True})).app,
        base_url="https://testserver",
    )
    response = secure.get("/login")
    _assert_security_headers(response, hsts=True)
    assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    assert EXPECTED["content-security-policy"] == CONTENT_SECURITY_POLICY


def test_the_csrf_cookie_is_http_only_and_pages_carry_the_token_in_a_meta_tag(
    settings: Settings,
) -> None:
    client = seeded_client(settings)
    response = client.post(
        "/login",
        data={
            "username": "dispatcher_a",
            "password": settings.demo_password,
            "csrf_token": login_form_token(client),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    set_cookies = response.headers.get_list("set-cookie")
    csrf_cookie = next(c for c in set_cookies if c.startswith("pingan_csrf="))
    assert "httponly" in csrf_cookie.lower()
    assert "samesite=strict" in csrf_cookie.lower()
    token = client.cookies["pingan_csrf"]
    board = client.get("/board")
    assert f'<meta name="csrf-token" content="{token}">' in board.text
    # the page scripts send the meta tag's value; that is what the server checks
    switched = client.post(
        "/language",
        data={"language": "en", "next": "/board"},
        headers={"X-CSRF-Token": token},
        follow_redirects=False,
    )
    assert switched.status_code == 303
    assert client.post("/language", data={"language": "en"}).status_code == 403


def test_a_cross_site_login_without_the_forms_token_is_refused(settings: Settings) -> None:
    """Login CSRF: a page on another site posting the attacker's credentials to /login
    must not log the victim's browser into the attacker's account."""
    victim = seeded_client(settings)
    forged = victim.post(
        "/login",
        data={"username": "citizen", "password": settings.demo_password},
        headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    assert "pingan_session" not in victim.cookies
    assert "came from another site" in forged.text or "来自其他网站" in forged.text
    _assert_security_headers(forged)

    # a token taken from the attacker's own visit to the login page does not match the
    # victim's cookie (the victim has none, or another one)
    attacker = seeded_client(settings)
    stolen = login_form_token(attacker)
    for cookie in (None, login_form_token(victim)):
        if cookie is None:
            victim.cookies.clear()
        replayed = victim.post(
            "/login",
            data={"username": "citizen", "password": settings.demo_password, "csrf_token": stolen},
            follow_redirects=False,
        )
        assert replayed.status_code == 403
        assert "pingan_session" not in victim.cookies

    # the refused posts counted no failed login: the account still logs in, and the
    # login page's token does its job
    assert page_login(victim, settings, "citizen") == "/report"
    assert "pingan_login_csrf" not in victim.cookies


@pytest.mark.parametrize("script", sorted(p.name for p in JS_DIR.glob("*.js")))
def test_page_scripts_never_parse_html_from_strings(script: str) -> None:
    """A backstop to the browser test: no HTML parser sink in the page scripts, and every
    Leaflet tooltip, popup and icon gets an element (pingan.label / pingan.el) or a
    function returning one, never a string."""
    source = (JS_DIR / script).read_text(encoding="utf-8")
    code = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    code = re.sub(r"^\s*//.*$", "", code, flags=re.M)
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in code, f"{script}: {sink}"
    for call in re.finditer(r"\.(bindTooltip|bindPopup|setTooltipContent|setPopupContent)\(", code):
        argument = code[call.end() : call.end() + 40]
        assert argument.startswith(("pingan.label(", "function")), f"{script}: {argument}"
    for html in re.finditer(r"\bhtml:\s*", code):
        value = code[html.end() : html.end() + 20]
        assert value.startswith(("pingan.label(", "pingan.el(", "el(", "dot", "label")), (
            f"{script}: html: {value}"
        )
