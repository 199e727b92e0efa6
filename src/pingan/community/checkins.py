"""QR check-in and check-out at the plan's posts and loop stops.

Each point has a printable QR code (``segno``) whose URL opens the volunteer's phone page
with a signed code: ``<payload>.<signature>``, the payload naming the station, the plan,
the point and the expiry, the signature an HMAC-SHA256 under the server's secret key.

A check-in records the time and the phone's GPS position. It is refused with the reason,
and nothing is stored, when the code is forged or expired, belongs to another station than
the volunteer's, the volunteer is paused or has left, or the position is farther from the
point than ``settings.checkin_max_distance_m``.

The members of a planned shift who are checked in make a joint patrol: a unit in dispatch
(kind ``volunteer_team``, mode foot) that counts for tier 1, placed where they checked in
and moved by their phones' positions (:mod:`pingan.units.linked`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import segno
from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.community.models import (
    CheckIn,
    CheckKind,
    PointKind,
    Shift,
    ShiftMember,
    Volunteer,
    VolunteerStatus,
)
from pingan.community.schemas import CheckInRequest
from pingan.community.shifts import PlanPoint, find_point, plan_points
from pingan.community.volunteers import own_volunteer
from pingan.config import Settings
from pingan.db import utcnow
from pingan.errors import Conflict, InvalidInput, NotFound
from pingan.incidents import privacy
from pingan.jurisdictions import service as jurisdictions
from pingan.patrol.models import Plan
from pingan.patrol.reads import load_plan
from pingan.principal import Principal
from pingan.units import linked
from pingan.units.models import Unit, UnitKind, UnitStatus

#: The phone page a code's URL opens.
CHECKIN_PATH = "/volunteer/checkin"
#: A check-in counts for a shift from this long before it starts to this long after it ends.
SHIFT_SLACK = timedelta(hours=1)
EARTH_RADIUS_M = 6_371_000.0


@dataclass(frozen=True)
class CodeClaims:
    station_code: str
    plan_id: int
    point: str
    expires_at: datetime


def _key(settings: Settings) -> bytes:
    return hashlib.sha256(b"pingan-checkin-code:" + settings.secret_key.encode()).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_code(
    settings: Settings, station_code: str, plan_id: int, point: str, expires: datetime
) -> str:
    payload = f"{station_code}|{plan_id}|{point}|{int(expires.timestamp())}".encode()
    signature = hmac.new(_key(settings), payload, hashlib.sha256).digest()
    return f"{_b64(payload)}.{_b64(signature)}"


def verify_code(settings: Settings, code: str, now: datetime) -> CodeClaims:
    """The claims of a genuine, unexpired code; else :class:`InvalidInput` with the reason."""
    forged = InvalidInput("the QR code is not genuine (forged or damaged)", field="code")
    try:
        payload_text, signature_text = code.split(".")
        payload, signature = _unb64(payload_text), _unb64(signature_text)
    except ValueError:
        raise forged from None
    expected = hmac.new(_key(settings), payload, hashlib.sha256).digest()
    if not hmac.compare_digest(signature, expected):
        raise forged
    station, plan_id, point, expiry = payload.decode().split("|")
    expires_at = datetime.fromtimestamp(int(expiry), tz=UTC)
    if expires_at < now:
        raise InvalidInput(f"the QR code expired on {expires_at:%Y-%m-%d}", field="code")
    return CodeClaims(station, int(plan_id), point, expires_at)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def code_url(settings: Settings, code: str) -> str:
    return f"{CHECKIN_PATH}?code={quote(code)}"


def plan_codes(
    db_session: Session, settings: Settings, principal: Principal, plan_id: int
) -> list[dict[str, Any]]:
    """Every post and loop stop of the plan with its signed code and URL (to print)."""
    plan, path = load_plan(db_session, plan_id)
    principal.check("shift", "write", path)
    station = jurisdictions.get_ref(db_session, plan.jurisdiction_id)
    expires = utcnow() + timedelta(days=settings.checkin_code_ttl_days)
    out = []
    for point in plan_points(plan):
        code = sign_code(settings, station.code, plan.id, point.key, expires)
        out.append(
            {
                "point": point.key,
                "kind": point.kind,
                "group_no": point.group_no,
                "lat": point.lat,
                "lon": point.lon,
                "code": code,
                "url": code_url(settings, code),
                "expires_at": expires,
            }
        )
    return out


def qr_svg(url: str) -> bytes:
    """The QR code of ``url`` as an SVG image (segno, error correction M)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=6, border=2)
    return out.getvalue()


