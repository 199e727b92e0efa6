"""``pingan dispatch recommend`` and ``pingan dispatch figures`` on the Helsinki demo."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from pingan import demo
from pingan.cli import app
from pingan.cli.dispatch import clock
from pingan.config import Settings, get_settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from pingan.dispatch import figures as response_figures
from pingan.dispatch import recommend
from pingan.incidents.models import Incident, Status


def test_clock() -> None:
    assert clock(163.4) == "2:43"
    assert clock(59.6) == "1:00"
    assert clock(None) == "—"
    assert clock(float("inf")) == "—"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_recommend_and_figures(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    factory = make_session_factory(make_engine(settings.effective_database_url))
    for step, extra in (
        (demo.seed_units, {}),
        (demo.seed_history, {"incidents_per_year": {"helsinki": 300.0}}),
        (demo.seed_live_incidents, {}),
    ):
        with unit_of_work(factory) as db_session:
            step(db_session, settings, lambda *_: None, **extra)
    with unit_of_work(factory) as db_session:
        live_id = db_session.scalar(
            select(Incident.id).where(Incident.status == Status.received).order_by(Incident.id)
        )
        expected = recommend.recommend(db_session, settings, demo.operator(db_session), live_id)
        figures = response_figures.figures(db_session, settings, demo.operator(db_session))
    monkeypatch.setenv("PINGAN_DATABASE_URL", settings.effective_database_url)
    monkeypatch.setenv("PINGAN_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        result = runner.invoke(app, ["dispatch", "recommend", str(live_id)], terminal_width=140)
        assert result.exit_code == 0, result.output
        first = expected["units"][0]
        assert "tier 1 ≤ 60 s, 2 ≤ 180 s, 3 ≤ 300 s" in result.output
        assert first["callsign"] in result.output
        assert f"{first['travel_time_s']:.1f}" in result.output
        assert "tiers: 60 s" in result.output

        as_json = runner.invoke(app, ["dispatch", "recommend", str(live_id), "--json"])
        assert as_json.exit_code == 0, as_json.output
        body = json.loads(as_json.output)
        assert [u["unit_id"] for u in body["units"]] == [u["unit_id"] for u in expected["units"]]

        table = runner.invoke(
            app, ["dispatch", "figures", "--group-by", "station"], terminal_width=140
        )
        assert table.exit_code == 0, table.output
        assert "simulated incidents (demo, 模拟)" in table.output
        assert "station-a" in table.output
        assert "station-b" in table.output
        assert clock(figures["overall"]["median_s"]) in table.output

        shifts = runner.invoke(app, ["dispatch", "figures", "--group-by", "shift", "--json"])
        assert shifts.exit_code == 0, shifts.output
        assert {g["group"] for g in json.loads(shifts.output)["groups"]} <= {"day", "night"}

        bad = runner.invoke(app, ["dispatch", "figures", "--group-by", "weekday"])
        assert bad.exit_code == 2
        missing = runner.invoke(app, ["dispatch", "recommend", "999999"])
        assert missing.exit_code != 0
        assert "no such incident" in str(missing.exception)
    finally:
        get_settings.cache_clear()
