"""Volunteer shifts on the active patrol plan's posts and loops, with the plan's police
group: who, when, how many (a minimum and a maximum) and which qualifications every member
must hold valid on the day. Sign-up checks them; a shift short of people says by how many.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pingan.community.models import (
    PointKind,
    Shift,
    ShiftMember,
    Volunteer,
    VolunteerTeam,
)
from pingan.community.schemas import ShiftCreate
from pingan.community.volunteers import ON_DUTY_STATUSES, own_volunteer, valid_qualifications
from pingan.db import utcnow
from pingan.errors import Conflict, InvalidInput, NotFound
from pingan.incidents import privacy
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction
from pingan.patrol.models import Plan, PlanStatus
from pingan.patrol.reads import load_plan
from pingan.principal import Principal

MAX_SHIFT_HOURS = 16


@dataclass(frozen=True)
class PlanPoint:
    """A point of a plan volunteers stand at or pass: a post, or a stop of a loop."""

    plan: Plan
    kind: PointKind
    #: The post's id, or the loop's (route's) id.
    point_id: int
    #: The stop's order in the loop (0 for a post).
    order: int
    group_no: int
    lat: float
    lon: float

    @property
    def key(self) -> str:
        """The point as its QR code names it: ``post-12`` or ``stop-4-2``."""
        if self.kind is PointKind.post:
            return f"post-{self.point_id}"
        return f"stop-{self.point_id}-{self.order}"


def plan_points(plan: Plan) -> list[PlanPoint]:
    """Every post and every loop stop of ``plan``."""
    points = [
        PlanPoint(plan, PointKind.post, p.id, 0, p.group_no, p.lat, p.lon) for p in plan.posts
    ]
    for route in plan.routes:
        for stop in route.stops:
            points.append(
                PlanPoint(
                    plan,
                    PointKind.stop,
                    route.id,
                    int(stop["order"]),
                    route.group_no,
                    float(stop["lat"]),
                    float(stop["lon"]),
                )
            )
    return points


def find_point(plan: Plan, key: str) -> PlanPoint:
    for point in plan_points(plan):
        if point.key == key:
            return point
    raise NotFound(f"plan {plan.id} has no point {key}")


def _point_of(plan: Plan, kind: PointKind, point_id: int) -> PlanPoint:
    for point in plan_points(plan):
        if point.kind is kind and point.point_id == point_id:
            return point
    raise InvalidInput(f"plan {plan.id} has no {kind.value} {point_id}", field="body.point_id")


def _active_plan(db_session: Session, principal: Principal, plan_id: int) -> tuple[Plan, str]:
    plan, path = load_plan(db_session, plan_id)
    principal.check("shift", "write", path)
    if plan.status is not PlanStatus.active:
        raise Conflict(f"plan {plan_id} is not the active plan", field="body.plan_id")
    return plan, path


def _check_window(body: ShiftCreate) -> None:
    if body.starts_at.tzinfo is None or body.ends_at.tzinfo is None:
        raise InvalidInput("give the times with their UTC offset", field="body.starts_at")
    if body.ends_at <= body.starts_at:
        raise InvalidInput("the shift ends before it starts", field="body.ends_at")
    if (body.ends_at - body.starts_at).total_seconds() > MAX_SHIFT_HOURS * 3600:
        raise InvalidInput(f"a shift lasts at most {MAX_SHIFT_HOURS} hours", field="body.ends_at")
    if body.max_people < body.min_people:
        raise InvalidInput("the maximum is below the minimum", field="body.max_people")


def create_shift(
    db_session: Session, principal: Principal, body: ShiftCreate, *, simulated: bool = False
) -> Shift:
    """Plan a shift on a post or loop of the active plan; ``volunteer_ids`` are signed up
    (each checked as a sign-up is)."""
    _check_window(body)
    plan, _path = _active_plan(db_session, principal, body.plan_id)
    point = _point_of(plan, body.point_kind, body.point_id)
    if body.team_id is not None:
        team = db_session.get(VolunteerTeam, body.team_id)
        if team is None or team.jurisdiction_id != plan.jurisdiction_id:
            raise InvalidInput(f"no team {body.team_id} at the plan's station", "body.team_id")
    shift = Shift(
        jurisdiction_id=plan.jurisdiction_id,
        plan_id=plan.id,
        point_kind=point.kind,
        post_id=point.point_id if point.kind is PointKind.post else None,
        route_id=point.point_id if point.kind is PointKind.stop else None,
        group_no=point.group_no,
        team_id=body.team_id,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        min_people=body.min_people,
        max_people=body.max_people,
        required=sorted(set(body.required)),
        simulated=simulated,
        created_by_id=principal.user_id,
    )
    db_session.add(shift)
    db_session.flush()
    for volunteer_id in dict.fromkeys(body.volunteer_ids):
        _sign_up(db_session, shift, _volunteer_at(db_session, shift, volunteer_id))
    return shift


def _volunteer_at(db_session: Session, shift: Shift, volunteer_id: int) -> Volunteer:
    volunteer = db_session.get(Volunteer, volunteer_id)
    if volunteer is None or volunteer.jurisdiction_id != shift.jurisdiction_id:
        raise InvalidInput(f"no volunteer {volunteer_id} at this station", field="volunteer_id")
    return volunteer


def members_of(db_session: Session, shift_id: int) -> list[Volunteer]:
    return list(
        db_session.scalars(
            select(Volunteer)
            .join(ShiftMember, ShiftMember.volunteer_id == Volunteer.id)
            .where(ShiftMember.shift_id == shift_id)
            .order_by(ShiftMember.id)
        )
    )


def _sign_up(db_session: Session, shift: Shift, volunteer: Volunteer) -> None:
    if volunteer.status not in ON_DUTY_STATUSES:
        raise Conflict(
            f"volunteer {volunteer.id} is {volunteer.status.value}: only approved or active "
            "volunteers sign up",
            field="volunteer_id",
        )
    taken = db_session.scalar(
        select(func.count()).select_from(ShiftMember).where(ShiftMember.shift_id == shift.id)
    )
    if db_session.scalar(
        select(ShiftMember.id).where(
            ShiftMember.shift_id == shift.id, ShiftMember.volunteer_id == volunteer.id
        )
    ):
        raise Conflict(f"volunteer {volunteer.id} is already on shift {shift.id}")
    if (taken or 0) >= shift.max_people:
        raise Conflict(f"shift {shift.id} is full ({shift.max_people} people)")
    held = valid_qualifications(db_session, volunteer.id, shift.starts_at.date())
    missing = [kind for kind in shift.required if kind not in held]
    if missing:
        raise Conflict(
            f"volunteer {volunteer.id} lacks a valid qualification: {', '.join(missing)}",
            field="required",
        )
    db_session.add(ShiftMember(shift_id=shift.id, volunteer_id=volunteer.id))
    db_session.flush()


def _load_shift(db_session: Session, shift_id: int) -> tuple[Shift, Jurisdiction]:
    found = db_session.execute(
        select(Shift, Jurisdiction)
        .join(Jurisdiction, Jurisdiction.id == Shift.jurisdiction_id)
        .where(Shift.id == shift_id)
    ).first()
    if found is None:
        raise NotFound("no such shift")
    return found[0], found[1]


def sign_up(
    db_session: Session, principal: Principal, shift_id: int, volunteer_id: int | None
) -> Shift:
    """Sign a volunteer up: the caller themselves (a volunteer), or one an officer names."""
    shift, station = _load_shift(db_session, shift_id)
    if volunteer_id is None:
        volunteer = own_volunteer(db_session, principal)
        if volunteer.jurisdiction_id != shift.jurisdiction_id:
            raise NotFound("no such shift")
    else:
        principal.check("shift", "write", station.path)
        volunteer = _volunteer_at(db_session, shift, volunteer_id)
    if shift.ends_at <= utcnow():
        raise Conflict(f"shift {shift_id} is over", field="shift_id")
    _sign_up(db_session, shift, volunteer)
    return shift


def shift_json(
    db_session: Session, shift: Shift, station_code: str, sight: privacy.Sight
) -> dict[str, Any]:
    plan, _path = load_plan(db_session, shift.plan_id)
    point = _point_of(plan, shift.point_kind, shift.post_id or shift.route_id or 0)
    members = members_of(db_session, shift.id)
    return {
        "id": shift.id,
        "station_code": station_code,
        "plan_id": shift.plan_id,
        "point_kind": shift.point_kind,
        "point_id": point.point_id,
        "group_no": shift.group_no,
        "team_id": shift.team_id,
        "starts_at": shift.starts_at,
        "ends_at": shift.ends_at,
        "min_people": shift.min_people,
        "max_people": shift.max_people,
        "required": list(shift.required or []),
        "members": [
            {"volunteer_id": v.id, "name": privacy.redact(v.name, sight, privacy.Field.name)}
            for v in members
        ],
        "signed_up": len(members),
        "short_by": max(0, shift.min_people - len(members)),
        "lat": point.lat,
        "lon": point.lon,
        "unit_id": shift.unit_id,
    }


def list_shifts(
    db_session: Session,
    principal: Principal,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    short_only: bool = False,
    limit: int = 300,
) -> list[dict[str, Any]]:
    """Shifts of the caller's stations from ``since`` (default: now) on; ``short_only``
    keeps those short of their minimum."""
    principal.require("shift", "read")
    query = (
        select(Shift, Jurisdiction.code)
        .join(Jurisdiction, Jurisdiction.id == Shift.jurisdiction_id)
        .where(
            principal.visible_clause("shift", "read", Jurisdiction.path),
            Shift.ends_at >= (since or utcnow()),
        )
        .order_by(Shift.starts_at, Shift.id)
    )
    if until is not None:
        query = query.where(Shift.starts_at <= until)
    out = []
    for shift, code in db_session.execute(query.limit(limit * 4 if short_only else limit)).all():
        data = shift_json(db_session, shift, code, privacy.NOBODY)
        if not short_only or data["short_by"] > 0:
            out.append(data)
    return out[:limit]


def my_shifts(db_session: Session, principal: Principal) -> list[dict[str, Any]]:
    """The caller's (a volunteer's) shifts not yet over, and open shifts of their station
    they may still sign up for."""
    volunteer = own_volunteer(db_session, principal)
    code = jurisdictions.get_ref(db_session, volunteer.jurisdiction_id).code
    rows = db_session.scalars(
        select(Shift)
        .where(Shift.jurisdiction_id == volunteer.jurisdiction_id, Shift.ends_at >= utcnow())
        .order_by(Shift.starts_at, Shift.id)
        .limit(100)
    ).all()
    out = []
    for shift in rows:
        data = shift_json(db_session, shift, code, privacy.NOBODY)
        data["mine"] = any(m["volunteer_id"] == volunteer.id for m in data["members"])
        data["members"] = [m for m in data["members"] if m["volunteer_id"] == volunteer.id]
        out.append(data)
    return out
