"""The community figures on the chief's dashboard: volunteers active, hours this week,
clues received → useful → cases (last 30 days), joint patrols on duty now."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pingan.community.checkins import SHIFT_SLACK, checked_in_members
from pingan.community.hours import hours_report
from pingan.community.models import Clue, ClueStatus, Shift, Volunteer, VolunteerStatus
from pingan.config import Settings
from pingan.db import utcnow
from pingan.jurisdictions.models import Jurisdiction
from pingan.principal import Principal
from pingan.units.models import Unit

CLUE_DAYS = 30


def week_start(now: datetime, zone: ZoneInfo) -> datetime:
    """Monday 00:00 of ``now``'s week in the district's time zone."""
    local = now.astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday())
    return datetime(monday.year, monday.month, monday.day, tzinfo=zone)


def _clue_funnel(db_session: Session, principal: Principal, since: datetime) -> dict[str, int]:
    rows = db_session.execute(
        select(Clue.status, func.count())
        .join(Jurisdiction, Jurisdiction.id == Clue.jurisdiction_id)
        .where(
            principal.visible_clause("clue", "read", Jurisdiction.path), Clue.created_at >= since
        )
        .group_by(Clue.status)
    ).all()
    counts = {status: int(n) for status, n in rows}
    linked = counts.get(ClueStatus.linked, 0)
    return {
        "received": sum(counts.values()),
        "useful": counts.get(ClueStatus.useful, 0) + linked,
        "cases": linked,
    }


def on_duty_now(db_session: Session, principal: Principal, now: datetime) -> list[dict[str, Any]]:
    """Shifts of the caller's stations around ``now`` with members checked in."""
    rows = db_session.execute(
        select(Shift, Unit.callsign)
        .join(Jurisdiction, Jurisdiction.id == Shift.jurisdiction_id)
        .join(Unit, Unit.id == Shift.unit_id)
        .where(
            principal.visible_clause("shift", "read", Jurisdiction.path),
            Shift.starts_at <= now + SHIFT_SLACK,
            Shift.ends_at >= now - SHIFT_SLACK,
        )
        .order_by(Shift.starts_at)
    ).all()
    out = []
    for shift, callsign in rows:
        members = checked_in_members(db_session, shift.id)
        if members:
            out.append(
                {
                    "shift_id": shift.id,
                    "unit_id": shift.unit_id,
                    "callsign": callsign,
                    "group_no": shift.group_no,
                    "members": len(members),
                }
            )
    return out


def dashboard_figures(
    db_session: Session, settings: Settings, principal: Principal
) -> dict[str, Any]:
    principal.require("volunteer", "read")
    now = utcnow()
    active = db_session.scalar(
        select(func.count())
        .select_from(Volunteer)
        .join(Jurisdiction, Jurisdiction.id == Volunteer.jurisdiction_id)
        .where(
            principal.visible_clause("volunteer", "read", Jurisdiction.path),
            Volunteer.status == VolunteerStatus.active,
        )
    )
    monday = week_start(now, ZoneInfo(settings.time_zone))
    hours = hours_report(db_session, settings, principal, monday, now + timedelta(seconds=1))
    patrols = on_duty_now(db_session, principal, now)
    return {
        "volunteers_active": int(active or 0),
        "hours_this_week": round(sum(r["hours"] for r in hours["rows"]), 1),
        "week_start": monday,
        "clues": _clue_funnel(db_session, principal, now - timedelta(days=CLUE_DAYS)),
        "clue_days": CLUE_DAYS,
        "joint_patrols_on_duty": patrols,
    }
