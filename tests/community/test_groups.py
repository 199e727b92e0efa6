"""The group-chat registry (警民群) over the real app: registration, the CSV import (all or
nothing, errors naming line and column), and the chat intake's messages linked to it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from pingan.community.models import ChatGroup, ChatGroupMessage
from pingan.config import Settings
from pingan.db import make_engine
from pingan.incidents.models import ChatMessage
from support.app import seeded_client, token_for

API = "/api/v1/community/groups"
CHAT = Path(__file__).parents[1] / "data" / "chat" / "donggjie_group_2026-07-03.txt"
HAPPY = {
    "platform": "wechat",
    "external_id": "wxid-xingfuli-01",
    "name": "东街幸福里警民群",
    "grid_code": "grid-a1",
    "officer": "officer_a",
    "officer_senders": ["东街派出所王警官"],
    "member_count": 412,
    "created_on": "2025-03-18",
}
CSV_HEADER = "平台,群号,群名,网格,负责民警,成员数,建群日期,民警昵称\n"
CSV_GOOD = (
    CSV_HEADER
    + "微信,wxid-dongjie-pingan,东街平安群,grid-a1,officer_a,486,2024-11-02,东街社区民警王警官\n"
    + "企业微信,wecom-a2-003,东街二网格平安群,grid-a2,officer_a,233,2025/01/15,东街民警；王警官\n"
    + "钉钉,ding-yemarket,夜市商户联防群,grid-a2,chief_a,58,2025-06-01,\n"
)


def _post_message(
    client: TestClient, headers: dict[str, str], group: str, sender: str, at: str, text: str
) -> dict[str, Any]:
    response = client.post(
        "/api/v1/chat/messages",
        json={"group": group, "sender": sender, "sent_at": at, "text": text},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _links(settings: Settings) -> dict[str, str]:
    """Message text → the name and grid of the group it is linked to."""
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(ChatMessage.text, ChatGroup.name, ChatGroup.jurisdiction_id)
            .join(ChatGroupMessage, ChatGroupMessage.message_id == ChatMessage.id)
            .join(ChatGroup, ChatGroup.id == ChatGroupMessage.group_id)
        ).all()
    engine.dispose()
    return {text: f"{name}#{where}" for text, name, where in rows}


def _upload(client: TestClient, headers: dict[str, str], text: str) -> Any:
    files = {"file": ("groups.csv", text.encode("utf-8"), "text/csv")}
    return client.post(f"{API}/import", headers=headers, files=files)


def test_register_read_and_station_b_sees_nothing(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "officer_a")
    made = client.post(API, json=HAPPY, headers=officer)
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["officer"] == "officer_a"
    assert body["officer_name"] == "东街民警"
    assert body["officer_senders"] == ["东街派出所王警官"]
    assert (body["grid_code"], body["member_count"], body["created_on"]) == (
        "grid-a1",
        412,
        "2025-03-18",
    )
    again = client.post(API, json=HAPPY, headers=officer)
    assert again.status_code == 409
    assert "registered already" in again.json()["detail"]
    chief_b = token_for(client, settings, "chief_b")
    assert client.get(API, headers=chief_b).json() == {"items": [], "total": 0}
    assert client.get(f"{API}/{body['id']}", headers=chief_b).status_code == 404
    # an officer of station A cannot register a group in station B's grid
    foreign = client.post(
        API, json=HAPPY | {"grid_code": "grid-b1", "external_id": "x"}, headers=officer
    )
    assert foreign.status_code == 404
    # a citizen cannot read the registry at all
    assert client.get(API, headers=token_for(client, settings, "citizen")).status_code == 403


def test_messages_link_to_the_group_of_their_station_before_and_after_registering(
    settings: Settings,
) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "officer_a")
    chief_b = token_for(client, settings, "chief_b")
    name = HAPPY["name"]
    early = "请问小区东门晚上几点关门？"
    _post_message(client, officer, name, "李阿姨", "2026-07-06T20:00:00+08:00", early)
    group_a = client.post(API, json=HAPPY, headers=officer).json()
    later = "晚上十一点关，有事可以打110"
    _post_message(client, officer, name, "东街派出所王警官", "2026-07-06T20:12:00+08:00", later)
    # station B has a group of the same name: its messages stay its own
    group_b = client.post(
        API,
        json=HAPPY | {"external_id": "wxid-xihu-07", "grid_code": "grid-b1", "officer": "chief_b"},
        headers=chief_b,
    ).json()
    west = "西湖这边晚上有人在河边钓鱼吗"
    _post_message(client, chief_b, name, "孙先生", "2026-07-06T21:00:00+08:00", west)
    # a message of an unregistered group is kept, not linked
    _post_message(client, officer, "未登记的群", "路人", "2026-07-06T21:05:00+08:00", "大家好")
    links = _links(settings)
    a_id = _grid_id(settings, group_a["id"])
    b_id = _grid_id(settings, group_b["id"])
    assert links == {early: f"{name}#{a_id}", later: f"{name}#{a_id}", west: f"{name}#{b_id}"}


def _grid_id(settings: Settings, group_id: int) -> int:
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        value = conn.execute(
            select(ChatGroup.jurisdiction_id).where(ChatGroup.id == group_id)
        ).scalar_one()
    engine.dispose()
    return int(value)


def test_a_chat_export_is_linked_by_its_group_name_or_external_id(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "officer_a")
    assert _upload(client, officer, CSV_GOOD).status_code == 201
    imported = client.post(
        "/api/v1/chat/import",
        files={"file": ("export.txt", CHAT.read_bytes(), "text/plain")},
        data={"group": "wxid-dongjie-pingan"},  # the bridge names the group by its id
        headers=officer,
    )
    assert imported.status_code == 201, imported.text
    links = _links(settings)
    assert len(links) == imported.json()["messages"] == 27
    assert {v.split("#")[0] for v in links.values()} == {"东街平安群"}


def test_csv_import_loads_every_row(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "officer_a")
    response = _upload(client, officer, CSV_GOOD)
    assert response.status_code == 201, response.text
    assert response.json()["rows"] == 3
    items = {g["name"]: g for g in client.get(API, headers=officer).json()["items"]}
    assert set(items) == {"东街平安群", "东街二网格平安群", "夜市商户联防群"}
    second = items["东街二网格平安群"]
    assert (second["platform"], second["created_on"]) == ("wecom", "2025-01-15")
    assert second["officer_senders"] == ["东街民警", "王警官"]
    assert items["夜市商户联防群"]["officer"] == "chief_a"
    assert items["夜市商户联防群"]["officer_senders"] == []


def test_csv_bad_lines_are_named_and_nothing_is_stored(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "officer_a")
    cases = [
        (CSV_GOOD + "QQ,qq-1,QQ群,grid-a1,officer_a,10,2025-01-01,\n", "line 5, column 平台"),
        (CSV_GOOD + "微信,wx-9,新群,grid-a1,nobody,10,2025-01-01,\n", "line 5, column 负责民警"),
        (CSV_GOOD + "微信,wx-9,新群,grid-a9,officer_a,10,2025-01-01,\n", "line 5, column 网格"),
        (CSV_GOOD + "微信,wx-9,新群,grid-a1,officer_a,十,2025-01-01,\n", "line 5, column 成员数"),
        (CSV_GOOD + "微信,wx-9,新群,grid-a1,officer_a,10,去年,\n", "line 5, column 建群日期"),
        (CSV_GOOD + "微信,wxid-dongjie-pingan,重复,grid-a1,officer_a,1,2025-01-01,\n", "line 5"),
        (CSV_GOOD + "微信,wx-9,,grid-a1,officer_a,10,2025-01-01,\n", "line 5, column 群名"),
        (CSV_HEADER.replace("群名,", ""), "line 1"),
    ]
    for text, where in cases:
        response = _upload(client, officer, text)
        assert response.status_code == 422, (where, response.text)
        assert where in response.json()["detail"], response.text
    assert client.get(API, headers=officer).json()["total"] == 0
    # a row that is already registered: 409, nothing of the file stored
    assert _upload(client, officer, CSV_GOOD).status_code == 201
    again = _upload(
        client,
        officer,
        CSV_HEADER
        + "钉钉,ding-new,新群,grid-a1,officer_a,3,2025-01-01,\n"
        + CSV_GOOD.split("\n", 1)[1],
    )
    assert again.status_code == 409
    assert "line 3" in again.json()["detail"]
    assert client.get(API, headers=officer).json()["total"] == 3


def test_a_name_two_groups_of_a_station_share_links_by_external_id_only(
    settings: Settings,
) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "officer_a")
    first = client.post(API, json=HAPPY, headers=officer).json()
    second = client.post(
        API,
        json=HAPPY | {"external_id": "wxid-xingfuli-02", "grid_code": "grid-a2"},
        headers=officer,
    ).json()
    assert first["name"] == second["name"]
    ambiguous = "幸福里今晚有巡逻吗"
    _post_message(client, officer, HAPPY["name"], "李阿姨", "2026-07-06T20:00:00+08:00", ambiguous)
    by_id = "二号群今晚有巡逻吗"
    _post_message(client, officer, "wxid-xingfuli-02", "张三", "2026-07-06T20:05:00+08:00", by_id)
    assert _links(settings) == {by_id: f"{HAPPY['name']}#{_grid_id(settings, second['id'])}"}


def test_update_renames_moves_and_relinks(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "officer_a")
    group = client.post(API, json=HAPPY, headers=officer).json()
    renamed = "幸福里平安群"
    early = "幸福里平安群今晚有巡逻吗"
    _post_message(client, officer, renamed, "李阿姨", "2026-07-06T20:00:00+08:00", early)
    changes = {"name": renamed, "member_count": 430, "officer_senders": ["王警官", "王警官 "]}
    response = client.patch(f"{API}/{group['id']}", json=changes, headers=officer)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["name"], body["member_count"], body["officer_senders"]) == (
        renamed,
        430,
        ["王警官"],
    )
    assert body["external_id"] == HAPPY["external_id"]  # unchanged
    assert _links(settings) == {early: f"{renamed}#{_grid_id(settings, group['id'])}"}
    chief_b = token_for(client, settings, "chief_b")
    assert (
        client.patch(f"{API}/{group['id']}", json={"member_count": 1}, headers=chief_b).status_code
        == 404
    )
    moved = client.patch(f"{API}/{group['id']}", json={"grid_code": "grid-b1"}, headers=officer)
    assert moved.status_code == 404
    assert (
        client.patch(
            f"{API}/{group['id']}", json={"officer": "nobody"}, headers=officer
        ).status_code
        == 422
    )
    assert client.get(f"{API}/{group['id']}", headers=officer).json()["grid_code"] == "grid-a1"


def test_the_registry_is_read_a_page_at_a_time(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "officer_a")
    assert _upload(client, officer, CSV_GOOD).status_code == 201
    first = client.get(API, params={"limit": 2}, headers=officer).json()
    rest = client.get(API, params={"limit": 2, "offset": 2}, headers=officer).json()
    assert (first["total"], rest["total"]) == (3, 3)
    names = [g["name"] for g in first["items"] + rest["items"]]
    assert names == ["东街平安群", "东街二网格平安群", "夜市商户联防群"]
    assert client.get(API, params={"limit": 0}, headers=officer).status_code == 422
