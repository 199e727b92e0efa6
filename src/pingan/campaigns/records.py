"""The records behind what a campaign did, per jurisdiction and period: the figure and its
list come from the same rows, so a count in the closing report is the length of the list
its link opens.

Kinds (``KINDS``):

* ``shifts``: the patrol shifts on the plans (``volunteer_shift``, joint patrols with a
  police unit) starting in the period: patrol hours (their summed length) and groups
  stationed (distinct plan and group numbers);
* ``stalls``: anti-fraud outreach stalls (摆摊宣传) starting in the period, and the people
  they reached;
* ``rooms``: fire control rooms surveyed in the period;
* ``inspections``: fire-safety inspections of sites in the period;
* ``hazards``: hazards found in the period, rectified by their deadline, overdue now;
* ``drills``: evacuation drills and extinguisher practice held in the period;
* ``checkins``: volunteers' check-ins at patrol points in the period (distinct volunteers);
* ``visibility``: each focus place's focus window on each day, its hours and the hours a
  unit was seen there (:mod:`pingan.campaigns.visibility`).

Rows carry no personal data: volunteers by id, inspectors and attendees left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from pingan.analytics.history import local_midnight
from pingan.antifraud.models import OutreachEvent, OutreachKind
from pingan.campaigns.creation import jurisdictions_of
from pingan.campaigns.models import Campaign, FocusPlace
from pingan.campaigns.visibility import place_nights, places_of
from pingan.community.models import CheckIn, CheckKind, Shift
from pingan.config import Settings
from pingan.db import utcnow
from pingan.errors import InvalidInput, NotFound
from pingan.jurisdictions.models import Jurisdiction
from pingan.ledgers import hazards
from pingan.ledgers.models import (
    ControlRoom,
    Hazard,
    HazardStatus,
    Inspection,
    Site,
    TrainingSession,
)
from pingan.ledgers.training import DRILLS
from pingan.principal import Principal

KINDS = (
    "shifts",
    "stalls",
    "rooms",
    "inspections",
    "hazards",
    "drills",
    "checkins",
    "visibility",
)
MAX_ROWS = 500


def records_link(campaign: Campaign, kind: str, code: str, first: dt.date, last: dt.date) -> str:
    """The campaign's records API listing the rows behind a figure."""
    return (
        f"/api/v1/campaigns/{campaign.id}/records/{kind}?jurisdiction={code}"
        f"&from={first.isoformat()}&to={last.isoformat()}"
    )


def _under(node: Jurisdiction) -> Any:
    return Jurisdiction.path.startswith(node.path, autoescape=True)


def _shifts(node: Jurisdiction, since: dt.datetime, until: dt.datetime) -> Select[Any]:
    return (
        select(Shift)
        .join(Jurisdiction, Jurisdiction.id == Shift.jurisdiction_id)
        .where(_under(node), Shift.starts_at >= since, Shift.starts_at < until)
        .order_by(Shift.starts_at, Shift.id)
    )


def _stalls(node: Jurisdiction, since: dt.datetime, until: dt.datetime) -> Select[Any]:
    return (
        select(OutreachEvent)
        .join(Jurisdiction, Jurisdiction.id == OutreachEvent.jurisdiction_id)
        .where(
            _under(node),
            OutreachEvent.kind == OutreachKind.stall,
            OutreachEvent.starts_at >= since,
            OutreachEvent.starts_at < until,
        )
        .order_by(OutreachEvent.starts_at, OutreachEvent.id)
    )


def _at_sites(model: Any, node: Jurisdiction) -> Select[Any]:
    return (
        select(model, Site.code, Site.name)
        .join(Site, Site.id == model.site_id)
        .join(Jurisdiction, Jurisdiction.id == Site.jurisdiction_id)
        .where(_under(node))
    )


def _hours(start: dt.datetime, end: dt.datetime) -> float:
    return round((end - start).total_seconds() / 3600, 2)


