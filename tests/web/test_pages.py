"""Pages over the real app: languages, navigation by role, access, the citizen form's
errors, photos, and the live stream resuming from its cursor."""

from __future__ import annotations

import re
import time

import pytest
from fastapi.testclient import TestClient

from pingan.config import Settings
from pingan.errors import InvalidInput
from pingan.web import photos
from pingan.web.pages.citizen import check_form_token, form_token
from support.app import seeded_client, token_for
from support.pages import login_form_token, page_login

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _page_login(client: TestClient, settings: Settings, username: str) -> str:
    return page_login(client, settings, username)


def test_pages_speak_chinese_by_default_and_english_by_cookie(settings: Settings) -> None:
    client = seeded_client(settings)
    page = client.get("/login")
    assert page.status_code == 200
    assert '<html lang="zh-CN">' in page.text
    assert "民警登录" in page.text
    assert page.headers["content-language"] == "zh-CN"
    client.cookies.set("pingan_lang", "en")
    english = client.get("/login")
    assert '<html lang="en">' in english.text
    assert "Staff login" in english.text
    assert client.get("/i18n/zh-CN.json").json()["messages"]["Dispatch"] == "派警"


def test_language_is_remembered_on_the_account(settings: Settings) -> None:
    client = seeded_client(settings)
    assert _page_login(client, settings, "dispatcher_a") == "/board"
    refused = client.post("/language", data={"language": "en"}, follow_redirects=False)
    assert refused.status_code == 403  # the session's CSRF token is missing
    switched = client.post(
        "/language",
        data={"language": "en", "next": "/home", "csrf_token": client.cookies["pingan_csrf"]},
        follow_redirects=False,
    )
    assert switched.status_code == 303
    assert switched.headers["location"] == "/home"
    me = client.get("/api/v1/auth/me", headers=token_for(client, settings, "dispatcher_a"))
    assert me.json()["language"] == "en"
    other = seeded_client(settings)  # another browser: no language cookie
    _page_login(other, settings, "dispatcher_a")
    assert '<html lang="en">' in other.get("/home").text


def test_navigation_and_access_follow_the_roles(settings: Settings) -> None:
    anonymous = seeded_client(settings)
    to_login = anonymous.get("/board", follow_redirects=False)
    assert to_login.status_code == 303
    assert to_login.headers["location"] == "/login?next=/board"

    chief = seeded_client(settings)
    assert _page_login(chief, settings, "chief_a") == "/dashboard"
    home = chief.get("/home").text
    assert 'href="/board"' in home
    assert 'href="/dashboard"' in home

    citizen = seeded_client(settings)
    assert _page_login(citizen, settings, "citizen") == "/report"
    nav = re.search(r'<nav class="mainnav".*?</nav>', citizen.get("/home").text, re.S)
    assert nav is not None
    assert 'href="/report"' in nav.group(0)
    assert 'href="/board"' not in nav.group(0)
    assert citizen.get("/board").status_code == 403
    assert citizen.get("/dashboard").status_code == 403

    dispatcher = seeded_client(settings)
    _page_login(dispatcher, settings, "dispatcher_a")
    board = dispatcher.get("/board")
    assert board.status_code == 200
    assert 'data-can-dispatch="1"' in board.text
    assert dispatcher.get("/dashboard").status_code == 403


def test_the_login_page_names_the_error_in_the_users_language(settings: Settings) -> None:
    client = seeded_client(settings)
    client.cookies.set("pingan_lang", "en")
    page = client.post(
        "/login",
        data={
            "username": "chief_a",
            "password": "wrong-password",
            "csrf_token": login_form_token(client),
        },
    )
    assert page.status_code == 401
    assert "Wrong username or password." in page.text
    assert re.search(r'<input id="username"[^>]*value="chief_a"', page.text)


def test_report_form_errors_sit_next_to_their_fields(settings: Settings) -> None:
    client = seeded_client(settings)
    form = client.get("/report")
    assert form.status_code == 200
    for label in ('for="description"', 'for="address"', 'for="photo"', 'for="phone"'):
        assert label in form.text
    token = re.search(r'name="form_token" value="([^"]+)"', form.text)
    assert token is not None
    bad = client.post(
        "/report",
        data={"form_token": token.group(1), "description": "x", "phone": "call me"},
        files={"photo": ("notes.txt", b"just text, not an image", "image/png")},
    )
    assert bad.status_code == 422
    errors = dict(re.findall(r'id="err-(\w+)"[^>]*>([^<]+)</p>', bad.text))
    assert errors["type"] == "请选择发生了什么。"
    assert errors["description"] == "请用几句话描述发生了什么。"
    assert errors["location"] == "请在地图上标记位置，或填写地址、地标。"
    assert errors["phone"] == "请只填写数字电话号码，例如 13800138000。"
    assert errors["photo"] == "照片须为 JPEG、PNG 或 WebP 格式。"
    client.cookies.set("pingan_lang", "en")
    as_json = client.post(
        "/report",
        data={"form_token": "123.forged", "type": "noise", "description": "loud music"},
        headers={"Accept": "application/json"},
    )
    assert as_json.status_code == 422
    assert as_json.json() == {
        "ok": False,
        "errors": {
            "form": "This form has expired. Reload the page and send it again.",
            "location": "Put a pin on the map or type an address or landmark.",
        },
    }


