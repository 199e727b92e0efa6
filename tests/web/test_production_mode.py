"""Production mode tells an outsider little: API docs off unless enabled and then for admins
only, Swagger UI served from pingan (no CDN, no inline script), no version on /healthz,
no ``server`` header, no API keys or report tokens in the access log, and no start on a
database that still has the demo accounts."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from fastapi.testclient import TestClient
from shapely.geometry import shape
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from uvicorn.logging import AccessFormatter

from pingan.auth import service as auth
from pingan.auth.models import AccessToken, TokenKind, User
from pingan.config import DEMO_PASSWORD, Settings, get_settings
from pingan.db import make_engine, make_session_factory, unit_of_work, utcnow
from pingan.demo import DEMO_ACCOUNTS
from pingan.errors import ConfigError
from pingan.incidents import open311
from pingan.jurisdictions import service as jurisdictions
from pingan.web.access_log import RedactSecrets, install_log_redaction, redact
from pingan.web.main import build, refuse_demo_database
from support.app import seeded_client, token_for

DOCS = ("/api/docs", "/api/openapi.json")
DEMO_NAMES = sorted(username for username, *_ in DEMO_ACCOUNTS)


@contextmanager
def _session(settings: Settings) -> Iterator[Session]:
    engine = make_engine(settings.effective_database_url)
    try:
        with unit_of_work(make_session_factory(engine)) as db_session:
            yield db_session
    finally:
        engine.dispose()


def _cookie_session(settings: Settings, username: str) -> str:
    """A session cookie for ``username``, written as a login would (argon2 is slow)."""
    token = secrets.token_urlsafe(32)
    with _session(settings) as db_session:
        user = db_session.scalar(select(User).where(User.username == username))
        assert user is not None
        db_session.add(
            AccessToken(
                user_id=user.id,
                token_hash=hashlib.sha256(token.encode("ascii")).hexdigest(),
                kind=TokenKind.session,
                csrf_token=secrets.token_urlsafe(24),
                expires_at=utcnow() + timedelta(hours=1),
            )
        )
    return token


# --------------------------------------------------------------------------- API docs


def test_docs_are_off_outside_demo_mode_even_for_admins(settings: Settings) -> None:
    assert not settings.demo_mode
    assert not settings.api_docs
    client = seeded_client(settings)
    admin = token_for(client, settings, "admin")
    for path in (*DOCS, "/redoc", "/docs"):
        assert client.get(path).status_code == 404, path
        assert client.get(path, headers=admin).status_code == 404, path


def test_enabled_docs_are_for_admins_only(settings: Settings) -> None:
    client = seeded_client(settings.model_copy(update={"api_docs": True}))
    admin = token_for(client, settings, "admin")
    others = {name: token_for(client, settings, name) for name in ("auditor", "chief_a")}
    for path in DOCS:
        assert client.get(path).status_code == 404, path
        assert client.get(path, headers={"Authorization": "Bearer nope"}).status_code == 404
        for name, headers in others.items():
            assert client.get(path, headers=headers).status_code == 404, (path, name)
    document = client.get("/api/openapi.json", headers=admin)
    assert document.status_code == 200
    assert document.json()["info"]["title"] == "pingan 平安"
    assert "/open311/v2/requests.json" in document.json()["paths"]
    # the docs routes themselves are not part of the document
    assert not set(DOCS) & set(document.json()["paths"])
    page = client.get("/api/docs", headers=admin)
    assert page.status_code == 200
    assert 'data-openapi-url="/api/openapi.json"' in page.text
    # an admin's browser session is enough
    client.cookies.set("pingan_session", _cookie_session(settings, "admin"))
    assert client.get("/api/docs").status_code == 200
    assert client.get("/api/openapi.json").status_code == 200
    assert client.get("/redoc").status_code == 404


def test_demo_mode_docs_are_open_and_load_only_local_scripts(settings: Settings) -> None:
    client = seeded_client(settings.model_copy(update={"demo_mode": True}))
    assert client.get("/api/openapi.json").status_code == 200
    page = client.get("/api/docs")
    assert page.status_code == 200
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page.text, re.S)
    assert len(scripts) == 2
    assert all(body.strip() == "" for _attrs, body in scripts), "no inline script (CSP)"
    sources = [re.search(r'src="([^"]+)"', attrs)[1] for attrs, _body in scripts]  # type: ignore[index]
    assert sources == ["/static/vendor/swagger-ui/swagger-ui-bundle.js", "/static/js/api-docs.js"]
    [stylesheet] = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page.text)
    for asset in (*sources, stylesheet):
        assert asset.startswith("/static/"), asset  # from pingan, never a CDN
        response = client.get(asset)
        assert response.status_code == 200, f"{asset} missing: run `make web-assets`"
    assert "SwaggerUIBundle" in client.get(sources[0]).text
    assert "SwaggerUIBundle({" in client.get(sources[1]).text
    assert client.get("/redoc").status_code == 404


def _nav(client: TestClient) -> str:
    nav = re.search(r'<nav class="mainnav".*?</nav>', client.get("/report").text, re.S)
    assert nav is not None
    return nav.group(0)


def test_the_api_link_shows_only_where_the_docs_open(settings: Settings) -> None:
    cases = [
        ({}, "admin", False),
        ({"api_docs": True}, "admin", True),
        ({"api_docs": True}, "chief_a", False),
        ({"demo_mode": True}, "chief_a", True),
    ]
    for change, username, shown in cases:
        client = seeded_client(settings.model_copy(update=change))
        client.cookies.set("pingan_session", _cookie_session(settings, username))
        assert ('href="/api/docs"' in _nav(client)) is shown, (change, username)


# --------------------------------------------------------------------------- version


@pytest.mark.parametrize("demo_mode", [False, True], ids=["production", "demo"])
def test_healthz_tells_no_version(settings: Settings, demo_mode: bool) -> None:
    client = seeded_client(settings.model_copy(update={"demo_mode": demo_mode}))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


# --------------------------------------------------------------------------- access log

SECRET_KEY = "o311_Zk3Pq9XwYt2Lm8Rn5Vb7Cd1Ef4Gh6Jk"
TOKEN = "Tq8sVw2Xy4Za6Bc0De3Fg5"

LOGGED = [
    (f"/open311/v2/requests.json?api_key={SECRET_KEY}&status=open", "api_key=***&status=open"),
    (f"/open311/v2/requests/12.json?status=open&api_key={SECRET_KEY}", "status=open&api_key=***"),
    (f"/open311/v2/requests.json?api%5Fkey={SECRET_KEY}", "?api%5Fkey=***"),
    (f"/open311/v2/requests.json?API_KEY={SECRET_KEY}", "?API_KEY=***"),
    (f"/report/{TOKEN}", "/report/***"),
    (f"/report/{TOKEN}/photo", "/report/***/photo"),
    (f"/report/{TOKEN}?lang=en", "/report/***?lang=en"),
    (f"/api/v1/reports/{TOKEN}", "/api/v1/reports/***"),
    (f"/open311/v2/tokens/{TOKEN}.json", "/open311/v2/tokens/***.json"),
    (f"/%72eport/{TOKEN}", "/%72eport/***"),
    (f"/login?next=/report/{TOKEN}", "/login?next=/report/***"),
    (f"/stream?token={TOKEN}", "/stream?token=***"),
]


@pytest.mark.parametrize(("path", "shown"), LOGGED, ids=[p for p, _ in LOGGED])
def test_access_log_record_is_redacted(path: str, shown: str) -> None:
    """uvicorn's own access record (its message and arguments) through the filter and
    uvicorn's own access formatter."""
    record = logging.getLogger("uvicorn.access").makeRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("10.0.0.7:51234", "GET", path, "1.1", 200),
        None,
    )
    assert RedactSecrets().filter(record)
    # uvicorn's default access format (uvicorn.config.LOGGING_CONFIG)
    formatter = AccessFormatter(
        '%(levelprefix)s %(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False
    )
    line = formatter.format(record)
    assert SECRET_KEY not in line
    assert TOKEN not in line
    assert shown in line
    assert line.startswith('INFO:     10.0.0.7:51234 - "GET /')


