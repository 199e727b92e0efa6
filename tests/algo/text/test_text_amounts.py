"""Amounts in yuan and phone numbers."""

from __future__ import annotations

import pytest

from pingan.algo.text.amounts import find_amount_yuan, find_amounts
from pingan.algo.text.personal import find_phones


@pytest.mark.parametrize(
    ("text", "yuan"),
    [
        ("被骗了5万", 50_000),
        ("转了1.5万", 15_000),
        ("两千多", 2_000),
        ("被骗3k", 3_000),
        ("¥800", 800),
        ("800块", 800),
        ("八百元", 800),
        ("三千五买的", 3_500),
        ("借了一万二", 12_000),
        ("十几万", 100_000),
        ("转了450 对方就不回了", 450),
        ("I transferred 25000 and now I can't withdraw", 25_000),
    ],
)
def test_amounts_in_yuan(text: str, yuan: int) -> None:
    assert find_amount_yuan(text) == yuan


@pytest.mark.parametrize(
    "text",
    [
        "水产路12号",
        "晚上10点",
        "跑了三千米",
        "两块电瓶被偷了",
        "车牌湘A88K66",
        "我的百万保障要扣费",
    ],
)
def test_numbers_that_are_not_money(text: str) -> None:
    assert find_amounts(text) == []


def test_the_loss_wins_over_a_larger_amount() -> None:
    # 5万 is the loan asked for; 2万 is what was taken
    assert find_amount_yuan("在贷款平台借5万 对方说要交保证金 前后被骗走2万") == 20_000


def test_phones() -> None:
    text = "车主电话13900001111，店里0571-88880000，或者 186 0000 2222"
    assert find_phones(text) == ["13900001111", "18600002222", "0571-88880000"] or find_phones(
        text
    ) == ["13900001111", "0571-88880000", "18600002222"]
    assert find_phones("订单号123456789012345") == []