def test_a_logged_in_citizen_files_a_report_and_follows_it(settings: Settings) -> None:
    client = seeded_client(settings)
    _page_login(client, settings, "citizen")
    filed = client.post(
        "/report",
        data={
            "csrf_token": client.cookies["pingan_csrf"],
            "type": "theft.ebike",
            "description": "我的电动车在小区门口被偷了",
            "lat": "60.1716",
            "lon": "24.9500",
            "request_key": "k-1",
        },
        files={"photo": ("bike.png", PNG, "image/png")},
        follow_redirects=False,
    )
    assert filed.status_code == 303, filed.text
    location = filed.headers["location"]
    token = location.rsplit("/", 1)[1]
    status = client.get(location)
    assert status.status_code == 200
    assert "我的报警：电动车被盗" in status.text
    assert 'data-status="received"' in status.text
    photo = client.get(f"{location}/photo")
    assert photo.status_code == 200
    assert photo.headers["content-type"] == "image/png"
    assert photo.content == PNG
    assert (settings.data_dir / "report-photos" / token / "photo.png").read_bytes() == PNG
    assert seeded_client(settings).get("/report/no-such-token-123").status_code == 404


def test_photos_are_checked_by_their_bytes(settings: Settings) -> None:
    assert photos.check_photo(b"\xff\xd8\xff\xe0" + b"\x00" * 10) == "jpg"
    assert photos.check_photo(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "webp"
    with pytest.raises(InvalidInput, match="larger than 5 MB"):
        photos.check_photo(PNG + b"\x00" * photos.MAX_PHOTO_BYTES)
    with pytest.raises(InvalidInput, match="JPEG, PNG or WebP"):
        photos.check_photo(b"GIF89a" + b"\x00" * 10)
    with pytest.raises(InvalidInput, match="malformed report token"):
        photos.save_photo(settings, "../../etc", PNG)
    assert photos.find_photo(settings, "../../etc") is None


def test_form_tokens_expire_and_cannot_be_forged(settings: Settings) -> None:
    now = time.time()
    token = form_token(settings, int(now) - 60)
    assert check_form_token(settings, token, now)
    assert not check_form_token(settings, token, now + 5 * 3600)
    issued = token.split(".")[0]
    assert not check_form_token(settings, f"{issued}.{'0' * 32}", now)
    other = settings.model_copy(update={"secret_key": "another-secret-key-0123456789"})
    assert not check_form_token(other, token, now)


def _events(text: str) -> list[tuple[str, str | None, str]]:
    found = []
    for block in text.split("\n\n"):
        fields = dict(
            line.split(": ", 1) for line in block.splitlines() if ": " in line and line[0] != ":"
        )
        if "event" in fields:
            found.append((fields["event"], fields.get("id"), fields.get("data", "")))
    return found


def test_the_stream_resumes_from_its_cursor(settings: Settings) -> None:
    client = seeded_client(settings)
    dispatcher = token_for(client, settings, "dispatcher_a")
    first = client.get("/api/v1/stream", params={"max_s": 0.5}, headers=dispatcher)
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("text/event-stream")
    hello = _events(first.text)[0]
    assert hello[0] == "hello"
    cursor = hello[1]
    assert cursor is not None
    citizen = token_for(client, settings, "citizen")
    made = client.post(
        "/api/v1/reports",
        headers=citizen,
        json={"description": "东街有人打架", "type": "assault", "lat": 60.1716, "lon": 24.95},
    )
    assert made.status_code == 201, made.text
    resumed = client.get(
        "/api/v1/stream", params={"max_s": 0.5}, headers={**dispatcher, "Last-Event-ID": cursor}
    )
    incidents = [e for e in _events(resumed.text) if e[0] == "incident"]
    assert len(incidents) == 1
    assert f'"id":{made.json()["id"]}' in incidents[0][2]
    assert '"reporter_phone"' in incidents[0][2]
    assert client.get("/api/v1/stream", headers=citizen).status_code == 403
    bad = client.get("/api/v1/stream", headers={**dispatcher, "Last-Event-ID": "garbage"})
    assert bad.status_code == 422
    assert bad.json()["field"] == "Last-Event-ID"


def test_the_dashboard_shows_the_figures(settings: Settings) -> None:
    client = seeded_client(settings)
    _page_login(client, settings, "chief_a")
    page = client.get("/dashboard", params={"days": 7})
    assert page.status_code == 200
    assert 'data-kpi="median"' in page.text
    assert "<svg" in page.text
    assert "本时段没有接报警情。" in page.text  # nothing reported yet in a fresh database
