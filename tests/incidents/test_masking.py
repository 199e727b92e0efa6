"""Personal data that slipped the mask (issue 11.5): the one masking function by hand, then
every read path (incident, list, reports, notes, changes, the live stream, Open311, series)
as a role without the right, and the public status note that Open311 shows instead of the
officer's internal note."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode

import pytest
from incidents_helpers import IN_A, Env
from sqlalchemy import func, select

from pingan.audit.models import AuditEvent
from pingan.incidents import open311
from pingan.incidents.privacy import EVERYTHING, NOBODY, Field, Sight, redact

FORM = "application/x-www-form-urlencoded"
PHONE = "13812345678"
ID_NUMBER = "11010519491231002X"
CARD = "6222021234567890123"
PLATE = "京A12345"
SECRET_TEXT = (
    f"车被偷了，我电话(138)1234-5678，身份证{ID_NUMBER}，卡号6222 0212 3456 7890 123，车牌{PLATE}"
)


# --------------------------------------------------------------------------- redact by hand


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("电话+86 138.1234.5678", "电话138****5678"),
        ("电话0086 138 1234 5678", "电话138****5678"),
        ("电话(138)1234-5678", "电话138****5678"),
        ("电话138 1234 5678。", "电话138****5678。"),
        ("座机010 6552 9988", "座机010****9988"),
        ("座机0755-12345678", "座机075****5678"),
        ("身份证11010519491231002X", "身份证**************002X"),
        ("身份证110105 19491231 0021号", "身份证**************0021号"),
        ("老身份证110105491231002", "老身份证**************1002"),
        ("卡号6222 0212 3456 7890 123", "卡号************0123"),
        ("卡号6222-0212-3456-7890", "卡号************7890"),
        ("车牌粤B·D12345和京A12345", "车牌粤B*****和京A*****"),
        ("我叫张三，电动车被偷了", "我叫张**，电动车被偷了"),
        ("被骗了5000元，2026-12-04 13:00", "被骗了5000元，2026-12-04 13:00"),
    ],
)
def test_redact_masks_each_written_form(text: str, masked: str) -> None:
    assert redact(text, NOBODY) == masked


def test_masks_have_a_fixed_width() -> None:
    names = {redact(n, NOBODY, Field.name) for n in ("张三", "张三丰", "张三丰四", "张")}
    assert names == {"张**"}
    phones = {
        redact(p, NOBODY, Field.phone)
        for p in ("13812345678", "+86 138 1234 5678", "(138)1234-5678", "138.1234.5678")
    }
    assert phones == {"138****5678"}
    cards = [redact(f"卡{c}", NOBODY) for c in ("6222021234567890", "6222021234567890123")]
    assert [len(c) for c in cards] == [17, 17]
    plates = {redact(p, NOBODY, Field.plate) for p in ("京A12345", "京AD12345")}
    assert plates == {"京A*****"}


def test_sight_decides_what_is_shown() -> None:
    plates_only = Sight(personal=False, plates=True)
    assert redact(SECRET_TEXT, EVERYTHING) == SECRET_TEXT
    shown = redact(SECRET_TEXT, plates_only) or ""
    assert PLATE in shown
    assert "138****5678" in shown
    personal_only = redact(SECRET_TEXT, Sight(personal=True, plates=False)) or ""
    assert "(138)1234-5678" in personal_only
    assert "京A*****" in personal_only
    assert redact(None, NOBODY) is None
    assert redact("", NOBODY, Field.name) == ""


# --------------------------------------------------------------------------- read paths


def _digits(value: Any) -> list[str]:
    """Every string in a JSON body, with everything but digits and X taken out."""
    if isinstance(value, str):
        return [re.sub(r"[^\dX]", "", value.upper())]
    if isinstance(value, dict):
        return [d for v in value.values() for d in _digits(v)]
    if isinstance(value, list):
        return [d for v in value for d in _digits(v)]
    return []


def _leaks(body: Any, *secrets: str) -> list[str]:
    return [s for s in secrets if any(s in d for d in _digits(body))]


def _personal_reads(env: Env) -> int:
    with env.session() as session:
        return session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "personal_data.read")
        )


def _file(env: Env, description: str = SECRET_TEXT, **extra: Any) -> int:
    body = {"description": description, "lat": IN_A[0], "lon": IN_A[1], **extra}
    created = env.client.post("/api/v1/reports", json=body, headers=env.headers("citizen"))
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def test_notes_are_masked_for_the_analyst_and_audited_for_the_chief(env: Env) -> None:
    incident_id = _file(env, "电动车被偷了")
    officer = env.headers("officer_a")
    added = env.client.post(
        f"/api/v1/incidents/{incident_id}/notes", json={"text": SECRET_TEXT}, headers=officer
    )
    assert added.status_code == 201, added.text
    assert added.json()["text"] == SECRET_TEXT  # the author's own words
    before = _personal_reads(env)
    url = f"/api/v1/incidents/{incident_id}/notes"
    analyst = env.client.get(url, headers=env.headers("analyst")).json()
    assert analyst[-1]["text"].startswith("车被偷了，我电话138****5678")
    assert "京A*****" in analyst[-1]["text"]
    assert _leaks(analyst, PHONE, ID_NUMBER, CARD) == []
    assert _personal_reads(env) == before  # nothing unmasked was read
    chief = env.client.get(url, headers=env.headers("chief_a")).json()
    assert chief[-1]["text"] == SECRET_TEXT
    assert _personal_reads(env) == before + 1


def test_reporter_name_mask_hides_its_length_and_plates_stay_with_case_workers(
    env: Env,
) -> None:
    items = [{"kind": "ebike", "brand": "雅迪", "plate": "京A12345"}]
    incident_id = _file(
        env,
        "我的电动车被偷了",
        reporter_name="欧阳娜娜",
        reporter_phone="+86 138 1234 5678",
        items=items,
    )
    analyst = env.client.get(f"/api/v1/incidents/{incident_id}", headers=env.headers("analyst"))
    body = analyst.json()
    assert body["reporter_name"] == "欧**"
    assert body["reporter_phone"] == "138****5678"
    assert body["items"][0]["plate"] == "京A*****"
    officer = env.client.get(
        f"/api/v1/incidents/{incident_id}", headers=env.headers("officer_a")
    ).json()
    assert officer["items"][0]["plate"] == "京A12345"
    assert officer["reporter_name"] == "欧阳娜娜"


def test_description_reports_list_and_changes_are_masked(env: Env) -> None:
    analyst = env.headers("analyst")
    start = env.client.get("/api/v1/incidents/changes", headers=analyst).json()["cursor"]
    incident_id = _file(env)
    bodies = [
        env.client.get(f"/api/v1/incidents/{incident_id}", headers=analyst).json(),
        env.client.get("/api/v1/incidents", headers=analyst).json(),
        env.client.get(f"/api/v1/incidents/{incident_id}/reports", headers=analyst).json(),
        env.client.get(
            "/api/v1/incidents/changes", params={"cursor": start}, headers=analyst
        ).json(),
    ]
    assert [_leaks(b, PHONE, ID_NUMBER, CARD) for b in bodies] == [[]] * 4
    assert not any(PLATE in json.dumps(b, ensure_ascii=False) for b in bodies)
    assert bodies[0]["description"] == (
        "车被偷了，我电话138****5678，身份证**************002X，卡号************0123，车牌京A*****"
    )
    assert bodies[3]["items"][0]["id"] == incident_id


def test_the_live_stream_is_masked(env: Env) -> None:
    analyst = env.headers("analyst")
    first = env.client.get("/api/v1/stream", params={"max_s": 0.5}, headers=analyst)
    cursor = next(line for line in first.text.splitlines() if line.startswith("id: "))[4:]
    incident_id = _file(env)
    resumed = env.client.get(
        "/api/v1/stream", params={"max_s": 0.5}, headers={**analyst, "Last-Event-ID": cursor}
    )
    events = [
        json.loads(line[6:]) for line in resumed.text.splitlines() if line.startswith("data: {")
    ]
    [incident] = [e for e in events if e.get("id") == incident_id]
    assert incident["description"].startswith("车被偷了，我电话138****5678")
    assert _leaks(events, PHONE, ID_NUMBER, CARD) == []
    assert PLATE not in resumed.text


def _open311_key(env: Env) -> str:
    with env.session() as session:
        key, _row = open311.create_key(session, "city-app", "station-a")
    return key


def _open311_request(env: Env, key: str, description: str) -> int:
    body = urlencode(
        {
            "api_key": key,
            "service_code": "theft.ebike",
            "lat": str(IN_A[0]),
            "long": str(IN_A[1]),
            "description": description,
        }
    ).encode("utf-8")
    posted = env.client.post(
        "/open311/v2/requests.json", content=body, headers={"Content-Type": FORM}
    )
    assert posted.status_code == 201, posted.text
    return int(posted.json()[0]["service_request_id"])


def test_open311_shows_only_the_public_note_masked_never_the_internal_note(env: Env) -> None:
    key = _open311_key(env)
    request_id = _open311_request(env, key, SECRET_TEXT)
    officer = env.headers("officer_a")
    moved = env.client.post(
        f"/api/v1/incidents/{request_id}/transition",
        json={"status": "confirmed", "note": f"已联系车主{PHONE}，内部：嫌疑人住3栋"},
        headers=officer,
    )
    assert moved.status_code == 200, moved.text
    url = f"/open311/v2/requests/{request_id}.json"
    [read] = env.client.get(url, params={"api_key": key}).json()
    assert read["status_notes"] is None  # the internal note stays inside
    assert _leaks(read, PHONE, ID_NUMBER, CARD) == []
    assert read["description"].startswith("车被偷了，我电话138****5678")

    public = "已受理，民警将联系您（如有疑问请拨13900001111）"
    moved = env.client.post(
        f"/api/v1/incidents/{request_id}/transition",
        json={"status": "dispatched", "note": "内部", "public_note": public},
        headers=officer,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["public_note"] == public
    [read] = env.client.get(url, params={"api_key": key}).json()
    assert read["status_notes"] == "已受理，民警将联系您（如有疑问请拨139****1111）"

    put = env.client.put(
        f"/api/v1/incidents/{request_id}/public-note", json={"text": "已找回"}, headers=officer
    )
    assert put.status_code == 200, put.text
    listed = env.client.get("/open311/v2/requests.json", params={"api_key": key}).json()
    assert [r["status_notes"] for r in listed] == ["已找回"]
    cleared = env.client.put(
        f"/api/v1/incidents/{request_id}/public-note", json={"text": ""}, headers=officer
    )
    assert cleared.json()["public_note"] is None
    analyst = env.client.put(
        f"/api/v1/incidents/{request_id}/public-note",
        json={"text": "x"},
        headers=env.headers("analyst"),
    )
    assert analyst.status_code == 403


def test_series_members_show_place_texts_masked(env: Env) -> None:
    dispatcher, analyst = env.headers("dispatcher_a"), env.headers("analyst")
    ids = []
    for k, day in enumerate((1, 3)):
        at = f"2025-06-0{day}T02:00:00+08:00"
        created = env.client.post(
            "/api/v1/reports",
            json={
                "description": "电动车被偷了",
                "type": "theft.ebike",
                "lat": IN_A[0] + k * 0.0002,
                "lon": IN_A[1],
                "place_text": f"锦绣花园3栋，车主电话{PHONE}",
                "occurred_start": at,
                "occurred_end": at,
            },
            headers=dispatcher,
        )
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])
    stored = env.client.post(
        "/api/v1/analytics/series", json={"incident_ids": ids}, headers=analyst
    )
    assert stored.status_code == 201, stored.text
    members = stored.json()["members"]
    assert [m["place_text"] for m in members] == ["锦绣花园3栋，车主电话138****5678"] * 2


def test_the_citizen_status_page_shows_the_public_note_masked(env: Env) -> None:
    created = env.client.post(
        "/api/v1/reports",
        json={"description": "电动车被偷了", "lat": IN_A[0], "lon": IN_A[1]},
        headers=env.headers("citizen"),
    )
    token = created.json()["public_token"]
    env.client.post(
        f"/api/v1/incidents/{created.json()['id']}/notes",
        json={"text": f"内部：车主{PHONE}"},
        headers=env.headers("officer_a"),
    )
    assert env.client.get(f"/api/v1/reports/{token}").json()["public_note"] is None
    env.client.put(
        f"/api/v1/incidents/{created.json()['id']}/public-note",
        json={"text": f"已立案，有线索请拨{PHONE}"},
        headers=env.headers("officer_a"),
    )
    status = env.client.get(f"/api/v1/reports/{token}").json()
    assert status["public_note"] == "已立案，有线索请拨138****5678"
    page = env.client.get(f"/report/{token}", headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 200
    assert "派出所留言" in page.text
    assert "已立案，有线索请拨138****5678" in page.text
    assert PHONE not in page.text
