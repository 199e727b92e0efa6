"""Weekly figures and their XLSX export; the issue's done-when check end to end."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from pingan.antifraud import intake
from pingan.antifraud.export import COLUMNS, figures_xlsx
from pingan.antifraud.models import Outcome, Tier, WarningSource, WarningStatus
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from pingan.jurisdictions import service as jurisdictions
from support.app import seeded_client, token_for

BASE = "/api/v1/antifraud"
SAFE_ACCOUNT = "公安局的人打电话说我涉嫌洗钱，让我把存款转到安全账户，我正在去银行转账"


def _this_week(settings: Settings) -> str:
    year, week, _ = datetime.now(UTC).astimezone(ZoneInfo(settings.time_zone)).isocalendar()
    return f"{year}-W{week:02d}"


def test_red_consultation_stopped_payment_adds_to_the_weeks_protected_amount(
    settings: Settings,
) -> None:
    client = seeded_client(settings)
    asked = client.post(
        f"{BASE}/consultations", json={"text": SAFE_ACCOUNT, "jurisdiction_code": "station-a"}
    )
    assert asked.json()["desk_warned"] is True
    officer = token_for(client, settings, "antifraud_a")
    (warning,) = client.get(f"{BASE}/warnings", headers=officer).json()["items"]
    assert warning["tier"] == "red"
    assert warning["due_at"] > warning["created_at"]
    wid = warning["id"]
    client.post(f"{BASE}/warnings/{wid}/assign", headers=officer)
    client.post(
        f"{BASE}/warnings/{wid}/contacts",
        headers=officer,
        json={"channel": "phone", "reached": True},
    )
    stopped = client.post(
        f"{BASE}/warnings/{wid}/outcome",
        headers=officer,
        json={"outcome": "payment_stopped", "amount_yuan": 20_000},
    )
    assert stopped.status_code == 200, stopped.text
    (row,) = client.get(f"{BASE}/figures", headers=officer).json()
    assert (row["station"], row["week"]) == ("station-a", _this_week(settings))
    assert (row["red"], row["orange"], row["yellow"]) == (1, 0, 0)
    assert row["amount_stopped_yuan"] == 20_000
    assert row["dissuaded_share"] == 1.0
    assert row["contacted_in_time_share"] == 1.0  # reached at once, well before 10 minutes


def test_shares_and_median_by_hand(settings: Settings) -> None:
    """Three warnings of station A this week: contacted after 60 s (due 600 s), after
    9,000 s (orange, due 7,200 s: late), and never. One closed dissuaded, one already lost."""
    now = datetime.now(UTC) - timedelta(hours=3)
    engine = make_engine(settings.database_url)
    with unit_of_work(make_session_factory(engine)) as db_session:
        station = jurisdictions.get_by_code(db_session, "station-a").id
        made = []
        for tier in (Tier.red, Tier.orange, Tier.red):
            data = intake.WarningInput(station, tier, WarningSource.manual)
            made.append(intake.add_warning(db_session, settings, data, created_by_id=None, now=now))
        fast, late, _never = made
        fast.first_contact_at = now + timedelta(seconds=60)
        fast.status, fast.outcome = WarningStatus.closed, Outcome.dissuaded
        late.first_contact_at = now + timedelta(seconds=9_000)
        late.status, late.outcome, late.amount_yuan = (
            WarningStatus.closed,
            Outcome.already_lost,
            3_000,
        )
    engine.dispose()
    client = seeded_client(settings)
    rows = client.get(f"{BASE}/figures", headers=token_for(client, settings, "chief_a")).json()
    (row,) = rows
    assert (row["red"], row["orange"]) == (2, 1)
    assert row["contacted_in_time_share"] == round(1 / 3, 4)
    assert row["median_first_contact_s"] == (60 + 9_000) / 2
    assert row["dissuaded_share"] == 0.5
    assert (row["amount_stopped_yuan"], row["amount_lost_yuan"]) == (0, 3_000)
    chief_b = token_for(client, settings, "chief_b")
    assert client.get(f"{BASE}/figures", headers=chief_b).json() == []
    xlsx = client.get(f"{BASE}/figures.xlsx", headers=chief_b)
    assert xlsx.status_code == 200
    assert client.get(f"{BASE}/figures", params={"weeks": 0}, headers=chief_b).status_code == 422


def test_xlsx_export_matches_the_figures(settings: Settings) -> None:
    client = seeded_client(settings)
    officer = token_for(client, settings, "antifraud_a")
    client.post(f"{BASE}/warnings", headers=officer, json={"tier": "orange"})
    response = client.get(f"{BASE}/figures.xlsx", headers=officer)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == list(COLUMNS)
    assert values[1][:5] == ["station-a", _this_week(settings), 0, 1, 0]


def test_xlsx_writes_formula_like_text_as_text() -> None:
    row = dict.fromkeys(COLUMNS, 0) | {"station": '=HYPERLINK("http://x")', "week": "+1", "red": 2}
    row |= {"orange": "-3", "yellow": "@SUM(A1)"}
    sheet = load_workbook(io.BytesIO(figures_xlsx([row]))).active
    assert sheet is not None
    cells = [sheet.cell(row=2, column=c) for c in range(1, 6)]
    assert [c.value for c in cells] == ['=HYPERLINK("http://x")', "+1", 2, "-3", "@SUM(A1)"]
    assert [c.data_type for c in cells] == ["s", "s", "n", "s", "s"]


def _add_fraud(db_session, station: int, at: datetime, yuan: int, **extra: object) -> None:  # type: ignore[no-untyped-def]
    import secrets

    from pingan.incidents.models import Incident

    db_session.add(
        Incident(
            jurisdiction_id=station,
            type=str(extra.pop("type", "fraud")),
            occurred_start=at,
            received_at=at,
            amount_yuan=yuan,
            description="网上刷单被骗",
            public_token=secrets.token_urlsafe(16),
            **extra,
        )
    )


def test_fraud_incidents_and_losses_against_the_same_days_last_year(settings: Settings) -> None:
    """Station A this week: 6 fraud incidents (2 of them in its grid a1), 1,000 yuan each;
    the same days last year: 1, 500 yuan. A draft, a rejected report, a theft and a station B
    fraud are not counted. Exact test: n = 7, p0 = 1/2, k = 6 → p = 2 × 8/128 = 0.125."""
    from pingan.algo.stats import same_period_last_year
    from pingan.incidents.models import Status

    now = datetime.now(UTC)
    local_today = now.astimezone(ZoneInfo(settings.time_zone)).date()
    last_year_day = same_period_last_year(local_today, local_today + timedelta(days=1))[0]
    last_year = datetime.combine(last_year_day, datetime.min.time(), ZoneInfo(settings.time_zone))
    engine = make_engine(settings.database_url)
    with unit_of_work(make_session_factory(engine)) as db_session:
        a = jurisdictions.get_by_code(db_session, "station-a").id
        a1 = jurisdictions.get_by_code(db_session, "grid-a1").id
        b = jurisdictions.get_by_code(db_session, "station-b").id
        for station in (a, a, a, a, a1, a1):
            _add_fraud(db_session, station, now, 1_000)
        _add_fraud(db_session, a, last_year + timedelta(hours=12), 500, simulated=True)
        _add_fraud(db_session, a, now, 9_999, is_draft=True)
        _add_fraud(db_session, a, now, 9_999, status=Status.rejected)
        _add_fraud(db_session, a, now, 9_999, type="theft")
        _add_fraud(db_session, b, now, 9_999)
    engine.dispose()
    client = seeded_client(settings)
    chief_a = token_for(client, settings, "chief_a")
    (row,) = client.get(f"{BASE}/figures", headers=chief_a).json()
    assert (row["station"], row["week"]) == ("station-a", _this_week(settings))
    assert (row["red"], row["orange"], row["yellow"]) == (0, 0, 0)  # no warnings: still a row
    assert (row["fraud_incidents"], row["fraud_incidents_last_year"]) == (6, 1)
    assert row["fraud_incidents_simulated"] == 1
    assert (row["fraud_losses_yuan"], row["fraud_losses_last_year_yuan"]) == (6_000, 500)
    assert row["fraud_losses_change"] == 11.0
    assert row["yoy_change"] == 5.0
    assert row["yoy_p_value"] == 0.125
    assert row["yoy_significant"] is False
    assert row["yoy_verdict"] == "+500% is within chance (p = 0.12)"
    # the export carries the same, the verdict (it begins with "+") as text
    sheet = load_workbook(
        io.BytesIO(client.get(f"{BASE}/figures.xlsx", headers=chief_a).content)
    ).active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    verdict = sheet.cell(row=2, column=header.index("yoy_verdict") + 1)
    assert (verdict.value, verdict.data_type) == ("+500% is within chance (p = 0.12)", "s")
    assert sheet.cell(row=2, column=header.index("fraud_incidents") + 1).value == 6
    chief_b = token_for(client, settings, "chief_b")
    (row_b,) = client.get(f"{BASE}/figures", headers=chief_b).json()
    assert (row_b["station"], row_b["fraud_incidents"], row_b["fraud_losses_yuan"]) == (
        "station-b",
        1,
        9_999,
    )
