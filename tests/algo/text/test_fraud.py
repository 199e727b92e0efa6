"""Fraud screening: hand-checked situations, bad input, and the tuning passes of the corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pingan.algo.taxonomy import FRAUD_TYPES
from pingan.algo.text.fraud import MAX_SITUATION_CHARS, screen_situation
from pingan.errors import InvalidInput

CORPUS = Path(__file__).parents[2] / "data" / "fraud" / "situations.jsonl"
HELD_OUT_PASSES = frozenset({"p5", "p6"})


def test_boss_on_a_new_qq_account_is_impersonation_with_the_new_account_sign() -> None:
    r = screen_situation(
        "我们主任换了个新QQ号加我，说他在外地出差，让我先帮他给一个朋友转2万，回来还我"
    )
    assert r.is_fraud
    assert r.fraud_type == "impersonating_acquaintance"
    assert r.tier in ("orange", "red")
    assert "new account asking for a transfer" in [s.label_en for s in r.signs]
    assert any("新QQ号" in s.evidence for s in r.signs if s.code == "new_account_transfer")


def test_utility_bill_notice_from_the_property_office_is_not_fraud() -> None:
    r = screen_situation("水电费账单出来了，物业在业主群里发了缴费通知，让大家在官方生活缴费里交")
    assert not r.is_fraud
    assert r.fraud_type is None
    assert r.tier == "none"
    assert r.signs == ()


def test_safe_account_is_red_and_officials() -> None:
    r = screen_situation("有个自称公安局的警官打电话说我涉嫌洗钱，让我把钱转到安全账户配合调查")
    assert (r.is_fraud, r.fraud_type, r.tier) == (True, "impersonating_officials", "red")
    assert "safe_account" in [s.code for s in r.signs]
    assert any("110" in line for line in r.advice_zh)
    assert any("止付" in line for line in r.advice_zh)


def test_credit_repair_fee_in_contact_is_orange() -> None:
    r = screen_situation("网上有人说能帮我把网贷逾期记录删掉，先要交两千块服务费")
    assert (r.is_fraud, r.fraud_type, r.tier) == (True, "credit_record", "orange")
    assert "upfront_fee" in [s.code for s in r.signs]


def test_suspicious_sms_only_is_yellow() -> None:
    r = screen_situation("收到一条短信说我的ETC认证失效了，要点链接重新认证，还没点")
    assert (r.is_fraud, r.fraud_type, r.tier) == (True, "customer_service", "yellow")


def test_english_screen_sharing_installed_is_red() -> None:
    r = screen_situation(
        "Someone from 'customer service' called about a refund for a lost parcel, "
        "I installed the Zoom app and I'm sharing my screen with him right now"
    )
    assert (r.is_fraud, r.fraud_type, r.tier) == (True, "customer_service", "red")
    assert {"screen_sharing", "screen_sharing_on"} <= {s.code for s in r.signs}
    assert any("uninstall" in line for line in r.advice_en)


def test_english_task_scam_and_english_bank_notice() -> None:
    r = screen_situation(
        "A recruiter on WhatsApp pays me commission to like videos, now she says I must "
        "prepay 3000 for a combined order before I can withdraw"
    )
    assert (r.is_fraud, r.fraud_type) == (True, "rebate_task")
    ok = screen_situation(
        "My bank sent a text that my credit card statement is ready; I checked it in the "
        "official app and paid it there"
    )
    assert not ok.is_fraud
    assert ok.tier == "none"


def test_friend_really_borrowing_is_not_fraud() -> None:
    r = screen_situation("老同学找我借3000块交房租，我给他打了视频确认是他本人，当面给的现金")
    assert not r.is_fraud


def test_confidence_is_in_range_and_higher_for_a_clear_case() -> None:
    clear = screen_situation("警察说我涉嫌洗钱，要把存款转到安全账户，还不让告诉家人")
    vague = screen_situation("有人加我微信说要带我赚钱")
    assert 0.0 <= vague.confidence <= clear.confidence <= 1.0


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_text_is_invalid(text: str) -> None:
    with pytest.raises(InvalidInput):
        screen_situation(text)


def test_over_long_text_is_invalid_and_the_limit_itself_is_accepted() -> None:
    with pytest.raises(InvalidInput):
        screen_situation("转" * (MAX_SITUATION_CHARS + 1))
    assert screen_situation("好" * MAX_SITUATION_CHARS).tier == "none"


def _tuning_rows() -> list[dict[str, str]]:
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    return [row for row in rows if row["pass"] not in HELD_OUT_PASSES]


def test_tuning_passes_meet_their_measured_level() -> None:
    rows = _tuning_rows()
    assert len(rows) >= 300
    results = [(row, screen_situation(row["text"])) for row in rows]
    fraud = [(row, r) for row, r in results if row["is_fraud"]]
    benign = [(row, r) for row, r in results if not row["is_fraud"]]
    assert {row["type"] for row, _ in fraud} == set(FRAUD_TYPES)
    recall = sum(r.is_fraud for _, r in fraud) / len(fraud)
    false_alarm = sum(r.is_fraud for _, r in benign) / len(benign)
    type_acc = sum(r.fraud_type == row["type"] for row, r in fraud) / len(fraud)
    tier_acc = sum(r.tier == row["tier"] for row, r in results) / len(results)
    assert recall >= 0.97
    assert false_alarm <= 0.03
    assert type_acc >= 0.96
    assert tier_acc >= 0.96


def test_every_reported_sign_has_labels_and_every_type_has_advice() -> None:
    from pingan.algo.text.fraud.rules import advice_rows, sign_labels, sign_rules

    reported = {rule.code for rule in sign_rules() if rule.weight >= 0}
    assert reported <= set(sign_labels())
    assert {f"type:{kind}" for kind in FRAUD_TYPES} <= set(advice_rows())
    r = screen_situation("警察说我涉嫌洗钱，要转到安全账户")
    assert r.advice_zh
    assert len(r.advice_zh) == len(r.advice_en)
    assert r.advice_zh[-1].startswith("三不一多")
