"""Volunteers: applications from the public page, entry by an officer, the lifecycle
applied → approved → active → paused / left, and reads masked through the one masking
function (:func:`pingan.incidents.privacy.redact`); unmasked reads are audited.

A step out of order raises :class:`Conflict` (409).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pingan.audit import service as audit
from pingan.community.models import Qualification, Volunteer, VolunteerStatus, VolunteerTeam
from pingan.community.schemas import (
    QualificationIn,
    VolunteerApply,
    VolunteerCreate,
    VolunteerUpdate,
)
from pingan.config import Settings
from pingan.db import utcnow
from pingan.errors import Conflict, InvalidInput, NotFound
from pingan.incidents import privacy
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction, Level
from pingan.principal import Principal

S = VolunteerStatus
#: Allowed status changes (an officer approves; "left" is final).
TRANSITIONS: dict[VolunteerStatus, frozenset[VolunteerStatus]] = {
    S.applied: frozenset({S.approved, S.left}),
    S.approved: frozenset({S.active, S.left}),
    S.active: frozenset({S.paused, S.left}),
    S.paused: frozenset({S.active, S.left}),
    S.left: frozenset(),
}
#: Volunteers who may sign up and check in.
ON_DUTY_STATUSES = frozenset({S.approved, S.active})


def where(prefix: str, column: str) -> str:
    """The field name of ``column``: ``body.phone`` in a request, ``line 3, column phone``
    in an imported file."""
    return f"{prefix}, column {column}" if prefix.startswith("line") else f"{prefix}.{column}"


def station_by_code(db_session: Session, code: str, field: str = "station_code") -> Jurisdiction:
    try:
        node = jurisdictions.get_by_code(db_session, code)
    except NotFound:
        raise InvalidInput(f"no station {code!r}", field=field) from None
    if node.level is not Level.station:
        raise InvalidInput(f"{code!r} is not a police station", field=field)
    return node


def grid_in(db_session: Session, station: Jurisdiction, code: str | None, field: str) -> int | None:
    """The id of the grid ``code`` inside ``station`` (None for no code)."""
    if not code:
        return None
    try:
        node = jurisdictions.get_by_code(db_session, code)
    except NotFound:
        raise InvalidInput(f"no grid {code!r}", field=field) from None
    if node.level is not Level.grid or not jurisdictions.is_within(node.path, station.path):
        raise InvalidInput(f"{code!r} is not a grid of {station.code}", field=field)
    return node.id


def _check_phone(phone: str, field: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    if not 7 <= len(digits) <= 15:
        raise InvalidInput("the phone number needs 7 to 15 digits", field=field)
    return phone.strip()


def _check_id_number(value: str | None, field: str) -> str | None:
    if value is None or not value.strip():
        return None
    value = value.strip().upper()
    if (
        len(value) != 18
        or not value[:17].isdigit()
        or not (value[17].isdigit() or value[17] == "X")
    ):
        raise InvalidInput("an ID number has 17 digits and a digit or X", field=field)
    return value


def _new_volunteer(
    db_session: Session, body: VolunteerApply, status: VolunteerStatus, prefix: str = "body"
) -> Volunteer:
    station = station_by_code(db_session, body.station_code, where(prefix, "station_code"))
    name = body.name.strip()
    if not name:
        raise InvalidInput("the name is empty", field=where(prefix, "name"))
    volunteer = Volunteer(
        jurisdiction_id=station.id,
        grid_id=grid_in(db_session, station, body.grid_code, where(prefix, "grid_code")),
        name=name,
        phone=_check_phone(body.phone, where(prefix, "phone")),
        id_number=_check_id_number(body.id_number, where(prefix, "id_number")),
        skills=sorted(set(body.skills)),
        availability=body.availability.strip(),
        status=status,
    )
    return volunteer


def application_places(db_session: Session) -> list[dict[str, Any]]:
    """The stations one may apply to, each with its grids (for the public page)."""
    nodes = db_session.scalars(
        select(Jurisdiction)
        .where(Jurisdiction.level.in_((Level.station, Level.grid)))
        .order_by(Jurisdiction.path)
    ).all()
    grids: dict[str, list[dict[str, str]]] = {}
    stations = [n for n in nodes if n.level is Level.station]
    for node in nodes:
        if node.level is Level.grid:
            for station in stations:
                if jurisdictions.is_within(node.path, station.path):
                    grids.setdefault(station.code, []).append(
                        {"code": node.code, "name_zh": node.name_zh, "name_en": node.name_en}
                    )
    return [
        {
            "code": n.code,
            "name_zh": n.name_zh,
            "name_en": n.name_en,
            "grids": grids.get(n.code, []),
        }
        for n in stations
    ]


def apply(db_session: Session, body: VolunteerApply) -> Volunteer:
    """An application from the public page: status ``applied``, an officer approves."""
    volunteer = _new_volunteer(db_session, body, S.applied)
    db_session.add(volunteer)
    db_session.flush()
    return volunteer


def _check_team(
    db_session: Session, team_id: int | None, station_id: int, field: str
) -> int | None:
    if team_id is None:
        return None
    team = db_session.get(VolunteerTeam, team_id)
    if team is None or team.jurisdiction_id != station_id:
        raise InvalidInput(f"no team {team_id} at this station", field=field)
    return team.id


def create_volunteer(
    db_session: Session,
    principal: Principal,
    body: VolunteerCreate,
    *,
    prefix: str = "body",
    simulated: bool = False,
) -> Volunteer:
    """A volunteer entered by an officer: approved at once."""
    station = station_by_code(db_session, body.station_code, where(prefix, "station_code"))
    principal.check("volunteer", "write", station.path)
    volunteer = _new_volunteer(db_session, body, S.approved, prefix)
    volunteer.team_id = _check_team(db_session, body.team_id, station.id, where(prefix, "team_id"))
    volunteer.approved_by_id = principal.user_id
    volunteer.simulated = simulated
    db_session.add(volunteer)
    db_session.flush()
    return volunteer


def load_checked(
    db_session: Session, principal: Principal, volunteer_id: int, action: str
) -> tuple[Volunteer, Jurisdiction]:
    """The volunteer and their station, when ``principal`` may do ``action`` (else 404)."""
    found = db_session.execute(
        select(Volunteer, Jurisdiction)
        .join(Jurisdiction, Jurisdiction.id == Volunteer.jurisdiction_id)
        .where(Volunteer.id == volunteer_id)
    ).first()
    if found is None:
        raise NotFound("no such volunteer")
    principal.check("volunteer", action, found[1].path)
    return found[0], found[1]


def change_status(
    db_session: Session, principal: Principal, volunteer_id: int, to: VolunteerStatus
) -> Volunteer:
    """Move the volunteer along the lifecycle; a step out of order is a 409."""
    volunteer, _station = load_checked(db_session, principal, volunteer_id, "write")
    if to is volunteer.status:
        return volunteer
    if to not in TRANSITIONS[volunteer.status]:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[volunteer.status])) or "none"
        raise Conflict(
            f"volunteer {volunteer_id} is {volunteer.status.value} and cannot become "
            f"{to.value} (allowed: {allowed})",
            field="status",
        )
    before = volunteer.status
    volunteer.status = to
    volunteer.status_changed_at = utcnow()
    if before is S.applied and to is S.approved:
        volunteer.approved_by_id = principal.user_id
    db_session.flush()
    audit.record(
        db_session,
        action=f"volunteer.status.{before.value}->{to.value}",
        object_type="volunteer",
        object_id=volunteer.id,
        principal=principal,
        jurisdiction_id=volunteer.jurisdiction_id,
    )
    return volunteer


def update_volunteer(
    db_session: Session, principal: Principal, volunteer_id: int, body: VolunteerUpdate
) -> Volunteer:
    volunteer, station = load_checked(db_session, principal, volunteer_id, "write")
    if body.grid_code is not None:
        volunteer.grid_id = grid_in(db_session, station, body.grid_code, "body.grid_code")
    if "team_id" in body.model_fields_set:
        volunteer.team_id = _check_team(db_session, body.team_id, station.id, "body.team_id")
    if body.skills is not None:
        volunteer.skills = sorted(set(body.skills))
    if body.availability is not None:
        volunteer.availability = body.availability.strip()
    db_session.flush()
    return volunteer


def set_qualification(
    db_session: Session, principal: Principal, volunteer_id: int, body: QualificationIn
) -> Qualification:
    """Record (or renew) a qualification with its expiry day."""
    volunteer, _station = load_checked(db_session, principal, volunteer_id, "write")
    found = db_session.scalar(
        select(Qualification).where(
            Qualification.volunteer_id == volunteer.id, Qualification.kind == body.kind
        )
    )
    if found is None:
        found = Qualification(volunteer_id=volunteer.id, kind=body.kind)
        db_session.add(found)
    found.expires_on = body.expires_on
    db_session.flush()
    return found


def link_account(db_session: Session, volunteer: Volunteer, user_id: int) -> None:
    """Tie a volunteer record to the account they sign in with (one record per account)."""
    taken = db_session.scalar(select(Volunteer.id).where(Volunteer.user_id == user_id))
    if taken is not None and taken != volunteer.id:
        raise Conflict("this account already belongs to another volunteer", field="user_id")
    volunteer.user_id = user_id
    db_session.flush()


def own_volunteer(db_session: Session, principal: Principal) -> Volunteer:
    """The caller's own volunteer record (404 when the account has none)."""
    principal.require("volunteer", "self")
    volunteer = db_session.scalar(select(Volunteer).where(Volunteer.user_id == principal.user_id))
    if volunteer is None:
        raise NotFound("your account is not linked to a volunteer record")
    return volunteer


