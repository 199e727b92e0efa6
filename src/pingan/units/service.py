"""Units: create, list with freshness, status changes and position reports.

A unit whose last position is older than ``settings.position_stale_s`` is shown
(flagged ``stale``) but never recommended.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, String, select, type_coerce
from sqlalchemy.orm import Session

from pingan.audit import service as audit
from pingan.city import service as cities
from pingan.config import Settings
from pingan.db import utcnow
from pingan.errors import Conflict, InvalidInput, NotFound
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction
from pingan.principal import Principal
from pingan.units.models import DEFAULT_MODE, PositionReport, Unit, UnitStatus
from pingan.units.schemas import PositionBatchItem, PositionIn, UnitCreate

S = UnitStatus
#: Allowed status changes. Dispatch moves units available → en_route → on_scene →
#: available; people at the desk put units on and off duty.
UNIT_TRANSITIONS: dict[UnitStatus, frozenset[UnitStatus]] = {
    S.available: frozenset({S.en_route, S.off_duty, S.unavailable}),
    S.en_route: frozenset({S.on_scene, S.available, S.unavailable}),
    S.on_scene: frozenset({S.available, S.unavailable}),
    S.off_duty: frozenset({S.available}),
    S.unavailable: frozenset({S.available, S.off_duty}),
}
FUTURE_SLACK = timedelta(seconds=120)


@dataclass(frozen=True)
class UnitRow:
    """A unit with its home station's code and path, as reads need it."""

    unit: Unit
    station_code: str
    station_path: str


def is_stale(unit: Unit, settings: Settings, now: datetime | None = None) -> bool:
    if unit.last_seen_at is None or unit.lat is None:
        return True
    return ((now or utcnow()) - unit.last_seen_at).total_seconds() > settings.position_stale_s


def unit_json(row: UnitRow, settings: Settings, now: datetime | None = None) -> dict[str, object]:
    unit = row.unit
    return {
        "id": unit.id,
        "callsign": unit.callsign,
        "kind": unit.kind,
        "mode": unit.mode,
        "status": unit.status,
        "station_code": row.station_code,
        "city": unit.city,
        "members": list(unit.members or []),
        "shift": unit.shift,
        "lat": unit.lat,
        "lon": unit.lon,
        "last_seen_at": unit.last_seen_at,
        "stale": is_stale(unit, settings, now),
    }


def create_unit(db_session: Session, principal: Principal, data: UnitCreate) -> UnitRow:
    station = jurisdictions.get_by_code(db_session, data.station_code)
    principal.check("unit", "write", station.path)
    city = cities.get_city(db_session, data.city)
    if db_session.scalar(select(Unit.id).where(Unit.callsign == data.callsign)):
        raise InvalidInput(f"call sign {data.callsign!r} is taken", field="body.callsign")
    if (data.post_lat is None) != (data.post_lon is None):
        raise InvalidInput("give both post_lat and post_lon, or neither", field="body.post_lat")
    if data.post_lat is not None and data.post_lon is not None:
        cities.check_inside(city, data.post_lat, data.post_lon, field="body.post_lat")
    unit = Unit(
        jurisdiction_id=station.id,
        city=city.name,
        callsign=data.callsign,
        kind=data.kind,
        mode=data.mode or DEFAULT_MODE[data.kind],
        status=UnitStatus.available,
        members=list(data.members),
        shift=data.shift,
        post_lat=data.post_lat,
        post_lon=data.post_lon,
        lat=data.post_lat,
        lon=data.post_lon,
        last_seen_at=utcnow() if data.post_lat is not None else None,
    )
    db_session.add(unit)
    db_session.flush()
    audit.record(
        db_session,
        action="unit.create",
        object_type="unit",
        object_id=unit.id,
        principal=principal,
        jurisdiction_id=station.id,
    )
    return UnitRow(unit, station.code, station.path)


def _rows(db_session: Session, query: Select[Unit, str, str]) -> list[UnitRow]:
    return [UnitRow(u, code, path) for u, code, path in db_session.execute(query).all()]


def _base_query() -> Select[Unit, str, str]:
    return select(Unit, Jurisdiction.code, Jurisdiction.path).join(
        Jurisdiction, Jurisdiction.id == Unit.jurisdiction_id
    )


def list_units(
    db_session: Session,
    principal: Principal,
    *,
    city: str | None = None,
    status: UnitStatus | None = None,
    changed_since: datetime | None = None,
) -> list[UnitRow]:
    """The units the caller may read; with ``changed_since``, only those whose
    ``updated_at`` is at or after it (the live stream's read, which must not load every
    unit on each change)."""
    principal.require("unit", "read")
    query = _base_query().where(principal.visible_clause("unit", "read", Jurisdiction.path))
    if city:
        query = query.where(Unit.city == city)
    if status:
        query = query.where(Unit.status == status)
    if changed_since is not None:
        query = query.where(Unit.updated_at >= changed_since)
    return _rows(db_session, query.order_by(Unit.callsign))


def units_in_city(db_session: Session, city: str) -> list[UnitRow]:
    """Every unit of a city, whoever holds it (dispatch recommends across stations)."""
    return _rows(db_session, _base_query().where(Unit.city == city).order_by(Unit.id))


@dataclass(frozen=True)
class UnitBrief:
    """What a recommendation needs of a unit (read without the ORM, for speed)."""

    id: int
    callsign: str
    kind: str
    mode: str
    status: str
    station_code: str
    lat: float | None
    lon: float | None
    last_seen_at: datetime | None
    #: The home station's path (who may send the unit: its own station, or mutual aid).
    station_path: str = ""


