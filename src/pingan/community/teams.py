"""Volunteer teams (红袖标, 萤火虫, or named by the station) with a lead and a home grid."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pingan.community.models import Volunteer, VolunteerStatus, VolunteerTeam
from pingan.community.schemas import TeamCreate, TeamUpdate
from pingan.community.volunteers import grid_in, station_by_code
from pingan.errors import InvalidInput, NotFound
from pingan.incidents import privacy
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction
from pingan.principal import Principal


def _check_lead(db_session: Session, team: VolunteerTeam, lead_id: int | None) -> None:
    if lead_id is None:
        team.lead_volunteer_id = None
        return
    lead = db_session.get(Volunteer, lead_id)
    if lead is None or lead.jurisdiction_id != team.jurisdiction_id:
        raise InvalidInput(
            f"no volunteer {lead_id} at this station", field="body.lead_volunteer_id"
        )
    if lead.status not in (VolunteerStatus.approved, VolunteerStatus.active):
        raise InvalidInput(
            f"volunteer {lead_id} is {lead.status.value}: a lead is approved or active",
            field="body.lead_volunteer_id",
        )
    team.lead_volunteer_id = lead.id
    if team.id is not None:
        lead.team_id = team.id


def create_team(
    db_session: Session, principal: Principal, body: TeamCreate, *, simulated: bool = False
) -> VolunteerTeam:
    station = station_by_code(db_session, body.station_code, "body.station_code")
    principal.check("volunteer", "write", station.path)
    team = VolunteerTeam(
        jurisdiction_id=station.id,
        name=body.name.strip(),
        kind=body.kind,
        home_grid_id=grid_in(db_session, station, body.home_grid_code, "body.home_grid_code"),
        leaderboard_opt_in=body.leaderboard_opt_in,
        simulated=simulated,
    )
    db_session.add(team)
    db_session.flush()
    _check_lead(db_session, team, body.lead_volunteer_id)
    db_session.flush()
    return team


def load_team(
    db_session: Session, principal: Principal, team_id: int, action: str
) -> tuple[VolunteerTeam, Jurisdiction]:
    found = db_session.execute(
        select(VolunteerTeam, Jurisdiction)
        .join(Jurisdiction, Jurisdiction.id == VolunteerTeam.jurisdiction_id)
        .where(VolunteerTeam.id == team_id)
    ).first()
    if found is None:
        raise NotFound("no such team")
    principal.check("volunteer", action, found[1].path)
    return found[0], found[1]


def update_team(
    db_session: Session, principal: Principal, team_id: int, body: TeamUpdate
) -> VolunteerTeam:
    team, station = load_team(db_session, principal, team_id, "write")
    if body.name is not None:
        team.name = body.name.strip()
    if body.home_grid_code is not None:
        team.home_grid_id = grid_in(db_session, station, body.home_grid_code, "body.home_grid_code")
    if "lead_volunteer_id" in body.model_fields_set:
        _check_lead(db_session, team, body.lead_volunteer_id)
    if body.leaderboard_opt_in is not None:
        team.leaderboard_opt_in = body.leaderboard_opt_in
    db_session.flush()
    return team


def team_json(db_session: Session, team: VolunteerTeam, sight: privacy.Sight) -> dict[str, Any]:
    counts = dict(
        db_session.execute(
            select(Volunteer.status, func.count())
            .where(Volunteer.team_id == team.id)
            .group_by(Volunteer.status)
        ).all()
    )
    lead = db_session.get(Volunteer, team.lead_volunteer_id) if team.lead_volunteer_id else None
    grid = jurisdictions.get_ref(db_session, team.home_grid_id) if team.home_grid_id else None
    return {
        "id": team.id,
        "station_code": jurisdictions.get_ref(db_session, team.jurisdiction_id).code,
        "name": team.name,
        "kind": team.kind,
        "home_grid_code": grid.code if grid else None,
        "lead_volunteer_id": team.lead_volunteer_id,
        "lead_name": privacy.redact(lead.name, sight, privacy.Field.name) if lead else None,
        "leaderboard_opt_in": team.leaderboard_opt_in,
        "members": sum(counts.values()),
        "active_members": counts.get(VolunteerStatus.active, 0),
    }


def list_teams(db_session: Session, principal: Principal) -> list[dict[str, Any]]:
    """The teams of the caller's stations (lead names masked: a roster read shows them)."""
    principal.require("volunteer", "read")
    rows = db_session.scalars(
        select(VolunteerTeam)
        .join(Jurisdiction, Jurisdiction.id == VolunteerTeam.jurisdiction_id)
        .where(principal.visible_clause("volunteer", "read", Jurisdiction.path))
        .order_by(VolunteerTeam.id)
    ).all()
    return [team_json(db_session, team, privacy.NOBODY) for team in rows]
