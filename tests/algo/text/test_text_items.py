"""Property: kind, canonical brand, English colour, count, plate."""

from __future__ import annotations

from pingan.algo.text.items import Item, find_items


def test_colour_and_brand_join_the_ebike() -> None:
    assert find_items("我放在锦绣花园3栋楼下的电瓶车昨天夜里被人偷了，绿色的雅迪") == [
        Item(kind="ebike", brand="雅迪", colour="green", count=1, name="电瓶车")
    ]


def test_two_ebikes_of_two_brands() -> None:
    items = find_items("两辆电动车被偷了，一辆黑色爱玛一辆白色台铃")
    assert [(i.kind, i.brand, i.colour, i.count) for i in items] == [
        ("ebike", "爱玛", "black", 1),
        ("ebike", "台铃", "white", 1),
    ]


def test_phone_brands_are_canonical() -> None:
    assert [(i.kind, i.brand, i.colour) for i in find_items("my black iPhone was stolen")] == [
        ("phone", "苹果", "black")
    ]
    assert [(i.brand, i.colour) for i in find_items("黑色的华为mate60手机被偷")] == [
        ("华为", "black")
    ]


def test_counts_plates_and_batteries() -> None:
    assert [(i.kind, i.count) for i in find_items("南湖小区车棚两辆白色自行车没了")] == [
        ("bicycle", 2)
    ]
    car = find_items("车牌浙A12345的白色丰田车窗被砸")
    assert [(i.kind, i.brand, i.colour, i.plate) for i in car] == [
        ("car", "丰田", "white", "浙A12345")
    ]
    battery = find_items("我家电动车的电瓶昨晚被人偷了")
    assert [(i.kind, i.name) for i in battery] == [("other", "电瓶")]


def test_daytime_is_not_white_and_fruit_is_not_a_phone() -> None:
    assert find_items("白天买了点苹果") == []
    assert find_items("抢劫的人骑电动车跑了") == []


def test_english_colours_said_apart_from_the_item() -> None:
    # the colour before a brand said after the item word, and the colour right after a brand
    got = find_items("E-bike stolen at the south gate. Green Ninebot, bought last spring")
    assert [(i.kind, i.brand, i.colour) for i in got] == [("ebike", "九号", "green")]
    got = find_items("my bicycle is stolen at library bike rack. giant, black, 1800 yuan")
    assert [(i.kind, i.brand, i.colour) for i in got] == [("bicycle", "捷安特", "black")]


def test_english_sheds_and_the_thiefs_ride_are_no_property() -> None:
    got = find_items("two men on a motorbike snatched my handbag near the bike shed")
    assert [i.kind for i in got] == ["other"]
    got = find_items("a guy on an e-bike grabbed my phone and rode off")
    assert [i.kind for i in got] == ["phone"]
    # a bike of one's own is still property
    assert [i.kind for i in find_items("someone stole my bike from the bike rack")] == ["bicycle"]
