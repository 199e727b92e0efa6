"""Points (积分) for outcomes and activity, credited only on an officer-verified outcome:
a patrol shift served (the officer verifies the shift), an anti-fraud stall, a clue handed
in (credited when an officer finds it valid: linked or useful), a useful clue, a clue that
led to a case (linked), property returned. The weights are settings
(``settings.points_*``); each is credited once per volunteer, reason and source.

The team leaderboard shows only the teams that opted in.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pingan.community.hours import member_row
from pingan.community.models import (
    CheckIn,
    Clue,
    ClueStatus,
    PointsEntry,
    PointsReason,
    Shift,
    ShiftMember,
    Volunteer,
    VolunteerTeam,
)
from pingan.config import Settings
from pingan.db import utcnow
from pingan.errors import Conflict, InvalidInput, NotFound
from pingan.jurisdictions.models import Jurisdiction
from pingan.principal import Principal

R = PointsReason


def weights(settings: Settings) -> dict[PointsReason, int]:
    return {
        R.patrol_shift: settings.points_patrol_shift,
        R.stall: settings.points_stall,
        R.clue: settings.points_clue,
        R.clue_useful: settings.points_clue_useful,
        R.clue_case: settings.points_clue_case,
        R.property_returned: settings.points_property_returned,
    }


def credit(
    db_session: Session,
    settings: Settings,
    volunteer_id: int,
    reason: PointsReason,
    source: str,
    verified_by_id: int | None,
    *,
    at: datetime | None = None,
) -> PointsEntry | None:
    """Credit the weight of ``reason`` once for (volunteer, reason, source); None when it
    was credited already."""
    exists = db_session.scalar(
        select(PointsEntry.id).where(
            PointsEntry.volunteer_id == volunteer_id,
            PointsEntry.reason == reason,
            PointsEntry.source == source,
        )
    )
    if exists is not None:
        return None
    entry = PointsEntry(
        volunteer_id=volunteer_id,
        reason=reason,
        source=source,
        points=weights(settings)[reason],
        verified_by_id=verified_by_id,
        at=at or utcnow(),
    )
    db_session.add(entry)
    db_session.flush()
    return entry


def credit_clue(db_session: Session, settings: Settings, clue: Clue, officer_id: int) -> None:
    """The points a triaged clue earns its volunteer (duplicates and rejections earn none)."""
    if clue.volunteer_id is None or clue.status in (ClueStatus.duplicate, ClueStatus.rejected):
        return
    source = f"clue:{clue.id}"
    reasons = [R.clue, R.clue_useful]
    if clue.status is ClueStatus.linked:
        reasons.append(R.clue_case)
        if clue.property_returned:
            reasons.append(R.property_returned)
    for reason in reasons:
        credit(db_session, settings, clue.volunteer_id, reason, source, officer_id)


def points_of_clue(db_session: Session, clue_id: int) -> int:
    return int(
        db_session.scalar(
            select(func.coalesce(func.sum(PointsEntry.points), 0)).where(
                PointsEntry.source == f"clue:{clue_id}"
            )
        )
        or 0
    )


def verify_shift(
    db_session: Session, settings: Settings, principal: Principal, shift_id: int
) -> dict[str, Any]:
    """An officer confirms a finished shift: each member who checked in and out earns the
    patrol points (absent members and missing check-outs earn none)."""
    found = db_session.execute(
        select(Shift, Jurisdiction.path)
        .join(Jurisdiction, Jurisdiction.id == Shift.jurisdiction_id)
        .where(Shift.id == shift_id)
    ).first()
    if found is None:
        raise NotFound("no such shift")
    shift, path = found[0], found[1]
    principal.check("shift", "write", path)
    now = utcnow()
    if shift.ends_at > now:
        raise Conflict(f"shift {shift_id} is not over yet", field="shift_id")
    credited = []
    for (volunteer_id,) in db_session.execute(
        select(ShiftMember.volunteer_id).where(ShiftMember.shift_id == shift.id)
    ).all():
        checks = list(
            db_session.scalars(
                select(CheckIn)
                .where(CheckIn.shift_id == shift.id, CheckIn.volunteer_id == volunteer_id)
                .order_by(CheckIn.at, CheckIn.id)
            )
        )
        row = member_row(settings, shift, checks, now)
        if row["checked_in_at"] is not None and row["checked_out_at"] is not None:
            entry = credit(
                db_session,
                settings,
                volunteer_id,
                R.patrol_shift,
                f"shift:{shift.id}",
                principal.user_id,
            )
            if entry is not None:
                credited.append(volunteer_id)
    return {"shift_id": shift.id, "credited": credited}


def credit_activity(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    volunteer_id: int,
    reason: PointsReason,
    source: str,
) -> PointsEntry:
    """An officer credits an activity they verified (an anti-fraud stall: ``stall:<id>``)."""
    if reason is not R.stall:
        raise InvalidInput("only stalls are credited by hand", field="body.reason")
    volunteer = db_session.get(Volunteer, volunteer_id)
    if volunteer is None:
        raise NotFound("no such volunteer")
    principal.check("volunteer", "write", _path(db_session, volunteer.jurisdiction_id))
    entry = credit(db_session, settings, volunteer.id, reason, source, principal.user_id)
    if entry is None:
        raise Conflict(f"{source} is already credited to volunteer {volunteer_id}")
    return entry


def _path(db_session: Session, jurisdiction_id: int) -> str:
    return (
        db_session.scalar(select(Jurisdiction.path).where(Jurisdiction.id == jurisdiction_id)) or ""
    )


def points_of(db_session: Session, volunteer_id: int) -> dict[str, Any]:
    rows = db_session.scalars(
        select(PointsEntry)
        .where(PointsEntry.volunteer_id == volunteer_id)
        .order_by(PointsEntry.at.desc(), PointsEntry.id.desc())
    ).all()
    return {
        "total": sum(r.points for r in rows),
        "entries": [
            {"reason": r.reason, "source": r.source, "points": r.points, "at": r.at}
            for r in rows[:100]
        ],
    }


def leaderboard(db_session: Session, station_ids: list[int]) -> list[dict[str, Any]]:
    """The opted-in teams of these stations by their members' points, most first."""
    teams = db_session.scalars(
        select(VolunteerTeam).where(
            VolunteerTeam.jurisdiction_id.in_(station_ids),
            VolunteerTeam.leaderboard_opt_in.is_(True),
        )
    ).all()
    out = []
    for team in teams:
        total = db_session.scalar(
            select(func.coalesce(func.sum(PointsEntry.points), 0))
            .join(Volunteer, Volunteer.id == PointsEntry.volunteer_id)
            .where(Volunteer.team_id == team.id)
        )
        members = db_session.scalar(
            select(func.count()).select_from(Volunteer).where(Volunteer.team_id == team.id)
        )
        out.append(
            {"team_id": team.id, "name": team.name, "points": int(total or 0), "members": members}
        )
    return sorted(out, key=lambda r: (-r["points"], r["team_id"]))


def visible_leaderboard(db_session: Session, principal: Principal) -> list[dict[str, Any]]:
    """A volunteer sees their station's board; staff the boards of their stations."""
    own = db_session.scalar(select(Volunteer).where(Volunteer.user_id == principal.user_id))
    if own is not None:
        return leaderboard(db_session, [own.jurisdiction_id])
    principal.require("volunteer", "read")
    ids = db_session.scalars(
        select(Jurisdiction.id).where(
            principal.visible_clause("volunteer", "read", Jurisdiction.path)
        )
    ).all()
    return leaderboard(db_session, list(ids))
