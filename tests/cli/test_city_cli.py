"""``pingan city import`` and ``pingan route …`` end to end on a real extract."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pingan.cli import app
from pingan.config import get_settings

DATA_OSM = Path(__file__).resolve().parents[2] / "data" / "osm"


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """A CLI on a fresh data folder, migrated, with a one-bureau jurisdiction tree."""
    monkeypatch.setenv("PINGAN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PINGAN_DEMO_MODE", "1")
    get_settings.cache_clear()
    cli = CliRunner()
    try:
        assert cli.invoke(app, ["db", "upgrade"]).exit_code == 0
        tree = tmp_path / "tree.csv"
        tree.write_text(
            "code,parent_code,level,name_zh,name_en\nhq,,bureau,总局,HQ\n", encoding="utf-8"
        )
        assert cli.invoke(app, ["jurisdictions", "import", str(tree)]).exit_code == 0
        yield cli
    finally:
        get_settings.cache_clear()


def test_import_eta_reach_and_bad_file(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["city", "import", str(DATA_OSM / "test.osm.pbf"), "--name", "t"])
    assert result.exit_code == 0, result.output
    assert "car" in result.output
    assert "dropped" in result.output
    eta = runner.invoke(
        app,
        ["route", "eta", "--city", "t", "--from", "60.5300,26.9450", "--to", "60.5250,26.9550"],
    )
    assert eta.exit_code == 0, eta.output
    assert " s (" in eta.output
    reach = runner.invoke(
        app, ["route", "reach", "--city", "t", "--at", "60.5300,26.9450", "--cutoffs", "60,120"]
    )
    assert reach.exit_code == 0, reach.output
    collection = json.loads(reach.output)
    assert [f["properties"]["cutoff_s"] for f in collection["features"]] == [60, 120]
    empty = tmp_path / "empty.osm.pbf"
    empty.write_bytes(b"")
    bad = runner.invoke(app, ["city", "import", str(empty), "--name", "t"])
    assert bad.exit_code != 0
    assert "empty.osm.pbf" in str(bad.exception) + bad.output


def test_text_parse_geocodes_through_the_city(runner: CliRunner) -> None:
    imported = runner.invoke(
        app, ["city", "import", str(DATA_OSM / "Helsinki.osm.pbf"), "--name", "helsinki"]
    )
    assert imported.exit_code == 0, imported.output
    text = "my bike was stolen outside Mannerheimintie 5 last night, black Giant"
    parsed = runner.invoke(
        app, ["text", "parse", "--city", "helsinki", "--at", "2026-07-10T21:05:00+08:00", text]
    )
    assert parsed.exit_code == 0, parsed.output
    result = json.loads(parsed.output)
    assert result["type"] == "theft.bicycle"
    assert result["place"] == "Mannerheimintie 5"
    assert result["location"]["lat"] == pytest.approx(60.1694, abs=0.002)
    assert result["location"]["lon"] == pytest.approx(24.9398, abs=0.002)
    unknown = runner.invoke(
        app, ["text", "parse", "--city", "atlantis", "--at", "2026-07-10T21:05:00+08:00", text]
    )
    assert unknown.exit_code != 0
    assert "atlantis" in str(unknown.exception)