def point_of_code(
    db_session: Session, settings: Settings, code: str
) -> tuple[CodeClaims, PlanPoint]:
    claims = verify_code(settings, code, utcnow())
    try:
        plan, _path = load_plan(db_session, claims.plan_id)
        point = find_point(plan, claims.point)
    except NotFound:
        raise InvalidInput("the QR code names a point that no longer exists", "code") from None
    return claims, point


def _check_volunteer(db_session: Session, volunteer: Volunteer, claims: CodeClaims) -> None:
    station = jurisdictions.get_ref(db_session, volunteer.jurisdiction_id)
    if claims.station_code != station.code:
        raise InvalidInput(
            f"the QR code belongs to {claims.station_code}, not to your station {station.code}",
            field="code",
        )
    if volunteer.status in (VolunteerStatus.paused, VolunteerStatus.left):
        raise Conflict(
            f"you are {volunteer.status.value} and cannot check in; ask your station",
            field="status",
        )
    if volunteer.status is VolunteerStatus.applied:
        raise Conflict("your application is not approved yet", field="status")


def _shift_for(
    db_session: Session, volunteer: Volunteer, point: PlanPoint, at: datetime
) -> Shift | None:
    """The volunteer's planned shift at this point (its post, or its loop) around ``at``."""
    where = (
        Shift.post_id == point.point_id
        if point.kind is PointKind.post
        else Shift.route_id == point.point_id
    )
    return db_session.scalar(
        select(Shift)
        .join(ShiftMember, ShiftMember.shift_id == Shift.id)
        .where(
            ShiftMember.volunteer_id == volunteer.id,
            Shift.plan_id == point.plan.id,
            where,
            Shift.starts_at <= at + SHIFT_SLACK,
            Shift.ends_at >= at - SHIFT_SLACK,
        )
        .order_by(Shift.starts_at)
    )


def _callsign(shift: Shift) -> str:
    if shift.team_id is not None:
        return f"JP-T{shift.team_id}-G{shift.group_no}"
    return f"JP-S{shift.id}"


def checked_in_members(db_session: Session, shift_id: int) -> list[int]:
    """The shift's volunteers whose last check is a check-in."""
    rows = db_session.execute(
        select(CheckIn.volunteer_id, CheckIn.kind)
        .where(CheckIn.shift_id == shift_id)
        .order_by(CheckIn.at, CheckIn.id)
    ).all()
    last: dict[int, CheckKind] = {}
    for volunteer_id, kind in rows:
        last[volunteer_id] = kind
    return [v for v, kind in last.items() if kind is CheckKind.check_in]


def _joint_patrol(
    db_session: Session,
    plan: Plan,
    shift: Shift,
    body: CheckInRequest,
    at: datetime,
) -> Unit:
    """The shift's joint patrol unit after this check: on duty at the check-in's position
    while a member is checked in, off duty when the last one checks out."""
    on_duty = checked_in_members(db_session, shift.id)
    names = [
        privacy.redact(v.name, privacy.NOBODY, privacy.Field.name) or ""
        for v in db_session.scalars(select(Volunteer).where(Volunteer.id.in_(on_duty)))
    ]
    unit = linked.ensure_unit(
        db_session,
        station_id=shift.jurisdiction_id,
        city=plan.city,
        callsign=_callsign(shift),
        kind=UnitKind.volunteer_team,
        members=[f"G{shift.group_no}", *names],
    )
    shift.unit_id = unit.id
    if body.kind is CheckKind.check_in:
        linked.come_on_duty(db_session, unit, body.lat, body.lon, at)
    elif not on_duty:
        linked.stand_down(db_session, unit)
    return unit


def stand_down_finished(db_session: Session, at: datetime) -> int:
    """Joint patrols of shifts over (past their end and the slack) go off duty, even when a
    member forgot to check out; the number stood down."""
    finished = select(Shift.unit_id).where(Shift.ends_at < at - SHIFT_SLACK)
    rows = db_session.scalars(
        select(Unit).where(Unit.id.in_(finished), Unit.status == UnitStatus.available)
    ).all()
    for unit in rows:
        if not _has_current_shift(db_session, unit.id, at):
            linked.stand_down(db_session, unit)
    return len(rows)


def _has_current_shift(db_session: Session, unit_id: int, at: datetime) -> bool:
    return (
        db_session.scalar(
            select(Shift.id).where(
                Shift.unit_id == unit_id,
                Shift.starts_at <= at + SHIFT_SLACK,
                Shift.ends_at >= at - SHIFT_SLACK,
            )
        )
        is not None
    )