def test_redaction_leaves_other_urls_alone() -> None:
    for path in (
        "/api/v1/reports",
        "/report",
        "/open311/v2/requests.json?status=open&service_code=noise",
        "/api/v1/incidents?offset=20&limit=10",
        "/static/js/report.js",
    ):
        assert redact(path) == path
    install_log_redaction()
    install_log_redaction()
    filters = logging.getLogger("uvicorn.access").filters
    assert sum(isinstance(f, RedactSecrets) for f in filters) == 1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _retire_demo_accounts(settings: Settings) -> None:
    """What an operator might do instead of a fresh database: deactivate every demo account."""
    with _session(settings) as db_session:
        db_session.execute(
            update(User).where(User.username.in_(DEMO_NAMES)).values(is_active=False)
        )


def _point_in(settings: Settings, code: str) -> tuple[float, float]:
    with _session(settings) as db_session:
        node = jurisdictions.get_by_code(db_session, code)
        point = shape(json.loads(node.boundary)).representative_point()
    return point.y, point.x


def _serve(settings: Settings, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {
        **os.environ,
        "PINGAN_DATABASE_URL": settings.effective_database_url,
        "PINGAN_DATA_DIR": str(settings.data_dir),
        "PINGAN_SECRET_KEY": settings.secret_key,
        "PINGAN_DEMO_PASSWORD": settings.demo_password,
        "PINGAN_DEMO_MODE": "0",
        "PINGAN_SECURE_COOKIES": "0",
    }
    pingan = Path(sys.executable).with_name("pingan")
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(pingan), "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return server, f"http://127.0.0.1:{port}"


def test_served_without_server_header_and_without_secrets_in_the_log(
    settings: Settings, tmp_path: Path
) -> None:
    """``pingan serve`` in production mode, in a subprocess on a free port: the headers
    and its real access log."""
    # a database that still has the demo accounts is refused before uvicorn starts
    refused, _url = _serve(settings, tmp_path / "refused.log")
    try:
        assert refused.wait(timeout=120) == 2
    finally:
        if refused.poll() is None:  # it started serving instead
            refused.kill()
            refused.wait()
    refusal = (tmp_path / "refused.log").read_text()
    assert "demo accounts" in refusal
    assert "PINGAN_DEMO_MODE=1" in refusal

    _retire_demo_accounts(settings)
    with _session(settings) as db_session:
        key, _row = open311.create_key(db_session, "city-app", "station-a")
    lat, lon = _point_in(settings, "station-a")

    log = tmp_path / "server.log"
    server, url = _serve(settings, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"{url}/healthz", timeout=2)
                break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("pingan serve did not start: " + log.read_text())
            time.sleep(0.2)
        assert "server" not in health.headers
        assert health.json() == {"status": "ok"}

        posted = httpx.post(
            f"{url}/open311/v2/requests.json",
            content=urlencode(
                {
                    "service_code": "noise",
                    "lat": str(lat),
                    "long": str(lon),
                    "description": "楼下KTV太吵了",
                }
            ).encode("ascii"),
            headers={"Content-Type": "application/x-www-form-urlencoded", "X-API-Key": key},
        )
        assert posted.status_code == 201, posted.text
        assert "server" not in posted.headers
        token = posted.json()[0]["token"]
        listed = httpx.get(f"{url}/open311/v2/requests.json", params={"api_key": key})
        assert [r["service_request_id"] for r in listed.json()] == [
            posted.json()[0]["service_request_id"]
        ]
        for path in (
            f"/report/{token}",
            f"/api/v1/reports/{token}",
            f"/open311/v2/tokens/{token}.json",
        ):
            assert httpx.get(f"{url}{path}").status_code == 200, path
        assert httpx.get(f"{url}/api/docs").status_code == 404
    finally:
        server.terminate()
        server.wait(timeout=30)
    text = log.read_text()
    assert key not in text
    assert token not in text
    assert "GET /open311/v2/requests.json?api_key=*** HTTP/1.1" in text
    assert "GET /report/*** HTTP/1.1" in text
    assert "GET /api/v1/reports/*** HTTP/1.1" in text
    assert "GET /open311/v2/tokens/***.json HTTP/1.1" in text


# --------------------------------------------------------------------------- demo accounts


def test_demo_database_is_refused_outside_demo_mode(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ConfigError, match="demo accounts admin, analyst, antifraud_a"):
        refuse_demo_database(settings)
    refuse_demo_database(settings.model_copy(update={"demo_mode": True}))
    # the server's own factory (uvicorn --factory pingan.web.main:build) refuses too
    for name, value in {
        "PINGAN_DATABASE_URL": settings.effective_database_url,
        "PINGAN_DATA_DIR": str(settings.data_dir),
        "PINGAN_SECRET_KEY": settings.secret_key,
        "PINGAN_DEMO_PASSWORD": settings.demo_password,
        "PINGAN_DEMO_MODE": "0",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        with pytest.raises(ConfigError, match="pingan db upgrade"):
            build()
        monkeypatch.setenv("PINGAN_DEMO_MODE", "1")
        get_settings.cache_clear()
        assert TestClient(build()).get("/healthz").status_code == 200
    finally:
        get_settings.cache_clear()


def test_only_demo_accounts_with_a_demo_password_count(settings: Settings) -> None:
    # keep one demo-named account: "admin", as a real deployment might name its own
    with _session(settings) as db_session:
        db_session.execute(
            update(User)
            .where(User.username.in_([n for n in DEMO_NAMES if n != "admin"]))
            .values(is_active=False)
        )
    with pytest.raises(ConfigError, match="demo accounts admin with"):
        refuse_demo_database(settings)
    # with the public default password (a database from `make demo`) it is refused too
    with _session(settings) as db_session:
        admin = db_session.scalar(select(User).where(User.username == "admin"))
        assert admin is not None
        admin.password_hash = auth.hash_password(DEMO_PASSWORD)
    with pytest.raises(ConfigError, match="demo accounts admin with"):
        refuse_demo_database(settings)
    # a password of its own makes it an ordinary account
    with _session(settings) as db_session:
        admin = db_session.scalar(select(User).where(User.username == "admin"))
        assert admin is not None
        admin.password_hash = auth.hash_password("an-admin-password-of-our-own")
    refuse_demo_database(settings)
