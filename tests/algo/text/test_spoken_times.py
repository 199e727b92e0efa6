"""Times as people say them (issue 16, item 4): each phrase family's interval contains the
true time and has the width the module docstring of :mod:`pingan.algo.text.times` gives."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pingan.algo.text.times import resolve_time

TZ = ZoneInfo("Asia/Shanghai")
#: Friday 10 July 2026, 21:05 in Shanghai.
AT = datetime(2026, 7, 10, 21, 5, tzinfo=TZ)


JUNE_29 = datetime(2026, 6, 29, tzinfo=TZ)  # the Monday of last week


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 7, day, hour, minute, tzinfo=TZ)


CASES = [
    # (message, true time, expected start, expected end)
    ("昨天半夜有人在楼道里砸门，吓死人了", at(10, 1, 30), at(9, 22), at(10, 6)),
    ("凌晨三点多有人一直敲我家门 还拧门把手", at(10, 3, 20), at(10, 3), at(10, 4)),
    ("下班回来发现家门锁被撬了 屋里翻得乱七八糟", at(10, 14), at(10, 7), AT),
    ("中午吃饭的时候放椅子上的包被人顺走了", at(10, 12, 40), at(10, 11), at(10, 14)),
    ("傍晚在小区门口被一个骑电动车的抢了项链", at(10, 18, 10), at(10, 17), at(10, 20)),
    ("前几天在夜市丢了个钱包 里面有身份证", at(7, 20), at(3, 0), at(10, 0)),
    ("上礼拜在网上买演唱会门票被骗了", at(1, 15), JUNE_29, JUNE_29 + timedelta(days=7)),
    (
        "上上周有人冒充快递客服骗了我妈两千",
        JUNE_29 - timedelta(days=3),
        JUNE_29 - timedelta(days=7),
        JUNE_29,
    ),
    ("晚上8点左右在烧烤摊被人打了", at(10, 20, 10), at(10, 19, 30), at(10, 20, 30)),
    ("吃晚饭的时候听见楼下车棚有人撬锁", at(10, 18, 30), at(10, 17), at(10, 21)),
    ("放学的时候学校门口有人拦着学生要钱", at(10, 16, 40), at(10, 15), at(10, 19)),
    (
        "My bike was stolen at 8pm outside the night market",
        at(10, 20, 5),
        at(10, 19, 45),
        at(10, 20, 30),
    ),
    (
        "Yesterday at 8 in the morning someone grabbed my phone at the bus stop",
        at(9, 8, 5),
        at(9, 7, 45),
        at(9, 8, 30),
    ),
    (
        "Someone broke into my car at 8 this morning in the parking garage",
        at(10, 8),
        at(10, 7, 45),
        at(10, 8, 30),
    ),
    (
        "around 8 last night a guy smashed a window across from Kamppi Mall",
        at(9, 20, 20),
        at(9, 19, 30),
        at(9, 20, 30),
    ),
    ("I was scammed a few days ago by a fake landlord", at(6, 12), at(3, 0), at(10, 0)),
    ("两点到三点四十 车棚里的自行车被偷了", at(10, 15), at(10, 13, 45), at(10, 15, 50)),
    ("昨晚十一点四十到十二点十分 烧烤摊后面有人抢包", at(10, 0, 5), at(9, 23, 35), at(10, 0, 20)),
    # 十来分钟 is ten to nineteen minutes: back 1.5 × 14 minutes
    ("就十来分钟前 地铁口飞车抢手机", at(10, 20, 48), at(10, 20, 44), AT),
    ("十一点来钟有人在KTV门口打架", at(10, 11, 10), at(10, 10, 45), at(10, 11, 30)),
]


@pytest.mark.parametrize(("text", "truth", "start", "end"), CASES, ids=[c[0][:12] for c in CASES])
def test_spoken_time_contains_truth_with_expected_width(
    text: str, truth: datetime, start: datetime, end: datetime
) -> None:
    found = resolve_time(text, AT)
    assert found is not None
    assert found.start <= truth <= found.end
    assert (found.start, found.end) == (start, end)


def test_a_clock_with_no_part_of_day_takes_the_last_reading_past() -> None:
    # 21:05 now: "at 8" is 20:00 today, not 08:00
    found = resolve_time("they knocked on my door at 8 and ran off", AT)
    assert found is not None
    assert (found.start, found.end) == (at(10, 19, 45), at(10, 20, 30))
    morning = resolve_time("they knocked on my door at 8 and ran off", at(10, 9, 30))
    assert morning is not None
    assert (morning.start, morning.end) == (at(10, 7, 45), at(10, 8, 30))


def test_numbers_that_are_not_clock_times_stay_out() -> None:
    found = resolve_time("lost around 5 days of pay, 2000 yuan, at 2 people's request", AT)
    assert found is None


def test_an_english_weekday_reads_without_error() -> None:
    # Friday 10 July: "last Friday" is 3 July; "on Monday" is 6 July
    found = resolve_time("My bike was stolen last Friday night outside the bar", AT)
    assert found is not None
    assert found.start <= at(3, 23) <= found.end
    monday = resolve_time("someone scratched my car on Monday in the parking garage", AT)
    assert monday is not None
    assert (monday.start, monday.end) == (at(6, 0), at(7, 0))


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("someone knocked on my door at 2:30am", at(10, 2, 25), at(10, 2, 50)),
        ("between 2 and 3 am a man tried every door handle", at(10, 1, 45), at(10, 3, 10)),
        ("my bike went from the rack between 8 and 9pm", at(10, 19, 45), AT),
        ("the night before last somebody scratched my car", at(8, 18), at(9, 6)),
        ("8ish this morning a kid snatched my phone", at(10, 7, 45), at(10, 8, 30)),
    ],
)
def test_english_clock_times(text: str, start: datetime, end: datetime) -> None:
    found = resolve_time(text, AT)
    assert found is not None
    assert (found.start, found.end) == (start, end)
