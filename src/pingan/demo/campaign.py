"""Demo step: a campaign (夏季治安百日行动) over the simulated summer of both stations.

Its targets are set from the demo's own figures as measured when the demo loads (never
hard-coded outcomes), so that the chief's dashboard shows each verdict: one target just
inside what the data already shows (on track), one at the figure itself (at risk: the
interval straddles it), one beyond the whole interval (off track). The campaign runs from
the summer's first day to a month after today, so its progress is live.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.campaigns import creation
from pingan.campaigns.figures import measure
from pingan.campaigns.models import Campaign
from pingan.campaigns.schemas import CampaignCreate, FocusPlaceIn, TargetIn
from pingan.config import Settings
from pingan.db import utcnow
from pingan.demo.accounts import Progress, operator
from pingan.jurisdictions import service as jurisdictions

NAME = "夏季治安百日行动（模拟）"


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
    return out


def seed_campaign(db_session: Session, settings: Settings, progress: Progress) -> None:
    """Add the demo campaign once (a second run leaves it as it is)."""
    if db_session.scalar(select(Campaign.id).where(Campaign.name == NAME)) is not None:
        progress("campaign", 1.0)
        return
    today = utcnow().astimezone(ZoneInfo(settings.time_zone)).date()
    start, end = _period(today)
    body = CampaignCreate.model_validate(
        {
            "name": NAME,
            "from": start,
            "to": end,
            "jurisdictions": ["station-a", "station-b"],
            "focus_places": [
                FocusPlaceIn(
                    name="东街夜市（模拟）",
                    lat=60.1700,
                    lon=24.9480,
                    radius_m=200,
                    hours_from="20:00",
                    hours_to="02:00",
                )
            ],
            "targets": _targets(db_session, settings, start, today - dt.timedelta(days=1)),
        }
    )
    creation.create_campaign(db_session, operator(db_session), body, simulated=True)
    progress("campaign", 1.0)
