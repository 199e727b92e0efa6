"""Outreach (反诈宣传): the ledger of stalls and talks, and its figures by station and week
(events, people reached, leaflets, 国家反诈中心 app registrations, clues)."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.antifraud.models import OutreachEvent
from pingan.antifraud.schemas import OutreachCreate
from pingan.config import Settings
from pingan.db import utcnow
from pingan.errors import Forbidden, InvalidInput
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction
from pingan.principal import Principal

#: The counted figures of an event, summed by station and week.
COUNTS = ("people_reached", "leaflets", "app_registrations", "clues")


def _station(db_session: Session, principal: Principal, body: OutreachCreate) -> Jurisdiction:
    """From the point, else the code, else the caller's station; checked for write (404)."""
    node: Jurisdiction | None = None
    if body.lat is not None and body.lon is not None:
        node = jurisdictions.jurisdiction_for_point(db_session, body.lat, body.lon)
    if node is None and body.jurisdiction_code is not None:
        node = jurisdictions.get_by_code(db_session, body.jurisdiction_code)
    if node is None:
        grant = principal.deepest_grant("outreach", "write")
        if grant is None:
            raise Forbidden("your roles do not allow write on outreach")
        node = jurisdictions.get(db_session, grant.jurisdiction_id)
    principal.check("outreach", "write", node.path)
    return node


def _check(body: OutreachCreate) -> None:
    if (body.lat is None) != (body.lon is None):
        raise InvalidInput("give both lat and lon, or neither", field="lat")
    if body.starts_at.tzinfo is None or body.ends_at.tzinfo is None:
        raise InvalidInput("times need a UTC offset, e.g. +08:00", field="starts_at")
    if not all(2000 <= t.year <= 2100 for t in (body.starts_at, body.ends_at)):
        raise InvalidInput("times must lie between the years 2000 and 2100", field="starts_at")
    if body.ends_at < body.starts_at:
        raise InvalidInput("the event ends before it starts", field="ends_at")
    if body.ends_at - body.starts_at > timedelta(days=7):
        raise InvalidInput("an event lasts at most 7 days", field="ends_at")


def _counts(event: OutreachEvent) -> dict[str, int]:
    return {
        "people_reached": event.people_reached,
        "leaflets": event.leaflets,
        "app_registrations": event.app_registrations,
        "clues": event.clues,
    }


def outreach_json(event: OutreachEvent, node: Jurisdiction) -> dict[str, Any]:
    return {
        "id": event.id,
        "jurisdiction_code": node.code,
        "kind": event.kind,
        "venue": event.venue,
        "place_text": event.place_text,
        "lat": event.lat,
        "lon": event.lon,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "staff": event.staff,
        "volunteers": event.volunteers,
        **_counts(event),
    }


def record_event(db_session: Session, principal: Principal, body: OutreachCreate) -> dict[str, Any]:
    """Store a stall or talk in its station's ledger."""
    principal.require("outreach", "write")
    _check(body)
    node = _station(db_session, principal, body)
    event = OutreachEvent(
        jurisdiction_id=node.id,
        created_by_id=principal.user_id,
        **body.model_dump(exclude={"jurisdiction_code"}),
    )
    db_session.add(event)
    db_session.flush()
    return outreach_json(event, node)


def _events(
    db_session: Session, principal: Principal, weeks: int
) -> list[tuple[OutreachEvent, Jurisdiction]]:
    principal.require("outreach", "read")
    since = utcnow() - timedelta(weeks=weeks)
    found = db_session.execute(
        select(OutreachEvent, Jurisdiction)
        .join(Jurisdiction, Jurisdiction.id == OutreachEvent.jurisdiction_id)
        .where(
            principal.visible_clause("outreach", "read", Jurisdiction.path),
            OutreachEvent.starts_at >= since,
        )
        .order_by(OutreachEvent.starts_at.desc(), OutreachEvent.id.desc())
    ).all()
    return [(row[0], row[1]) for row in found]


def list_events(
    db_session: Session, principal: Principal, *, weeks: int = 8
) -> list[dict[str, Any]]:
    """The ledger of the caller's stations, newest first."""
    return [outreach_json(event, node) for event, node in _events(db_session, principal, weeks)]


def weekly_outreach(
    db_session: Session, settings: Settings, principal: Principal, *, weeks: int = 8
) -> list[dict[str, Any]]:
    """Events and their summed figures by station and ISO week (district time zone)."""
    zone = ZoneInfo(settings.time_zone)
    sums: dict[tuple[str, str], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(("events", *COUNTS), 0)
    )
    for event, node in _events(db_session, principal, weeks):
        year, week, _ = event.starts_at.astimezone(zone).isocalendar()
        row = sums[(node.code, f"{year}-W{week:02d}")]
        row["events"] += 1
        for name, value in _counts(event).items():
            row[name] += value
    return [{"station": s, "week": w, **sums[(s, w)]} for s, w in sorted(sums)]
