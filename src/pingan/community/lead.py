"""The volunteer lead's view of their own team: the roster, the station's shifts short of
people, the team's hours of the last 7 days, and the clues its members handed in.

A lead is a volunteer named as a team's lead (``VolunteerTeam.lead_volunteer_id``); they
hold no personal-data right, so names are masked and clue texts have their personal data
masked, as for any reader without it. Officers see the same through the staff reads.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.community import clues, hours, shifts
from pingan.community.models import Clue, Shift, Volunteer, VolunteerTeam
from pingan.community.volunteers import led_team_id, own_volunteer, volunteer_json
from pingan.config import Settings
from pingan.db import utcnow
from pingan.errors import Forbidden
from pingan.incidents import privacy
from pingan.jurisdictions import service as jurisdictions
from pingan.principal import Principal


def led_team(db_session: Session, principal: Principal) -> VolunteerTeam:
    """The team the caller leads (403 when they lead none)."""
    me = own_volunteer(db_session, principal)
    team_id = led_team_id(db_session, me.id)
    team = db_session.get(VolunteerTeam, team_id) if team_id is not None else None
    if team is None:
        raise Forbidden("you do not lead a team")
    return team


def lead_view(db_session: Session, settings: Settings, principal: Principal) -> dict[str, Any]:
    team = led_team(db_session, principal)
    station = jurisdictions.get_ref(db_session, team.jurisdiction_id)
    members = db_session.scalars(
        select(Volunteer).where(Volunteer.team_id == team.id).order_by(Volunteer.id)
    ).all()
    now = utcnow()
    short = [
        data
        for shift in db_session.scalars(
            select(Shift)
            .where(Shift.jurisdiction_id == team.jurisdiction_id, Shift.ends_at >= now)
            .order_by(Shift.starts_at, Shift.id)
            .limit(200)
        )
        if (data := shifts.shift_json(db_session, shift, station.code, privacy.NOBODY))["short_by"]
    ]
    attendance = hours.attendance(
        db_session,
        settings,
        Shift.jurisdiction_id == team.jurisdiction_id,
        now - timedelta(days=7),
        now,
        team_id=team.id,
    )
    team_clues = db_session.scalars(
        select(Clue)
        .join(Volunteer, Volunteer.id == Clue.volunteer_id)
        .where(Volunteer.team_id == team.id)
        .order_by(Clue.created_at.desc(), Clue.id.desc())
        .limit(100)
    ).all()
    return {
        "team": {"id": team.id, "name": team.name, "kind": team.kind, "station_code": station.code},
        "roster": [volunteer_json(db_session, settings, v, privacy.NOBODY) for v in members],
        "shifts_to_fill": short,
        "hours": attendance,
        "clues": [
            clues.clue_json(db_session, c, station.code, privacy.NOBODY, own=True)
            for c in team_clues
        ],
    }
