"""Relative times resolved against the message time (Friday 2026-07-10 21:05, +08:00)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from pingan.algo.text.times import resolve_time
from pingan.errors import InvalidInput

SHANGHAI = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 7, 10, 21, 5, tzinfo=SHANGHAI)  # a Friday


def _span(text: str, at: datetime = AT) -> tuple[str, str] | None:
    found = resolve_time(text, at)
    if found is None:
        return None
    return found.start.strftime("%m-%d %H:%M"), found.end.strftime("%m-%d %H:%M")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the night of 9-10 July: 20:00 to 06:00
        ("电瓶车昨天夜里被人偷了", ("07-09 20:00", "07-10 06:00")),
        # the last hour
        ("刚才手机被偷了", ("07-10 20:05", "07-10 21:05")),
        # 十点多 = 10:00-11:00; 22:00 today is in the future, so the morning
        ("十点多在菜市场丢的", ("07-10 10:00", "07-10 11:00")),
        # 22:00 +- 30 min yesterday
        ("昨晚十点左右被偷", ("07-09 21:30", "07-09 22:30")),
        # Wednesday evening to Thursday 06:00
        ("前天晚上丢了", ("07-08 18:00", "07-09 06:00")),
        ("这两天连着丢了两辆", ("07-09 00:00", "07-10 21:05")),
        ("这几天老有人转悠", ("07-06 00:00", "07-10 21:05")),
        # last week's Friday is 3 July (this week's Monday is 6 July)
        ("上周五丢的车", ("07-03 00:00", "07-04 00:00")),
        # overnight: 18:00 the day before to 11:00... capped at the morning's end 10:00
        ("早上起来发现车没了", ("07-09 18:00", "07-10 10:00")),
        ("一夜之间就没了", ("07-09 18:00", "07-10 10:00")),
        # parked at 22:00 (-15/+30 min), found at 07:00 (-15/+30 min)
        ("昨晚10点停的车今天早上7点发现没了", ("07-09 21:45", "07-10 07:30")),
        ("7月8日下午3点半", ("07-08 15:20", "07-08 16:00")),
        # half an hour ago: up to 45 minutes back
        ("半小时前被抢了", ("07-10 20:20", "07-10 21:05")),
        # 两三点 at night = 02:00-04:00 (-15 min)
        ("凌晨两三点的样子", ("07-10 01:45", "07-10 04:00")),
        ("last night", ("07-09 18:00", "07-10 06:00")),
        ("yesterday around 10pm", ("07-09 21:30", "07-09 22:30")),
        ("this morning", ("07-10 05:00", "07-10 12:00")),
        ("2 hours ago", ("07-10 18:05", "07-10 20:05")),
        # ongoing: from 20:00 until the message
        ("八点开始吵到现在", ("07-10 19:45", "07-10 21:05")),
    ],
)
def test_relative_words_resolve_to_hand_checked_intervals(
    text: str, expected: tuple[str, str]
) -> None:
    assert _span(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "水产路12号门口的电动车被偷了",
        "5号楼有人飞线充电",
        "地铁3号线上手机被偷",
        "白色九号电动车被偷",
    ],
)
def test_house_numbers_and_brands_are_not_dates(text: str) -> None:
    assert _span(text) is None


def test_never_resolves_into_the_future() -> None:
    morning = datetime(2026, 7, 10, 9, 0, tzinfo=SHANGHAI)
    # "晚上" at 09:00 is last night, and "周五" on a Friday morning is today so far
    assert _span("晚上有人敲门", morning) == ("07-09 18:00", "07-10 00:00")
    assert _span("周五丢的", morning) == ("07-10 00:00", "07-10 09:00")
    found = resolve_time("十点多被偷了", morning)
    assert found is not None
    assert found.start.strftime("%d %H:%M") == "09 22:00"


def test_time_zone_of_the_district_reads_the_words() -> None:
    # 13:05 UTC is 21:05 in Shanghai
    utc = datetime(2026, 7, 10, 13, 5, tzinfo=ZoneInfo("UTC"))
    found = resolve_time("刚才", utc)
    assert found is not None
    assert found.start.isoformat() == "2026-07-10T20:05:00+08:00"
    assert found.width_s == 3600.0


def test_naive_time_is_rejected() -> None:
    with pytest.raises(InvalidInput, match="UTC offset"):
        resolve_time("刚才", datetime(2026, 7, 10, 21, 5))
