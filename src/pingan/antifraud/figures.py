"""The desk's figures by station and ISO week (in the district's time zone).

For each (station, week) of the warnings created in the last ``weeks`` weeks:

- ``red``, ``orange``, ``yellow``: warnings by tier;
- ``contacted_in_time_share``: warnings whose first contact (the first attempt that
  reached the person) came by the due time, over all warnings;
- ``median_first_contact_s``: median seconds from the warning to its first contact, over
  the warnings contacted (``None`` when none was);
- ``dissuaded_share``: closed warnings that ended dissuaded, payment stopped or app
  removed, over the closed ones (``None`` when none is closed);
- ``amount_stopped_yuan``: yuan stopped (止付), the amount protected;
- ``amount_lost_yuan``: yuan already lost (受骗金额);
- ``fraud_incidents``, ``fraud_losses_yuan`` and the same of the same days last year, with
  the exact Poisson test's change, p-value and verdict (同比, :mod:`pingan.antifraud.yoy`).
- ``outreach_reach_share``: the share of the station's residents within a walk of the
  stalls and talks held that week (:mod:`pingan.antifraud.reach`).

Warnings and incidents of a grid count for the station the grid lies in.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.antifraud import reach, yoy
from pingan.antifraud.models import FraudWarning, Outcome, WarningStatus
from pingan.config import Settings
from pingan.db import utcnow
from pingan.jurisdictions.models import Jurisdiction
from pingan.principal import Principal

#: Outcomes counted as dissuaded (the person kept their money because the desk acted).
DISSUADED = frozenset({Outcome.dissuaded, Outcome.payment_stopped, Outcome.app_removed})


def _week_of(warning: FraudWarning, zone: ZoneInfo) -> str:
    year, week, _ = warning.created_at.astimezone(zone).isocalendar()
    return f"{year}-W{week:02d}"


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _first_contact_delays(group: list[FraudWarning]) -> tuple[list[float], int]:
    """Seconds to the first contact of the contacted warnings, and how many were in time."""
    delays: list[float] = []
    in_time = 0
    for warning in group:
        if warning.first_contact_at is None:
            continue
        delays.append((warning.first_contact_at - warning.created_at).total_seconds())
        in_time += warning.first_contact_at <= warning.due_at
    return delays, in_time


def _amount(group: list[FraudWarning], outcome: Outcome) -> int:
    return sum(w.amount_yuan or 0 for w in group if w.outcome is outcome)


def _row(station: str, week: str, group: list[FraudWarning]) -> dict[str, Any]:
    closed = [w for w in group if w.status is WarningStatus.closed]
    delays, in_time = _first_contact_delays(group)
    return {
        "station": station,
        "week": week,
        "red": sum(1 for w in group if w.tier == "red"),
        "orange": sum(1 for w in group if w.tier == "orange"),
        "yellow": sum(1 for w in group if w.tier == "yellow"),
        "contacted_in_time_share": _share(in_time, len(group)),
        "median_first_contact_s": statistics.median(delays) if delays else None,
        "dissuaded_share": _share(sum(1 for w in closed if w.outcome in DISSUADED), len(closed)),
        "amount_stopped_yuan": _amount(group, Outcome.payment_stopped),
        "amount_lost_yuan": _amount(group, Outcome.already_lost),
    }


def weekly_figures(
    db_session: Session, settings: Settings, principal: Principal, *, weeks: int = 8
) -> list[dict[str, Any]]:
    """One row per (station, week) the caller may read, by station then week."""
    principal.require("warning", "read")
    zone = ZoneInfo(settings.time_zone)
    now = utcnow()
    since = now - timedelta(weeks=weeks)
    visible = principal.visible_clause("warning", "read", Jurisdiction.path)
    codes = yoy.station_codes(db_session)
    found = db_session.scalars(
        select(FraudWarning)
        .join(Jurisdiction, Jurisdiction.id == FraudWarning.jurisdiction_id)
        .where(visible, FraudWarning.created_at >= since)
    ).all()
    groups: dict[tuple[str, str], list[FraudWarning]] = defaultdict(list)
    for warning in found:
        groups[(codes[warning.jurisdiction_id], _week_of(warning, zone))].append(warning)
    since_day, today = since.astimezone(zone).date(), now.astimezone(zone).date()
    days = yoy.fraud_days(db_session, visible, since_day, zone, codes)
    keys = set(groups) | yoy.weeks_with_incidents(days, since_day, today)
    rows = [
        _row(station, week, groups.get((station, week), []))
        | yoy.year_over_year(days, station, week, today)
        for station, week in sorted(keys)
    ]
    return reach.with_weekly_reach(db_session, settings, rows)
