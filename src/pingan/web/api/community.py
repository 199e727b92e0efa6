"""The community API (群防群治): volunteers and teams, shifts and QR check-ins, hours,
clues and points (15.1-3)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from pingan.bounds import Count, Id
from pingan.community import roster_io, teams, volunteers
from pingan.community.models import VolunteerStatus
from pingan.community.schemas import (
    ApplicationReceipt,
    ImportResult,
    QualificationIn,
    StatusChange,
    TeamCreate,
    TeamRead,
    TeamUpdate,
    VolunteerApply,
    VolunteerCreate,
    VolunteerPage,
    VolunteerRead,
    VolunteerUpdate,
)
from pingan.incidents import privacy
from pingan.principal import Principal
from pingan.ratelimit import RateLimiter
from pingan.web.deps import SessionDep, SettingsDep, allowed, audited_read, client_addr

router = APIRouter(prefix="/api/v1/community", tags=["community"])

VolunteerReader = Annotated[Principal, allowed("volunteer", "read")]
VolunteerWriter = Annotated[Principal, allowed("volunteer", "write")]
VolunteerSelf = Annotated[Principal, allowed("volunteer", "self")]


async def apply_limit(request: Request) -> None:
    """Count one application per client address; past the limit, 429."""
    limiter: RateLimiter = request.app.state.limiter
    await run_in_threadpool(
        limiter.hit,
        request.app.state.settings.volunteer_apply_rate_limit,
        "volunteer-apply-addr",
        client_addr(request),
        reason="too many applications from this address; try again later",
    )


@router.post(
    "/applications",
    response_model=ApplicationReceipt,
    status_code=201,
    dependencies=[Depends(apply_limit)],
)
def apply(body: VolunteerApply, db_session: SessionDep) -> dict[str, Any]:
    """Apply to volunteer (anyone, no account needed); an officer approves."""
    volunteer = volunteers.apply(db_session, body)
    return {"id": volunteer.id, "status": volunteer.status}


@router.get("/volunteers", response_model=VolunteerPage)
@audited_read
def list_volunteers(
    caller: VolunteerReader,
    db_session: SessionDep,
    settings: SettingsDep,
    status: VolunteerStatus | None = None,
    team_id: Id | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
    offset: Count = 0,
) -> dict[str, Any]:
    return volunteers.list_roster(
        db_session, settings, caller, status=status, team_id=team_id, limit=limit, offset=offset
    )


@router.post("/volunteers", response_model=VolunteerRead, status_code=201)
def create_volunteer(
    body: VolunteerCreate, caller: VolunteerWriter, db_session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    volunteer = volunteers.create_volunteer(db_session, caller, body)
    return volunteers.get_volunteer(db_session, settings, caller, volunteer.id)


@router.get("/volunteers/export")
@audited_read
def export_volunteers(
    caller: VolunteerReader,
    db_session: SessionDep,
    settings: SettingsDep,
    format: Annotated[str, Query(pattern="^(csv|xlsx)$")] = "csv",
) -> Response:
    """The roster as CSV or XLSX (masked as the caller may see it)."""
    rows = roster_io.roster_rows(db_session, settings, caller)
    if format == "xlsx":
        return Response(
            roster_io.roster_xlsx(rows),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": 'attachment; filename="volunteers.xlsx"'},
        )
    return Response(
        roster_io.roster_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="volunteers.csv"'},
    )


@router.post("/volunteers/import", response_model=ImportResult, status_code=201)
async def import_volunteers(
    caller: VolunteerWriter,
    db_session: SessionDep,
    file: Annotated[UploadFile, File()],
    station_code: Annotated[str | None, Form(max_length=64)] = None,
) -> dict[str, Any]:
    """A roster as CSV or XLSX (by the file's first bytes): all rows or none."""
    raw = await file.read()
    return roster_io.import_roster(
        db_session, caller, raw, xlsx=raw[:2] == b"PK", station_code=station_code
    )


@router.get("/volunteers/{volunteer_id}", response_model=VolunteerRead)
@audited_read
def get_volunteer(
    volunteer_id: Id, caller: VolunteerReader, db_session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    return volunteers.get_volunteer(db_session, settings, caller, volunteer_id)


@router.patch("/volunteers/{volunteer_id}", response_model=VolunteerRead)
def update_volunteer(
    volunteer_id: Id,
    body: VolunteerUpdate,
    caller: VolunteerWriter,
    db_session: SessionDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    volunteers.update_volunteer(db_session, caller, volunteer_id, body)
    return volunteers.get_volunteer(db_session, settings, caller, volunteer_id)


@router.post("/volunteers/{volunteer_id}/status", response_model=VolunteerRead)
def change_status(
    volunteer_id: Id,
    body: StatusChange,
    caller: VolunteerWriter,
    db_session: SessionDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    """Approve, activate, pause, resume or let go (a step out of order: 409)."""
    volunteers.change_status(db_session, caller, volunteer_id, body.status)
    return volunteers.get_volunteer(db_session, settings, caller, volunteer_id)


@router.put("/volunteers/{volunteer_id}/qualifications", response_model=VolunteerRead)
def set_qualification(
    volunteer_id: Id,
    body: QualificationIn,
    caller: VolunteerWriter,
    db_session: SessionDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    volunteers.set_qualification(db_session, caller, volunteer_id, body)
    return volunteers.get_volunteer(db_session, settings, caller, volunteer_id)


@router.get("/me", response_model=VolunteerRead)
def my_record(caller: VolunteerSelf, db_session: SessionDep, settings: SettingsDep) -> Any:
    """The caller's own volunteer record (shown whole: it is theirs)."""
    volunteer = volunteers.own_volunteer(db_session, caller)
    return volunteers.volunteer_json(db_session, settings, volunteer, privacy.EVERYTHING)


@router.get("/teams", response_model=list[TeamRead])
def list_teams(caller: VolunteerReader, db_session: SessionDep) -> list[dict[str, Any]]:
    return teams.list_teams(db_session, caller)


@router.post("/teams", response_model=TeamRead, status_code=201)
def create_team(body: TeamCreate, caller: VolunteerWriter, db_session: SessionDep) -> Any:
    team = teams.create_team(db_session, caller, body)
    return teams.team_json(db_session, team, privacy.NOBODY)


@router.patch("/teams/{team_id}", response_model=TeamRead)
def update_team(
    team_id: Id, body: TeamUpdate, caller: VolunteerWriter, db_session: SessionDep
) -> Any:
    team = teams.update_team(db_session, caller, team_id, body)
    return teams.team_json(db_session, team, privacy.NOBODY)