def led_team_id(db_session: Session, volunteer_id: int) -> int | None:
    """The team ``volunteer_id`` leads, if any."""
    return db_session.scalar(
        select(VolunteerTeam.id)
        .where(VolunteerTeam.lead_volunteer_id == volunteer_id)
        .order_by(VolunteerTeam.id)
    )


def valid_qualifications(db_session: Session, volunteer_id: int, on: date) -> set[str]:
    """The kinds of qualification the volunteer holds valid on day ``on``."""
    rows = db_session.execute(
        select(Qualification.kind, Qualification.expires_on).where(
            Qualification.volunteer_id == volunteer_id
        )
    ).all()
    return {kind for kind, expires in rows if expires is None or expires >= on}


# --- reads ---------------------------------------------------------------------------


def volunteer_sight(principal: Principal, station_path: str) -> privacy.Sight:
    return privacy.Sight(personal=principal.can("volunteer", "personal_data", station_path))


def _holds_personal(volunteer: Volunteer) -> bool:
    field = privacy.Field
    return (
        privacy.holds_personal(volunteer.name, field.name)
        or privacy.holds_personal(volunteer.phone, field.phone)
        or privacy.holds_personal(volunteer.id_number)
    )


def _qualifications(
    db_session: Session, volunteer_id: int, today: date, reminder_days: int
) -> list[dict[str, Any]]:
    rows = db_session.scalars(
        select(Qualification)
        .where(Qualification.volunteer_id == volunteer_id)
        .order_by(Qualification.kind)
    )
    soon = today + timedelta(days=reminder_days)
    return [
        {
            "kind": q.kind,
            "expires_on": q.expires_on,
            "expired": q.expires_on is not None and q.expires_on < today,
            "expiring_soon": q.expires_on is not None and today <= q.expires_on <= soon,
        }
        for q in rows
    ]


