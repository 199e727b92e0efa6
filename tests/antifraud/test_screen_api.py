"""`POST /api/v1/antifraud/screen`: the screening over HTTP, who may call it, bad input."""

from __future__ import annotations

import pytest

from pingan.config import Settings
from support.app import seeded_client, token_for

QQ_BOSS = "我们主任换了个新QQ号加我，说他在外地出差，让我先帮他给一个朋友转2万，回来还我"
WATER_BILL = "水电费账单出来了，物业在业主群里发了缴费通知，让大家在官方生活缴费里交"
URL = "/api/v1/antifraud/screen"


def test_officer_screens_an_impersonated_boss(settings: Settings) -> None:
    client = seeded_client(settings)
    headers = token_for(client, settings, "antifraud_a")
    response = client.post(URL, headers=headers, json={"text": QQ_BOSS})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["fraud"] is True
    assert body["fraud_type"] == "impersonating_acquaintance"
    assert body["risk"] in {"orange", "red"}
    assert body["signs"], "an impersonated boss shows at least one sign"
    for sign in body["signs"]:
        # every sign names the words of the text that show it
        assert sign["evidence"]
        assert sign["evidence"] in QQ_BOSS
        assert all(sign[key] for key in ("sign", "label_zh", "label_en"))
    assert body["advice"]["zh"]
    assert body["advice"]["en"]
    assert 0.0 <= body["confidence"] <= 1.0


def test_a_real_bill_notice_is_not_fraud(settings: Settings) -> None:
    client = seeded_client(settings)
    headers = token_for(client, settings, "dispatcher_a")  # any staff role may screen
    response = client.post(URL, headers=headers, json={"text": WATER_BILL})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["fraud"], body["fraud_type"], body["risk"]) == (False, None, "none")


@pytest.mark.parametrize(
    ("text", "reason"),
    [("", "at least 1 character"), ("   \n ", "blank"), ("转账" * 2_001, "at most 4000")],
    ids=["empty", "blank", "over-long"],
)
def test_bad_text_is_refused_422(settings: Settings, text: str, reason: str) -> None:
    client = seeded_client(settings)
    headers = token_for(client, settings, "antifraud_a")
    response = client.post(URL, headers=headers, json={"text": text})
    assert response.status_code == 422
    assert reason in response.text


def test_text_of_exactly_the_limit_is_screened(settings: Settings) -> None:
    client = seeded_client(settings)
    headers = token_for(client, settings, "antifraud_a")
    text = (WATER_BILL * 200)[:4_000]
    response = client.post(URL, headers=headers, json={"text": text})
    assert response.status_code == 200, response.text


def test_citizens_and_anonymous_callers_may_not_screen_here(settings: Settings) -> None:
    client = seeded_client(settings)
    citizen = token_for(client, settings, "citizen")
    assert client.post(URL, headers=citizen, json={"text": QQ_BOSS}).status_code == 403
    assert client.post(URL, json={"text": QQ_BOSS}).status_code == 401
