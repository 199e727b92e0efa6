"""Place text."""

from __future__ import annotations

import pytest

from pingan.algo.text.places import PlaceSpan, find_place, find_place_spans


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("我放在锦绣花园3栋楼下的电瓶车昨天夜里被人偷了，绿色的雅迪", "锦绣花园3栋"),
        ("水产路12号门口的小电驴被偷了", "水产路12号"),
        ("人民路和解放路交叉口有人打架", "人民路和解放路交叉口"),
        ("幸福里小区5号楼2单元有人在楼道充电", "幸福里小区5号楼2单元"),
        ("车停在东湖新村北门", "东湖新村北门"),
        ("在菜市场被偷了手机", "菜市场"),
        ("上周五南湖小区车棚电动车被偷", "南湖小区"),
        ("万达广场地下停车场黑色丰田被砸", "万达广场"),
        ("酒吧街有人持刀砍人", "酒吧街"),
        ("on Shuichan Road near the market", "Shuichan Road"),
    ],
)
def test_place_text(text: str, place: str) -> None:
    assert find_place(text) == place


@pytest.mark.parametrize(
    "text", ["家里被偷了", "走在路上手机没了", "小区楼道里有人充电", "谢谢大家"]
)
def test_no_place(text: str) -> None:
    assert find_place(text) is None


def test_gazetteer_hook_wins_over_rules() -> None:
    text = "三堡街18号门口有人打架"

    def known(t: str) -> list[PlaceSpan]:
        start = t.index("三堡")
        return [PlaceSpan(start, start + 2, "三堡")]

    spans = find_place_spans(text, find_places=known)
    assert [s.name for s in spans] == ["三堡"]
    assert find_place("三堡18号门口", find_places=lambda t: [PlaceSpan(0, 2, "三堡")]) == "三堡18号"
