"""Bad input to a campaign, through the API and the CLI: an unknown figure, a period that
ends before it starts, a jurisdiction the caller does not hold or the campaign does not
cover each answer 422 or 404 with the reason; a brief for a day outside the period says so
and prints no section, in every form (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pingan.cli import app
from pingan.config import Settings, get_settings
from pingan.errors import InvalidInput, NotFound
from support.app import seeded_client, token_for

BODY = {"name": "夏季治安百日行动", "from": "2026-06-01", "to": "2026-09-08"}


def _target(code: str, figure: str) -> dict[str, object]:
    return {"jurisdiction": code, "figure": figure, "direction": ">=", "value": 0.5}


def test_api_refuses_with_the_reason(settings: Settings) -> None:
    client = seeded_client(settings)
    chief = token_for(client, settings, "chief_a")
    for payload, status, reason in (
        (
            {**BODY, "jurisdictions": ["station-a"], "targets": [_target("station-a", "mood")]},
            422,
            "unknown figure 'mood'; known: incidents_yoy",
        ),
        (
            {**BODY, "jurisdictions": ["station-a"], "to": "2026-05-31"},
            422,
            "ends before it starts",
        ),
        ({**BODY, "jurisdictions": ["station-b"]}, 404, "no such jurisdiction 'station-b'"),
        ({**BODY, "jurisdictions": ["nowhere"]}, 404, "no such jurisdiction 'nowhere'"),
        (
            {
                **BODY,
                "jurisdictions": ["station-a"],
                "targets": [_target("station-b", "focus_visibility")],
            },
            422,
            "target on 'station-b', which the campaign does not cover",
        ),
        (
            {**BODY, "jurisdictions": ["station-a"], "to": "2027-09-08"},
            422,
            "a campaign lasts at most a year",
        ),
    ):
        answer = client.post("/api/v1/campaigns", json=payload, headers=chief)
        assert answer.status_code == status, answer.text
        assert reason in str(answer.json()["detail"]), answer.text
    # nothing was stored
    assert client.get("/api/v1/campaigns", headers=chief).json() == []


def test_cli_refuses_with_the_reason(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded_client(settings)
    monkeypatch.setenv("PINGAN_DATABASE_URL", settings.effective_database_url)
    get_settings.cache_clear()
    runner = CliRunner()
    base = ["campaign", "create", "--name", "夏季治安百日行动", "--jurisdiction", "station-a"]
    targets = tmp_path / "targets.toml"
    targets.write_text(
        '[[target]]\njurisdiction = "station-a"\nfigure = "mood"\ndirection = ">="\nvalue = 1\n',
        encoding="utf-8",
    )
    for args, error, reason in (
        (
            ["--from", "2026-06-01", "--to", "2026-09-08", "--targets", str(targets)],
            InvalidInput,
            "unknown figure 'mood'",
        ),
        (["--from", "2026-06-01", "--to", "2026-05-01"], InvalidInput, "ends before it starts"),
    ):
        result = runner.invoke(app, base + args)
        assert result.exit_code != 0
        assert isinstance(result.exception, error), result.output
        assert reason in str(result.exception)
    period = ["--from", "2026-06-01", "--to", "2026-06-30"]
    missing = runner.invoke(
        app, ["campaign", "create", "--name", "x", *period, "--jurisdiction", "nowhere"]
    )
    assert isinstance(missing.exception, NotFound)
    assert "no such jurisdiction 'nowhere'" in str(missing.exception)


def test_brief_outside_the_period_says_so_in_every_form(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = seeded_client(settings)
    chief = token_for(client, settings, "chief_a")
    created = client.post(
        "/api/v1/campaigns", json={**BODY, "jurisdictions": ["station-a"]}, headers=chief
    )
    assert created.status_code == 201, created.text
    url = f"/api/v1/campaigns/{created.json()['id']}/brief"
    for day in ("2026-05-31", "2026-09-09"):
        text = client.get(url, params={"date": day, "format": "text"}, headers=chief).text
        assert text.splitlines() == [
            f"夏季治安百日行动每日通报（{day}）",
            f"{day}不在行动期间（2026-06-01至2026-09-08），本日无通报。",
        ]
    english = client.get(
        url, params={"date": "2026-09-09", "lang": "en", "format": "text"}, headers=chief
    )
    assert "is outside the campaign (2026-06-01 to 2026-09-08)" in english.text
    assert "1." not in english.text
    html = client.get(url, params={"date": "2026-09-09", "format": "html"}, headers=chief).text
    assert "不在行动期间" in html
    assert "<h2>" not in html
    assert "<li>" not in html
    pdf = client.get(url, params={"date": "2026-09-09", "format": "pdf"}, headers=chief)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    # progress before the campaign starts: no value, the reason, nothing rolled up
    early = client.get(
        f"/api/v1/campaigns/{created.json()['id']}/progress",
        params={"as_of": "2026-05-01"},
        headers=chief,
    ).json()
    assert early["measured"] is None
    assert early["rollup"] == []
    monkeypatch.setenv("PINGAN_DATABASE_URL", settings.effective_database_url)
    get_settings.cache_clear()
    out = tmp_path / "brief.html"
    result = CliRunner().invoke(
        app, ["campaign", "brief", "--date", "2026-09-09", "--format", "html", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "<h2>" not in out.read_text(encoding="utf-8")
