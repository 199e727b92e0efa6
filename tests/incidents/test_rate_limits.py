"""Anonymous intake under rate limits (issue 11, item 2): the report form per address, per
form token (spent by its report) and per photo; Open311 per key; the counts hold across
workers; a neighbourhood's legitimate burst passes."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from incidents_helpers import EAST, WEST
from sqlalchemy import func, select

from pingan.config import Settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from pingan.incidents import open311
from pingan.incidents.models import Incident
from pingan.jurisdictions import service as jurisdictions
from pingan.web.app import create_app
from pingan.web.pages.citizen import form_token

FORM = "application/x-www-form-urlencoded"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HOME = ("192.0.2.10", 50000)
NEIGHBOUR = ("192.0.2.11", 50000)
IN_A = (60.17, 24.945)  # lat, lon: in the demo city, inside station A (east of 24.94°E)
TOO_MANY = "Too many reports were sent from your address or with this form."


@pytest.fixture
def intake_settings(settings: Settings) -> Settings:
    """The test database with station A east and station B west of 24.94°E."""
    engine = make_engine(settings.effective_database_url)
    with unit_of_work(make_session_factory(engine)) as session:
        jurisdictions.set_boundary(session, jurisdictions.get_by_code(session, "station-a"), EAST)
        jurisdictions.set_boundary(session, jurisdictions.get_by_code(session, "station-b"), WEST)
    engine.dispose()
    return settings


def _limited(settings: Settings, **limits: str) -> Settings:
    return settings.model_copy(update=limits)


def _report(token: str, **fields: str) -> dict[str, str]:
    form = {
        "type": "noise",
        "description": "楼下KTV太吵了，一直到半夜",
        "lat": str(IN_A[0]),
        "lon": str(IN_A[1]),
        "city": "helsinki",
        "form_token": token,
    }
    form.update(fields)
    return form


def _fresh_token(client: TestClient) -> str:
    """The token the report form carries, as a browser gets it."""
    page = client.get("/report")
    found = re.search(r'name="form_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def _submit(client: TestClient, form: dict[str, str], **kwargs):  # type: ignore[no-untyped-def]
    return client.post("/report", data=form, follow_redirects=False, **kwargs)


def _incidents(settings: Settings) -> int:
    engine = make_engine(settings.effective_database_url)
    with unit_of_work(make_session_factory(engine)) as session:
        count = session.scalar(select(func.count()).select_from(Incident))
    engine.dispose()
    return int(count or 0)


# ------------------------------------------------------------------ the report form


def test_the_report_form_answers_429_per_address_after_the_limit(
    intake_settings: Settings,
) -> None:
    settings = _limited(intake_settings, report_rate_limit="3/minute")
    app = create_app(settings)
    home, neighbour = TestClient(app, client=HOME), TestClient(app, client=NEIGHBOUR)
    before = _incidents(settings)
    for _ in range(3):
        filed = _submit(home, _report(_fresh_token(home)))
        assert filed.status_code == 303, filed.text
    refused = _submit(home, _report(_fresh_token(home)))
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert TOO_MANY in refused.text or "报警过多" in refused.text
    as_json = _submit(home, _report(_fresh_token(home)), headers={"Accept": "application/json"})
    assert as_json.status_code == 429
    assert "retry-after" in as_json.headers
    assert as_json.json()["ok"] is False
    assert _submit(neighbour, _report(_fresh_token(neighbour))).status_code == 303
    assert _incidents(settings) == before + 4


def test_a_form_token_files_one_report_only(intake_settings: Settings) -> None:
    client = TestClient(create_app(intake_settings), client=HOME)
    before = _incidents(intake_settings)
    token = _fresh_token(client)
    assert _submit(client, _report(token)).status_code == 303
    again = _submit(client, _report(token), headers={"Accept": "application/json"})
    assert again.status_code == 422
    assert again.json() == {
        "ok": False,
        "errors": {"form": "This form has expired. Reload the page and send it again."},
    }
    assert _incidents(intake_settings) == before + 1


def test_a_form_token_is_given_back_when_its_report_is_not_filed(
    intake_settings: Settings,
) -> None:
    client = TestClient(create_app(intake_settings), client=HOME)
    token = _fresh_token(client)
    nowhere = _report(token, lat="", lon="", address="这条路不存在的地方 999 号")
    missed = _submit(client, nowhere, headers={"Accept": "application/json"})
    assert missed.status_code == 422
    assert set(missed.json()["errors"]) == {"location"}
    # the citizen puts a pin on the map and sends the same form again
    assert _submit(client, _report(token)).status_code == 303


def test_one_form_token_sent_over_and_over_answers_429(intake_settings: Settings) -> None:
    settings = _limited(intake_settings, report_form_token_rate_limit="3/10minutes")
    app = create_app(settings)
    token = form_token(settings)
    broken = _report(token, description="x")  # refused by the form: the token is not spent
    for index in range(3):
        client = TestClient(app, client=(f"192.0.2.{20 + index}", 50000))
        assert _submit(client, broken).status_code == 422
    refused = _submit(TestClient(app, client=("192.0.2.99", 50000)), broken)
    assert refused.status_code == 429
    assert "retry-after" in refused.headers


def test_photo_uploads_answer_429_per_address(intake_settings: Settings) -> None:
    settings = _limited(intake_settings, photo_rate_limit="2/minute")
    app = create_app(settings)
    home, neighbour = TestClient(app, client=HOME), TestClient(app, client=NEIGHBOUR)
    photo = {"photo": ("scene.png", PNG, "image/png")}
    for _ in range(2):
        assert _submit(home, _report(_fresh_token(home)), files=photo).status_code == 303
    refused = _submit(home, _report(_fresh_token(home)), files=photo)
    assert refused.status_code == 429
    assert "retry-after" in refused.headers
    # reports without photos still go through, and so do the neighbour's photos
    assert _submit(home, _report(_fresh_token(home))).status_code == 303
    assert _submit(neighbour, _report(_fresh_token(neighbour)), files=photo).status_code == 303


def test_ten_reports_from_a_neighbourhood_within_a_minute_all_pass(
    intake_settings: Settings,
) -> None:
    """The default limits: ten neighbours report the same fire from ten addresses."""
    app = create_app(intake_settings)
    before = _incidents(intake_settings)
    for index in range(10):
        neighbour = TestClient(app, client=(f"198.51.100.{index + 1}", 40000 + index))
        form = _report(
            _fresh_token(neighbour), type="fire_hazard", description=f"楼里冒烟了，第{index}户"
        )
        filed = _submit(neighbour, form)
        assert filed.status_code == 303, filed.text
        assert filed.headers["location"].startswith("/report/")
    assert _incidents(intake_settings) == before + 10


# ------------------------------------------------------------------ Open311


def _key(settings: Settings, name: str) -> str:
    engine = make_engine(settings.effective_database_url)
    with unit_of_work(make_session_factory(engine)) as session:
        key, _row = open311.create_key(session, name, "station-a")
    engine.dispose()
    return key


def _open311(client: TestClient, key: str):  # type: ignore[no-untyped-def]
    body = {
        "api_key": key,
        "service_code": "noise",
        "lat": str(IN_A[0]),
        "long": str(IN_A[1]),
        "description": "楼下KTV太吵了",
    }
    return client.post(
        "/open311/v2/requests.json",
        content=urlencode(body).encode("ascii"),
        headers={"Content-Type": FORM},
    )


def test_each_open311_key_answers_429_after_its_limit(intake_settings: Settings) -> None:
    settings = _limited(intake_settings, open311_rate_limit="3/minute")
    client = TestClient(create_app(settings))
    flooding, other = _key(settings, "flooding-app"), _key(settings, "other-app")
    for _ in range(3):
        assert _open311(client, flooding).status_code == 201
    refused = _open311(client, flooding)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json() == [
        {"code": 429, "description": "too many requests with this API key; try again later"}
    ]
    assert _open311(client, other).status_code == 201


def test_counts_hold_across_two_workers_on_one_database(intake_settings: Settings) -> None:
    """Two app instances (two workers) over the same database share the counters."""
    settings = _limited(intake_settings, open311_rate_limit="4/minute")
    first, second = TestClient(create_app(settings)), TestClient(create_app(settings))
    key = _key(settings, "city-app")
    for worker in (first, second, first, second):
        assert _open311(worker, key).status_code == 201
    assert _open311(first, key).status_code == 429
    assert _open311(second, key).status_code == 429


def test_an_anonymous_report_with_a_stale_session_cookie_is_filed(
    intake_settings: Settings,
) -> None:
    """The stale cookie is looked up on the page's session first (on SQLite that takes the
    write lock); the form token is spent after that transaction ends, not against it."""
    client = TestClient(create_app(intake_settings), client=HOME)
    token = _fresh_token(client)
    client.cookies.set("pingan_session", "an-expired-or-forged-session-token")
    filed = _submit(client, _report(token))
    assert filed.status_code == 303, filed.text
