"""The analytics demo step and the forecast/report commands on a real database."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from pingan.analytics.models import Camera, Forecast, Series, SeriesMember
from pingan.cli import app
from pingan.config import Settings, get_settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from pingan.demo import seed_analytics


def test_demo_step_stores_forecast_series_and_cameras(settings: Settings) -> None:
    factory = make_session_factory(make_engine(settings.effective_database_url))
    for _ in range(2):  # safe to run again
        with unit_of_work(factory) as db_session:
            seed_analytics(db_session, settings, lambda *_: None)
    with unit_of_work(factory) as db_session:
        forecasts = list(db_session.scalars(select(Forecast)))
        assert len(forecasts) == 1
        assert forecasts[0].simulated  # learnt from the simulated thefts
        assert forecasts[0].city == "helsinki"
        series = db_session.scalars(select(Series)).one()
        assert series.status == "candidate"
        assert series.simulated
        members = db_session.scalar(
            select(func.count(SeriesMember.id)).where(SeriesMember.series_id == series.id)
        )
        assert members == 3
        assert "same brand: 雅迪" in series.evidence
        assert db_session.scalar(select(func.count(Camera.id))) == 2


def test_forecast_and_report_commands(settings: Settings, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    factory = make_session_factory(make_engine(settings.effective_database_url))
    with unit_of_work(factory) as db_session:
        seed_analytics(db_session, settings, lambda *_: None)
    monkeypatch.setenv("PINGAN_DATABASE_URL", settings.effective_database_url)
    monkeypatch.setenv("PINGAN_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        made = runner.invoke(
            app,
            ["analytics", "forecast", "--city", "helsinki", "--horizon", "1d", "--model", "naive"],
        )
        assert made.exit_code == 0, made.output
        assert "[simulated data]" in made.output
        answer = json.loads(made.output.strip().splitlines()[-1])
        assert answer["simulated"] is True
        out = tmp_path / "report.pdf"
        report = runner.invoke(
            app,
            [
                "analytics", "report", "--from", "2025-06-01", "--to", "2025-06-30",
                "--lang", "en", "--out", str(out), "--png-dir", str(tmp_path / "png"),
            ],
        )  # fmt: skip
        assert report.exit_code == 0, report.output
        pdf = out.read_bytes()
        assert pdf.startswith(b"%PDF")
        assert len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf)) == 4
        assert sorted(p.name for p in (tmp_path / "png").iterdir()) == [
            "daily-en.png", "stations-en.png", "types-en.png",
        ]  # fmt: skip
        bad = runner.invoke(app, ["analytics", "forecast", "--city", "nowhere"])
        assert bad.exit_code != 0
    finally:
        get_settings.cache_clear()
