"""Hours served, per volunteer and per team, from the check-ins tied to planned shifts.

For each member of each shift in the period: the first check-in and the last check-out
after it. The hours are the overlap of [check-in, check-out] with the shift's window. A
check-in later than ``settings.checkin_late_s`` after the start is *late*; a check-in
without a check-out is a *missing check-out* (no hours counted); no check-in at all in a
shift that has ended is *absent*.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from pingan.community.models import (
    CheckIn,
    CheckKind,
    Shift,
    ShiftMember,
    Volunteer,
    VolunteerTeam,
)
from pingan.config import Settings
from pingan.db import utcnow
from pingan.errors import InvalidInput
from pingan.incidents import privacy
from pingan.jurisdictions.models import Jurisdiction
from pingan.principal import Principal

MAX_DAYS = 92


def _visits(db_session: Session, shift_ids: list[int]) -> dict[tuple[int, int], list[CheckIn]]:
    out: dict[tuple[int, int], list[CheckIn]] = defaultdict(list)
    if not shift_ids:
        return out
    rows = db_session.scalars(
        select(CheckIn).where(CheckIn.shift_id.in_(shift_ids)).order_by(CheckIn.at, CheckIn.id)
    )
    for row in rows:
        assert row.shift_id is not None  # selected by shift
        out[(row.shift_id, row.volunteer_id)].append(row)
    return out


def member_row(
    settings: Settings, shift: Shift, checks: list[CheckIn], now: datetime
) -> dict[str, Any]:
    """One member's attendance of one shift (see the module)."""
    first_in = next((c.at for c in checks if c.kind is CheckKind.check_in), None)
    outs = [c.at for c in checks if c.kind is CheckKind.check_out]
    last_out = max((t for t in outs if first_in and t >= first_in), default=None)
    hours = 0.0
    if first_in is not None and last_out is not None:
        start, end = max(first_in, shift.starts_at), min(last_out, shift.ends_at)
        hours = max(0.0, (end - start).total_seconds() / 3600)
    return {
        "shift_id": shift.id,
        "starts_at": shift.starts_at,
        "ends_at": shift.ends_at,
        "checked_in_at": first_in,
        "checked_out_at": last_out,
        "hours": round(hours, 2),
        "late": first_in is not None
        and (first_in - shift.starts_at).total_seconds() > settings.checkin_late_s,
        "missing_check_out": first_in is not None and last_out is None and shift.ends_at < now,
        "absent": first_in is None and shift.ends_at < now,
    }


def _totals(
    rows: list[dict[str, Any]], key: str, names: dict[int, str | None]
) -> list[dict[str, Any]]:
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row[key] is not None:
            grouped[row[key]].append(row)
    return [
        {
            "key": k,
            "name": names.get(k),
            "hours": round(sum(r["hours"] for r in group), 2),
            "shifts": len(group),
            "late": sum(1 for r in group if r["late"]),
            "missing_check_out": sum(1 for r in group if r["missing_check_out"]),
        }
        for k, group in sorted(grouped.items())
    ]


def hours_report(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    since: datetime,
    until: datetime,
    *,
    team_id: int | None = None,
) -> dict[str, Any]:
    """Attendance of every member of the caller's stations' shifts starting in
    [``since``, ``until``), with totals per volunteer and per team (names masked)."""
    principal.require("shift", "read")
    visible = principal.visible_clause("shift", "read", Jurisdiction.path)
    return attendance(db_session, settings, visible, since, until, team_id=team_id)


def attendance(
    db_session: Session,
    settings: Settings,
    visible: ColumnElement[bool],
    since: datetime,
    until: datetime,
    *,
    team_id: int | None = None,
) -> dict[str, Any]:
    """:func:`hours_report` over the shifts ``visible`` keeps (a clause on the shift and its
    station), for callers that have checked who may see what."""
    if until <= since:
        raise InvalidInput("the period ends before it starts", field="until")
    if (until - since).days > MAX_DAYS:
        raise InvalidInput(f"at most {MAX_DAYS} days at a time", field="until")
    query = (
        select(Shift, ShiftMember.volunteer_id, Volunteer)
        .join(Jurisdiction, Jurisdiction.id == Shift.jurisdiction_id)
        .join(ShiftMember, ShiftMember.shift_id == Shift.id)
        .join(Volunteer, Volunteer.id == ShiftMember.volunteer_id)
        .where(
            visible,
            Shift.starts_at >= since,
            Shift.starts_at < until,
        )
        .order_by(Shift.starts_at, Shift.id, ShiftMember.id)
    )
    if team_id is not None:
        query = query.where(Volunteer.team_id == team_id)
    found = db_session.execute(query).all()
    visits = _visits(db_session, sorted({shift.id for shift, _v, _vol in found}))
    now = utcnow()
    rows = []
    names: dict[int, str | None] = {}
    for shift, volunteer_id, volunteer in found:
        name = privacy.redact(volunteer.name, privacy.NOBODY, privacy.Field.name)
        names[volunteer_id] = name
        row = member_row(settings, shift, visits.get((shift.id, volunteer_id), []), now)
        rows.append(
            {"volunteer_id": volunteer_id, "name": name, "team_id": volunteer.team_id, **row}
        )
    team_names = {
        t.id: t.name
        for t in db_session.scalars(
            select(VolunteerTeam).where(
                VolunteerTeam.id.in_({r["team_id"] for r in rows if r["team_id"]})
            )
        )
    }
    return {
        "rows": rows,
        "by_volunteer": _totals(rows, "volunteer_id", names),
        "by_team": _totals(rows, "team_id", dict(team_names)),
    }
