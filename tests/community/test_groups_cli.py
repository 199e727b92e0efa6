"""`pingan community groups import FILE.csv` and `pingan community groups health --week
2026-W28 --json` on a real database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pingan.cli import app
from pingan.config import Settings, get_settings
from pingan.errors import InvalidInput
from support.app import seeded_client, token_for

REGISTRY = (
    "platform,external_id,name,grid,officer,member_count,created_on,officer_senders\n"
    "wechat,wxid-xingfuli-01,东街幸福里警民群,grid-a1,officer_a,412,2025-03-18,东街派出所王警官\n"
    "dingtalk,ding-yemarket,夜市商户联防群,grid-a2,chief_a,58,2025-06-01,\n"
)
MESSAGES = [
    ("2026-07-07T20:00:00+08:00", "李阿姨", "请问小区东门晚上几点关门？"),
    ("2026-07-07T20:12:00+08:00", "东街派出所王警官", "晚上十一点关，有事可以打110"),
]


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PINGAN_DATABASE_URL", settings.effective_database_url)
    monkeypatch.setenv("PINGAN_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_import_then_health_as_json(settings: Settings, tmp_path: Path, cli_env: CliRunner) -> None:
    path = tmp_path / "groups.csv"
    path.write_text(REGISTRY, encoding="utf-8")
    imported = cli_env.invoke(app, ["community", "groups", "import", str(path)])
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.output)["rows"] == 2
    client = seeded_client(settings)
    officer = token_for(client, settings, "officer_a")
    for at, sender, text in MESSAGES:
        body = {"group": "东街幸福里警民群", "sender": sender, "sent_at": at, "text": text}
        assert client.post("/api/v1/chat/messages", json=body, headers=officer).status_code == 201
    result = cli_env.invoke(app, ["community", "groups", "health", "--week", "2026-W28", "--json"])
    assert result.exit_code == 0, result.output
    health = json.loads(result.output)
    assert (health["week"], health["start"]) == ("2026-W28", "2026-07-06T00:00:00+08:00")
    rows = {r["name"]: r for r in health["groups"]}
    assert set(rows) == {"东街幸福里警民群", "夜市商户联防群"}
    xingfuli = rows["东街幸福里警民群"]
    assert (xingfuli["messages"], xingfuli["questions"], xingfuli["answered"]) == (2, 1, 1)
    assert xingfuli["median_answer_s"] == 720.0
    # no officer message at all in the market group: silent
    assert rows["夜市商户联防群"]["silent"] is True
    assert health["totals"]["silent_groups"] == 1
    table = cli_env.invoke(app, ["community", "groups", "health", "--week", "2026-W28"])
    assert table.exit_code == 0, table.output
    assert "东街幸福里警民群" in table.output
    assert "12.0" in table.output  # the median in minutes


def test_a_bad_line_is_named_and_nothing_is_stored(
    settings: Settings, tmp_path: Path, cli_env: CliRunner
) -> None:
    path = tmp_path / "groups.csv"
    path.write_text(REGISTRY + "qq,qq-1,QQ群,grid-a1,officer_a,3,2025-01-01,\n", encoding="utf-8")
    result = cli_env.invoke(app, ["community", "groups", "import", str(path)])
    assert isinstance(result.exception, InvalidInput)
    assert result.exception.field == "line 4, column platform"
    bad_week = cli_env.invoke(app, ["community", "groups", "health", "--week", "2026-28"])
    assert isinstance(bad_week.exception, InvalidInput)
    client = seeded_client(settings)
    chief = token_for(client, settings, "chief_a")
    assert client.get("/api/v1/community/groups", headers=chief).json()["total"] == 0
