"""Amounts as people say them (issue 16, item 4): 二十多万, 一万出头, 5k, 3w, 3k块, 两千来块."""

from __future__ import annotations

import pytest

from pingan.algo.text.amounts import find_amount_yuan

CASES = [
    ("老人被忽悠买保健品 前前后后被骗了二十多万", 200_000),
    ("网上认识的男朋友带我投资，投了20多万提不出来", 200_000),
    ("对方说解冻要交手续费 我转了一万出头", 10_000),
    ("刷单返利 第一单返了 后来转了5k就联系不上了", 5_000),
    ("冒充领导说新号 让财务转了3w到他朋友账户", 30_000),
    ("二手平台买手机 付了3k块定金 卖家拉黑了", 3_000),
    ("手机被偷了 两千来块买的", 2_000),
    ("说是征信修复要先交十来万保证金", 100_000),
    ("被骗1w2 还有一笔3k5的贷款", 12_000),
    ("They took 3,000 RMB for a fake visa extension", 3_000),
    ("I sent them 8,000 before I realised it was a scam", 8_000),
    ("scammed out of 50k by a fake investment app", 50_000),
]


@pytest.mark.parametrize(("text", "yuan"), CASES, ids=[c[0][:10] for c in CASES])
def test_spoken_amount(text: str, yuan: int) -> None:
    assert find_amount_yuan(text) == yuan


def test_counts_and_clock_times_are_not_amounts() -> None:
    assert find_amount_yuan("凌晨三点多 两个人在车棚里撬了三辆车") is None
    assert find_amount_yuan("we were 20 people at the night market around 8pm") is None


def test_english_stories_about_money() -> None:
    assert find_amount_yuan("it cost 300 kuai and the seller vanished") == 300
    assert find_amount_yuan("my phone, worth about 4000, was taken at the bus stop") == 4000
    assert find_amount_yuan("robbed at 11 by 2 men near the night market") is None
