"""Amounts the training passes missed, by class (issue 16 item 4); sentences written here."""

from __future__ import annotations

import pytest

from pingan.algo.text.amounts import find_amount_yuan


@pytest.mark.parametrize(
    ("text", "yuan"),
    [
        # a digit before 千 at the end of the message
        ("他说注销校园贷要先还款 我转了6千", 6000),
        # 扣了 / 垫了 / 货款 / 路费 / 输光 make a bare numeral money
        ("点开那个链接就被扣了七百", 700),
        ("做任务先垫了三千 后来提不出来", 3000),
        ("让我把八千货款打到他新卡上", 8000),
        ("网上那个女的要两万路费 我转过去就拉黑了", 20000),
        ("跟着群里买彩票 四万多全输光了", 40000),
        # a rough sum: 出头, a space after the numeral, 多 after digits of a thing taken
        ("理财赔了 一万出头吧", 10000),
        ("给那个养老项目投了 十多万 一分没回来", 100000),
        ("手机在食堂被人拿走了 华为p60 5000多", 5000),
        # 二手 is second-hand, not a digit of the sum
        ("电动车被偷了 两千四二手买的", 2400),
        # 投 before the sum is the loss, not what was promised
        ("说投八千到年底能拿两万 俺投了", 8000),
        # 千把块, 万把块: about a thousand, about ten thousand
        ("千把块钱的电驴叫人偷了", 1000),
        ("被骗了万把块钱", 10000),
        # English: bare numbers in a story about money, grand, numbers that name things
        ("the scooter cost me 2300 last spring and now it's gone", 2300),
        ("a fake landlord took 3 grand as a deposit", 3000),
    ],
)
def test_amount_classes(text: str, yuan: int) -> None:
    assert find_amount_yuan(text) == yuan


@pytest.mark.parametrize(
    "text",
    [
        "my laptop was stolen from room 1406 last night",
        "跑了三千米腿都软了 有人在操场打架",
    ],
)
def test_numbers_that_are_no_money(text: str) -> None:
    assert find_amount_yuan(text) is None
