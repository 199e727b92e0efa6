"""Gazetteer: Chinese and Latin addresses, places, fuzzy names, reverse, storage."""

from __future__ import annotations

import json

import pytest

from pingan.algo.gazetteer import Gazetteer, normalize
from pingan.city.osm import build_gazetteer


@pytest.fixture(scope="module")
def harbour() -> Gazetteer:
    """A hand-made district: two streets with numbers, three places."""
    return Gazetteer.build(
        street_name=["水产路", "水产路", "水产路", "海滨大道", "海滨大道"],
        street_lat=[30.000, 30.000, 30.000, 30.010, 30.010],
        street_lon=[120.000, 120.002, 120.004, 120.000, 120.010],
        street_name_en=["Shuichan Road"] * 3 + [""] * 2,
        addr_street=["水产路", "水产路", "水产路", "海滨大道"],
        addr_housenumber=["10", "12", "14A", "3"],
        addr_lat=[30.0001, 30.0002, 30.0003, 30.0101],
        addr_lon=[120.001, 120.002, 120.003, 120.001],
        place_name=["平安酒吧", "Harbour Market", ""],
        place_name_zh=["", "海港市场", ""],
        place_name_en=["Ping'an Bar", "", ""],
        place_kind=["bar", "marketplace", "surveillance"],
        place_lat=[30.0005, 30.0095, 30.0],
        place_lon=[120.0035, 120.005, 120.0],
    )


def test_chinese_address(harbour: Gazetteer) -> None:
    hit = harbour.geocode("水产路12号")
    assert hit is not None
    assert (hit.kind, hit.matched, hit.confidence) == ("address", "水产路12号", 1.0)
    assert hit.point == (30.0002, 120.002)
    # Full-width digits and Chinese numerals mean the same house.
    assert harbour.geocode("水产路１２号").point == (30.0002, 120.002)
    assert harbour.geocode("水产路十二号").point == (30.0002, 120.002)


def test_missing_number_and_letters(harbour: Gazetteer) -> None:
    near = harbour.geocode("水产路13号")  # no 13: the nearest number on the street
    assert near.kind == "address"
    assert near.confidence == pytest.approx(0.6)
    assert near.matched in ("水产路12号", "水产路14A号")
    assert harbour.geocode("水产路14a号").point == (30.0003, 120.003)
    none_near = harbour.geocode("海滨大道88号")  # 85 numbers away: the street's middle
    assert none_near.kind == "street"
    assert none_near.confidence == pytest.approx(0.5)
    street = harbour.geocode("水产路")
    assert (street.kind, street.confidence, street.point) == ("street", 1.0, (30.0, 120.002))


def test_place_names_in_three_languages(harbour: Gazetteer) -> None:
    for text in ("平安酒吧", "Ping'an Bar", "ping an bar", "PING'AN BAR"):
        hit = harbour.geocode(text)
        assert hit.kind == "place"
        assert hit.place_kind == "bar"
        assert hit.point == (30.0005, 120.0035)
    assert harbour.geocode("海港市场").matched == "海港市场"
    assert harbour.geocode("Shuichan Road 10").point == (30.0001, 120.001)


def test_text_around_the_name_lowers_confidence(harbour: Gazetteer) -> None:
    hit = harbour.geocode("在水产路12号门口")
    assert hit.matched == "水产路12号"
    assert 0.7 < hit.confidence < 1.0
    assert harbour.geocode("xyz qwerty") is None


def test_find_in_text(harbour: Gazetteer) -> None:
    text = "昨晚在水产路12号门口有人打架，随后逃往海港市场方向。"
    hits = harbour.find_in_text(text)
    assert [(h.kind, h.matched) for h in hits] == [("address", "水产路12号"), ("place", "海港市场")]
    assert text[hits[0].start : hits[0].end] == "水产路12号"
    assert text[hits[1].start : hits[1].end] == "海港市场"
    assert harbour("没有地名的句子") == []


def test_reverse(harbour: Gazetteer) -> None:
    assert harbour.reverse(30.0004, 120.0034) == "水产路, 平安酒吧"
    assert harbour.reverse(30.0004, 120.0034, lang="en") == "Shuichan Road, Ping'an Bar"
    assert harbour.reverse(30.0099, 120.006) == "海滨大道, Harbour Market"


def test_round_trip_through_json(harbour: Gazetteer) -> None:
    again = Gazetteer.from_dict(json.loads(json.dumps(harbour.to_dict(), ensure_ascii=False)))
    assert again.geocode("水产路12号") == harbour.geocode("水产路12号")
    assert again.reverse(30.0004, 120.0034) == harbour.reverse(30.0004, 120.0034)
    assert (again.n_streets, again.n_places, again.n_addresses) == (2, 3, 4)


def test_normalize_keeps_offsets() -> None:
    norm, origin = normalize("Töölönkatu  5, ＨＥＬＳＩＮＫＩ")
    assert norm == "toolonkatu 5 helsinki"
    assert origin[norm.index("5")] == 12


@pytest.fixture(scope="module")
def helsinki(helsinki_extract) -> Gazetteer:
    return build_gazetteer(helsinki_extract)


def test_helsinki_latin_addresses(helsinki: Gazetteer) -> None:
    hit = helsinki.geocode("Mannerheimintie 5")
    assert (hit.kind, hit.matched, hit.confidence) == ("address", "Mannerheimintie 5", 1.0)
    assert hit.point == pytest.approx((60.1694433, 24.9397734))
    assert helsinki.geocode("5 Mannerheimintie").point == hit.point
    assert helsinki.geocode("MANNERHEIMINTIE 5").point == hit.point
    lonnrot = helsinki.geocode("lonnrotinkatu")  # Lönnrotinkatu without its umlaut
    assert (lonnrot.kind, lonnrot.matched) == ("street", "Lönnrotinkatu")


def test_helsinki_fuzzy(helsinki: Gazetteer) -> None:
    hit = helsinki.geocode("Manerheimintie 5")  # one n missing
    assert hit.matched == "Mannerheimintie 5"
    assert 0.6 < hit.confidence < 0.8


def test_helsinki_reverse_and_text(helsinki: Gazetteer) -> None:
    hit = helsinki.geocode("Aleksanterinkatu 22")
    assert helsinki.reverse(hit.lat, hit.lon).startswith("Aleksanterinkatu, ")
    text = "Robbery on Mannerheimintie 10 near Aleksanterinkatu, suspect ran to Kaisaniemenkatu"
    found = helsinki.find_in_text(text)
    assert [h.matched for h in found] == [
        "Mannerheimintie 10",
        "Aleksanterinkatu",
        "Kaisaniemenkatu",
    ]
    assert text[found[0].start : found[0].end] == "Mannerheimintie 10"