def volunteer_json(
    db_session: Session,
    settings: Settings,
    volunteer: Volunteer,
    sight: privacy.Sight,
) -> dict[str, Any]:
    field = privacy.Field
    station = jurisdictions.get_ref(db_session, volunteer.jurisdiction_id)
    grid = jurisdictions.get_ref(db_session, volunteer.grid_id) if volunteer.grid_id else None
    team = db_session.get(VolunteerTeam, volunteer.team_id) if volunteer.team_id else None
    return {
        "id": volunteer.id,
        "station_code": station.code,
        "grid_code": grid.code if grid else None,
        "team_id": volunteer.team_id,
        "team_name": team.name if team else None,
        "name": privacy.redact(volunteer.name, sight, field.name),
        "phone": privacy.redact(volunteer.phone, sight, field.phone),
        "id_number": privacy.redact(volunteer.id_number, sight),
        "skills": list(volunteer.skills or []),
        "availability": volunteer.availability,
        "status": volunteer.status,
        "applied_at": volunteer.applied_at,
        "qualifications": _qualifications(
            db_session, volunteer.id, utcnow().date(), settings.qualification_reminder_days
        ),
        "has_account": volunteer.user_id is not None,
        "simulated": volunteer.simulated,
    }


def read_for(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    volunteer: Volunteer,
    station_path: str,
) -> dict[str, Any]:
    """The volunteer as ``principal`` may see them; an unmasked read is audited."""
    sight = volunteer_sight(principal, station_path)
    if sight.sees_any and _holds_personal(volunteer):
        audit.record(
            db_session,
            action="personal_data.read",
            object_type="volunteer",
            object_id=volunteer.id,
            principal=principal,
            jurisdiction_id=volunteer.jurisdiction_id,
        )
    return volunteer_json(db_session, settings, volunteer, sight)


