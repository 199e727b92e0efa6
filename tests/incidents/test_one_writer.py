"""One incident writer (issue 12): every channel's incident, report and item rows are built
by ``pingan.incidents.rows`` and inserted by ``pingan.incidents.writer``.

One report of the same text at the same point goes in through each channel (the API,
Open311, the web form anonymous and logged in, the CSV import, chat, a split and the
simulated history); the stored rows are compared column by column with the API's, and
the columns where a channel legitimately differs are listed in :data:`DIFFERS`.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi.testclient import TestClient
from incidents_helpers import IN_A, Env
from sqlalchemy import select

from pingan.db import utcnow
from pingan.incidents import open311, simulated
from pingan.incidents.models import Incident, IncidentReport, Status, StolenItem
from pingan.jurisdictions import service as jurisdictions
from support.pages import page_login

TEXT = "楼下KTV音响太吵了，吵得睡不着，请派人来看看"
LAT, LON = IN_A
SRC = Path(__file__).parents[2] / "src"

#: Columns that differ on every row by nature (ids, tokens, the writer's time stamps).
OWN = {"id", "public_token", "created_at", "updated_at", "received_at"}

#: Columns of the incident row where a channel legitimately differs from the API's row.
DIFFERS: dict[str, set[str]] = {
    "api": set(),
    # a key, not a user, files it
    "open311": {"channel", "open311_key_id", "reporter_user_id"},
    # nobody logged in; the form files as the API channel
    "web_anonymous": {"reporter_user_id"},
    # the logged-in citizen's form goes through the API intake itself
    "web_logged_in": set(),
    # a dispatcher uploads a hotline record: the file has no reporter account
    "csv": {"channel", "reporter_user_id"},
    # an officer posts a group-chat message: a draft, no point (none given, none found)
    "chat": {
        "channel",
        "reporter_user_id",
        "is_draft",
        "lat",
        "lon",
        "geocode_confidence",
    },
    # the split-off incident takes the moved report's values: the API report's here
    "split": set(),
    # demo history: generated times and status, no reporter, the city named by the loader,
    # no place read from the text (the others read the generic place "KTV")
    "simulated": {
        "place_text",
        "city",
        "channel",
        "reporter_user_id",
        "simulated",
        "status",
        "description",
        "occurred_start",
        "occurred_end",
    },
}

#: Columns of the report row where a channel legitimately differs from the API's report.
REPORT_DIFFERS: dict[str, set[str]] = {
    "api": set(),
    # source_ref: the Open311 key that filed it
    "open311": {"channel", "reporter_user_id", "source_ref"},
    "web_anonymous": {"reporter_user_id"},
    "web_logged_in": set(),
    # source_ref: the file's line
    "csv": {"channel", "reporter_user_id", "source_ref"},
    "chat": {"channel", "reporter_user_id", "lat", "lon"},
}


def _api(env: Env) -> int:
    posted = env.client.post(
        "/api/v1/reports",
        json={"description": TEXT, "type": "noise", "lat": LAT, "lon": LON},
        headers=env.headers("citizen"),
    )
    assert posted.status_code == 201, posted.text
    return int(posted.json()["id"])


def _open311(env: Env) -> int:
    with env.session() as session:
        key, _row = open311.create_key(session, "one-writer", "station-a")
    fields = {
        "api_key": key,
        "service_code": "noise",
        "lat": str(LAT),
        "long": str(LON),
        "description": TEXT,
    }
    posted = env.client.post(
        "/open311/v2/requests.json",
        content=urlencode(fields).encode("ascii"),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert posted.status_code == 201, posted.text
    return _by_token(env, posted.json()[0]["token"])


def _web_form(env: Env, *, logged_in: bool) -> int:
    client = TestClient(env.client.app)
    form = {"type": "noise", "description": TEXT, "lat": str(LAT), "lon": str(LON)}
    if logged_in:
        page_login(client, env.settings, "citizen")
        form |= {"csrf_token": client.cookies["pingan_csrf"], "request_key": "one-writer"}
    else:
        page = client.get("/report")
        found = re.search(r'name="form_token" value="([^"]+)"', page.text)
        assert found is not None
        form |= {"form_token": found.group(1), "city": "helsinki"}
    filed = client.post("/report", data=form, follow_redirects=False)
    assert filed.status_code == 303, filed.text
    return _by_token(env, filed.headers["location"].rsplit("/", 1)[1])


def _csv(env: Env) -> int:
    rows = f"时间,类别,警情,纬度,经度\n2026-07-03 21:14,noise,{TEXT},{LAT},{LON}\n"
    uploaded = env.client.post(
        "/api/v1/incidents/import",
        files={"file": ("110.csv", rows.encode("utf-8"), "text/csv")},
        data={"mapping": "received_at=时间,type=类别,description=警情,lat=纬度,lon=经度"},
        headers=env.headers("dispatcher_a"),
    )
    assert uploaded.status_code == 201, uploaded.text
    [incident_id] = uploaded.json()["created_incidents"]
    return int(incident_id)


def _chat(env: Env) -> int:
    posted = env.client.post(
        "/api/v1/chat/messages",
        json={"group": "东街平安群", "sent_at": utcnow().isoformat(), "text": TEXT},
        headers=env.headers("officer_a"),
    )
    assert posted.status_code == 201, posted.text
    assert posted.json()["joined_existing"] is False
    return int(posted.json()["incident_id"])


def _split(env: Env) -> int:
    kept, moved = _api(env), _api(env)
    dispatcher = env.headers("dispatcher_a")
    merged = env.client.post(
        f"/api/v1/incidents/{kept}/merge", json={"other_ids": [moved]}, headers=dispatcher
    )
    assert merged.status_code == 200, merged.text
    reports = env.client.get(f"/api/v1/incidents/{kept}/reports", headers=dispatcher).json()
    split = env.client.post(
        f"/api/v1/incidents/{kept}/split",
        json={"report_ids": [reports[-1]["id"]]},
        headers=dispatcher,
    )
    assert split.status_code == 201, split.text
    return int(split.json()["id"])


def _simulated(env: Env) -> int:
    now = utcnow()
    with env.session() as session:
        station = jurisdictions.get_by_code(session, "station-a")
        record = simulated.SimulatedRecord(
            received_at=now,
            occurred_start=now - timedelta(hours=1),
            occurred_end=now,
            lat=LAT,
            lon=LON,
            type="noise",
            description=TEXT + "（模拟）",
            jurisdiction_id=station.id,
            status=Status.closed,
        )
        [incident_id] = simulated.add_simulated_history(session, "helsinki", [record])
    return incident_id


def _by_token(env: Env, token: str) -> int:
    with env.session() as session:
        found = session.scalar(select(Incident.id).where(Incident.public_token == token))
    assert found is not None
    return int(found)


def _row(env: Env, model: Any, **where: Any) -> dict[str, Any]:
    table = model.__table__
    with env.session() as session:
        statement = select(table)
        for name, value in where.items():
            statement = statement.where(table.c[name] == value)
        found = session.execute(statement).mappings().all()
    assert len(found) == 1, (model, where, found)
    return dict(found[0])


def _differing(row: dict[str, Any], reference: dict[str, Any], skip: set[str]) -> set[str]:
    assert set(row) == set(reference)
    return {name for name in row if name not in skip and row[name] != reference[name]}


def test_every_channel_stores_the_same_columns_the_same_way(env: Env) -> None:
    ids = {
        "api": _api(env),
        "open311": _open311(env),
        "web_anonymous": _web_form(env, logged_in=False),
        "web_logged_in": _web_form(env, logged_in=True),
        "csv": _csv(env),
        "chat": _chat(env),
        "split": _split(env),
        "simulated": _simulated(env),
    }
    rows = {channel: _row(env, Incident, id=incident_id) for channel, incident_id in ids.items()}
    reference = rows["api"]
    assert reference["lat"] == LAT
    for channel, row in rows.items():
        assert _differing(row, reference, OWN) == DIFFERS[channel], channel
        # set the same way on every channel: the writer's stamps and a fresh token
        assert row["created_at"] == row["updated_at"], channel
        prefix = simulated.SIMULATED_TOKEN_PREFIX if channel == "simulated" else ""
        assert re.fullmatch(re.escape(prefix) + r"[\w-]{22}", row["public_token"]), channel
        assert (row["priority"], row["property_returned"], row["duplicate_of_id"]) == (
            3,
            False,
            None,
        )
        assert row["public_note"] is None
    assert rows["chat"]["is_draft"] is True
    assert rows["open311"]["open311_key_id"] is not None

    reports = {
        channel: _row(env, IncidentReport, incident_id=ids[channel]) for channel in REPORT_DIFFERS
    }
    for channel, report in reports.items():
        skip = {"id", "incident_id", "received_at"}
        assert _differing(report, reports["api"], skip) == REPORT_DIFFERS[channel], channel
    # the split moved the API report itself: it is the new incident's only report
    moved = _row(env, IncidentReport, incident_id=ids["split"])
    assert _differing(moved, reports["api"], {"id", "incident_id", "received_at"}) == set()
    # the simulated history has incidents only
    with env.session() as session:
        assert (
            session.scalar(
                select(IncidentReport.id).where(IncidentReport.incident_id == ids["simulated"])
            )
            is None
        )


def test_stolen_items_carry_their_incident_and_report(env: Env) -> None:
    posted = env.client.post(
        "/api/v1/reports",
        json={
            "description": "我的电动车在楼下被偷了",
            "type": "theft.ebike",
            "lat": LAT,
            "lon": LON,
            "items": [{"kind": "ebike", "brand": "雅迪", "colour": "green"}],
        },
        headers=env.headers("citizen"),
    )
    assert posted.status_code == 201, posted.text
    incident_id = posted.json()["id"]
    report = _row(env, IncidentReport, incident_id=incident_id)
    item = _row(env, StolenItem, incident_id=incident_id)
    assert item["report_id"] == report["id"]
    assert (item["kind"], item["brand"], item["colour"], item["count"]) == (
        "ebike",
        "雅迪",
        "green",
        1,
    )
    assert posted.json()["items"] == [
        {
            "kind": "ebike",
            "brand": "雅迪",
            "colour": "green",
            "plate": None,
            "frame_number": None,
            "count": 1,
            "value_yuan": None,
        }
    ]


def test_only_the_writer_inserts_incident_rows() -> None:
    """No ``Incident(...)`` object and no other ``insert`` into its table anywhere in
    ``src/pingan``: the writer inserts the rows that ``rows.incident_columns`` builds."""
    makers = re.compile(r"(?<!class )\bIncident\(|insert\(\s*(Incident\b|_incidents\b)")
    found = sorted(
        path.relative_to(SRC).as_posix()
        for path in (SRC / "pingan").rglob("*.py")
        if "migrations" not in path.parts and makers.search(path.read_text(encoding="utf-8"))
    )
    assert found == ["pingan/incidents/writer.py"]
    columns = (SRC / "pingan" / "incidents" / "rows.py").read_text(encoding="utf-8")
    assert "def incident_columns(" in columns
    assert "def incident_read(" in columns
