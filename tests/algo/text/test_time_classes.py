"""Times the training passes missed, by class (issue 16 item 4); sentences written here."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pingan.algo.text import extract_report
from pingan.algo.text.times import resolve_time

Z = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("sent", "text", "start", "end"),
    [
        # twelve o'clock said just after midnight is the midnight hour, not yesterday's noon
        ("2026-07-11T01:20", "烧烤摊那边十二点四十有人砸酒瓶打架", "07-11 00:40", "07-11 00:40"),
        ("2026-07-11T02:00", "凌晨12点半左右有人在车棚偷电瓶", "07-11 00:30", "07-11 00:30"),
        # the end of a range keeps its own part of the day
        (
            "2026-07-10T22:00",
            "今天早上八点到晚上九点半 工棚里的箱子被人撬了",
            "07-10 08:00",
            "07-10 21:30",
        ),
        # 早八 is eight in the morning
        ("2026-07-10T12:40", "早八去上课 十二点回来宿舍门被撬了", "07-10 08:00", "07-10 12:00"),
        # northern spoken parts of the day and day words
        ("2026-07-11T18:30", "俺晌午在菜市场叫人把钱包偷了", "07-11 11:30", "07-11 12:30"),
        ("2026-07-11T18:30", "昨儿后晌俺家电驴叫人推走了", "07-10 14:00", "07-10 16:00"),
        ("2026-07-11T18:30", "头午俺在公园遛弯 手机叫人摸了", "07-11 09:00", "07-11 10:00"),
        ("2026-07-11T18:30", "今儿个傍黑儿有人在楼道打架", "07-11 17:30", "07-11 18:00"),
        ("2026-07-11T18:30", "俺前儿个下午接了个电话就被骗了", "07-09 14:00", "07-09 15:00"),
        ("2026-07-11T18:30", "后晌三点多俺的电驴没了", "07-11 15:10", "07-11 15:40"),
        # 的九号 is the e-bike, not the 9th of the month
        ("2026-07-08T07:30", "楼下的九号 凌晨两点多被人推走了", "07-08 02:00", "07-08 03:00"),
        # an English evening has no small hours: 5:40 this evening is 17:40
        (
            "2026-03-18T19:00",
            "At around 5:40 this evening two men on a motorbike snatched my bag",
            "03-18 17:40",
            "03-18 17:40",
        ),
        # written Cantonese words of time: 琴晚 last night, 今朝 this morning, 寻日 yesterday
        (
            "2026-03-18T09:00",
            "琴晚十一点我架电动车停喺楼下，今朝七点落楼就冇咗",
            "03-17 23:00",
            "03-18 07:00",
        ),
        ("2026-03-18T20:00", "寻日下昼三点喺地铁站畀人扒咗部手机", "03-17 15:00", "03-17 15:00"),
    ],
)
def test_time_classes(sent: str, text: str, start: str, end: str) -> None:
    now = datetime.fromisoformat(sent).replace(tzinfo=Z)
    got = resolve_time(text, now)
    assert got is not None
    # the interval contains the true one
    assert got.start.strftime("%m-%d %H:%M") <= start
    assert got.end.strftime("%m-%d %H:%M") >= end


def test_cantonese_day_words_name_the_day() -> None:
    now = datetime(2026, 3, 18, 20, 0, tzinfo=Z)
    got = resolve_time("寻日下昼三点喺地铁站畀人扒咗部手机", now)
    assert got is not None
    assert (got.start.day, got.end.day) == (17, 17)
    assert got.end - got.start <= timedelta(hours=1)


def test_a_standing_condition_has_no_time_without_a_clock() -> None:
    now = datetime(2026, 7, 10, 21, 0, tzinfo=Z)
    den = extract_report("菜市场后面那个麻将馆 白天晚上都在赌 还放高利贷", now)
    assert den.type == "vice"
    assert den.time is None
    exit_ = extract_report("商场的消防通道最近一直被货堆着 晚上还锁门", now)
    assert exit_.type == "fire_hazard"
    assert exit_.time is None
    # a clock time still says when
    raid = extract_report("今晚八点多棋牌室里好多人在赌钱 一把几千", now)
    assert raid.type == "vice"
    assert raid.time is not None


def test_a_missing_person_is_missing_from_when_last_seen_until_now() -> None:
    now = datetime(2026, 7, 10, 21, 0, tzinfo=Z)
    got = extract_report("我家老人下午三点出门买菜 到现在都没回来 电话也打不通", now)
    assert got.type == "missing_person"
    assert got.time is not None
    assert got.time.start <= datetime(2026, 7, 10, 15, 0, tzinfo=Z)
    assert got.time.end == now


def test_a_pattern_of_suspicion_said_with_a_word_of_habit_has_no_time() -> None:
    now = datetime(2026, 7, 10, 21, 0, tzinfo=Z)
    got = extract_report("最近老有个陌生男的在幼儿园门口转悠 盯着孩子看", now)
    assert got.type == "suspicious"
    assert got.time is None


def test_ten_odd_minutes_ago_reaches_back_past_ten() -> None:
    now = datetime(2026, 7, 10, 21, 0, tzinfo=Z)
    for text in ("十几分钟前在地铁口被人抢了手机", "十多分钟前在地铁口被人抢了手机"):
        got = resolve_time(text, now)
        assert got is not None
        assert got.start <= datetime(2026, 7, 10, 20, 41, tzinfo=Z)
        assert got.end == now