def _listing(
    db_session: Session,
    settings: Settings,
    node: Jurisdiction,
    kind: str,
    first: dt.date,
    last: dt.date,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every row of ``kind`` and the figures made of them."""
    since = local_midnight(first, settings.time_zone)
    until = local_midnight(last + dt.timedelta(days=1), settings.time_zone)
    if kind == "shifts":
        shifts = list(db_session.scalars(_shifts(node, since, until)))
        rows = [
            {
                "id": s.id,
                "plan_id": s.plan_id,
                "group": s.group_no,
                "point_kind": str(s.point_kind),
                "starts_at": s.starts_at,
                "ends_at": s.ends_at,
                "hours": _hours(s.starts_at, s.ends_at),
                "unit_id": s.unit_id,
                "simulated": s.simulated,
            }
            for s in shifts
        ]
        return rows, {
            "shifts": len(rows),
            "patrol_hours": round(sum(r["hours"] for r in rows), 1),
            "groups": len({(r["plan_id"], r["group"]) for r in rows}),
        }
    if kind == "stalls":
        events = list(db_session.scalars(_stalls(node, since, until)))
        rows = [
            {
                "id": e.id,
                "venue": str(e.venue),
                "place": e.place_text,
                "starts_at": e.starts_at,
                "ends_at": e.ends_at,
                "staff": e.staff,
                "volunteers": e.volunteers,
                "people_reached": e.people_reached,
            }
            for e in events
        ]
        return rows, {"stalls": len(rows), "people_reached": sum(r["people_reached"] for r in rows)}
    if kind == "rooms":
        query = _at_sites(ControlRoom, node).where(
            ControlRoom.surveyed_at >= since, ControlRoom.surveyed_at < until
        )
        rows = [
            {
                "id": r.id,
                "code": r.code,
                "site": code,
                "site_name": name,
                "surveyed_at": r.surveyed_at,
            }
            for r, code, name in db_session.execute(query.order_by(ControlRoom.surveyed_at))
        ]
        return rows, {"rooms": len(rows)}
    if kind == "inspections":
        query = _at_sites(Inspection, node).where(Inspection.at >= since, Inspection.at < until)
        rows = [
            {"id": i.id, "kind": str(i.kind), "site": code, "site_name": name, "at": i.at}
            for i, code, name in db_session.execute(query.order_by(Inspection.at, Inspection.id))
        ]
        return rows, {"inspections": len(rows)}
    if kind == "hazards":
        query = _at_sites(Hazard, node).where(Hazard.found_at >= since, Hazard.found_at < until)
        now = utcnow()
        rows = [
            {
                "id": h.id,
                "site": code,
                "site_name": name,
                "severity": str(h.severity),
                "found_at": h.found_at,
                "deadline": h.deadline,
                "status": str(h.status),
                "closed_at": h.closed_at,
                "on_time": h.status is HazardStatus.closed
                and h.closed_at is not None
                and h.closed_at <= h.deadline,
                "overdue": hazards.is_overdue(h, now),
            }
            for h, code, name in db_session.execute(query.order_by(Hazard.found_at, Hazard.id))
        ]
        return rows, {
            "found": len(rows),
            "on_time": sum(r["on_time"] for r in rows),
            "overdue": sum(r["overdue"] for r in rows),
        }
    if kind == "drills":
        query = _at_sites(TrainingSession, node).where(
            TrainingSession.kind.in_(DRILLS),
            TrainingSession.held_on >= first,
            TrainingSession.held_on <= last,
        )
        rows = [
            {
                "id": t.id,
                "kind": str(t.kind),
                "site": code,
                "site_name": name,
                "held_on": t.held_on,
                "attendee_count": t.attendee_count,
            }
            for t, code, name in db_session.execute(query.order_by(TrainingSession.held_on))
        ]
        return rows, {"drills": len(rows)}
    if kind == "checkins":
        query = (
            select(CheckIn)
            .join(Jurisdiction, Jurisdiction.id == CheckIn.jurisdiction_id)
            .where(
                _under(node),
                CheckIn.kind == CheckKind.check_in,
                CheckIn.at >= since,
                CheckIn.at < until,
            )
            .order_by(CheckIn.at, CheckIn.id)
        )
        rows = [
            {
                "id": c.id,
                "volunteer_id": c.volunteer_id,
                "shift_id": c.shift_id,
                "plan_id": c.plan_id,
                "point": c.point,
                "at": c.at,
            }
            for c in db_session.scalars(query)
        ]
        return rows, {"checkins": len(rows), "volunteers": len({r["volunteer_id"] for r in rows})}
    raise InvalidInput(f"kind must be one of {', '.join(KINDS)}", field="kind")


def visibility_rows(
    db_session: Session,
    settings: Settings,
    places: Sequence[FocusPlace],
    first: dt.date,
    last: dt.date,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Each place's window on each day with its hours and the hours a unit was seen."""
    zone = ZoneInfo(settings.time_zone)
    rows: list[dict[str, Any]] = []
    for place in places:
        for night in place_nights(db_session, place, first, last, zone):
            rows.append(
                {
                    "place_id": place.id,
                    "place": place.name,
                    "day": night.day,
                    "opens": night.opens,
                    "closes": night.closes,
                    "hours": night.hours,
                    "seen_hours": night.seen_h,
                    "positions": night.positions,
                }
            )
    return rows, {
        "hours": round(sum(r["hours"] for r in rows), 2),
        "seen_hours": round(sum(r["seen_hours"] for r in rows), 2),
        "positions": sum(r["positions"] for r in rows),
    }


def records(
    db_session: Session,
    settings: Settings,
    node: Jurisdiction,
    kind: str,
    first: dt.date,
    last: dt.date,
    *,
    places: Sequence[FocusPlace] = (),
    limit: int = 100,
    offset: int = 0,
) -> dict[str, Any]:
    """The rows of ``kind`` for ``node`` over ``first`` … ``last`` (a page of them) and the
    figures made of all of them."""
    if kind not in KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(KINDS)}", field="kind")
    lister: Callable[[], tuple[list[dict[str, Any]], dict[str, Any]]] = (
        (lambda: visibility_rows(db_session, settings, places, first, last))
        if kind == "visibility"
        else (lambda: _listing(db_session, settings, node, kind, first, last))
    )
    rows, figures = lister()
    return {
        "kind": kind,
        "jurisdiction": node.code,
        "from": first,
        "to": last,
        "figures": figures,
        "total": len(rows),
        "rows": rows[offset : offset + min(limit, MAX_ROWS)],
    }


