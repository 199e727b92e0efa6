"""Group-chat intake: a realistic export becomes draft incidents (reports of one event
joined), the chatter in it does not; bad files and messages are refused whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from incidents_helpers import Env

CHAT = Path(__file__).parents[1] / "data" / "chat" / "donggjie_group_2026-07-03.txt"


def _upload(env: Env, raw: bytes, user: str = "officer_a"):  # type: ignore[no-untyped-def]
    return env.client.post(
        "/api/v1/chat/import",
        files={"file": ("export.txt", raw, "text/plain")},
        data={"group": "东街平安群"},
        headers=env.headers(user),
    )


def test_chat_export_becomes_drafts_and_chatter_does_not(env: Env) -> None:
    response = _upload(env, CHAT.read_bytes())
    assert response.status_code == 201, response.text
    result = response.json()
    # 28 lines, one of them continuing the message before it
    assert result["messages"] == 27
    assert result["reports"] == 10
    assert result["chatter"] == 17
    # two messages about one e-bike theft and two about one fight join one draft each
    assert len(result["created_incidents"]) == 8
    chief = env.headers("chief_a")
    page = env.client.get(
        "/api/v1/incidents", params={"draft": "true", "limit": 100}, headers=chief
    ).json()
    assert page["total"] == 8
    by_type = {i["type"]: i for i in page["items"]}
    assert set(by_type) == {
        "theft.ebike",
        "assault",
        "fraud",
        "missing_person",
        "noise",
        "theft.bicycle",
        "fire_hazard",
        "theft.burglary",
    }
    assert all(i["is_draft"] and i["status"] == "received" for i in page["items"])
    assert all(
        i["channel"] == "chat" and i["jurisdiction_code"] == "station-a" for i in page["items"]
    )
    ebike = by_type["theft.ebike"]
    assert ebike["report_count"] == 2
    assert ebike["place_text"] == "锦绣花园3栋"
    assert "刚下楼就没了" in ebike["description"]  # the continuation line
    assert by_type["assault"]["report_count"] == 2
    assert by_type["fraud"]["fraud_type"] == "customer_service"
    assert by_type["fraud"]["amount_yuan"] == 5000
    reports = env.client.get(f"/api/v1/incidents/{ebike['id']}/reports", headers=chief).json()
    assert [r["source_ref"] for r in reports] == ["line 7", "line 10"]
    confirmed = env.client.post(
        f"/api/v1/incidents/{ebike['id']}/transition", json={"status": "confirmed"}, headers=chief
    ).json()
    assert confirmed["is_draft"] is False
    counts = env.counts()
    assert counts["chat_message"] == 27
    assert counts["incident"] == 8
    assert counts["incident_report"] == 10


def test_one_message_at_a_time(env: Env) -> None:
    officer = env.headers("officer_a")
    chatter = env.client.post(
        "/api/v1/chat/messages",
        json={
            "group": "东街平安群",
            "sender": "李阿姨",
            "sent_at": "2026-07-03T19:05:00+08:00",
            "text": "王警官辛苦了👍",
        },
        headers=officer,
    )
    assert chatter.status_code == 201, chatter.text
    assert chatter.json()["is_report"] is False
    assert chatter.json()["incident_id"] is None
    report = env.client.post(
        "/api/v1/chat/messages",
        json={
            "group": "东街平安群",
            "sender": "张三",
            "sent_at": "2026-07-10T21:05:00+08:00",
            "text": "我放在锦绣花园3栋楼下的电瓶车昨天夜里被人偷了，绿色的雅迪",
        },
        headers=officer,
    ).json()
    assert report["is_report"] is True
    assert report["type"] == "theft.ebike"
    assert report["joined_existing"] is False
    assert report["extraction"]["items"][0] == {
        "kind": "ebike",
        "brand": "雅迪",
        "colour": "green",
        "count": 1,
    }
    assert env.counts()["chat_message"] == 2
    assert env.counts()["incident"] == 1
    assert (
        env.client.post(
            "/api/v1/chat/messages",
            json={"sent_at": "2026-07-10T21:05:00+08:00", "text": "有人打架"},
            headers=env.headers("analyst"),
        ).status_code
        == 403
    )


BAD_MESSAGES = [
    ("", "empty"),
    ("🙏🙏🙏👮‍♂️", "no words"),
    ("偷" * 10_001, "at most 10000"),
]


@pytest.mark.parametrize(("text", "reason"), BAD_MESSAGES, ids=[r for _, r in BAD_MESSAGES])
def test_bad_messages_are_refused(env: Env, text: str, reason: str) -> None:
    response = env.client.post(
        "/api/v1/chat/messages",
        json={"sent_at": "2026-07-10T21:05:00+08:00", "text": text},
        headers=env.headers("officer_a"),
    )
    assert response.status_code == 422
    assert reason in response.json()["detail"]
    assert set(env.counts().values()) == {0}


def test_a_bad_line_stops_the_whole_file(env: Env) -> None:
    lines = CHAT.read_text(encoding="utf-8").splitlines()
    lines[20] = "2026-07-03 23:1O 钱先生: 时间写错了"  # letter O, not zero: line 21
    response = _upload(env, "\n".join(lines).encode("utf-8"))
    assert response.status_code == 422
    assert response.json()["detail"].startswith("line 21:")
    lines = CHAT.read_text(encoding="utf-8").splitlines()
    lines[24] = "2026-07-04 07:45 陈女士: " + "杂物" * 5001  # over-long message on line 25
    response = _upload(env, "\n".join(lines).encode("utf-8"))
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "line 25: the text has 10002 characters; at most 10000 are accepted"
    )
    assert set(env.counts().values()) == {0}


def test_invalid_utf8_file_names_the_line(env: Env) -> None:
    raw = CHAT.read_bytes().split(b"\n")
    raw[3] = raw[3][:30] + b"\xff\xfe" + raw[3][30:]
    response = _upload(env, b"\n".join(raw))
    assert response.status_code == 422
    assert response.json()["detail"].startswith("line 4: the file is not valid UTF-8")
    assert set(env.counts().values()) == {0}
    headless = _upload(env, "没有时间的一行\n2026-07-03 19:02 张三: 你好".encode())
    assert headless.status_code == 422
    assert headless.json()["detail"].startswith("line 1: the file must start with")
