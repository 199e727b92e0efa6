"""The closing report's "what was done", from the demo district's ledgers (a simulated
summer of control rooms, inspections, hazards and drills), its volunteers' month of patrol
shifts and check-ins, and stalls recorded through the outreach API: each line's figures are
those of the records its link opens (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from pingan import demo
from pingan.config import Settings, get_settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from support.app import seeded_client, token_for


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.extend(v for k, v in attrs if k == "href" and v)


@pytest.fixture
def district(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    factory = make_session_factory(make_engine(settings.effective_database_url))
    for step, extra in (
        (demo.seed_units, {}),
        (demo.seed_history, {"incidents_per_year": {"helsinki": 1500.0}}),
        (demo.seed_plan, {}),
        (demo.seed_community, {}),
        (demo.seed_ledgers, {}),
    ):
        with unit_of_work(factory) as db_session:
            step(db_session, settings, lambda *_: None, **extra)
    monkeypatch.setenv("PINGAN_DATABASE_URL", settings.effective_database_url)
    get_settings.cache_clear()
    return settings


def _create(client: Any, headers: dict[str, str], name: str, start: dt.date, end: dt.date) -> int:
    created = client.post(
        "/api/v1/campaigns",
        json={
            "name": name,
            "from": start.isoformat(),
            "to": end.isoformat(),
            "jurisdictions": ["station-a", "station-b"],
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def _done(client: Any, headers: dict[str, str], campaign_id: int) -> list[dict[str, Any]]:
    report = client.get(f"/api/v1/campaigns/{campaign_id}/report", headers=headers).json()
    (section,) = [s for s in report["sections"] if s["heading"].endswith("工作开展情况")]
    return list(section["lines"])


def _check_lines(client: Any, headers: dict[str, str], lines: list[dict[str, Any]]) -> set[str]:
    """Every line's link opens its records, whose figures the line states; the kinds."""
    kinds = set()
    for line in lines:
        assert line["link"], line
        opened = client.get(line["link"], headers=headers)
        assert opened.status_code == 200, (line, opened.text)
        if "/records/" not in line["link"]:
            continue
        body = opened.json()
        kinds.add(body["kind"])
        assert body["total"] > 0
        for value in body["figures"].values():
            assert re.search(rf"(?<![\d.]){re.escape(f'{value:g}')}(?![\d])", line["text"]), (
                value,
                line["text"],
            )
    return kinds


def test_what_was_done_links_to_its_records(district: Settings) -> None:
    settings = district
    zone = ZoneInfo(settings.time_zone)
    client = seeded_client(settings)
    admin = token_for(client, settings, "admin")
    today = dt.datetime.now(zone).date()
    # the ledgers' simulated summer (as pingan.demo.ledgers dates it)
    year = today.year if today.month >= 9 else today.year - 1
    summer = _create(
        client, admin, "夏季消防安全专项行动", dt.date(year, 6, 1), dt.date(year, 8, 31)
    )
    chief = token_for(client, settings, "chief_a")
    for kind, day, people in (("stall", 10, 120), ("stall", 20, 80), ("talk", 21, 300)):
        opens = dt.datetime(year, 7, day, 19, 0, tzinfo=zone)
        made = client.post(
            "/api/v1/antifraud/outreach",
            json={
                "kind": kind,
                "venue": "night_market",
                "place_text": "东街夜市",
                "jurisdiction_code": "station-a",
                "starts_at": opens.isoformat(),
                "ends_at": (opens + dt.timedelta(hours=2)).isoformat(),
                "staff": 3,
                "people_reached": people,
            },
            headers=chief,
        )
        assert made.status_code == 201, made.text
    lines = _done(client, admin, summer)
    kinds = _check_lines(client, admin, lines)
    assert {"rooms", "inspections", "hazards", "drills", "stalls"} <= kinds
    stalls = [line["text"] for line in lines if "摆摊" in line["text"]]
    assert stalls == ["东街派出所：开展反诈摆摊宣传2场，覆盖群众200人次。"]
    assert any("发现隐患" in line["text"] for line in lines)

    # the volunteers' last month of joint patrols (a second campaign, after the summer)
    start = max(today - dt.timedelta(days=20), dt.date(year, 9, 1))
    recent = _create(client, admin, "冬季巡防", start, today)
    lines = _done(client, admin, recent)
    kinds = _check_lines(client, admin, lines)
    assert {"shifts", "checkins"} <= kinds
    shifts = next(line for line in lines if "/records/shifts" in line["link"])
    listed = client.get(shifts["link"] + "&limit=500", headers=admin).json()
    hours = round(sum(row["hours"] for row in listed["rows"]), 1)
    groups = len({(row["plan_id"], row["group"]) for row in listed["rows"]})
    assert f"累计巡逻{hours:g}小时，投入巡逻组{groups}个" in shifts["text"]
    assert all(row["starts_at"] >= start.isoformat() for row in listed["rows"])

    # the HTML report: every line a link that opens for the chief of station A
    html = client.get(
        f"/api/v1/campaigns/{recent}/report", params={"format": "html"}, headers=admin
    ).text
    parser = _Links()
    parser.feed(html)
    assert len(parser.links) >= len(lines)
    for link in parser.links:
        if "jurisdiction=station-a" in link:
            assert client.get(link.replace("&amp;", "&"), headers=chief).status_code == 200


def test_records_refuse_bad_input(settings: Settings) -> None:
    client = seeded_client(settings)
    admin = token_for(client, settings, "admin")
    campaign_id = _create(
        client, admin, "夏季治安百日行动", dt.date(2026, 6, 1), dt.date(2026, 9, 8)
    )
    url = f"/api/v1/campaigns/{campaign_id}/records"
    chief_b = token_for(client, settings, "chief_b")
    for path, params, headers, status, reason in (
        ("stalls", {"jurisdiction": "station-a"}, admin, 200, None),
        ("parades", {"jurisdiction": "station-a"}, admin, 422, None),
        ("stalls", {}, admin, 422, None),
        ("stalls", {"jurisdiction": "city"}, admin, 404, "covers no jurisdiction"),
        ("stalls", {"jurisdiction": "station-a"}, chief_b, 404, "covers no jurisdiction"),
        (
            "stalls",
            {"jurisdiction": "station-a", "from": "2026-07-10", "to": "2026-07-01"},
            admin,
            422,
            "ends before it starts",
        ),
        (
            "drills",
            {"jurisdiction": "station-a", "from": "2026-05-01", "to": "2026-07-01"},
            admin,
            422,
            "the campaign runs from 2026-06-01 to 2026-09-08",
        ),
    ):
        answer = client.get(f"{url}/{path}", params=params, headers=headers)
        assert answer.status_code == status, (path, params, answer.text)
        if reason:
            assert reason in answer.json()["detail"]
