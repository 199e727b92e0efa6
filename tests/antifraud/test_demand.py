"""Repeated questions as demand (issue 13 item 5): consultations and group-chat questions
about the same scam counted per type and week, the most-asked scams ranked, and a group
chat answered only on a confident match."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from pingan.algo.text.fraud import screen_situation
from pingan.antifraud.models import FraudQuestion
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from support.app import seeded_client, token_for

BASE = "/api/v1/antifraud"
LOAN_FEE = "电话里说是我的贷款客服，要我先交五千块保证金才能放款，这个能信吗？"
LOAN_FEE_2 = "网上找的贷款说不用抵押，可是要先交三千手续费才放款，这正常吗？"
TEACHER = "群里有人说自己是孩子班主任，换了个新微信号，让每个家长先交两千块资料费，这是不是骗子？"
LIKES = "有人在微信上问我要不要做兼职给视频点赞，一天能挣一百多，靠谱吗？"
THANKS = "谢谢民警同志，昨天楼道里的电动车已经挪走了"
WATER_BILL = "水电费账单出来了，物业在业主群里发了缴费通知，让大家在官方生活缴费里交"


def _this_week(settings: Settings) -> str:
    year, week, _ = datetime.now(UTC).astimezone(ZoneInfo(settings.time_zone)).isocalendar()
    return f"{year}-W{week:02d}"


def _questions(settings: Settings) -> list[FraudQuestion]:
    engine = make_engine(settings.database_url)
    with unit_of_work(make_session_factory(engine)) as db_session:
        rows = list(db_session.scalars(select(FraudQuestion).order_by(FraudQuestion.id)))
        db_session.expunge_all()
    engine.dispose()
    return rows


def test_consultations_about_the_same_scam_count_as_demand(settings: Settings) -> None:
    client = seeded_client(settings)
    for text in (LOAN_FEE, LOAN_FEE_2, LOAN_FEE, TEACHER, WATER_BILL):
        asked = client.post(
            f"{BASE}/consultations", json={"text": text, "jurisdiction_code": "station-a"}
        )
        assert asked.status_code == 200, asked.text
    officer = token_for(client, settings, "antifraud_a")
    demand = client.get(f"{BASE}/demand", headers=officer)
    assert demand.status_code == 200, demand.text
    body = demand.json()
    # the harmless water bill is no question about a scam: four counted, not five
    assert body["top"] == [
        {"fraud_type": "loan", "questions": 3},
        {"fraud_type": "impersonating_acquaintance", "questions": 1},
    ]
    week = _this_week(settings)
    loan = next(r for r in body["by_week"] if r["fraud_type"] == "loan")
    assert loan == {
        "week": week,
        "fraud_type": "loan",
        "questions": 3,
        "consultations": 3,
        "chat": 0,
        "answered": 3,
    }
    # nothing of the words is kept
    stored = _questions(settings)
    assert len(stored) == 4
    assert {q.channel.value for q in stored} == {"consultation"}
    # another station's chief sees none of station A's demand; a citizen may not look
    chief_b = token_for(client, settings, "chief_b")
    assert client.get(f"{BASE}/demand", headers=chief_b).json()["top"] == []
    citizen = token_for(client, settings, "citizen")
    assert client.get(f"{BASE}/demand", headers=citizen).status_code == 403
    assert client.get(f"{BASE}/demand", params={"weeks": 0}, headers=officer).status_code == 422


def test_group_chat_is_answered_only_on_a_confident_match(settings: Settings) -> None:
    sure, unsure = screen_situation(LOAN_FEE), screen_situation(LIKES)
    assert sure.is_fraud
    assert unsure.is_fraud
    assert sure.confidence > unsure.confidence
    threshold = round((sure.confidence + unsure.confidence) / 2, 3)
    gated = settings.model_copy(update={"antifraud_chat_reply_confidence": threshold})
    client = seeded_client(gated)
    dispatcher = token_for(client, gated, "dispatcher_a")

    def post(text: str) -> dict:  # type: ignore[type-arg]
        response = client.post(
            "/api/v1/chat/messages",
            headers=dispatcher,
            json={
                "group": "幸福里业主群",
                "sender": "王阿姨",
                "sent_at": datetime.now(UTC).isoformat(),
                "text": text,
                "jurisdiction_code": "station-a",
            },
        )
        assert response.status_code == 201, response.text
        return response.json()

    confident = post(LOAN_FEE)
    reply = confident["reply"]
    assert reply is not None
    assert (reply["fraud_type"], reply["risk"]) == ("loan", sure.tier)
    assert reply["confidence"] >= threshold
    assert reply["advice_zh"]
    assert reply["advice_en"]
    # below the threshold: no reply in the group, still counted
    assert post(LIKES)["reply"] is None
    # chatter: no reply and not counted
    assert post(THANKS)["reply"] is None

    stored = _questions(gated)
    assert [(q.fraud_type, q.answered, q.channel.value) for q in stored] == [
        ("loan", True, "chat"),
        (unsure.fraud_type, False, "chat"),
    ]
    assert all(q.chat_message_id is not None for q in stored)
    officer = token_for(client, gated, "antifraud_a")
    rows = client.get(f"{BASE}/demand", headers=officer).json()["by_week"]
    assert sum(r["chat"] for r in rows) == 2
    assert sum(r["answered"] for r in rows) == 1


def test_an_imported_chat_export_counts_its_scam_questions_without_replies(
    settings: Settings,
) -> None:
    client = seeded_client(settings)
    dispatcher = token_for(client, settings, "dispatcher_a")
    export = "\n".join(
        [
            f"2026-12-01 19:02 王阿姨: {LOAN_FEE}",
            f"2026-12-01 19:05 李叔: {THANKS}",
            f"2026-12-01 19:09 小张: {LIKES}",
        ]
    )
    imported = client.post(
        "/api/v1/chat/import",
        headers=dispatcher,
        files={"file": ("群聊.txt", export.encode(), "text/plain")},
        data={"group": "幸福里业主群", "jurisdiction_code": "station-a"},
    )
    assert imported.status_code == 201, imported.text
    stored = _questions(settings)
    assert [(q.fraud_type, q.answered) for q in stored] == [
        ("loan", False),
        (screen_situation(LIKES).fraud_type, False),
    ]
    # a second export of the same group counts only its own messages
    again = client.post(
        "/api/v1/chat/import",
        headers=dispatcher,
        files={"file": ("群聊2.txt", f"2026-12-02 08:30 王阿姨: {TEACHER}".encode(), "text/plain")},
        data={"group": "幸福里业主群", "jurisdiction_code": "station-a"},
    )
    assert again.status_code == 201, again.text
    assert len(_questions(settings)) == 3
