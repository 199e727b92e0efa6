"""Outreach reach and next week's stall sites, through the API, on station A (the east half
of the bundled Helsinki extract: no population zones there, so 250 m cells of the foot
network stand for them)."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
import shapely
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from shapely.geometry import shape
from typer.testing import CliRunner

from pingan.cli import app
from pingan.config import Settings, get_settings
from support.app import seeded_client, token_for

URL = "/api/v1/antifraud/outreach"
#: Two spots of station A about 1 km apart (north and south of the east half).
NORTH = (60.1745, 24.9480)
SOUTH = (60.1665, 24.9480)


def _now_stall(lat: float, lon: float, **extra: Any) -> dict[str, Any]:
    start = datetime.now(UTC) - timedelta(minutes=5)
    return {
        "kind": "stall",
        "venue": "square",
        "place_text": "广场",
        "lat": lat,
        "lon": lon,
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "people_reached": 100,
    } | extra


def _this_month() -> str:
    # the demo district's time zone is Asia/Shanghai; a stall 5 minutes old is in its month
    local = datetime.now(UTC).astimezone().astimezone(UTC) + timedelta(hours=8)
    return f"{local.year}-{local.month:02d}"


def _fraud_report(client: TestClient, headers: dict[str, str], lat: float, lon: float) -> int:
    answer = client.post(
        "/api/v1/reports",
        headers=headers,
        json={"description": "网上刷单返利被骗了三千元", "type": "fraud", "lat": lat, "lon": lon},
    )
    assert answer.status_code == 201, answer.text
    incident_id: int = answer.json()["id"]
    return incident_id


def _feature_at(layer: dict[str, Any], lat: float, lon: float) -> dict[str, Any]:
    point = shapely.Point(lon, lat)
    (hit,) = [f for f in layer["features"] if shape(f["geometry"]).covers(point)]
    return hit


def test_a_stall_raises_the_reach_of_its_cell_and_not_of_far_cells(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "antifraud_a")
    empty = client.get(f"{URL}/reach", headers=officer, params={"walk_s": 180})
    assert empty.status_code == 200, empty.text
    layer = empty.json()
    assert (layer["jurisdiction_code"], layer["city"]) == ("station-a", "helsinki")
    assert layer["population_source"] == "network"
    assert layer["totals"]["share"] == 0.0
    assert layer["totals"]["zones"] == len(layer["features"]) > 4
    assert {f["properties"]["share"] for f in layer["features"]} == {0.0}

    assert client.post(URL, headers=officer, json=_now_stall(*NORTH)).status_code == 201
    after = client.get(f"{URL}/reach", headers=officer, params={"walk_s": 180}).json()
    assert after["totals"]["stalls"] == 1
    assert after["month"] == _this_month()
    assert after["walk_m"] == 250.0  # 180 s at 5 km/h
    assert 0.0 < after["totals"]["share"] < 1.0
    assert _feature_at(after, *NORTH)["properties"]["share"] > 0.3
    assert _feature_at(after, *SOUTH)["properties"]["share"] == 0.0  # 900 m away
    shares = np.array([f["properties"]["share"] for f in after["features"]])
    people = np.array([f["properties"]["population"] for f in after["features"]])
    reached = np.array([f["properties"]["reached"] for f in after["features"]])
    np.testing.assert_allclose(reached.sum(), after["totals"]["reached"], atol=0.5)
    assert after["totals"]["share"] == round(reached.sum() / people.sum(), 4)
    assert np.all((shares >= 0) & (shares <= 1))
    # a longer walk reaches more; last month's layer does not count this month's stall
    longer = client.get(f"{URL}/reach", headers=officer, params={"walk_s": 600}).json()
    assert longer["totals"]["share"] > after["totals"]["share"]
    year, month = (int(p) for p in _this_month().split("-"))
    previous = f"{year - (month == 1)}-{(month - 2) % 12 + 1:02d}"
    before = client.get(f"{URL}/reach", headers=officer, params={"month": previous}).json()
    assert (before["month"], before["totals"]["stalls"], before["totals"]["share"]) == (
        previous,
        0,
        0.0,
    )


def test_reach_is_refused_outside_the_callers_stations(settings: Settings) -> None:
    client = seeded_client(settings)
    chief_b = token_for(client, settings, "chief_b")
    foreign = client.get(f"{URL}/reach", headers=chief_b, params={"jurisdiction": "station-a"})
    assert foreign.status_code == 404
    own = client.get(f"{URL}/reach", headers=chief_b)
    assert (own.status_code, own.json()["jurisdiction_code"]) == (200, "station-b")
    citizen = token_for(client, settings, "citizen")
    assert client.get(f"{URL}/reach", headers=citizen).status_code == 403
    officer = token_for(client, settings, "antifraud_a")
    bad_month = client.get(f"{URL}/reach", headers=officer, params={"month": "2026-13"})
    assert bad_month.status_code == 422
    assert "2026-13" in bad_month.text
    assert client.get(f"{URL}/reach", headers=officer, params={"walk_s": 5}).status_code == 422
    assert client.get(f"{URL}/suggestions", headers=officer, params={"k": 0}).status_code == 422
    assert client.get(f"{URL}/suggestions", headers=officer, params={"k": 21}).status_code == 422


def test_suggestions_cover_victims_the_stalls_have_not_reached(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "antifraud_a")
    reporter = token_for(client, settings, "officer_a")
    north = [_fraud_report(client, reporter, NORTH[0] + d, NORTH[1]) for d in (0, 2e-4, -2e-4)]
    _fraud_report(client, reporter, *SOUTH)
    lifted = client.post(f"/api/v1/antifraud/warnings/from-report/{north[0]}", headers=officer)
    assert lifted.status_code == 201, lifted.text
    params = {"k": 1, "walk_s": 180}

    first = client.get(f"{URL}/suggestions", headers=officer, params=params)
    assert first.status_code == 200, first.text
    body = first.json()
    assert (body["demand_total"], body["demand_open"], body["stalls"]) == (4.5, 4.5, 0)
    (site,) = body["suggestions"]
    assert (site["rank"], site["incidents"], site["warnings"]) == (1, 3, 1)
    assert site["demand_covered"] == 3.5
    assert abs(site["lat"] - NORTH[0]) < 0.003
    assert "3" in site["why"]["zh"]
    assert "3 fraud incidents" in site["why"]["en"]

    # a stall in the north this month: its victims are reached, the site moves south
    assert client.post(URL, headers=officer, json=_now_stall(*NORTH)).status_code == 201
    second = client.get(f"{URL}/suggestions", headers=officer, params=params).json()
    assert (second["demand_reached"], second["demand_open"], second["stalls"]) == (3.5, 1.0, 1)
    (moved,) = second["suggestions"]
    assert (moved["incidents"], moved["warnings"], moved["demand_covered"]) == (1, 0, 1.0)
    assert abs(moved["lat"] - SOUTH[0]) < 0.003
    assert moved["nearest_stall_m"] > 500

    # once the south has its stall too, nothing is left to suggest
    assert client.post(URL, headers=officer, json=_now_stall(*SOUTH)).status_code == 201
    third = client.get(f"{URL}/suggestions", headers=officer, params=params).json()
    assert (third["demand_open"], third["suggestions"]) == (0.0, [])


def test_cli_suggests_sites_as_json_and_as_a_table(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("the command line is exercised on SQLite; the API tests cover PostgreSQL")
    client = seeded_client(settings)
    _fraud_report(client, token_for(client, settings, "officer_a"), *SOUTH)
    monkeypatch.setenv("PINGAN_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("PINGAN_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        args = ["antifraud", "outreach", "suggest", "--jurisdiction", "station-a"]
        result = runner.invoke(app, [*args, "--k", "3", "--walk-s", "180", "--json"])
        assert result.exit_code == 0, result.output
        data = json.loads(result.output)
        assert (data["jurisdiction_code"], data["k"], data["demand_open"]) == ("station-a", 3, 1.0)
        (site,) = data["suggestions"]  # one victim: one site is enough
        assert (site["incidents"], site["demand_covered"]) == (1, 1.0)
        table = runner.invoke(app, [*args, "--walk-s", "180"])
        assert table.exit_code == 0, table.output
        assert site["name"] in table.output
        reach = runner.invoke(
            app, ["antifraud", "outreach", "reach", "--jurisdiction", "station-a"]
        )
        assert reach.exit_code == 0, reach.output
        assert json.loads(reach.output)["totals"]["share"] == 0.0
        too_many = runner.invoke(app, [*args, "--k", "50"])
        assert too_many.exit_code != 0
    finally:
        get_settings.cache_clear()


def test_weekly_figures_and_xlsx_carry_the_weeks_outreach_reach(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "antifraud_a")
    warned = client.post("/api/v1/antifraud/warnings", headers=officer, json={"tier": "orange"})
    assert warned.status_code == 201
    (row,) = client.get("/api/v1/antifraud/figures", headers=officer).json()
    assert (row["station"], row["outreach_reach_share"]) == ("station-a", 0.0)  # no stall yet
    assert client.post(URL, headers=officer, json=_now_stall(*NORTH)).status_code == 201
    (row,) = client.get("/api/v1/antifraud/figures", headers=officer).json()
    month = client.get(f"{URL}/reach", headers=officer).json()  # the settings' walk: 600 s
    # this week's only stall is this month's only stall: the same share
    assert row["outreach_reach_share"] == month["totals"]["share"] > 0.0
    workbook = client.get("/api/v1/antifraud/figures.xlsx", headers=officer)
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert sheet is not None
    header, first = ([cell.value for cell in r] for r in sheet.iter_rows(max_row=2))
    assert first[header.index("outreach_reach_share")] == row["outreach_reach_share"]