def campaign_records(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    campaign: Campaign,
    kind: str,
    code: str,
    first: dt.date | None,
    last: dt.date | None,
    *,
    limit: int = 100,
    offset: int = 0,
) -> dict[str, Any]:
    """:func:`records` for a jurisdiction the campaign covers and the caller reads (else
    404), over days inside the campaign (default: all of it; else 422)."""
    covered = jurisdictions_of(db_session, campaign)
    node = next((n for n in covered if n.code == code), None)
    if node is None or not principal.can("campaign", "read", node.path):
        raise NotFound(
            f"the campaign covers no jurisdiction {code!r} you hold", field="jurisdiction"
        )
    first = first or campaign.starts_on
    last = last or campaign.ends_on
    if last < first:
        raise InvalidInput("the period ends before it starts", field="to")
    if first < campaign.starts_on or last > campaign.ends_on:
        raise InvalidInput(
            f"the campaign runs from {campaign.starts_on} to {campaign.ends_on}", field="from"
        )
    places: list[FocusPlace] = []
    if kind == "visibility":
        every = list(
            db_session.scalars(
                select(FocusPlace)
                .where(FocusPlace.campaign_id == campaign.id)
                .order_by(FocusPlace.id)
            )
        )
        places = places_of(db_session, node, covered, every)
    return records(
        db_session, settings, node, kind, first, last, places=places, limit=limit, offset=offset
    )