def get_volunteer(
    db_session: Session, settings: Settings, principal: Principal, volunteer_id: int
) -> dict[str, Any]:
    principal.require("volunteer", "read")
    volunteer, station = load_checked(db_session, principal, volunteer_id, "read")
    return read_for(db_session, settings, principal, volunteer, station.path)


def list_roster(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    *,
    status: VolunteerStatus | None = None,
    team_id: int | None = None,
    limit: int = 500,
    offset: int = 0,
) -> dict[str, Any]:
    """The volunteers of the caller's stations (by status, by team), masked as they may see."""
    principal.require("volunteer", "read")
    query = (
        select(Volunteer, Jurisdiction.path)
        .join(Jurisdiction, Jurisdiction.id == Volunteer.jurisdiction_id)
        .where(principal.visible_clause("volunteer", "read", Jurisdiction.path))
    )
    if status is not None:
        query = query.where(Volunteer.status == status)
    if team_id is not None:
        query = query.where(Volunteer.team_id == team_id)
    total = db_session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db_session.execute(query.order_by(Volunteer.id).limit(limit).offset(offset)).all()
    return {
        "items": [read_for(db_session, settings, principal, v, path) for v, path in rows],
        "total": total,
    }


def expiring_qualifications(
    db_session: Session, settings: Settings, principal: Principal
) -> list[dict[str, Any]]:
    """The reminder list: qualifications of the caller's stations' volunteers (not left)
    that have expired or expire within ``settings.qualification_reminder_days``, soonest
    first (names masked as the caller may see them)."""
    principal.require("volunteer", "read")
    today = utcnow().date()
    horizon = today + timedelta(days=settings.qualification_reminder_days)
    rows = db_session.execute(
        select(Qualification, Volunteer, Jurisdiction.path)
        .join(Volunteer, Volunteer.id == Qualification.volunteer_id)
        .join(Jurisdiction, Jurisdiction.id == Volunteer.jurisdiction_id)
        .where(
            principal.visible_clause("volunteer", "read", Jurisdiction.path),
            Qualification.expires_on.is_not(None),
            Qualification.expires_on <= horizon,
            Volunteer.status != VolunteerStatus.left,
        )
        .order_by(Qualification.expires_on, Qualification.id)
    ).all()
    out = []
    for qualification, volunteer, _path in rows:
        expires = qualification.expires_on
        assert expires is not None  # selected with an expiry
        out.append(
            {
                "volunteer_id": volunteer.id,
                "name": privacy.redact(volunteer.name, privacy.NOBODY, privacy.Field.name),
                "kind": qualification.kind,
                "expires_on": expires,
                "expired": expires < today,
                "days_left": (expires - today).days,
            }
        )
    return out
