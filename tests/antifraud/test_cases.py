"""The cases library (典型案例): one case per fraud type, zh and en, edited by the desk."""

from __future__ import annotations

from pingan.config import Settings
from support.app import seeded_client, token_for

URL = "/api/v1/antifraud/cases"
CASE = {
    "story_zh": "某大学生在群里接单刷单，前两单返了佣金，"
    "第三单要求“联单”先垫付3000元，之后无法提现。",
    "story_en": "A student took paid 'rebate tasks'; the first two paid out, then a 'combined "
    "order' asked for 3,000 yuan up front and nothing could be withdrawn.",
    "signs_zh": "先返小额佣金；再要求联单、垫付；提现要交解冻金",
    "signs_en": "small commissions first; then combined orders and advances; an unfreeze fee",
    "say_zh": "刷单就是诈骗。不要再转账，保留聊天记录，立即拨打96110。",
    "say_en": "Rebate tasks are a scam. Stop paying, keep the chat, call 96110 now.",
}


def test_the_desk_writes_and_edits_a_case_and_staff_read_it(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "antifraud_a")
    assert client.get(f"{URL}/rebate_task", headers=officer).status_code == 404
    saved = client.put(f"{URL}/rebate_task", headers=officer, json=CASE)
    assert saved.status_code == 200, saved.text
    edited = client.put(f"{URL}/rebate_task", headers=officer, json=CASE | {"say_en": "Stop."})
    assert edited.json()["say_en"] == "Stop."
    dispatcher = token_for(client, settings, "dispatcher_a")
    listed = client.get(URL, headers=dispatcher).json()
    assert [(c["fraud_type"], c["say_en"], c["story_zh"]) for c in listed] == [
        ("rebate_task", "Stop.", CASE["story_zh"])
    ]
    # staff may read but not write; citizens may do neither
    assert client.put(f"{URL}/rebate_task", headers=dispatcher, json=CASE).status_code == 403
    citizen = token_for(client, settings, "citizen")
    assert client.get(URL, headers=citizen).status_code == 403


def test_unknown_types_and_blank_texts_are_refused(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "antifraud_a")
    unknown = client.put(f"{URL}/lottery", headers=officer, json=CASE)
    assert unknown.status_code == 422
    assert "unknown fraud type 'lottery'" in unknown.text
    blank = client.put(f"{URL}/rebate_task", headers=officer, json=CASE | {"say_zh": "  "})
    assert blank.status_code == 422
    assert "say_zh" in blank.text
    assert client.get(URL, headers=officer).json() == []


def test_a_consultation_carries_the_librarys_words_for_its_type(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "antifraud_a")
    text = "群里有人招刷单兼职，前两单都返了佣金，现在说要做联单得先垫付3000"
    before = client.post("/api/v1/antifraud/consultations", json={"text": text}).json()
    assert before["fraud_type"] == "rebate_task"
    assert before["case"] is None
    client.put(f"{URL}/rebate_task", headers=officer, json=CASE)
    after = client.post("/api/v1/antifraud/consultations", json={"text": text}).json()
    assert after["case"] == {k: CASE[k] for k in ("signs_zh", "signs_en", "say_zh", "say_en")}
