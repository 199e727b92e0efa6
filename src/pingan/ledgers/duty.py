"""Duty records of fire control rooms after GB 25506-2010 (消防控制室通用技术要求).

Shifts run round the clock, each at most 8 h. A shift is flagged when it breaks a rule:

* ``understaffed``: fewer than two people on duty (4.2.1: 24 h, at least two per shift);
* ``uncertified`` / ``certificate_expired``: someone on duty is not among the room's
  certified operators, or their certificate had expired on the shift's day;
* ``manual_mode``: a system that should run in auto (linkage controller, sprinkler and
  hydrant pumps) was handed over in manual;
* ``alarm_confirmed_late``: an alarm confirmed on site later than the limit after it was
  received (setting ``ledger_alarm_confirm_limit_s``, default 3 min), or never;
* ``fault_not_reported``: a fault (an alarm of nature fault, or a system handed over in
  fault) not reported;
* ``entries_gap``: more than 2 h without a log entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from pingan.audit import service as audit
from pingan.config import Settings
from pingan.errors import InvalidInput
from pingan.incidents import privacy
from pingan.jurisdictions.models import Jurisdiction
from pingan.ledgers.control_rooms import load_room, operators_of, room_by_code
from pingan.ledgers.models import ControlRoom, DutyShift, Operator, Site, Source
from pingan.ledgers.schemas import ShiftWrite
from pingan.ledgers.sites import ledger_sight
from pingan.principal import Principal

MAX_SHIFT = timedelta(hours=8)
ENTRY_GAP = timedelta(hours=2)
#: Systems that must be in automatic mode when handed over.
SHOULD_BE_AUTO = ("linkage_controller", "sprinkler_pump", "hydrant_pump")
FLAGS = (
    "understaffed",
    "uncertified",
    "certificate_expired",
    "manual_mode",
    "alarm_confirmed_late",
    "fault_not_reported",
    "entries_gap",
)


@dataclass(frozen=True)
class Certificate:
    name: str
    certificate_no: str
    expires_on: Any  # date | None


def _certified(person: dict[str, str], known: list[Certificate], day: Any) -> str | None:
    """None when the person holds a valid certificate; else the flag."""
    number = person.get("certificate_no", "").strip()
    match = next(
        (
            c
            for c in known
            if (number and c.certificate_no == number) or (not number and c.name == person["name"])
        ),
        None,
    )
    if match is None or not match.certificate_no:
        return "uncertified"
    if match.expires_on is not None and match.expires_on < day:
        return "certificate_expired"
    return None


def _late(alarm: dict[str, Any], limit: timedelta) -> bool:
    confirmed = alarm.get("confirmed_at")
    return confirmed is None or confirmed - alarm["received_at"] > limit


def _gap(starts_at: datetime, ends_at: datetime, entries: list[datetime]) -> bool:
    marks = [starts_at, *sorted(e for e in entries if starts_at <= e <= ends_at), ends_at]
    return any(b - a > ENTRY_GAP for a, b in pairwise(marks))


def shift_flags(shift: ShiftWrite, known: list[Certificate], alarm_limit: timedelta) -> list[str]:
    """The rules a shift breaks (see the module's list), in the order of :data:`FLAGS`."""
    found: set[str] = set()
    if len(shift.on_duty) < 2:
        found.add("understaffed")
    day = shift.starts_at.date()
    for person in shift.on_duty:
        flag = _certified(person.model_dump(), known, day)
        if flag:
            found.add(flag)
    for name in SHOULD_BE_AUTO:
        state = shift.systems.get(name)
        if state is not None and state.mode == "manual":
            found.add("manual_mode")
    alarms = [a.model_dump() for a in shift.alarms]
    if any(_late(a, alarm_limit) for a in alarms if a["nature"] != "fault"):
        found.add("alarm_confirmed_late")
    unreported_fault = any(a["nature"] == "fault" and not a["reported"] for a in alarms)
    faulty = any(s.state == "fault" for s in shift.systems.values())
    if unreported_fault or (faulty and not any(a["nature"] == "fault" for a in alarms)):
        found.add("fault_not_reported")
    if _gap(shift.starts_at, shift.ends_at, shift.entries):
        found.add("entries_gap")
    return [flag for flag in FLAGS if flag in found]


def _check(body: ShiftWrite) -> None:
    times = [body.starts_at, body.ends_at, *body.entries]
    times += [a.received_at for a in body.alarms]
    times += [a.confirmed_at for a in body.alarms if a.confirmed_at is not None]
    if any(t.tzinfo is None for t in times):
        raise InvalidInput("times need a UTC offset, e.g. +08:00", field="starts_at")
    if body.ends_at <= body.starts_at:
        raise InvalidInput("the shift ends before it starts", field="ends_at")
    if body.ends_at - body.starts_at > MAX_SHIFT:
        raise InvalidInput("a shift lasts at most 8 hours (GB 25506)", field="ends_at")
    for index, alarm in enumerate(body.alarms):
        if alarm.confirmed_at is not None and alarm.confirmed_at < alarm.received_at:
            raise InvalidInput(
                "an alarm is confirmed after it is received", field=f"alarms.{index}.confirmed_at"
            )


def certificates(operators: list[Operator]) -> list[Certificate]:
    return [Certificate(o.name, o.certificate_no, o.expires_on) for o in operators]


def record_shift(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    body: ShiftWrite,
    *,
    source: Source = Source.manual,
) -> DutyShift:
    """Store a shift's duty record with the flags it earns; audited."""
    principal.require("ledger", "write")
    _check(body)
    room, site, _node = room_by_code(db_session, principal, body.control_room_code, "write")
    known = certificates(operators_of(db_session, [room.id])[room.id])
    flags = shift_flags(body, known, timedelta(seconds=settings.ledger_alarm_confirm_limit_s))
    dumped = body.model_dump(mode="json")
    shift = DutyShift(
        control_room_id=room.id,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        on_duty=dumped["on_duty"],
        handover_to=body.handover_to,
        systems=dumped["systems"],
        daily_check=dumped["daily_check"],
        entries=dumped["entries"],
        alarms=dumped["alarms"],
        flags=flags,
        flagged=bool(flags),
        source=source,
        created_by_id=principal.user_id or None,
    )
    db_session.add(shift)
    db_session.flush()
    audit.record(
        db_session,
        action="ledger.shift.create",
        object_type="ledger_duty_shift",
        object_id=shift.id,
        outcome="flagged" if flags else "ok",
        principal=principal,
        jurisdiction_id=site.jurisdiction_id,
    )
    return shift


def shift_json(shift: DutyShift, room: ControlRoom, sight: privacy.Sight) -> dict[str, Any]:
    return {
        "id": shift.id,
        "control_room_id": room.id,
        "control_room_code": room.code,
        "starts_at": shift.starts_at,
        "ends_at": shift.ends_at,
        "on_duty": [
            {**p, "name": privacy.redact(p.get("name"), sight, privacy.Field.name)}
            for p in shift.on_duty
        ],
        "handover_to": privacy.redact(shift.handover_to, sight),
        "systems": shift.systems,
        "daily_check": shift.daily_check,
        "entries": shift.entries,
        "alarms": [
            {**a, "cause": privacy.redact(a.get("cause"), sight),
             "handling": privacy.redact(a.get("handling"), sight)}
            for a in shift.alarms
        ],
        "flags": shift.flags,
        "source": shift.source,
    }  # fmt: skip


def room_shifts(
    db_session: Session, principal: Principal, room_id: int, *, limit: int = 60
) -> list[dict[str, Any]]:
    """A control room's shifts, newest first."""
    principal.require("ledger", "read")
    room, site, node = load_room(db_session, principal, room_id)
    sight = ledger_sight(principal, node.path)
    shifts = list(
        db_session.scalars(
            select(DutyShift)
            .where(DutyShift.control_room_id == room.id)
            .order_by(DutyShift.starts_at.desc())
            .limit(limit)
        )
    )
    if sight.sees_any and shifts:
        audit.record(
            db_session,
            action="personal_data.read",
            object_type="ledger_control_room",
            object_id=room.id,
            principal=principal,
            jurisdiction_id=site.jurisdiction_id,
        )
    return [shift_json(s, room, sight) for s in shifts]


def flagged_rooms(
    db_session: Session, principal: Principal, since: datetime
) -> list[dict[str, Any]]:
    """Control rooms of the caller's stations with flagged shifts since ``since``: how many,
    and the flags met; the most flagged first."""
    principal.require("ledger", "read")
    rows = db_session.execute(
        select(ControlRoom, Site, Jurisdiction.code, func.count(DutyShift.id))
        .join(DutyShift, DutyShift.control_room_id == ControlRoom.id)
        .join(Site, Site.id == ControlRoom.site_id)
        .join(Jurisdiction, Jurisdiction.id == Site.jurisdiction_id)
        .where(
            principal.visible_clause("ledger", "read", Jurisdiction.path),
            DutyShift.flagged.is_(True),
            DutyShift.starts_at >= since,
        )
        .group_by(ControlRoom.id, Site.id, Jurisdiction.code)
    ).all()
    out: list[dict[str, Any]] = []
    for room, site, code, count in rows:
        kinds: set[str] = set()
        for flags in db_session.scalars(
            select(DutyShift.flags).where(
                DutyShift.control_room_id == room.id,
                DutyShift.flagged.is_(True),
                DutyShift.starts_at >= since,
            )
        ):
            kinds.update(flags)
        out.append(
            {
                "control_room_id": room.id,
                "control_room_code": room.code,
                "site_id": site.id,
                "site_name": site.name,
                "jurisdiction_code": code,
                "flagged_shifts": count,
                "flags": [f for f in FLAGS if f in kinds],
            }
        )
    out.sort(key=lambda r: (-r["flagged_shifts"], r["control_room_code"]))
    return out


def add_simulated_shifts(
    db_session: Session, settings: Settings, shifts: list[ShiftWrite], *, actor: str = "demo"
) -> int:
    """Insert a simulated history of duty records (the demo's), each with the flags it
    earns, marked ``simulated``; one audit row records the load. The number stored."""
    limit = timedelta(seconds=settings.ledger_alarm_confirm_limit_s)
    rooms: dict[str, tuple[int, list[Certificate]]] = {}
    rows = []
    for body in shifts:
        _check(body)
        if body.control_room_code not in rooms:
            room_id = db_session.scalar(
                select(ControlRoom.id).where(ControlRoom.code == body.control_room_code)
            )
            if room_id is None:
                raise InvalidInput(f"no control room {body.control_room_code!r}", field="code")
            rooms[body.control_room_code] = (
                room_id,
                certificates(operators_of(db_session, [room_id])[room_id]),
            )
        room_id, known = rooms[body.control_room_code]
        flags = shift_flags(body, known, limit)
        dumped = body.model_dump(mode="json")
        rows.append(
            {
                "control_room_id": room_id,
                "starts_at": body.starts_at,
                "ends_at": body.ends_at,
                "on_duty": dumped["on_duty"],
                "handover_to": body.handover_to,
                "systems": dumped["systems"],
                "daily_check": dumped["daily_check"],
                "entries": dumped["entries"],
                "alarms": dumped["alarms"],
                "flags": flags,
                "flagged": bool(flags),
                "source": Source.simulated,
            }
        )
    if rows:
        db_session.execute(insert(DutyShift), rows)
        audit.record(
            db_session,
            action="ledger.shift.simulated",
            object_type="ledger_duty_shift",
            object_id=len(rows),
            actor=actor,
        )
    return len(rows)
