"""What the fire officer's home page and the station chief's dashboard show: due
inspections, overdue and major hazards, expiring certificates, control rooms with
flagged shifts; rooms surveyed against registered, hazards found / rectified on time /
overdue, drills held."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pingan.config import Settings
from pingan.db import utcnow
from pingan.jurisdictions.models import Jurisdiction
from pingan.ledgers import control_rooms, duty, hazards, inspections
from pingan.ledgers.export import check_period
from pingan.ledgers.models import (
    ControlRoom,
    Hazard,
    HazardStatus,
    Site,
    TrainingSession,
)
from pingan.ledgers.training import DRILLS
from pingan.principal import Principal

#: Flagged shifts are looked for this far back.
FLAG_WINDOW = timedelta(days=30)


def local_today(settings: Settings, now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(ZoneInfo(settings.time_zone)).date()


def officer_home(
    db_session: Session, settings: Settings, principal: Principal, *, limit: int = 50
) -> dict[str, Any]:
    """The fire officer's home: what is due, overdue, expiring and flagged."""
    principal.require("ledger", "read")
    today = local_today(settings)
    now = utcnow()
    due = inspections.due_inspections(db_session, settings, principal, today)
    overdue = hazards.hazard_rows(db_session, principal, state="overdue")
    major = hazards.hazard_rows(db_session, principal, state="major")
    expiring = control_rooms.expiring_certificates(
        db_session, principal, today, settings.ledger_certificate_warning_days
    )
    flagged = duty.flagged_rooms(db_session, principal, now - FLAG_WINDOW)
    return {
        "today": today,
        "due_inspections": due[:limit],
        "due_count": len(due),
        "overdue_hazards": overdue[:limit],
        "overdue_count": len(overdue),
        "major_hazards": major[:limit],
        "expiring_certificates": expiring[:limit],
        "flagged_rooms": flagged[:limit],
    }


def _station_rows(principal: Principal) -> Any:
    return principal.visible_clause("ledger", "read", Jurisdiction.path)


def chief_figures(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    *,
    start: date | None = None,
    end: date | None = None,
) -> dict[str, Any]:
    """The chief's panels for ``start`` … ``end`` (default: this year): control rooms
    surveyed against registered; hazards found, rectified on time and overdue; drills."""
    principal.require("ledger", "read")
    check_period(start, end)
    today = local_today(settings)
    start = start or date(today.year, 1, 1)
    end = end or today
    zone = ZoneInfo(settings.time_zone)
    since = datetime.combine(start, datetime.min.time(), zone)
    until = datetime.combine(end + timedelta(days=1), datetime.min.time(), zone)
    rooms = db_session.execute(
        select(func.count(ControlRoom.id), func.count(ControlRoom.surveyed_at))
        .join(Site, Site.id == ControlRoom.site_id)
        .join(Jurisdiction, Jurisdiction.id == Site.jurisdiction_id)
        .where(_station_rows(principal))
    ).one()
    found = list(
        db_session.scalars(
            select(Hazard)
            .join(Site, Site.id == Hazard.site_id)
            .join(Jurisdiction, Jurisdiction.id == Site.jurisdiction_id)
            .where(_station_rows(principal), Hazard.found_at >= since, Hazard.found_at < until)
        )
    )
    now = utcnow()
    on_time = sum(
        1
        for h in found
        if h.status is HazardStatus.closed and h.closed_at is not None and h.closed_at <= h.deadline
    )
    drills = db_session.scalar(
        select(func.count(TrainingSession.id))
        .join(Site, Site.id == TrainingSession.site_id)
        .join(Jurisdiction, Jurisdiction.id == Site.jurisdiction_id)
        .where(
            _station_rows(principal),
            TrainingSession.kind.in_(DRILLS),
            TrainingSession.held_on >= start,
            TrainingSession.held_on <= end,
        )
    )
    return {
        "start": start,
        "end": end,
        "control_rooms_registered": rooms[0],
        "control_rooms_surveyed": rooms[1],
        "hazards_found": len(found),
        "hazards_major": sum(1 for h in found if h.severity.value == "major"),
        "hazards_rectified_on_time": on_time,
        "hazards_overdue": sum(1 for h in found if hazards.is_overdue(h, now)),
        "drills_held": drills or 0,
    }
