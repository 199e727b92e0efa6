"""`pingan text parse` on real messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pingan.cli.text import app
from pingan.errors import InvalidInput

runner = CliRunner()


def test_parse_one_message() -> None:
    result = runner.invoke(
        app,
        [
            "parse",
            "--at",
            "2026-07-10T21:05:00+08:00",
            "我放在锦绣花园3栋楼下的电瓶车昨天夜里被人偷了，绿色的雅迪",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["type"] == "theft.ebike"
    assert data["time"] == {
        "start": "2026-07-09T20:00:00+08:00",
        "end": "2026-07-10T06:00:00+08:00",
    }
    assert data["place"] == "锦绣花园3栋"
    assert data["items"] == [{"kind": "ebike", "brand": "雅迪", "colour": "green", "count": 1}]
    assert {
        "type", "fraud_type", "is_report", "time", "place", "place_detail", "location", "items",
        "amount_yuan", "phones",
    } <= set(data)  # fmt: skip
    assert data["place_detail"]["landmark"] == "锦绣花园3栋"


def test_parse_jsonl_file(tmp_path: Path) -> None:
    path = tmp_path / "messages.jsonl"
    rows = [
        {"text": "刚才在朝阳菜市场买菜手机被偷了 黑色苹果14", "at": "2026-07-10T12:20:00+08:00"},
        {"text": "谢谢民警同志", "at": "2026-07-10T12:30:00+08:00"},
        {"text": "被刷单骗了1.5万", "at": "2026-07-10T12:40:00+08:00"},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n")
    result = runner.invoke(app, ["parse", "--jsonl", str(path)])
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert [o["type"] for o in out] == ["theft.phone", "other", "fraud"]
    assert [o["is_report"] for o in out] == [True, False, True]
    assert out[0]["time"] == {
        "start": "2026-07-10T11:20:00+08:00",
        "end": "2026-07-10T12:20:00+08:00",
    }
    assert (out[2]["fraud_type"], out[2]["amount_yuan"]) == ("rebate_task", 15000)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("not json", "not JSON"),
        ('{"at": "2026-07-10T12:20:00+08:00"}', '"text"'),
        ('{"text": "电动车被偷了", "at": "yesterday"}', "ISO 8601"),
        ('{"text": "电动车被偷了", "at": "2026-07-10T12:20:00"}', "UTC offset"),
        ('{"text": "", "at": "2026-07-10T12:20:00+08:00"}', "empty"),
    ],
)
def test_jsonl_errors_name_the_line(tmp_path: Path, line: str, reason: str) -> None:
    path = tmp_path / "bad.jsonl"
    good = '{"text": "谢谢", "at": "2026-07-10T12:20:00+08:00"}'
    path.write_text(f"{good}\n{line}\n", encoding="utf-8")
    result = runner.invoke(app, ["parse", "--jsonl", str(path)])
    assert isinstance(result.exception, InvalidInput)
    assert result.exception.field == "line 2"
    assert reason in result.exception.message


def test_text_needs_a_time() -> None:
    result = runner.invoke(app, ["parse", "电动车被偷了"])
    assert isinstance(result.exception, InvalidInput)
    assert result.exception.field == "at"
