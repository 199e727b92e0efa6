"""Targets per station and rolled up over the campaign's stations: the roll-up is measured
from the stations' own counts (SQLite and PostgreSQL, the demo district's simulated summer)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from pingan import demo
from pingan.cli import app
from pingan.config import Settings, get_settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from support.app import seeded_client, token_for
from support.pages import page_login

AS_OF = "2026-08-01"


def _target(code: str, figure: str, direction: str, value: float) -> dict[str, object]:
    return {"jurisdiction": code, "figure": figure, "direction": direction, "value": value}


@pytest.fixture
def summer(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    factory = make_session_factory(make_engine(settings.effective_database_url))
    for step, extra in (
        (demo.seed_units, {}),
        (demo.seed_history, {"incidents_per_year": {"helsinki": 3000.0}}),
    ):
        with unit_of_work(factory) as db_session:
            step(db_session, settings, lambda *_: None, **extra)
    monkeypatch.setenv("PINGAN_DATABASE_URL", settings.effective_database_url)
    monkeypatch.setenv("PINGAN_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    return settings


def test_targets_per_station_and_rolled_up(summer: Settings) -> None:
    client = seeded_client(summer)
    admin = token_for(client, summer, "admin")
    created = client.post(
        "/api/v1/campaigns",
        json={
            "name": "夏季治安百日行动",
            "from": "2026-06-01",
            "to": "2026-09-08",
            "jurisdictions": ["station-a", "station-b"],
            "targets": [
                _target("station-a", "incidents_yoy", "<=", -0.05),
                _target("station-b", "incidents_yoy", "<=", -0.10),
                _target("station-a", "response_within_300", ">=", 0.6),
                _target("station-b", "response_within_300", ">=", 0.7),
                _target("station-a", "volunteer_hours", ">=", 100),
                _target("station-b", "volunteer_hours", ">=", 50),
            ],
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    campaign_id = created.json()["id"]
    answer = client.get(
        f"/api/v1/campaigns/{campaign_id}/progress", params={"as_of": AS_OF}, headers=admin
    )
    assert answer.status_code == 200, answer.text
    found = answer.json()
    by = {(r["jurisdiction"], r["figure"]): r for r in found["targets"]}
    rolled = {r["figure"]: r for r in found["rollup"]}
    assert set(rolled) == {"incidents_yoy", "response_within_300", "volunteer_hours"}

    # incidents: the sums of the stations' counts, the target their weighted mean
    a, b = by[("station-a", "incidents_yoy")], by[("station-b", "incidents_yoy")]
    whole = rolled["incidents_yoy"]
    assert whole["jurisdictions"] == ["station-a", "station-b"]
    count = a["detail"]["count"] + b["detail"]["count"]
    last = a["detail"]["last_year"] + b["detail"]["last_year"]
    assert count > 0
    assert last > 0
    assert whole["detail"]["count"] == count
    assert whole["detail"]["last_year"] == last
    assert whole["value"] == round(count / last - 1, 4)
    weighted = (-0.05 * a["detail"]["last_year"] - 0.10 * b["detail"]["last_year"]) / last
    assert whole["target"] == pytest.approx(weighted, abs=1e-4)
    low, high = whole["interval"]
    assert low <= whole["value"] <= high
    # the roll-up is narrower than either station's interval (more cases)
    assert high - low < min(r["interval"][1] - r["interval"][0] for r in (a, b))
    assert whole["verdict"] in ("on_track", "at_risk", "off_track")
    assert [p["query"] for p in whole["parts"]] == [a["query"], b["query"]]

    # shares: cases summed; totals: targets summed
    share = rolled["response_within_300"]
    ra, rb = by[("station-a", "response_within_300")], by[("station-b", "response_within_300")]
    assert share["detail"]["n"] == ra["detail"]["n"] + rb["detail"]["n"]
    assert share["detail"]["k"] == ra["detail"]["k"] + rb["detail"]["k"]
    assert rolled["volunteer_hours"]["target"] == 150

    # stations ranked by targets at risk, most first
    ranks = found["stations"]
    assert {s["jurisdiction"] for s in ranks} == {"station-a", "station-b"}
    assert [s["at_risk"] for s in ranks] == sorted((s["at_risk"] for s in ranks), reverse=True)
    for station in ranks:
        mine = [r for r in found["targets"] if r["jurisdiction"] == station["jurisdiction"]]
        assert station["at_risk"] == sum(r["verdict"] == "at_risk" for r in mine)

    # the CLI gives the same roll-up, the closing report names it
    runner = CliRunner()
    cli = runner.invoke(app, ["campaign", "progress", "--json", "--as-of", AS_OF])
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.output)["rollup"] == found["rollup"]
    text = runner.invoke(app, ["campaign", "progress", "--as-of", AS_OF])
    assert "station-a+station-b" in text.output
    report = client.get(
        f"/api/v1/campaigns/{campaign_id}/report", params={"format": "text"}, headers=admin
    )
    assert "全部辖区（station-a、station-b）合计警情同比变化" in report.text

    # the dashboard shows the roll-up under the stations' rows
    assert page_login(client, summer, "chief_a") == "/dashboard"
    page = client.get("/dashboard", params={"days": 7}).text
    assert page.count('data-rollup="') == 3
    assert page.index('data-verdict="') < page.index('data-rollup="')


def test_rollup_of_one_station_is_that_station(summer: Settings) -> None:
    from pingan.campaigns.rollup import rollup

    client = seeded_client(summer)
    chief = token_for(client, summer, "chief_a")
    created = client.post(
        "/api/v1/campaigns",
        json={
            "name": "东街夜市整治",
            "from": "2026-06-01",
            "to": "2026-06-30",
            "jurisdictions": ["station-a"],
            "targets": [_target("station-a", "incidents_yoy", "<=", -0.05)],
        },
        headers=chief,
    )
    assert created.status_code == 201, created.text
    found = client.get(
        f"/api/v1/campaigns/{created.json()['id']}/progress",
        params={"as_of": "2026-07-10"},
        headers=chief,
    ).json()
    (station,) = found["targets"]
    (whole,) = found["rollup"]
    assert found["ended"] is True
    for key in ("value", "interval", "target", "verdict"):
        assert whole[key] == station[key]
    assert whole["verdict"] in ("met", "missed")
    # before the campaign starts there is nothing to roll up
    early = client.get(
        f"/api/v1/campaigns/{created.json()['id']}/progress",
        params={"as_of": "2026-05-01"},
        headers=chief,
    ).json()
    assert early["rollup"] == []
    assert rollup([], 1, 1, False) == []
    assert dt.date.fromisoformat(early["as_of"]) < dt.date(2026, 6, 1)
