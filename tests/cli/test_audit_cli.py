"""``pingan audit verify``, ``pingan audit anchor`` and ``pingan users grant`` through the
real CLI on both backends (issue 11.6)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pingan.cli import app
from pingan.config import Settings, get_settings
from pingan.errors import ConfigError, Conflict
from support.chain_forgery import delete_tail, edit_and_rechain, write_rows


@pytest.fixture
def anchor_file(tmp_path: Path) -> Path:
    return tmp_path / "anchors" / "audit-anchors.jsonl"  # beside, not in, the data folder


@pytest.fixture
def cli(
    settings: Settings, anchor_file: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CliRunner]:
    """The CLI on the test's database, with the deployment's audit key (conftest) and an
    anchor file."""
    monkeypatch.setenv("PINGAN_DATABASE_URL", settings.effective_database_url)
    monkeypatch.setenv("PINGAN_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("PINGAN_AUDIT_ANCHOR_FILE", str(anchor_file))
    get_settings.cache_clear()
    try:
        yield CliRunner()
    finally:
        get_settings.cache_clear()


def _anchors(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_untouched_chain_verifies_and_anchors(
    cli: CliRunner, settings: Settings, anchor_file: Path
) -> None:
    write_rows(settings, 120)
    verified = cli.invoke(app, ["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    assert "chain intact; no anchors" in verified.output
    anchored = cli.invoke(app, ["audit", "anchor"])
    assert anchored.exit_code == 0, anchored.output
    (anchor,) = _anchors(anchor_file)
    assert anchor["rows"] >= 120
    assert len(anchor["digest"]) == 64
    assert anchor["at"].endswith("Z")
    printed = cli.invoke(app, ["audit", "anchor", "--print"])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.output.strip().splitlines()[-1])["digest"] == anchor["digest"]
    assert len(_anchors(anchor_file)) == 1  # --print leaves the file alone
    again = cli.invoke(app, ["audit", "verify"])
    assert again.exit_code == 0, again.output
    assert "chain intact; 1 anchors checked" in again.output


def test_row_100_rewritten_without_the_key_is_reported_broken(
    cli: CliRunner, settings: Settings, anchor_file: Path
) -> None:
    write_rows(settings, 120)
    edit_and_rechain(settings, 100, outcome="denied")
    verified = cli.invoke(app, ["audit", "verify"])
    assert verified.exit_code == 1, verified.output
    assert "BROKEN: row 100 was altered" in verified.output
    refused = cli.invoke(app, ["audit", "anchor"])  # never vouch for a broken chain
    assert refused.exit_code == 1
    assert "not anchored" in refused.output
    assert not anchor_file.exists()


def test_chain_passed_off_as_unkeyed_is_reported_broken(cli: CliRunner, settings: Settings) -> None:
    write_rows(settings, 120)
    edit_and_rechain(settings, 100, unkey=True, actor="someone else")
    verified = cli.invoke(app, ["audit", "verify"])
    assert verified.exit_code == 1, verified.output
    assert "row 1 is not keyed" in verified.output


def test_tail_deleted_after_an_anchor_is_reported(
    cli: CliRunner, settings: Settings, anchor_file: Path
) -> None:
    write_rows(settings, 20)
    assert cli.invoke(app, ["audit", "anchor"]).exit_code == 0
    (anchor,) = _anchors(anchor_file)
    delete_tail(settings, keep=anchor["rows"] - 3)
    verified = cli.invoke(app, ["audit", "verify"])
    assert verified.exit_code == 1, verified.output
    assert f"rows after {anchor['rows'] - 3} were removed" in verified.output


def test_an_anchor_kept_by_a_notary_is_checked(
    cli: CliRunner, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PINGAN_AUDIT_ANCHOR_FILE")
    get_settings.cache_clear()
    no_file = cli.invoke(app, ["audit", "anchor"])
    assert isinstance(no_file.exception, Exception)
    assert "no anchor file" in str(no_file.exception)
    printed = cli.invoke(app, ["audit", "anchor", "--print"])
    assert printed.exit_code == 0, printed.output
    anchor = json.loads(printed.output.strip().splitlines()[-1])
    notary = f"{anchor['rows']}:{anchor['digest']}"
    assert cli.invoke(app, ["audit", "verify", "--anchor", notary]).exit_code == 0
    delete_tail(settings, keep=anchor["rows"] - 1)
    assert cli.invoke(app, ["audit", "verify"]).exit_code == 0  # no anchor: looks whole
    verified = cli.invoke(app, ["audit", "verify", "--anchor", notary])
    assert verified.exit_code == 1, verified.output
    assert "were removed" in verified.output


def test_cli_refuses_to_run_without_the_audit_key(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PINGAN_AUDIT_KEY")
    monkeypatch.delenv("PINGAN_DEMO_MODE", raising=False)
    get_settings.cache_clear()
    result = cli.invoke(app, ["audit", "verify"])
    assert isinstance(result.exception, ConfigError)
    assert "no audit chain key" in str(result.exception)


def test_users_grant_on_the_server(cli: CliRunner) -> None:
    granted = cli.invoke(
        app, ["users", "grant", "analyst", "--role", "auditor", "--jurisdiction", "station-a"]
    )
    assert granted.exit_code == 0, granted.output
    assert "analyst now holds auditor on station-a" in granted.output
    both = cli.invoke(
        app, ["users", "grant", "admin", "--role", "auditor", "--jurisdiction", "station-a"]
    )
    assert isinstance(both.exception, Conflict)
    assert "separation of duties" in str(both.exception)
    added = cli.invoke(
        app,
        [
            "users",
            "add",
            "zhou.shen",
            "--role",
            "auditor",
            "--jurisdiction",
            "demo-sub",
            "--password",
            "a-long-enough-password",
        ],
    )
    assert added.exit_code == 0, added.output
    verified = cli.invoke(app, ["audit", "verify"])
    assert verified.exit_code == 0, verified.output


def test_serve_anchors_periodically(cli: CliRunner, settings: Settings, anchor_file: Path) -> None:
    """The anchoring thread ``pingan serve`` starts (PINGAN_AUDIT_ANCHOR_MINUTES), run here
    with a short period; rows written between rounds show up in the next anchor."""
    import time

    from pingan.cli.core import start_anchoring

    serving = get_settings().model_copy(update={"audit_anchor_minutes": 15})
    stop, thread = start_anchoring(serving, interval_s=0.05)
    assert thread is not None
    try:
        for _ in range(600):  # poll, at most ~30 s
            if anchor_file.exists() and len(_anchors(anchor_file)) >= 1:
                break
            time.sleep(0.05)
        write_rows(settings, 3)
        first = _anchors(anchor_file)[0]["rows"]
        for _ in range(600):
            if _anchors(anchor_file)[-1]["rows"] == first + 3:
                break
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()
    assert _anchors(anchor_file)[-1]["rows"] == first + 3
    _stop, none = start_anchoring(get_settings())  # PINGAN_AUDIT_ANCHOR_MINUTES unset: off
    assert none is None
