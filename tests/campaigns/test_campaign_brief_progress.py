"""A campaign over the simulated summer of station A: its brief, progress and report agree
with the services and the records behind them (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pingan import demo
from pingan.analytics.history import local_midnight
from pingan.analytics.report import CJK_FONT
from pingan.campaigns import figures as campaign_figures
from pingan.cli import app
from pingan.config import Settings, get_settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from pingan.dispatch import figures as dispatch_figures
from pingan.jurisdictions import service as jurisdictions
from support.app import seeded_client, token_for

DAY = dt.date(2026, 7, 15)
TARGETS = """
[[target]]
jurisdiction = "station-a"
figure = "incidents_yoy"
direction = "<="
value = -0.05

[[target]]
jurisdiction = "station-a"
figure = "response_within_180"
direction = ">="
value = 0.5

[[target]]
jurisdiction = "station-a"
figure = "volunteer_hours"
direction = ">="
value = 100
"""


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.extend(v for k, v in attrs if k == "href" and v)


@pytest.fixture
def seeded(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    factory = make_session_factory(make_engine(settings.effective_database_url))
    for step, extra in (
        (demo.seed_units, {}),
        (demo.seed_history, {"incidents_per_year": {"helsinki": 3000.0}}),
        (demo.seed_analytics, {}),
        (demo.seed_plan, {}),
    ):
        with unit_of_work(factory) as db_session:
            step(db_session, settings, lambda *_: None, **extra)
    monkeypatch.setenv("PINGAN_DATABASE_URL", settings.effective_database_url)
    monkeypatch.setenv("PINGAN_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    return settings


def test_campaign_bad_input_brief_progress_report(seeded: Settings, tmp_path: Path) -> None:
    settings = seeded
    client = seeded_client(settings)
    chief = token_for(client, settings, "chief_a")
    body = {"name": "夏季治安百日行动", "from": "2026-06-01", "to": "2026-09-08"}
    bad = [
        ({**body, "jurisdictions": ["station-b"]}, 404),
        ({**body, "jurisdictions": ["station-a"], "to": "2026-05-01"}, 422),
        (
            {
                **body,
                "jurisdictions": ["station-a"],
                "targets": [
                    {
                        "jurisdiction": "station-a",
                        "figure": "happiness",
                        "direction": ">=",
                        "value": 1,
                    }
                ],
            },
            422,
        ),
    ]
    for payload, status in bad:
        answer = client.post("/api/v1/campaigns", json=payload, headers=chief)
        assert answer.status_code == status, answer.text
        assert answer.json()["detail"]
    runner = CliRunner()
    targets = tmp_path / "targets.toml"
    targets.write_text(TARGETS, encoding="utf-8")
    created = runner.invoke(
        app,
        [
            "campaign",
            "create",
            "--name",
            "夏季治安百日行动",
            "--from",
            "2026-06-01",
            "--to",
            "2026-09-08",
            "--jurisdiction",
            "station-a",
            "--targets",
            str(targets),
        ],
    )
    assert created.exit_code == 0, created.output
    campaign_id = json.loads(created.output)["id"]
    overlap = client.post(
        "/api/v1/campaigns",
        json={**body, "from": "2026-09-01", "to": "2026-10-01", "jurisdictions": ["station-a"]},
        headers=chief,
    )
    assert overlap.status_code == 409
    assert "夏季治安百日行动" in overlap.json()["detail"]

    # the brief: short, sectioned, and its day count is the incidents API's
    text = runner.invoke(app, ["campaign", "brief", "--date", DAY.isoformat(), "--format", "text"])
    assert text.exit_code == 0, text.output
    assert len(text.output.strip()) <= 1500
    assert "一、警情" in text.output
    assert "二、接处警" in text.output
    assert "模拟数据" in text.output
    assert "巡逻防控" in text.output  # the demo's active plan and its visibility
    assert "今日关注" in text.output  # the demo's forecast and candidate series
    count = int(re.search(r"东街派出所：当日接报警情(\d+)起", text.output).group(1))
    listed = client.get(
        "/api/v1/incidents",
        params={
            "jurisdiction": "station-a",
            "occurred_from": local_midnight(DAY, settings.time_zone).isoformat(),
            "occurred_to": local_midnight(
                DAY + dt.timedelta(days=1), settings.time_zone
            ).isoformat(),
            "counted": "true",
            "limit": 1,
        },
        headers=chief,
    )
    assert listed.status_code == 200, listed.text
    assert listed.json()["total"] == count
    assert re.search(r"（(在随机波动范围内|超出随机波动)，p [=<] [0-9.]+）", text.output)

    # tier shares: the dispatch figures service for that day and station
    factory = make_session_factory(make_engine(settings.effective_database_url))
    with unit_of_work(factory) as db_session:
        station = jurisdictions.get_by_code(db_session, "station-a")
        expected = dispatch_figures.figures(
            db_session,
            settings,
            campaign_figures.scoped(station),
            start=local_midnight(DAY, settings.time_zone),
            end=local_midnight(DAY + dt.timedelta(days=1), settings.time_zone),
        )["overall"]
    shares = [expected["share_within"][t] for t in ("60", "180", "300")]
    line = next(x for x in text.output.splitlines() if "1分钟到场率" in x)
    assert f"出警{expected['count']}起" in line
    for share in shares:
        assert ("–" if share is None else f"{share:.0%}") in line

    english = runner.invoke(app, ["campaign", "brief", "--date", DAY.isoformat(), "--lang", "en"])
    assert "1. Incidents" in english.output
    outside = runner.invoke(app, ["campaign", "brief", "--date", "2026-10-01"])
    assert "不在行动期间" in outside.output
    assert "一、" not in outside.output

    # progress: every target a value, an interval or a reason, a verdict
    progress = runner.invoke(app, ["campaign", "progress", "--json", "--as-of", "2026-08-01"])
    assert progress.exit_code == 0, progress.output
    rows = json.loads(progress.output)["targets"]
    assert len(rows) == 3
    for row in rows:
        assert row["value"] is not None
        assert row["interval"] is not None or row["interval_reason"]
        assert row["verdict"] in ("on_track", "at_risk", "off_track")

    # the report: PDF renders; the HTML's links open the records
    pdf = tmp_path / "report.pdf"
    assert runner.invoke(app, ["campaign", "report", "--out", str(pdf)]).exit_code == 0
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert data.count(b"/Type /Page") >= 2
    if CJK_FONT.exists():  # the Chinese text is set in the embedded CJK font
        assert b"NotoSansCJK" in data
    html = client.get(
        f"/api/v1/campaigns/{campaign_id}/report", params={"format": "html"}, headers=chief
    )
    assert html.status_code == 200
    parser = _Links()
    parser.feed(html.text)
    brief_html = client.get(
        f"/api/v1/campaigns/{campaign_id}/brief",
        params={"date": DAY.isoformat(), "format": "html"},
        headers=chief,
    )
    assert parser.links
    for link in parser.links:
        opened = client.get(link.replace("&amp;", "&"), headers=chief)
        assert opened.status_code == 200, (link, opened.text)
    # the brief's links, the city forecast's among them, open for the analyst of the city
    brief_links = _Links()
    brief_links.feed(brief_html.text)
    assert any("/analytics/forecasts/" in link for link in brief_links.links)
    analyst = token_for(client, settings, "analyst")
    for link in brief_links.links:
        opened = client.get(link.replace("&amp;", "&"), headers=analyst)
        assert opened.status_code == 200, (link, opened.text)


def test_demo_campaign_has_each_verdict(seeded: Settings) -> None:
    from pingan.campaigns import creation
    from pingan.campaigns.models import FocusPlace
    from pingan.campaigns.progress import progress
    from pingan.campaigns.visibility import planned_share
    from pingan.demo.accounts import operator
    from pingan.patrol import reads as patrol_reads
    from pingan.patrol.models import PlanStatus

    factory = make_session_factory(make_engine(seeded.effective_database_url))
    with unit_of_work(factory) as db_session:
        demo.seed_campaign(db_session, seeded, lambda *_: None)
        demo.seed_campaign(db_session, seeded, lambda *_: None)  # once only
    with unit_of_work(factory) as db_session:
        found = creation.visible_campaigns(db_session, operator(db_session))
        assert len(found) == 1
        assert found[0].simulated
        today = dt.datetime.now(dt.UTC).date()
        rows = progress(db_session, seeded, found[0], today - dt.timedelta(days=1))["targets"]
    verdicts = {row["verdict"] for row in rows}
    assert {"on_track", "at_risk", "off_track"} <= verdicts
    # the night market's simulated patrol passes give the visibility target its figure
    (seen,) = [row for row in rows if row["figure"] == "focus_visibility"]
    assert 0.3 < seen["value"] < 0.8
    assert seen["interval"][0] < seen["value"] < seen["interval"][1]
    assert seen["verdict"] == "on_track"
    assert seen["detail"]["positions"] > 0
    # what station A's active night plan promises there: its loops pass the market every
    # night hour, never in the day, and nowhere near a place off its loops
    assert seen["detail"]["planned_share"] == 1.0
    with unit_of_work(factory) as db_session:
        plans = patrol_reads.list_plans(
            db_session, operator(db_session), status=PlanStatus.active, limit=10
        )
        assert plans
        market = {"name": "夜市", "lat": 60.17, "lon": 24.948, "radius_m": 200.0}
        day = FocusPlace(id=1, hours_from=8 * 60, hours_to=12 * 60, **market)
        night = FocusPlace(id=2, hours_from=20 * 60, hours_to=2 * 60, **market)
        elsewhere = FocusPlace(
            id=3, name="远郊", lat=60.24, lon=24.85, radius_m=50, hours_from=1200, hours_to=120
        )
        assert planned_share(night, plans) == 1.0
        assert planned_share(day, plans) == 0.0
        assert planned_share(elsewhere, plans) == 0.0
        assert planned_share(night, []) is None
