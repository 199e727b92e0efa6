"""extract_report end to end, and the labelled corpus."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pingan.algo.text import GeoHit, extract_report
from pingan.algo.text.lexicon import FRAUD_TYPES, INCIDENT_TYPES
from pingan.errors import InvalidInput

AT = datetime(2026, 7, 10, 21, 5, tzinfo=ZoneInfo("Asia/Shanghai"))
CORPUS = Path(__file__).resolve().parents[2] / "data" / "text" / "corpus.jsonl"


def test_issue_example() -> None:
    report = extract_report("我放在锦绣花园3栋楼下的电瓶车昨天夜里被人偷了，绿色的雅迪", AT)
    assert report.type == "theft.ebike"
    assert report.is_report
    assert report.place == "锦绣花园3栋"
    assert report.time is not None
    night_start = datetime(2026, 7, 9, 18, 0, tzinfo=AT.tzinfo)
    night_end = datetime(2026, 7, 10, 8, 0, tzinfo=AT.tzinfo)
    assert night_start <= report.time.start < report.time.end <= night_end
    data = report.to_json()
    assert 0.5 <= data.pop("type_confidence") <= 1.0
    assert data.pop("type_uncertain") is False
    assert data == {
        "type": "theft.ebike",
        "fraud_type": None,
        "is_report": True,
        "time": {"start": "2026-07-09T20:00:00+08:00", "end": "2026-07-10T06:00:00+08:00"},
        "place": "锦绣花园3栋",
        "place_detail": {
            "phrase": "锦绣花园3栋楼下",
            "landmark": "锦绣花园3栋",
            "relation": "below",
            "kind": None,
            "osm_tags": [],
        },
        "location": None,
        "items": [{"kind": "ebike", "brand": "雅迪", "colour": "green", "count": 1}],
        "amount_yuan": None,
        "phones": [],
    }


def test_fraud_report_with_amount_and_phone() -> None:
    report = extract_report(
        "刚才有个快递客服说我的快递丢失了要双倍赔偿 让我下载app操作 结果转了9800 电话是13500006789",
        AT,
    )
    data = report.to_json()
    assert (data["type"], data["fraud_type"]) == ("fraud", "customer_service")
    assert data["amount_yuan"] == 9800
    assert data["phones"] == ["13500006789"]
    assert data["items"] == []
    assert data["time"] == {
        "start": "2026-07-10T20:05:00+08:00",
        "end": "2026-07-10T21:05:00+08:00",
    }


def test_geocoder_is_called_with_the_place_text() -> None:
    asked: list[str] = []

    def geocode(place: str) -> GeoHit | None:
        asked.append(place)
        return GeoHit(lat=30.25, lon=120.17, confidence=0.8)

    report = extract_report("水产路12号门口的小电驴被偷了", AT, geocode=geocode)
    assert asked == ["水产路12号"]
    assert report.location == (30.25, 120.17)
    assert report.geocode_confidence == 0.8
    assert report.to_json()["location"] == {"lat": 30.25, "lon": 120.17}


@pytest.mark.parametrize(
    ("text", "reason"), [("", "empty"), ("   ", "empty"), ("偷" * 10_001, "10000")]
)
def test_bad_text_is_rejected(text: str, reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason):
        extract_report(text, AT)


def test_corpus_is_complete_and_split_by_hash() -> None:
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 400
    assert {r["type"] for r in rows} == set(INCIDENT_TYPES)
    assert {r["fraud_type"] for r in rows if r["type"] == "fraud"} == set(FRAUD_TYPES)
    assert any(not r["is_report"] for r in rows)
    for row in rows:
        test = int(hashlib.sha1(row["id"].encode()).hexdigest(), 16) % 4 == 0
        assert row["split"] == ("test" if test else "train")
        if row["time"] is not None:
            assert row["time"]["start"] <= row["time"]["end"] <= row["at"]
    held_out = [r for r in rows if r["split"] == "test"]
    assert 0.2 <= len(held_out) / len(rows) <= 0.3


def test_held_out_type_accuracy() -> None:
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    held_out = [r for r in rows if r["split"] == "test"]
    right = sum(
        extract_report(r["text"], datetime.fromisoformat(r["at"])).type == r["type"]
        for r in held_out
    )
    assert right / len(held_out) >= 0.85


def test_electric_bicycle_is_an_ebike_not_a_bicycle() -> None:
    at = datetime(2026, 7, 10, 21, 5, tzinfo=ZoneInfo("Asia/Shanghai"))
    result = extract_report("小区楼下电动自行车刚被人骑走，嫌疑人往北跑了", at)
    assert result.type == "theft.ebike"
    assert [item.kind for item in result.items] == ["ebike"]
