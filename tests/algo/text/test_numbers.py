"""Chinese numerals: one digit table, three readings (times and counts, amounts, house numbers)."""

from __future__ import annotations

from pathlib import Path

import pytest

import pingan.algo
from pingan.algo.gazetteer import _number_key
from pingan.algo.text.numbers import parse_cn_amount, parse_cn_house_number, parse_small_int


@pytest.mark.parametrize(
    ("token", "value"),
    [("十二", 12), ("二十三", 23), ("两", 2), ("俩", 2), ("一百二", 120), ("12", 12), ("千", None)],
)
def test_small_int(token: str, value: int | None) -> None:
    assert parse_small_int(token) == value


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("三千五", 3500),
        ("一万二", 12000),
        ("两千几", 2000),
        ("三万五千", 35000),
        ("八百", 800),
        ("一亿", 100_000_000),
        ("几千", None),
        ("", None),
        ("五块", None),
    ],
)
def test_amount(token: str, value: int | None) -> None:
    assert parse_cn_amount(token) == value


@pytest.mark.parametrize(
    ("text", "value"), [("十二", 12), ("一百零五", 105), ("一百二", 102), ("七", 7), ("七号", None)]
)
def test_house_number(text: str, value: int | None) -> None:
    assert parse_cn_house_number(text) == value


def test_gazetteer_reads_chinese_house_numbers() -> None:
    assert _number_key("十二") == "12"
    assert _number_key("一百零五") == "105"


def test_the_digit_table_is_written_once() -> None:
    root = Path(pingan.algo.__file__).parent
    holders = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if '"九": 9' in path.read_text(encoding="utf-8")
    )
    assert holders == ["text/numbers.py"]
