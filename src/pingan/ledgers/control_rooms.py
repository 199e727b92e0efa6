"""Fire control rooms (消防控制室): their systems' modes and states and their certified
operators (消防设施操作员), with certificates expiring soon."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.audit import service as audit
from pingan.errors import Conflict, NotFound
from pingan.incidents import privacy
from pingan.jurisdictions.models import Jurisdiction
from pingan.ledgers.models import ControlRoom, Operator, Site, Source
from pingan.ledgers.schemas import SYSTEMS, ControlRoomWrite, OperatorWrite
from pingan.ledgers.sites import ledger_sight, load_site
from pingan.principal import Principal


def load_room(
    db_session: Session, principal: Principal, room_id: int, action: str = "read"
) -> tuple[ControlRoom, Site, Jurisdiction]:
    """The room, its site and station, when ``principal`` may do ``action`` (else 404)."""
    found = db_session.execute(
        select(ControlRoom, Site, Jurisdiction)
        .join(Site, Site.id == ControlRoom.site_id)
        .join(Jurisdiction, Jurisdiction.id == Site.jurisdiction_id)
        .where(ControlRoom.id == room_id)
    ).first()
    if found is None:
        raise NotFound("no such control room")
    principal.check("ledger", action, found[2].path)
    return found[0], found[1], found[2]


def room_by_code(
    db_session: Session, principal: Principal, code: str, action: str = "read"
) -> tuple[ControlRoom, Site, Jurisdiction]:
    room_id = db_session.scalar(select(ControlRoom.id).where(ControlRoom.code == code))
    if room_id is None:
        raise NotFound(f"no control room {code!r}")
    return load_room(db_session, principal, room_id, action)


def site_by_code(db_session: Session, principal: Principal, code: str, action: str) -> Site:
    site_id = db_session.scalar(select(Site.id).where(Site.code == code))
    if site_id is None:
        raise NotFound(f"no site {code!r}")
    return load_site(db_session, principal, site_id, action)[0]


def operators_of(db_session: Session, room_ids: list[int]) -> dict[int, list[Operator]]:
    found: dict[int, list[Operator]] = {room_id: [] for room_id in room_ids}
    for operator in db_session.scalars(
        select(Operator).where(Operator.control_room_id.in_(room_ids)).order_by(Operator.id)
    ):
        found[operator.control_room_id].append(operator)
    return found


def operator_json(operator: Operator, sight: privacy.Sight) -> dict[str, Any]:
    return {
        "id": operator.id,
        "name": privacy.redact(operator.name, sight, privacy.Field.name),
        "certificate_no": operator.certificate_no,
        "level": operator.level,
        "expires_on": operator.expires_on,
    }


def room_json(
    room: ControlRoom,
    site: Site,
    node: Jurisdiction,
    operators: list[Operator],
    sight: privacy.Sight,
) -> dict[str, Any]:
    return {
        "id": room.id,
        "code": room.code,
        "site_id": site.id,
        "site_code": site.code,
        "site_name": site.name,
        "jurisdiction_code": node.code,
        "location": room.location,
        "systems": {name: room.systems.get(name) for name in SYSTEMS if name in room.systems},
        "surveyed_at": room.surveyed_at,
        "source": room.source,
        "operators": [operator_json(o, sight) for o in operators],
    }


def _set_operators(db_session: Session, room: ControlRoom, operators: list[OperatorWrite]) -> None:
    for old in db_session.scalars(select(Operator).where(Operator.control_room_id == room.id)):
        db_session.delete(old)
    db_session.flush()
    for operator in operators:
        db_session.add(Operator(control_room_id=room.id, **operator.model_dump()))


def add_room(
    db_session: Session,
    principal: Principal,
    body: ControlRoomWrite,
    *,
    source: Source = Source.manual,
) -> ControlRoom:
    """Store a control room of a site the caller may write (a taken code: 409); audited."""
    principal.require("ledger", "write")
    site = site_by_code(db_session, principal, body.site_code, "write")
    if db_session.scalar(select(ControlRoom.id).where(ControlRoom.code == body.code)):
        raise Conflict(f"control room code {body.code!r} is already in the ledger", field="code")
    room = ControlRoom(
        code=body.code,
        site_id=site.id,
        location=body.location,
        systems={name: state.model_dump() for name, state in body.systems.items()},
        surveyed_at=body.surveyed_at,
        source=source,
    )
    db_session.add(room)
    db_session.flush()
    _set_operators(db_session, room, body.operators)
    db_session.flush()
    audit.record(
        db_session,
        action="ledger.control_room.create",
        object_type="ledger_control_room",
        object_id=room.id,
        principal=principal,
        jurisdiction_id=site.jurisdiction_id,
    )
    return room


def update_room(
    db_session: Session, principal: Principal, room_id: int, body: ControlRoomWrite
) -> ControlRoom:
    room, site, _node = load_room(db_session, principal, room_id, "write")
    room.location = body.location
    room.systems = {name: state.model_dump() for name, state in body.systems.items()}
    room.surveyed_at = body.surveyed_at
    _set_operators(db_session, room, body.operators)
    db_session.flush()
    audit.record(
        db_session,
        action="ledger.control_room.update",
        object_type="ledger_control_room",
        object_id=room.id,
        principal=principal,
        jurisdiction_id=site.jurisdiction_id,
    )
    return room


def visible_rooms(
    db_session: Session, principal: Principal, *, site_id: int | None = None
) -> list[tuple[ControlRoom, Site, Jurisdiction]]:
    principal.require("ledger", "read")
    query = (
        select(ControlRoom, Site, Jurisdiction)
        .join(Site, Site.id == ControlRoom.site_id)
        .join(Jurisdiction, Jurisdiction.id == Site.jurisdiction_id)
        .where(principal.visible_clause("ledger", "read", Jurisdiction.path))
        .order_by(ControlRoom.code)
    )
    if site_id is not None:
        query = query.where(ControlRoom.site_id == site_id)
    return [(row[0], row[1], row[2]) for row in db_session.execute(query)]


def read_rooms(
    db_session: Session,
    principal: Principal,
    rows: list[tuple[ControlRoom, Site, Jurisdiction]],
) -> list[dict[str, Any]]:
    """Rooms as ``principal`` may see them (operators' names masked or audited)."""
    operators = operators_of(db_session, [room.id for room, _, _ in rows])
    out = []
    for room, site, node in rows:
        sight = ledger_sight(principal, node.path)
        if sight.sees_any and operators[room.id]:
            audit.record(
                db_session,
                action="personal_data.read",
                object_type="ledger_control_room",
                object_id=room.id,
                principal=principal,
                jurisdiction_id=site.jurisdiction_id,
            )
        out.append(room_json(room, site, node, operators[room.id], sight))
    return out


def list_rooms(
    db_session: Session, principal: Principal, *, site_id: int | None = None
) -> list[dict[str, Any]]:
    return read_rooms(db_session, principal, visible_rooms(db_session, principal, site_id=site_id))


def get_room(db_session: Session, principal: Principal, room_id: int) -> dict[str, Any]:
    principal.require("ledger", "read")
    return read_rooms(db_session, principal, [load_room(db_session, principal, room_id)])[0]


def expiring_certificates(
    db_session: Session, principal: Principal, today: date, within_days: int
) -> list[dict[str, Any]]:
    """Operators whose certificate has expired or expires within ``within_days``."""
    principal.require("ledger", "read")
    horizon = today + timedelta(days=within_days)
    rows = db_session.execute(
        select(Operator, ControlRoom, Site, Jurisdiction)
        .join(ControlRoom, ControlRoom.id == Operator.control_room_id)
        .join(Site, Site.id == ControlRoom.site_id)
        .join(Jurisdiction, Jurisdiction.id == Site.jurisdiction_id)
        .where(
            principal.visible_clause("ledger", "read", Jurisdiction.path),
            Operator.expires_on.is_not(None),
            Operator.expires_on <= horizon,
        )
        .order_by(Operator.expires_on, Operator.id)
    ).all()
    out = []
    for operator, room, site, node in rows:
        sight = ledger_sight(principal, node.path)
        out.append(
            {
                **operator_json(operator, sight),
                "control_room_code": room.code,
                "site_id": site.id,
                "site_name": site.name,
                "days_left": (operator.expires_on - today).days if operator.expires_on else 0,
            }
        )
    return out
