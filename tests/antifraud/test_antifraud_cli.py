"""`pingan antifraud screen` on the issue's examples: JSON, JSON lines, Rich, bad input."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pingan.cli.antifraud import app
from pingan.errors import InvalidInput

runner = CliRunner()
QQ_BOSS = "我们主任换了个新QQ号加我，说他在外地出差，让我先帮他给一个朋友转2万，回来还我"
WATER_BILL = "水电费账单出来了，物业在业主群里发了缴费通知，让大家在官方生活缴费里交"


def test_screen_prints_one_json_object() -> None:
    result = runner.invoke(app, ["screen", "--json", QQ_BOSS])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["fraud"], data["fraud_type"]) == (True, "impersonating_acquaintance")
    assert data["risk"] in {"orange", "red"}
    assert all(sign["evidence"] in QQ_BOSS for sign in data["signs"])
    assert set(data) == {
        "fraud", "fraud_type", "risk", "reason_zh", "reason_en", "signs", "advice", "confidence",
    }  # fmt: skip


def test_screen_jsonl_writes_one_object_per_line(tmp_path: Path) -> None:
    path = tmp_path / "situations.jsonl"
    rows = [{"text": QQ_BOSS}, {"text": WATER_BILL}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n")
    result = runner.invoke(app, ["screen", "--jsonl", str(path)])
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert [o["fraud"] for o in out] == [True, False]
    assert [o["risk"] for o in out][1] == "none"


def test_screen_jsonl_bad_line_is_named_and_nothing_printed(tmp_path: Path) -> None:
    path = tmp_path / "situations.jsonl"
    path.write_text(json.dumps({"text": QQ_BOSS}, ensure_ascii=False) + '\n{"text": "  "}\n')
    result = runner.invoke(app, ["screen", "--jsonl", str(path)])
    assert isinstance(result.exception, InvalidInput)
    assert result.exception.field == "line 2"
    assert "blank" in result.exception.message
    assert result.output == ""


def test_screen_rich_shows_type_tier_signs_and_advice() -> None:
    result = runner.invoke(app, ["screen", QQ_BOSS])
    assert result.exit_code == 0, result.output
    assert "impersonating_acquaintance" in result.output
    assert "ORANGE" in result.output or "RED" in result.output
    data = json.loads(runner.invoke(app, ["screen", "--json", QQ_BOSS]).output)
    assert data["signs"][0]["evidence"] in result.output
    assert data["advice"]["zh"][0] in result.output


def test_screen_over_long_text_is_refused() -> None:
    result = runner.invoke(app, ["screen", "转" * 4_001])
    assert isinstance(result.exception, InvalidInput)
    assert result.exception.field == "text"
    assert "at most 4000" in result.exception.message
