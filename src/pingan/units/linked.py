"""Units kept by another service rather than by the desk: a joint patrol of volunteers and
police (群防群治) comes on duty when its first member checks in at a point of the active
patrol plan, moves with its members' check-ins and phone positions, and stands down when
the last one checks out.

These functions act for the system, not for a caller: the service that calls them has
checked who may do what. Positions go through the same path as a phone's position report
(:func:`pingan.units.service.report_position`), so dispatch and the observed visibility
(见警率) see them as any unit's.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.db import utcnow
from pingan.errors import Conflict
from pingan.units.models import DEFAULT_MODE, Unit, UnitKind, UnitStatus
from pingan.units.service import _apply_position, move_status


def ensure_unit(
    db_session: Session,
    *,
    station_id: int,
    city: str,
    callsign: str,
    kind: UnitKind,
    members: list[str],
) -> Unit:
    """The unit with ``callsign``, made (off duty) when there is none yet; its members are
    set to ``members``."""
    unit = db_session.scalar(select(Unit).where(Unit.callsign == callsign))
    if unit is None:
        unit = Unit(
            jurisdiction_id=station_id,
            city=city,
            callsign=callsign,
            kind=kind,
            mode=DEFAULT_MODE[kind],
            status=UnitStatus.off_duty,
            members=[],
        )
        db_session.add(unit)
    unit.members = list(members)
    db_session.flush()
    return unit


def come_on_duty(db_session: Session, unit: Unit, lat: float, lon: float, at: datetime) -> None:
    """The unit is available at (``lat``, ``lon``) from ``at`` (a unit already working an
    incident keeps its status)."""
    if unit.status in (UnitStatus.off_duty, UnitStatus.unavailable):
        move_status(unit, UnitStatus.available)
    place(db_session, unit, lat, lon, at)


def place(db_session: Session, unit: Unit, lat: float, lon: float, at: datetime) -> None:
    """A position fix of the unit (checked against its city as any report)."""
    _apply_position(db_session, unit, lat, lon, at, "body", utcnow())
    db_session.flush()


def stand_down(db_session: Session, unit: Unit) -> None:
    """The unit goes off duty, unless it is on its way to or at an incident."""
    try:
        move_status(unit, UnitStatus.off_duty)
    except Conflict:
        return
    db_session.flush()
