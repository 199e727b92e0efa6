"""Group health per ISO week on real group-chat messages: messages, reports and drafts,
questions answered and the median time to an officer's answer, silent groups, and the
groups waiting for an answer now."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from pingan.community.group_health import Said, answer_times, figures, week_bounds
from pingan.config import Settings
from support.app import seeded_client, token_for

API = "/api/v1/community/groups"
CHAT = Path(__file__).parents[1] / "data" / "chat" / "donggjie_group_2026-07-03.txt"
CST = "+08:00"

XINGFULI = {
    "platform": "wechat",
    "external_id": "wxid-xingfuli-01",
    "name": "东街幸福里警民群",
    "grid_code": "grid-a1",
    "officer": "officer_a",
    "officer_senders": ["东街派出所王警官"],
    "member_count": 412,
    "created_on": "2025-03-18",
}
ERWANGGE = XINGFULI | {
    "platform": "wecom",
    "external_id": "wecom-a2-003",
    "name": "东街二网格平安群",
    "grid_code": "grid-a2",
    "officer_senders": [],
}

#: Week 2026-W28 runs from Monday 6 July to Sunday 12 July 2026 (Asia/Shanghai).
XINGFULI_WEEK = [
    # a question at 20:00, the officer's answer at 20:12: 12 minutes
    ("2026-07-07T20:00", "李阿姨", "请问小区东门晚上几点关门？"),
    ("2026-07-07T20:12", "东街派出所王警官", "晚上十一点关，有事可以打110"),
    # two e-bike reports of one theft (one draft); two questions before one answer, both
    # answered by it (40 and 10 minutes)
    ("2026-07-08T21:00", "张三", "我的电瓶车被偷了，就停在锦绣花园3栋楼下，绿色的雅迪，能报警吗"),
    ("2026-07-08T21:10", "孙先生", "锦绣花园3栋楼下的电瓶车刚才被人偷了 "
     "我看见一个戴帽子的男的推着绿色雅迪往南门走了"),
    ("2026-07-08T21:30", "赵师傅", "锦绣花园那边有没有监控啊"),
    ("2026-07-08T21:40", "东街民警", "收到，已经派人去看了，3栋门口有监控，请保留好购车发票"),
    ("2026-07-09T10:00", "王大爷", "谢谢民警同志！"),
]  # fmt: skip
ERWANGGE_MESSAGES = [
    # the last officer message: 4 July 23:00, eight days and an hour before the week ends
    ("2026-07-04T23:00", "东街民警", "大家晚上出门注意锁好电动车"),
    ("2026-07-09T14:00", "刘女士", "有人知道社区医院周末开门吗"),
    ("2026-07-11T08:30", "刘女士", "早上好"),
]


def _say(at: str, officer: bool = False, asks: bool = False, incident: int | None = None) -> Said:
    return Said(datetime.fromisoformat(at + CST), officer, asks, incident)


def test_answer_times_follow_the_next_officer_message() -> None:
    start, end = week_bounds("2026-W28", "Asia/Shanghai")
    said = [
        _say("2026-07-05T23:50", asks=True),  # asked the week before: not counted
        _say("2026-07-07T20:00", asks=True),
        _say("2026-07-07T20:12", officer=True),
        _say("2026-07-12T23:30", asks=True),
        _say("2026-07-13T08:30", officer=True),  # next week's Monday: answered, 9 hours
        _say("2026-07-13T09:00", asks=True),
    ]
    assert answer_times(said, start, end) == [720.0, 32_400.0]
    got = figures(said, start, end, end + timedelta(days=30), date(2025, 1, 1))
    assert (got.questions, got.answered, got.median_answer_s) == (2, 2, (720 + 32_400) / 2)
    assert got.messages == 3
    assert got.officer_messages == 1
    assert got.last_officer_message_at == datetime.fromisoformat("2026-07-07T20:12" + CST)
    assert got.silent is False


def test_a_group_silent_for_eight_days_is_flagged_and_a_young_one_is_not() -> None:
    start, end = week_bounds("2026-W28", "Asia/Shanghai")
    later = end + timedelta(days=3)
    said = [_say("2026-07-04T23:00", officer=True), _say("2026-07-09T14:00", asks=True)]
    assert figures(said, start, end, later, date(2025, 1, 1)).silent is True
    six_days = [_say("2026-07-06T23:00", officer=True)]
    assert figures(six_days, start, end, later, date(2025, 1, 1)).silent is False
    # created on Friday of the week: not yet seven days old, not flagged
    assert figures([], start, end, later, date(2026, 7, 10)).silent is False
    # during the week, silence is measured up to now
    now = datetime.fromisoformat("2026-07-08T00:00" + CST)
    assert figures(said, start, end, now, date(2025, 1, 1)).silent is False


def _post(
    client: TestClient,
    headers: dict[str, str],
    group: str,
    rows: list[tuple[str, str, str]],
    offset: str = CST,
) -> None:
    for at, sender, text in rows:
        response = client.post(
            "/api/v1/chat/messages",
            json={"group": group, "sender": sender, "sent_at": at + offset, "text": text},
            headers=headers,
        )
        assert response.status_code == 201, response.text


def _health(client: TestClient, headers: dict[str, str], week: str) -> dict[str, Any]:
    response = client.get(f"{API}/health", params={"week": week}, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_week_health_on_a_constructed_week(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "officer_a")
    for group in (XINGFULI, ERWANGGE):
        assert client.post(API, json=group, headers=officer).status_code == 201
    _post(client, officer, XINGFULI["name"], XINGFULI_WEEK)
    _post(client, officer, ERWANGGE["name"], ERWANGGE_MESSAGES)
    health = _health(client, token_for(client, settings, "chief_a"), "2026-W28")
    assert (health["start"], health["end"]) == (
        "2026-07-06T00:00:00+08:00",
        "2026-07-13T00:00:00+08:00",
    )
    rows = {r["name"]: r for r in health["groups"]}
    xingfuli = rows["东街幸福里警民群"]
    assert xingfuli["messages"] == 7
    assert xingfuli["officer_messages"] == 2
    # the two e-bike messages are reports that make one draft
    assert (xingfuli["reports"], xingfuli["drafts"]) == (2, 1)
    # answers after 12, 40 and 10 minutes: the median is 12 minutes
    assert (xingfuli["questions"], xingfuli["answered"]) == (3, 3)
    assert xingfuli["median_answer_s"] == 720.0
    assert xingfuli["silent"] is False
    erwangge = rows["东街二网格平安群"]
    assert (erwangge["messages"], erwangge["questions"], erwangge["answered"]) == (2, 1, 0)
    assert erwangge["median_answer_s"] is None
    assert erwangge["silent"] is True
    assert erwangge["last_officer_message_at"].startswith("2026-07-04T15:00:00")
    assert health["totals"] == {
        "groups": 2,
        "messages": 9,
        "reports": 2,
        "drafts": 1,
        "questions": 4,
        "answered": 3,
        "median_answer_s": 720.0,
        "silent_groups": 1,
    }
    # station B sees neither group
    assert _health(client, token_for(client, settings, "chief_b"), "2026-W28")["groups"] == []


def test_week_health_of_a_real_chat_export(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "officer_a")
    group = XINGFULI | {"name": "东街平安群", "officer_senders": ["东街社区民警王警官"]}
    assert client.post(API, json=group, headers=officer).status_code == 201
    imported = client.post(
        "/api/v1/chat/import",
        files={"file": ("export.txt", CHAT.read_bytes(), "text/plain")},
        data={"group": "东街平安群"},
        headers=officer,
    ).json()
    row = _health(client, officer, "2026-W27")["groups"][0]
    # 27 messages, 10 reports in 8 drafts, five from the community officer
    assert (row["messages"], row["reports"], row["drafts"]) == (27, imported["reports"], 8)
    assert row["officer_messages"] == 5
    # 请问办居住证是去派出所还是社区？ at 19:40, answered at 19:42
    assert (row["questions"], row["answered"], row["median_answer_s"]) == (1, 1, 120.0)
    assert row["silent"] is False
    # the next week nobody wrote: the officer's last word (4 July 08:00) is 8 days old
    assert _health(client, officer, "2026-W28")["groups"][0]["silent"] is True


def test_groups_waiting_for_an_answer_now(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "officer_a")
    for group in (XINGFULI, ERWANGGE):
        assert client.post(API, json=group, headers=officer).status_code == 201
    now = datetime.now(UTC)

    def ago(hours: int) -> str:
        return (now - timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%S")

    # answered at once, then a new question nobody has answered yet
    xingfuli = [
        (ago(5), "李阿姨", "请问今晚夜市几点收摊？"),
        (ago(4), "东街派出所王警官", "十二点收摊"),
        (ago(3), "张三", "东门的路灯坏了有人管么"),
        (ago(2), "小陈", "谢谢"),
    ]
    _post(client, officer, XINGFULI["name"], xingfuli, offset="+00:00")
    _post(client, officer, ERWANGGE["name"], [(ago(1), "刘女士", "今天反诈讲座在哪里开")], "+00:00")
    waiting = client.get(f"{API}/unanswered", headers=token_for(client, settings, "chief_a")).json()
    assert [(w["name"], w["waiting_questions"]) for w in waiting] == [
        ("东街幸福里警民群", 1),
        ("东街二网格平安群", 1),
    ]
    assert (
        client.get(f"{API}/unanswered", headers=token_for(client, settings, "chief_b")).json() == []
    )


def test_a_bad_week_is_refused(settings: Settings) -> None:
    client = seeded_client(settings)
    chief = token_for(client, settings, "chief_a")
    for week in ("2026-28", "2026-W54", "W28"):
        response = client.get(f"{API}/health", params={"week": week}, headers=chief)
        assert response.status_code == 422, week
        assert response.json()["field"] == "week"