def unit_briefs(db_session: Session, city: str) -> list[UnitBrief]:
    """Every unit of a city, whoever holds it, as plain values (one Core query).

    About five times faster than :func:`units_in_city` for hundreds of units: no ORM
    identity map, no JSON members.
    """
    # The enums are read as their stored strings: no Enum objects to build.
    query = (
        select(
            Unit.id,
            Unit.callsign,
            type_coerce(Unit.kind, String),
            type_coerce(Unit.mode, String),
            type_coerce(Unit.status, String),
            Jurisdiction.code,
            Unit.lat,
            Unit.lon,
            type_coerce(Unit.last_seen_at, String),
            Jurisdiction.path,
        )
        .join(Jurisdiction, Jurisdiction.id == Unit.jurisdiction_id)
        .where(Unit.city == city)
        .order_by(Unit.id)
    )
    return [UnitBrief(*row[:8], _utc(row[8]), row[9]) for row in db_session.execute(query).all()]


@dataclass(frozen=True)
class PositionFix:
    """One reported position of a unit (time in UTC, WGS84 degrees)."""

    unit_id: int
    at: datetime
    lat: float
    lon: float


def positions_in_city(
    db_session: Session, city: str, since: datetime, until: datetime
) -> list[PositionFix]:
    """The position reports of every unit of ``city``, whoever holds it, reported from
    ``since`` to ``until`` (both included), in no particular order."""
    rows = db_session.execute(
        select(PositionReport.unit_id, PositionReport.at, PositionReport.lat, PositionReport.lon)
        .join(Unit, Unit.id == PositionReport.unit_id)
        .where(Unit.city == city, PositionReport.at >= since, PositionReport.at <= until)
    ).all()
    return [PositionFix(*row) for row in rows]


def _utc(value: datetime | str | None) -> datetime | None:
    """A stored UTC time as an aware datetime: SQLite keeps ISO text (parsed here with
    ``fromisoformat``, several times faster than the generic result processor), the
    PostgreSQL driver hands back aware datetimes."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def get_unit(
    db_session: Session, principal: Principal, unit_id: int, action: str = "read"
) -> UnitRow:
    principal.require("unit", action)
    found = _rows(db_session, _base_query().where(Unit.id == unit_id))
    if not found:
        raise NotFound("no such unit")
    principal.check("unit", action, found[0].station_path)
    return found[0]


def move_status(unit: Unit, to: UnitStatus) -> None:
    """Change a unit's status; an invalid change raises :class:`Conflict` (409)."""
    if to is unit.status:
        return
    if to not in UNIT_TRANSITIONS[unit.status]:
        allowed = ", ".join(sorted(s.value for s in UNIT_TRANSITIONS[unit.status]))
        raise Conflict(
            f"unit {unit.callsign} is {unit.status.value} and cannot become "
            f"{to.value} (allowed: {allowed})",
            field="status",
        )
    unit.status = to
    unit.updated_at = utcnow()


def set_status(db_session: Session, principal: Principal, unit_id: int, to: UnitStatus) -> UnitRow:
    row = get_unit(db_session, principal, unit_id, "write")
    before = row.unit.status
    move_status(row.unit, to)
    db_session.flush()
    audit.record(
        db_session,
        action=f"unit.status.{before.value}->{to.value}"[:64],
        object_type="unit",
        object_id=unit_id,
        principal=principal,
        jurisdiction_id=row.unit.jurisdiction_id,
    )
    return row


def _apply_position(
    db_session: Session,
    unit: Unit,
    lat: float,
    lon: float,
    at: datetime | None,
    field: str,
    now: datetime,
) -> None:
    if at is None:
        at = now
    elif at.tzinfo is None:
        raise InvalidInput("give the time with its UTC offset", field=f"{field}.at")
    if at > now + FUTURE_SLACK:
        raise InvalidInput("the position time lies in the future", field=f"{field}.at")
    city = cities.get_city(db_session, unit.city)
    cities.check_inside(city, lat, lon, field=f"{field}.lat")
    db_session.add(PositionReport(unit_id=unit.id, at=at, lat=lat, lon=lon, received_at=now))
    if unit.last_seen_at is None or at >= unit.last_seen_at:
        unit.lat, unit.lon, unit.last_seen_at = lat, lon, at
        unit.updated_at = now


def report_position(
    db_session: Session, principal: Principal, unit_id: int, data: PositionIn
) -> UnitRow:
    row = get_unit(db_session, principal, unit_id, "position")
    _apply_position(db_session, row.unit, data.lat, data.lon, data.at, "body", utcnow())
    db_session.flush()
    return row


def report_positions(
    db_session: Session, principal: Principal, items: list[PositionBatchItem]
) -> int:
    """An AVL batch: all positions are checked first; one bad item refuses the batch."""
    principal.require("unit", "position")
    now = utcnow()
    ids = {i.unit_id for i in items if i.unit_id is not None}
    signs = {i.callsign for i in items if i.callsign}
    query = _base_query().where((Unit.id.in_(ids)) | (Unit.callsign.in_(signs)))
    by_id: dict[int, UnitRow] = {}
    by_sign: dict[str, UnitRow] = {}
    for row in _rows(db_session, query):
        by_id[row.unit.id] = row
        by_sign[row.unit.callsign] = row
    for index, item in enumerate(items):
        field = f"body.positions.{index}"
        target = (
            by_id.get(item.unit_id)
            if item.unit_id is not None
            else by_sign.get(item.callsign or "")
        )
        if target is None or not principal.can("unit", "position", target.station_path):
            raise InvalidInput("no such unit", field=f"{field}.unit_id")
        _apply_position(db_session, target.unit, item.lat, item.lon, item.at, field, now)
    db_session.flush()
    return len(items)
