"""Demo step: a campaign (夏季治安百日行动) over the simulated summer of both stations.

Its targets are set from the demo's own figures as measured when the demo loads (never
hard-coded outcomes), so that the chief's dashboard shows each verdict: one target just
inside what the data already shows (on track), one at the figure itself (at risk: the
interval straddles it), one beyond the whole interval (off track). The campaign runs from
the summer's first day to a month after today, so its progress is live. Simulated patrol
passes at its night market (position reports of the demo units in its focus hours) give
the visibility target its data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.campaigns import creation
from pingan.campaigns.figures import focus_visibility, measure
from pingan.campaigns.models import Campaign, FocusPlace
from pingan.campaigns.schemas import CampaignCreate, FocusPlaceIn, TargetIn
from pingan.config import Settings
from pingan.db import utcnow
from pingan.demo.accounts import Progress, operator
from pingan.jurisdictions import service as jurisdictions
from pingan.units import service as units
from pingan.units.schemas import PositionBatchItem

NAME = "夏季治安百日行动（模拟）"
MARKET_NAME = "东街夜市（模拟）"
MARKET = (60.1700, 24.9480)
MARKET_RADIUS_M = 200.0
#: The chance that a focus hour at the market gets a simulated patrol pass.
VISIT_CHANCE = 0.55


def _period(today: dt.date) -> tuple[dt.date, dt.date]:
    year = today.year if today.month >= 9 else today.year - 1
    start = max(dt.date(year, 6, 1), today - dt.timedelta(days=300))
    return start, today + dt.timedelta(days=30)


def _target(code: str, figure: str, direction: str, value: float) -> TargetIn:
    return TargetIn.model_validate(
        {"jurisdiction": code, "figure": figure, "direction": direction, "value": round(value, 4)}
    )


def _targets(
    db_session: Session, settings: Settings, start: dt.date, last: dt.date
) -> list[TargetIn]:
    a = jurisdictions.get_by_code(db_session, "station-a")
    b = jurisdictions.get_by_code(db_session, "station-b")
    out: list[TargetIn] = []

    def figure(node: Any, key: str) -> dict[str, Any] | None:
        found = measure(db_session, settings, node, key, start, last)
        return found if found["value"] is not None and found["interval"] else None

    yoy_a = figure(a, "incidents_yoy")
    if yoy_a is not None:  # on track: the whole interval is below the target
        out.append(_target("station-a", "incidents_yoy", "<=", yoy_a["interval"][1] + 0.02))
    tier_a = figure(a, "response_within_180")
    if tier_a is not None:  # at risk: the target is the figure itself
        out.append(_target("station-a", "response_within_180", ">=", tier_a["value"]))
    yoy_b = figure(b, "incidents_yoy")
    if yoy_b is not None:  # off track: the whole interval is above the target
        out.append(_target("station-b", "incidents_yoy", "<=", yoy_b["interval"][0] - 0.05))
    tier_b = figure(b, "response_within_300")
    if tier_b is not None:
        out.append(_target("station-b", "response_within_300", ">=", tier_b["interval"][0] - 0.02))
    seen = focus_visibility(db_session, settings, [_market()], start, last)
    owner = jurisdictions.jurisdiction_for_point(db_session, MARKET[0], MARKET[1])
    if seen["interval"] and owner is not None:  # on track: below the whole interval
        out.append(_target(owner.code, "focus_visibility", ">=", seen["interval"][0] - 0.03))
    return out


def _market() -> FocusPlace:
    """The night market as the campaign stores it (unsaved: measured before it exists)."""
    return FocusPlace(
        id=0,
        name=MARKET_NAME,
        lat=MARKET[0],
        lon=MARKET[1],
        radius_m=MARKET_RADIUS_M,
        hours_from=20 * 60,
        hours_to=2 * 60,
    )


def _patrol_visits(db_session: Session, settings: Settings, start: dt.date, last: dt.date) -> None:
    """Simulated patrol passes at the night market: in each focus hour of each night, with
    probability :data:`VISIT_CHANCE`, one demo unit of the city reports a position within
    50 m of it (stored as position reports, so the measure reads them like any other)."""
    found = units.list_units(db_session, operator(db_session), city="helsinki")
    fleet = [row.unit.id for row in found][:4]
    if not fleet:
        return
    zone = ZoneInfo(settings.time_zone)
    rng = np.random.default_rng(17)
    batch: list[PositionBatchItem] = []
    day = start
    while day <= last:
        opens = dt.datetime.combine(day, dt.time(20, 0), zone)
        for hour in range(6):
            if rng.random() < VISIT_CHANCE:
                batch.append(
                    PositionBatchItem(
                        unit_id=int(rng.choice(fleet)),
                        lat=MARKET[0] + float(rng.uniform(-3e-4, 3e-4)),
                        lon=MARKET[1] + float(rng.uniform(-5e-4, 5e-4)),
                        at=opens + dt.timedelta(hours=hour, minutes=int(rng.integers(5, 55))),
                    )
                )
        day += dt.timedelta(days=1)
    for first in range(0, len(batch), 1000):
        units.report_positions(db_session, operator(db_session), batch[first : first + 1000])


def seed_campaign(db_session: Session, settings: Settings, progress: Progress) -> None:
    """Add the demo campaign once (a second run leaves it as it is)."""
    if db_session.scalar(select(Campaign.id).where(Campaign.name == NAME)) is not None:
        progress("campaign", 1.0)
        return
    today = utcnow().astimezone(ZoneInfo(settings.time_zone)).date()
    start, end = _period(today)
    _patrol_visits(db_session, settings, start, today - dt.timedelta(days=1))
    body = CampaignCreate.model_validate(
        {
            "name": NAME,
            "from": start,
            "to": end,
            "jurisdictions": ["station-a", "station-b"],
            "focus_places": [
                FocusPlaceIn(
                    name=MARKET_NAME,
                    lat=MARKET[0],
                    lon=MARKET[1],
                    radius_m=MARKET_RADIUS_M,
                    hours_from="20:00",
                    hours_to="02:00",
                )
            ],
            "targets": _targets(db_session, settings, start, today - dt.timedelta(days=1)),
        }
    )
    creation.create_campaign(db_session, operator(db_session), body, simulated=True)
    progress("campaign", 1.0)
