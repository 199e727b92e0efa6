"""Referrals from banks and 96110 as CSV: mapped columns, all or nothing, errors named."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pingan.cli import app
from pingan.config import Settings, get_settings
from pingan.errors import InvalidInput
from support.app import seeded_client, token_for

URL = "/api/v1/antifraud/warnings/import"
MAPPING = "target_phone=电话,target_name=姓名,tier=等级,situation=情况,received_at=推送时间"
HEADER = "推送时间,姓名,电话,等级,情况\n"
GOOD = (
    HEADER
    + "2026-12-04 10:00,王五,13700001111,red,\n"
    + "2026-12-04 10:05,赵六,13700002222,,客服说要退款，让我下载会议软件共享屏幕，我已经装好了\n"
)


def _post(client: TestClient, headers: dict[str, str], text: str, **form: Any) -> Any:
    files = {"file": ("referrals.csv", text.encode("utf-8"), "text/csv")}
    return client.post(URL, headers=headers, files=files, data={"mapping": MAPPING} | form)


def _queue(client: TestClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.get("/api/v1/antifraud/warnings", headers=headers).json()[
        "items"
    ]
    return items


def test_referrals_become_warnings(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "antifraud_a")
    response = _post(client, officer, GOOD)
    assert response.status_code == 201, response.text
    assert response.json()["rows"] == 2
    items = {w["target_phone"]: w for w in _queue(client, officer)}
    assert set(items) == {"13700001111", "13700002222"}
    first = items["13700001111"]
    assert (first["tier"], first["source"], first["target_name"]) == ("red", "referral", "王五")
    assert first["created_at"].startswith("2026-12-04T02:00")  # 10:00 in Asia/Shanghai
    assert items["13700002222"]["tier"] in {"red", "orange"}  # from screening the situation


def test_a_bad_line_is_named_and_nothing_is_stored(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "antifraud_a")
    bad_tier = GOOD + "2026-12-04 10:09,孙七,13700003333,purple,\n"
    response = _post(client, officer, bad_tier)
    assert response.status_code == 422
    assert "line 4, column 等级" in response.text
    no_phone = HEADER + "2026-12-04 10:00,王五,,red,\n"
    assert "line 2, column 电话" in _post(client, officer, no_phone).text
    unknown = _post(client, officer, GOOD, mapping="phone=电话")
    assert unknown.status_code == 422
    assert "unknown field 'phone'" in unknown.text
    empty = _post(client, officer, "")
    assert empty.status_code == 422
    assert "no header row" in empty.text
    bad_bytes = {"file": ("r.csv", HEADER.encode() + b"\xff\xfe,1\n", "text/csv")}
    invalid = client.post(URL, headers=officer, files=bad_bytes, data={"mapping": MAPPING})
    assert invalid.status_code == 422
    assert "not valid UTF-8" in invalid.text
    assert _queue(client, officer) == []


def test_referrals_into_another_station_look_missing(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "antifraud_a")
    response = _post(client, officer, GOOD, jurisdiction_code="station-b")
    assert response.status_code == 404
    chief_b = token_for(client, settings, "chief_b")
    assert _queue(client, chief_b) == []


def test_cli_import_files_warnings_as_the_named_account(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "referrals.csv"
    path.write_text(GOOD, encoding="utf-8")
    monkeypatch.setenv("PINGAN_DATABASE_URL", settings.effective_database_url)
    monkeypatch.setenv("PINGAN_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        args = ["antifraud", "import", str(path), "--mapping", MAPPING, "--as", "antifraud_a"]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["rows"] == 2
        refused = runner.invoke(app, [*args[:-1], "nobody"])
        assert isinstance(refused.exception, InvalidInput)
        assert refused.exception.field == "--as"
    finally:
        get_settings.cache_clear()
    client = seeded_client(settings)
    assert len(_queue(client, token_for(client, settings, "antifraud_a"))) == 2