def check(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    body: CheckInRequest,
    *,
    now: datetime | None = None,
    simulated: bool = False,
) -> dict[str, Any]:
    """Check the caller (a volunteer) in or out at the point of the scanned code."""
    volunteer = own_volunteer(db_session, principal)
    return check_volunteer(db_session, settings, volunteer, body, now=now, simulated=simulated)


def check_volunteer(
    db_session: Session,
    settings: Settings,
    volunteer: Volunteer,
    body: CheckInRequest,
    *,
    now: datetime | None = None,
    simulated: bool = False,
) -> dict[str, Any]:
    """Check ``volunteer`` in or out (see :func:`check`; the demo's simulated duty uses it
    for volunteers without an account)."""
    at = now or utcnow()
    stand_down_finished(db_session, at)
    claims = verify_code(settings, body.code, at)
    _check_volunteer(db_session, volunteer, claims)
    _claims, point = point_of_code(db_session, settings, body.code)
    far = distance_m(body.lat, body.lon, point.lat, point.lon)
    if far > settings.checkin_max_distance_m:
        raise InvalidInput(
            f"you are {far:.0f} m from the point; check in within "
            f"{settings.checkin_max_distance_m:.0f} m of it",
            field="lat",
        )
    shift = _shift_for(db_session, volunteer, point, at)
    record = CheckIn(
        volunteer_id=volunteer.id,
        shift_id=shift.id if shift else None,
        jurisdiction_id=volunteer.jurisdiction_id,
        plan_id=point.plan.id,
        point=point.key,
        kind=body.kind,
        at=at,
        lat=body.lat,
        lon=body.lon,
        distance_m=round(far, 1),
        simulated=simulated,
    )
    db_session.add(record)
    db_session.flush()
    unit = _joint_patrol(db_session, point.plan, shift, body, at) if shift else None
    if body.kind is CheckKind.check_in and volunteer.status is VolunteerStatus.approved:
        volunteer.status = VolunteerStatus.active  # the first duty makes an approved one active
        volunteer.status_changed_at = at
    db_session.flush()
    return {
        "id": record.id,
        "kind": record.kind,
        "at": record.at,
        "point": record.point,
        "shift_id": record.shift_id,
        "distance_m": record.distance_m,
        "unit_id": unit.id if unit else None,
        "unit_callsign": unit.callsign if unit else None,
    }


def report_position(
    db_session: Session, principal: Principal, lat: float, lon: float
) -> dict[str, Any]:
    """The phone's position while its volunteer is checked in on a shift: it moves the
    joint patrol's unit (and keeps it fresh for dispatch)."""
    volunteer = own_volunteer(db_session, principal)
    last = db_session.scalar(
        select(CheckIn)
        .where(CheckIn.volunteer_id == volunteer.id)
        .order_by(CheckIn.at.desc(), CheckIn.id.desc())
    )
    if last is None or last.kind is not CheckKind.check_in or last.shift_id is None:
        raise Conflict("you are not checked in on a shift", field="status")
    shift = db_session.get(Shift, last.shift_id)
    if shift is None or shift.unit_id is None:
        raise Conflict("you are not checked in on a shift", field="status")
    unit = db_session.get(Unit, shift.unit_id)
    assert unit is not None  # the shift's unit is made at its first check-in
    linked.place(db_session, unit, lat, lon, utcnow())
    return {"unit_id": unit.id, "callsign": unit.callsign}


def my_checkins(db_session: Session, principal: Principal, limit: int = 50) -> list[dict[str, Any]]:
    volunteer = own_volunteer(db_session, principal)
    rows = db_session.scalars(
        select(CheckIn)
        .where(CheckIn.volunteer_id == volunteer.id)
        .order_by(CheckIn.at.desc(), CheckIn.id.desc())
        .limit(limit)
    )
    out = []
    for row in rows:
        shift = db_session.get(Shift, row.shift_id) if row.shift_id else None
        unit = db_session.get(Unit, shift.unit_id) if shift and shift.unit_id else None
        out.append(
            {
                "id": row.id,
                "kind": row.kind,
                "at": row.at,
                "point": row.point,
                "shift_id": row.shift_id,
                "distance_m": row.distance_m,
                "unit_id": unit.id if unit else None,
                "unit_callsign": unit.callsign if unit else None,
            }
        )
    return out
