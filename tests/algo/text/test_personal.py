"""Personal data in free text: every written form of a phone, ID, card and plate is found,
with the span it was written in and a canonical value; look-alikes are not."""

from __future__ import annotations

import pytest

from pingan.algo.text.personal import Kind, find_personal_data, find_phones


@pytest.mark.parametrize(
    ("written", "kind", "value"),
    [
        ("13812345678", Kind.phone, "13812345678"),
        ("+86 138 1234 5678", Kind.phone, "13812345678"),
        ("+8613812345678", Kind.phone, "13812345678"),
        ("0086-13812345678", Kind.phone, "13812345678"),
        ("(+86)138-1234-5678", Kind.phone, "13812345678"),
        ("8613812345678", Kind.phone, "13812345678"),
        ("138.1234.5678", Kind.phone, "13812345678"),
        ("(138)1234-5678", Kind.phone, "13812345678"),
        ("（138）1234－5678", Kind.phone, "13812345678"),
        ("138 1234 5678", Kind.phone, "13812345678"),
        ("１３８１２３４５６７８", Kind.phone, "13812345678"),
        ("010 6552 9988", Kind.phone, "010-65529988"),
        ("010-65529988", Kind.phone, "010-65529988"),
        ("(010)6552-9988", Kind.phone, "010-65529988"),
        ("+86 10 6552 9988", Kind.phone, "010-65529988"),
        ("0755-12345678", Kind.phone, "0755-12345678"),
        ("075512345678", Kind.phone, "0755-12345678"),
        ("0571-8888000", Kind.phone, "0571-8888000"),
        ("11010519491231002X", Kind.id_number, "11010519491231002X"),
        ("11010519491231002x", Kind.id_number, "11010519491231002X"),
        ("110105 19491231 0021", Kind.id_number, "110105194912310021"),
        ("110105-19491231-002X", Kind.id_number, "11010519491231002X"),
        ("110105491231002", Kind.id_number, "110105491231002"),
        ("6222021234567890", Kind.bank_card, "6222021234567890"),
        ("6222 0212 3456 7890 123", Kind.bank_card, "6222021234567890123"),
        ("6222-0212-3456-7890", Kind.bank_card, "6222021234567890"),
        ("622202123456789012", Kind.bank_card, "622202123456789012"),
        ("京A12345", Kind.plate, "京A12345"),
        ("粤B·D12345", Kind.plate, "粤BD12345"),
        ("沪C-8F123", Kind.plate, "沪C8F123"),
        ("浙A 1234学", Kind.plate, "浙A1234学"),
    ],
)
def test_each_written_form_inside_chinese_text(written: str, kind: Kind, value: str) -> None:
    text = f"报警人说{written}，请尽快联系"
    [span] = find_personal_data(text)
    assert (span.kind, span.value) == (kind, value)
    assert text[span.start : span.end].endswith(written[-4:])
    assert text[: span.start] == "报警人说"


@pytest.mark.parametrize(
    "text",
    [
        "被骗了5000元",
        "订单号123456789012345",  # 15 digits without a date inside
        "2026-12-04 13:00在楼下",
        "第12345678号",  # a bare eight-digit number: not a landline without its area code
        "新iPhone15被偷了",
        "价值3999元的手机",
        "温度37.5度",
    ],
)
def test_look_alikes_are_not_personal_data(text: str) -> None:
    assert find_personal_data(text) == []


def test_names_after_a_cue() -> None:
    [span] = find_personal_data("我叫张三，电动车被偷了")
    assert (span.kind, span.value) == (Kind.name, "张三")
    [span] = find_personal_data("联系人：欧阳娜娜")
    assert (span.kind, span.value) == (Kind.name, "欧阳娜")  # three characters at most
    assert find_personal_data("我叫了保安") == []  # 了 is no surname


def test_a_card_is_not_also_a_phone_and_spans_are_in_reading_order() -> None:
    text = "卡号6222 1381 2345 6789，电话13900001111，车京A12345"
    spans = find_personal_data(text)
    assert [s.kind for s in spans] == [Kind.bank_card, Kind.phone, Kind.plate]
    assert [s.start for s in spans] == sorted(s.start for s in spans)


def test_find_phones_gives_each_once() -> None:
    text = "打+86 139 0000 1111或13900001111，店里(0571)8888-0000"
    assert find_phones(text) == ["13900001111", "0571-88880000"]
