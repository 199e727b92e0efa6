"""Places without names and places relative to a landmark (issue 16, item 3)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from pingan.algo.text import GeoHit, extract_report
from pingan.algo.text.places import PlaceSpan
from pingan.algo.text.spots import read_place

AT = datetime(2026, 7, 10, 21, 5, tzinfo=ZoneInfo("Asia/Shanghai"))

GENERIC = [
    # (message, phrase, relation, kind)
    ("昨晚在夜市被人偷了手机 黑色苹果", "夜市", None, "marketplace"),
    ("烧烤摊上两桌人喝多了打起来了 有人拿酒瓶", "烧烤摊", None, "fast_food"),
    ("车棚里的电瓶车电池被人偷了两块", "车棚", None, "bicycle_parking"),
    ("楼道里有人贴小广告还撬了电表箱", "楼道", None, "residential"),
    ("学校门口有几个社会青年拦着学生要钱", "学校门口", "gate", "school"),
    ("地下停车场我的车被人划了一长道", "地下停车场", None, "parking"),
    ("KTV包厢里有人吸东西 很可疑", "KTV包厢", None, "karaoke_box"),
    ("那个棋牌室天天晚上赌钱 声音很大", "棋牌室", None, "gaming_centre"),
    ("网吧里充电的手机被人拿走了", "网吧", None, "internet_cafe"),
    ("菜市场门口被小偷摸了钱包", "菜市场门口", "gate", "marketplace"),
    ("在公交站等车的时候包被划了", "公交站", None, "bus_stop"),
    ("小区南门有两个人在吵架 快打起来了", "小区南门", "gate", "residential"),
    ("my phone was snatched at the night market around 9pm", "night market", None, "marketplace"),
    ("someone keyed my car in the parking garage", "parking garage", None, "parking"),
    ("a man is following kids near the school gate", "near the school gate", "near", "school"),
    ("my e-bike battery was stolen from the bike shed", "bike shed", None, "bicycle_parking"),
]


@pytest.mark.parametrize(
    ("text", "phrase", "relation", "kind"), GENERIC, ids=[g[1] for g in GENERIC]
)
def test_generic_place(text: str, phrase: str, relation: str | None, kind: str) -> None:
    ref = read_place(text)
    assert ref is not None
    assert (ref.phrase, ref.landmark, ref.relation, ref.kind) == (phrase, None, relation, kind)
    # a place without a name keeps its words of relation in Chinese (菜市场门口), not in English
    assert ref.text == {"near the school gate": "school gate"}.get(phrase, phrase)


RELATIVE = [
    # (message, landmark, relation)
    ("万达广场对面的烧烤摊有人打架", "万达广场", "opposite"),
    ("锦绣花园门口停的电动车被偷了", "锦绣花园", "gate"),
    ("锦绣花园3栋楼下的车棚电瓶车被偷", "锦绣花园3栋", "below"),
    ("人民路与解放路交叉口东侧发生了抢劫", "人民路与解放路交叉口", "side"),
    ("Someone was mugged across from Kamppi Mall an hour ago", "Kamppi Mall", "opposite"),
    ("My bike was stolen outside Kamppi Mall last night", "Kamppi Mall", "gate"),
]


@pytest.mark.parametrize(("text", "landmark", "relation"), RELATIVE, ids=[r[1] for r in RELATIVE])
def test_relative_place(text: str, landmark: str, relation: str) -> None:
    ref = read_place(text)
    assert ref is not None
    assert (ref.landmark, ref.relation) == (landmark, relation)
    assert ref.text == landmark


def test_gazetteer_names_become_landmarks() -> None:
    def known(text: str) -> list[PlaceSpan]:
        at = text.find("老年活动中心")
        return [] if at < 0 else [PlaceSpan(at, at + 6, "老年活动中心")]

    ref = read_place("老年活动中心旁边有人推销保健品骗老人", find_places=known)
    assert ref is not None
    assert (ref.landmark, ref.relation) == ("老年活动中心", "beside")


def test_institutions_named_in_a_story_are_no_places() -> None:
    assert read_place("冒充银行的说我信用卡逾期影响征信 要我转两万") is None
    assert read_place("学校通知交资料费 结果是骗子") is None


def test_extract_places_a_relative_place_at_its_landmark_with_less_confidence() -> None:
    asked: list[str] = []

    def geocode(text: str) -> GeoHit | None:
        asked.append(text)
        return GeoHit(60.1690, 24.9320, 0.9) if text == "Kamppi Mall" else None

    def nearest(kind: str) -> GeoHit | None:
        return GeoHit(60.17, 24.94, 0.3) if kind == "parking" else None

    near = extract_report("My bike was stolen across from Kamppi Mall", AT, geocode=geocode)
    assert near.location == (60.1690, 24.9320)
    assert near.geocode_confidence == pytest.approx(0.63)
    at_gate = extract_report("my bike was stolen at Kamppi Mall", AT, geocode=geocode)
    assert at_gate.geocode_confidence == 0.9
    generic = extract_report(
        "someone keyed my car in the parking garage", AT, geocode=geocode, nearest=nearest
    )
    assert generic.location == (60.17, 24.94)
    assert generic.geocode_confidence == 0.3
    assert "parking garage" not in asked  # a generic phrase is not a name to look up
    none = extract_report("昨晚KTV包厢里有人打架", AT, geocode=geocode, nearest=nearest)
    assert (none.place, none.location, none.geocode_confidence) == ("KTV包厢", None, 0.0)
    assert none.to_json()["place_detail"] == {
        "phrase": "KTV包厢",
        "landmark": None,
        "relation": None,
        "kind": "karaoke_box",
        "osm_tags": ["amenity=karaoke_box"],
    }


@pytest.mark.parametrize(
    ("text", "place", "kind"),
    [
        ("my phone was stolen at night market last night", "night market", "marketplace"),
        (
            "someone smashed my car window in the underground car park",
            "underground car park",
            "parking",
        ),
        ("a guy grabbed my bag outside the convenience store", "convenience store", "shop"),
        ("Loud music from the flat above me in 幸福里小区 all night", "幸福里小区", "residential"),
    ],
)
def test_english_places_without_names(text: str, place: str, kind: str) -> None:
    ref = read_place(text)
    assert ref is not None
    assert (ref.text, ref.kind) == (place, kind)
