"""Core commands: users add, audit verify, db backup, and refusing unsafe settings."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from pingan.cli import app
from pingan.config import get_settings


def test_users_backup_and_audit(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PINGAN_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
        tree = tmp_path / "tree.csv"
        tree.write_text(
            "code,parent_code,level,name_zh,name_en\nhq,,bureau,总局,HQ\n", encoding="utf-8"
        )
        assert runner.invoke(app, ["jurisdictions", "import", str(tree)]).exit_code == 0
        added = runner.invoke(
            app,
            [
                "users",
                "add",
                "li.ming",
                "--role",
                "dispatcher",
                "--jurisdiction",
                "hq",
                "--password",
                "a-long-enough-password",
            ],
        )
        assert added.exit_code == 0, added.output
        short = runner.invoke(
            app,
            [
                "users",
                "add",
                "x.y",
                "--role",
                "officer",
                "--jurisdiction",
                "hq",
                "--password",
                "short",
            ],
        )
        assert short.exit_code != 0
        assert "password" in str(short.exception)
        verified = runner.invoke(app, ["audit", "verify"])
        assert verified.exit_code == 0
        assert "chain intact" in verified.output
        backup = tmp_path / "backup.sqlite3"
        assert runner.invoke(app, ["db", "backup", str(backup)]).exit_code == 0
        copy = sqlite3.connect(backup)
        assert copy.execute("SELECT username FROM user_account").fetchall() == [("li.ming",)]
        copy.execute("UPDATE audit_event SET actor = 'someone else' WHERE seq = 1")
        copy.commit()
        copy.close()
        monkeypatch.setenv("PINGAN_DATABASE_URL", f"sqlite:///{backup}")
        get_settings.cache_clear()
        broken = runner.invoke(app, ["audit", "verify"])
        assert broken.exit_code == 1
        assert "altered" in broken.output
    finally:
        get_settings.cache_clear()


def test_serve_refuses_default_secret(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PINGAN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PINGAN_SECRET_KEY", raising=False)
    monkeypatch.delenv("PINGAN_DEMO_MODE", raising=False)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["serve", "--port", "1"])
        assert result.exit_code != 0
        assert "PINGAN_SECRET_KEY" in str(result.exception)
    finally:
        get_settings.cache_clear()
