"""The analyst's page and the chief's dashboard over the real app: who may open them, the
statistics table's counts, 同比/环比 and Poisson verdicts, the simulated-data label."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from analytics.conftest import EAST, file_incident
from pingan.config import Settings
from pingan.db import utcnow
from support.app import seeded_client, token_for
from support.pages import page_login


def _login(client: TestClient, settings: Settings, username: str) -> str:
    return page_login(client, settings, username)


def _noon(settings: Settings, day: date) -> str:
    return datetime.combine(day, time(12), ZoneInfo(settings.time_zone)).isoformat()


def _row(html: str, key: str) -> str:
    found = re.search(rf'<tr data-key="{re.escape(key)}">(.*?)</tr>', html, re.S)
    assert found is not None, key
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


def test_the_analysis_page_is_for_analysts_and_chiefs(settings: Settings) -> None:
    anonymous = seeded_client(settings)
    to_login = anonymous.get("/analysis", follow_redirects=False)
    assert to_login.status_code == 303
    assert to_login.headers["location"] == "/login?next=/analysis"

    analyst = seeded_client(settings)
    assert _login(analyst, settings, "analyst") == "/analysis"
    page = analyst.get("/analysis")
    assert page.status_code == 200
    for panel in ("forecast", "series", "canvass", "stats", "report"):
        assert f'id="panel-{panel}"' in page.text
    assert 'data-nav="analysis" aria-current="page"' in page.text
    assert "研判分析" in page.text
    assert 'action="/api/v1/analytics/report.pdf"' in page.text
    assert 'data-can-series="1"' in page.text
    assert "该城市尚未做过预测。" in page.text  # no forecast in a fresh database

    chief = seeded_client(settings)
    assert _login(chief, settings, "chief_a") == "/dashboard"
    assert 'href="/analysis"' in chief.get("/home").text
    assert chief.get("/analysis?tab=series").status_code == 200

    dispatcher = seeded_client(settings)
    _login(dispatcher, settings, "dispatcher_a")
    assert 'href="/analysis"' not in dispatcher.get("/home").text
    assert dispatcher.get("/analysis").status_code == 403


def test_the_statistics_table_compares_periods_with_the_poisson_test(settings: Settings) -> None:
    client = seeded_client(settings)
    desk = token_for(client, settings, "dispatcher_a")
    today = utcnow().astimezone(ZoneInfo(settings.time_zone)).date()
    start, end = today - timedelta(days=10), today - timedelta(days=4)  # seven days
    # three assaults this period, one the week before (环比), one a year earlier (同比)
    for day in (start, start + timedelta(days=2), end):
        file_incident(
            client, desk, incident_type="assault", at=_noon(settings, day), lat=EAST[0], lon=EAST[1]
        )
    file_incident(
        client,
        desk,
        incident_type="assault",
        at=_noon(settings, start - timedelta(days=3)),
        lat=EAST[0],
        lon=EAST[1],
    )
    file_incident(
        client,
        desk,
        incident_type="assault",
        at=_noon(settings, start.replace(year=start.year - 1) + timedelta(days=1)),
        lat=EAST[0],
        lon=EAST[1],
        simulated=True,
    )
    _login(client, settings, "analyst")
    params = {"tab": "stats", "from": start.isoformat(), "to": end.isoformat()}
    page = client.get("/analysis", params=params)
    assert page.status_code == 200
    # 3 against 1 with equal exposure: the exact conditional binomial test gives
    # P = 2 × P(X ≥ 3 | n = 4, ½) = 2 × 5/16 = 0.625
    assert _row(page.text, "assault") == (
        "殴打伤害 3 1 +200% 在随机波动范围内（p = 0.62） 1 +200% 在随机波动范围内（p = 0.62）"
    )
    assert "模拟数据" in page.text  # one of the counted incidents is simulated
    assert f"本期 {start.isoformat()} – {end.isoformat()}" in page.text

    client.cookies.set("pingan_lang", "en")
    english = client.get("/analysis", params=params).text
    assert "+200% within chance (p = 0.62)" in _row(english, "assault")
    assert "simulated data" in english

    by_station = client.get("/analysis", params={**params, "group_by": "station"}).text
    assert _row(by_station, "station-a").startswith("East Street Police Station 3 1")


def test_the_dashboard_counts_every_reported_incident_against_last_year(
    settings: Settings,
) -> None:
    client = seeded_client(settings)
    desk = token_for(client, settings, "dispatcher_a")
    yesterday = utcnow().astimezone(ZoneInfo(settings.time_zone)).date() - timedelta(days=1)
    for day in (yesterday, yesterday - timedelta(days=1)):
        file_incident(
            client, desk, incident_type="noise", at=_noon(settings, day), lat=EAST[0], lon=EAST[1]
        )
    file_incident(
        client,
        desk,
        incident_type="noise",
        at=_noon(settings, yesterday.replace(year=yesterday.year - 1)),
        lat=EAST[0],
        lon=EAST[1],
    )
    _login(client, settings, "chief_a")
    page = client.get("/dashboard", params={"days": 7}).text
    kpi = re.search(r'data-kpi="count">(.*?)</section>', page, re.S)
    assert kpi is not None
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", kpi.group(1))).strip()
    # none of them had a police response: counted all the same
    assert text == "接报警情 2 去年同期：1 +100% 同比：在随机波动范围内（p = 1）"
    assert 'data-kpi="responded"' in page
    assert "模拟数据" not in page  # nothing simulated here
    assert "当前没有生效的巡防方案" in page
