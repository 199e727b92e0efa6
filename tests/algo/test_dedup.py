"""De-duplication of reports with real sentences; distances and gaps checked by hand."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pingan.algo.dedup import ReportPoint, find_duplicates, text_similarity
from pingan.errors import InvalidInput

Z = ZoneInfo("Asia/Shanghai")
NIGHT = (datetime(2026, 7, 9, 20, 0, tzinfo=Z), datetime(2026, 7, 10, 6, 0, tzinfo=Z))


def _r(rid: str, kind: str, text: str, x: float | None, y: float | None, when=NIGHT) -> ReportPoint:
    start, end = when if when is not None else (None, None)
    return ReportPoint(rid, kind, text, start, end, x_m=x, y_m=y)


def test_three_neighbours_report_one_ebike_theft() -> None:
    reports = [
        _r("a", "theft.ebike", "我放在锦绣花园3栋楼下的电瓶车昨天夜里被人偷了，绿色的雅迪", 0, 0),
        _r("b", "noise", "锦绣花园5栋楼上吵死了", 10, 0),
        _r("c", "theft.ebike", "锦绣花园3栋楼下一辆绿色雅迪电动车昨晚被偷 是我邻居的", 40, 30),
        _r("d", "theft.ebike", "东湖新村电动车被偷了", 5000, 0),
        _r("e", "theft.ebike", "锦绣花园楼下电瓶车被偷", 90, 0),
    ]
    groups = find_duplicates(reports)
    assert [g.ids for g in groups] == [("a", "c", "e")]
    # a-c: 50 m apart (3-4-5 triangle), intervals equal
    assert any(
        "a ~ c" in r and "50 m apart" in r and "intervals overlap" in r for r in groups[0].reasons
    )
    assert 0.55 <= groups[0].score <= 1.0


def test_same_words_far_apart_or_days_apart_are_different_events() -> None:
    text = "电动车被偷了"
    later = (NIGHT[0] + timedelta(days=3), NIGHT[1] + timedelta(days=3))
    reports = [
        _r("a", "theft.ebike", text, 0, 0),
        _r("b", "theft.ebike", text, 301, 0),  # just beyond radius_m = 300
        _r("c", "theft.ebike", text, 0, 0, later),  # 66 h after the first night ended
    ]
    assert find_duplicates(reports) == []


def test_types_must_match() -> None:
    reports = [
        _r("a", "assault", "东门夜市烧烤摊有人打架 已经流血了", 0, 0),
        _r("b", "dispute", "东门夜市烧烤摊有人吵架", 0, 0),
    ]
    assert find_duplicates(reports) == []


def test_unknown_place_needs_words() -> None:
    night = NIGHT
    same = [
        _r("a", "fraud", "冒充京东客服说百万保障要关闭 让我屏幕共享 被骗4.6万", None, None, night),
        _r("b", "fraud", "京东客服说百万保障要关闭 屏幕共享后被骗了4.6万", None, None, night),
        _r("c", "fraud", "网恋对象说来见面要机票钱 被骗了", None, None, night),
    ]
    assert [g.ids for g in find_duplicates(same)] == [("a", "b")]


def test_lat_lon_are_projected() -> None:
    # 0.001 degree of latitude is 111 m
    t = NIGHT
    a = ReportPoint("a", "theft.ebike", "电动车被偷", *t, lat=30.0, lon=120.0)
    b = ReportPoint("b", "theft.ebike", "电动车被偷了", *t, lat=30.001, lon=120.0)
    groups = find_duplicates([a, b])
    assert groups[0].ids == ("a", "b")
    assert "111 m apart" in groups[0].reasons[0]


def test_deterministic_and_order_independent_membership() -> None:
    reports = [
        _r(str(k), "theft.ebike", "锦绣花园电动车被偷了", float(k * 50), 0.0) for k in range(6)
    ]
    first = find_duplicates(reports)
    second = find_duplicates(list(reversed(reports)))
    assert [g.ids for g in first] == [("0", "1", "2", "3", "4", "5")]
    assert sorted(second[0].ids) == sorted(first[0].ids)
    assert find_duplicates(reports) == first


def test_text_similarity_by_hand() -> None:
    # bigrams 电动 动车 车被 被偷 偷了 vs 电动 动车 车又 又被 被偷 偷了: 4 shared of 7
    assert text_similarity("电动车被偷了", "电动车又被偷了") == pytest.approx(4 / 7)
    assert text_similarity("", "电动车") == 0.0
    assert text_similarity("my ebike was stolen", "ebike stolen") > 0


def test_bad_input() -> None:
    with pytest.raises(InvalidInput, match="positive"):
        find_duplicates([], radius_m=0)
    naive = ReportPoint("a", "x", "t", datetime(2026, 7, 10), datetime(2026, 7, 10), x_m=0, y_m=0)
    with pytest.raises(InvalidInput, match="UTC offset"):
        find_duplicates([naive, naive])
