"""Where the audit key comes from, and what is refused (issue 11.6)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from pingan.audit import keys
from pingan.audit.anchors import Anchor, append_anchor, parse_anchor, read_anchors
from pingan.config import Settings
from pingan.errors import ConfigError, InvalidInput

SECRET = "s" * 16 + "-not-the-default-secret"
KEY = "k" * 40


@pytest.fixture(autouse=True)
def _no_key_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PINGAN_AUDIT_KEY", "PINGAN_AUDIT_KEY_FILE", "PINGAN_DEMO_MODE"):
        monkeypatch.delenv(name, raising=False)


def _settings(tmp_path: Path, **values: object) -> Settings:
    defaults = {"data_dir": tmp_path / "var", "secret_key": SECRET, "demo_password": "x" * 20}
    return Settings(**(defaults | values))  # type: ignore[arg-type]


def test_outside_demo_mode_a_key_is_required(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no audit chain key"):
        _settings(tmp_path).check_safe()
    with pytest.raises(ConfigError, match="at least 32 characters"):
        _settings(tmp_path, audit_key="short").check_safe()
    _settings(tmp_path, audit_key=KEY).check_safe()


def test_a_key_file_must_lie_outside_the_data_folder(tmp_path: Path) -> None:
    inside = tmp_path / "var" / "audit.key"
    inside.parent.mkdir()
    inside.write_text(KEY)
    with pytest.raises(ConfigError, match="inside the data folder"):
        _settings(tmp_path, audit_key_file=inside).check_safe()
    outside = tmp_path / "keys" / "audit.key"
    outside.parent.mkdir()
    outside.write_text(KEY + "\n")
    settings = _settings(tmp_path, audit_key_file=outside)
    settings.check_safe()
    assert keys.load_key(settings) == keys.load_key(_settings(tmp_path, audit_key=KEY))
    outside.write_text("too short")
    with pytest.raises(ConfigError, match="fewer than 32 characters"):
        keys.load_key(settings)
    with pytest.raises(ConfigError, match="cannot read the audit key file"):
        keys.load_key(_settings(tmp_path, audit_key_file=tmp_path / "missing.key"))


def test_demo_mode_generates_one_private_key_beside_the_data_folder(tmp_path: Path) -> None:
    settings = _settings(tmp_path, demo_mode=True)
    first = keys.load_key(settings)
    key_file = tmp_path / "var-keys" / "audit.key"
    assert key_file.exists()
    assert not key_file.resolve().is_relative_to(settings.data_dir.resolve())
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key_file.read_text().strip()) == 64
    assert keys.load_key(settings) == first  # kept, not regenerated
    assert keys.anchor_file(settings) == tmp_path / "var-keys" / "audit-anchors.jsonl"
    assert keys.anchor_file(_settings(tmp_path, audit_key=KEY)) is None
    assert first.key_id != keys.load_key(_settings(tmp_path, audit_key=KEY)).key_id
    assert "secret" not in repr(first)


def test_anchors_append_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "anchors.jsonl"
    first = Anchor(rows=3, digest="a" * 64, at="2026-12-04T17:00:00Z", key_id="abc")
    second = Anchor(rows=9, digest="b" * 64, at="2026-12-04T17:15:00Z", key_id="abc")
    append_anchor(path, first)
    append_anchor(path, second)
    assert read_anchors(path) == [first, second]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert parse_anchor(f"9:{'b' * 64}") == Anchor(rows=9, digest="b" * 64)
    with path.open("a") as handle:
        handle.write("not an anchor\n")
    with pytest.raises(InvalidInput) as error:
        read_anchors(path)
    assert error.value.field == f"{path}, line 3"
    with pytest.raises(InvalidInput, match="not an anchor"):
        parse_anchor("12:not-a-digest")


def test_retired_keys_are_read_from_a_list_of_files_outside_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "keys").mkdir()
    for name in ("2025.key", "2026.key"):
        (tmp_path / "keys" / name).write_text(name * 8)
    listed = f"{tmp_path / 'keys' / '2025.key'}, {tmp_path / 'keys' / '2026.key'}"
    monkeypatch.setenv("PINGAN_AUDIT_RETIRED_KEY_FILES", listed)
    settings = _settings(tmp_path, audit_key=KEY)
    assert settings.audit_retired_key_files == (
        tmp_path / "keys" / "2025.key",
        tmp_path / "keys" / "2026.key",
    )
    assert [k.secret for k in keys.retired_keys(settings)] == [
        b"2025.key" * 8,
        b"2026.key" * 8,
    ]
    inside = tmp_path / "var" / "old.key"
    with pytest.raises(ConfigError, match="inside the data folder"):
        _settings(tmp_path, audit_key=KEY, audit_retired_key_files=(inside,)).check_safe()
