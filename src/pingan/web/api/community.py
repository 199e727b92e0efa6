"""The community API (群防群治): volunteers and teams, shifts and QR check-ins, hours,
clues and points (15.1-3)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, Response, UploadFile
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool

from pingan.bounds import Count, Id
from pingan.community import (
    checkins,
    clues,
    figures,
    hours,
    lead,
    points,
    roster_io,
    shifts,
    teams,
    volunteers,
)
from pingan.community.clues import ClueInput
from pingan.community.models import ClueStatus, PointsReason, VolunteerStatus
from pingan.community.schemas import (
    ApplicationReceipt,
    CheckInRead,
    CheckInRequest,
    ClueRead,
    ClueTriage,
    HoursReport,
    LeaderboardRow,
    MyPoints,
    PhonePosition,
    PlanCode,
    PointInfo,
    QualificationIn,
    RosterImportResult,
    ShiftCreate,
    ShiftRead,
    SignupIn,
    TeamCreate,
    TeamRead,
    TeamUpdate,
    VolunteerApply,
    VolunteerCreate,
    VolunteerPage,
    VolunteerRead,
    VolunteerStatusChange,
    VolunteerUpdate,
)
from pingan.db import utcnow
from pingan.errors import InvalidInput, NotFound
from pingan.incidents import privacy
from pingan.jurisdictions import service as jurisdictions
from pingan.principal import Principal
from pingan.ratelimit import RateLimiter
from pingan.web.deps import (
    PrincipalDep,
    SessionDep,
    SettingsDep,
    allowed,
    audited_read,
    client_addr,
)
from pingan.web.photos import MEDIA_TYPES, check_photo

router = APIRouter(prefix="/api/v1/community", tags=["community"])

VolunteerReader = Annotated[Principal, allowed("volunteer", "read")]
VolunteerWriter = Annotated[Principal, allowed("volunteer", "write")]
VolunteerSelf = Annotated[Principal, allowed("volunteer", "self")]
ShiftReader = Annotated[Principal, allowed("shift", "read")]
ShiftWriter = Annotated[Principal, allowed("shift", "write")]
ClueCreator = Annotated[Principal, allowed("clue", "create")]
ClueOwner = Annotated[Principal, allowed("clue", "own")]
ClueReader = Annotated[Principal, allowed("clue", "read")]
ClueTriager = Annotated[Principal, allowed("clue", "triage")]


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


@router.post("/volunteers/import", response_model=RosterImportResult, status_code=201)
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
    body: VolunteerStatusChange,
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


@router.get("/qualifications/expiring")
def expiring_qualifications(
    caller: VolunteerReader, db_session: SessionDep, settings: SettingsDep
) -> list[dict[str, Any]]:
    """Qualifications expired or expiring within the reminder period, soonest first."""
    return volunteers.expiring_qualifications(db_session, settings, caller)


@router.get("/me", response_model=VolunteerRead)
def my_record(caller: VolunteerSelf, db_session: SessionDep, settings: SettingsDep) -> Any:
    """The caller's own volunteer record (shown whole: it is theirs), with the team they
    lead, if any."""
    volunteer = volunteers.own_volunteer(db_session, caller)
    body = volunteers.volunteer_json(db_session, settings, volunteer, privacy.EVERYTHING)
    body["leads_team_id"] = volunteers.led_team_id(db_session, volunteer.id)
    return body


@router.get("/lead")
def lead_view(caller: VolunteerSelf, db_session: SessionDep, settings: SettingsDep) -> Any:
    """A volunteer lead's team: roster (masked), the station's shifts to fill, the team's
    hours of the last 7 days and its members' clues (403 for a volunteer who leads none)."""
    return lead.lead_view(db_session, settings, caller)


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


@router.post("/shifts", response_model=ShiftRead, status_code=201)
def create_shift(body: ShiftCreate, caller: ShiftWriter, db_session: SessionDep) -> Any:
    """Plan a shift on a post or loop of the active plan (with its police group)."""
    shift = shifts.create_shift(db_session, caller, body)
    code = jurisdictions.get_ref(db_session, shift.jurisdiction_id).code
    return shifts.shift_json(db_session, shift, code, privacy.NOBODY)


@router.get("/shifts", response_model=list[ShiftRead])
def list_shifts(
    caller: ShiftReader,
    db_session: SessionDep,
    since: datetime | None = None,
    until: datetime | None = None,
    short_only: bool = False,
) -> list[dict[str, Any]]:
    """Shifts not yet over (from ``since``); ``short_only``: those short of people."""
    return shifts.list_shifts(db_session, caller, since=since, until=until, short_only=short_only)


@router.post("/shifts/{shift_id}/signups", response_model=ShiftRead, status_code=201)
def sign_up(shift_id: Id, body: SignupIn, caller: ShiftReader, db_session: SessionDep) -> Any:
    """Sign up for a shift (a volunteer: themselves; an officer: the volunteer named)."""
    shift = shifts.sign_up(db_session, caller, shift_id, body.volunteer_id)
    code = jurisdictions.get_ref(db_session, shift.jurisdiction_id).code
    return shifts.shift_json(db_session, shift, code, privacy.NOBODY)


@router.get("/me/shifts", response_model=list[ShiftRead])
def my_shifts(caller: VolunteerSelf, db_session: SessionDep) -> list[dict[str, Any]]:
    return shifts.my_shifts(db_session, caller)


@router.get("/plans/{plan_id}/codes", response_model=list[PlanCode])
def plan_codes(
    plan_id: Id, caller: ShiftWriter, db_session: SessionDep, settings: SettingsDep
) -> list[dict[str, Any]]:
    """Every post and loop stop of the plan with its signed check-in code and URL."""
    return checkins.plan_codes(db_session, settings, caller, plan_id)


@router.get("/plans/{plan_id}/codes/{point}.svg")
def plan_code_svg(
    plan_id: Id,
    point: Annotated[str, Path(max_length=40, pattern=r"^(post-\d+|stop-\d+-\d+)$")],
    caller: ShiftWriter,
    db_session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """The printable QR code of one point (SVG)."""
    for item in checkins.plan_codes(db_session, settings, caller, plan_id):
        if item["point"] == point:
            return Response(checkins.qr_svg(item["url"]), media_type="image/svg+xml")
    raise NotFound(f"plan {plan_id} has no point {point}")


@router.get("/checkins/point", response_model=PointInfo)
def code_point(
    code: Annotated[str, Query(min_length=10, max_length=400)],
    caller: VolunteerSelf,
    db_session: SessionDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    """What a scanned code names (the phone page shows it before checking in)."""
    claims, point = checkins.point_of_code(db_session, settings, code)
    return {
        "station_code": claims.station_code,
        "plan_id": claims.plan_id,
        "point": claims.point,
        "lat": point.lat,
        "lon": point.lon,
        "expires_at": claims.expires_at,
    }


@router.post("/checkins", response_model=CheckInRead, status_code=201)
def check_in(
    body: CheckInRequest, caller: VolunteerSelf, db_session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    """Check in (or out) at the scanned code's point with the phone's position; refused with
    the reason (nothing stored) for a forged, expired or foreign code, a far position, or a
    paused or departed volunteer."""
    return checkins.check(db_session, settings, caller, body)


@router.get("/me/checkins", response_model=list[CheckInRead])
def my_checkins(caller: VolunteerSelf, db_session: SessionDep) -> list[dict[str, Any]]:
    return checkins.my_checkins(db_session, caller)


@router.post("/me/position")
def my_position(body: PhonePosition, caller: VolunteerSelf, db_session: SessionDep) -> Any:
    """The phone's position while checked in: it moves the joint patrol's unit."""
    return checkins.report_position(db_session, caller, body.lat, body.lon)


@router.get("/hours", response_model=HoursReport)
def hours_report(
    caller: ShiftReader,
    db_session: SessionDep,
    settings: SettingsDep,
    since: datetime | None = None,
    until: datetime | None = None,
    team_id: Id | None = None,
) -> dict[str, Any]:
    """Hours per volunteer and team from check-ins on planned shifts (default: 7 days)."""
    end = until or utcnow()
    return hours.hours_report(
        db_session, settings, caller, since or end - timedelta(days=7), end, team_id=team_id
    )


@router.post("/shifts/{shift_id}/verify")
def verify_shift(
    shift_id: Id, caller: ShiftWriter, db_session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    """An officer confirms a finished shift: members who checked in and out earn points."""
    return points.verify_shift(db_session, settings, caller, shift_id)


@router.post("/volunteers/{volunteer_id}/points", status_code=201)
def credit_points(
    volunteer_id: Id,
    caller: VolunteerWriter,
    db_session: SessionDep,
    settings: SettingsDep,
    reason: Annotated[PointsReason, Form()],
    source: Annotated[str, Form(min_length=1, max_length=40)],
) -> dict[str, Any]:
    """Credit an activity the officer verified (an anti-fraud stall)."""
    entry = points.credit_activity(db_session, settings, caller, volunteer_id, reason, source)
    return {"volunteer_id": volunteer_id, "reason": entry.reason, "points": entry.points}


@router.post("/clues", response_model=ClueRead, status_code=201)
async def submit_clue(
    caller: ClueCreator,
    db_session: SessionDep,
    settings: SettingsDep,
    text: Annotated[str | None, Form(max_length=clues.MAX_CLUE_CHARS)] = None,
    place_text: Annotated[str | None, Form(max_length=200)] = None,
    lat: Annotated[float | None, Form(ge=-90, le=90)] = None,
    lon: Annotated[float | None, Form(ge=-180, le=180)] = None,
    occurred_at: Annotated[datetime | None, Form()] = None,
    incident_id: Annotated[Id | None, Form()] = None,
    series_id: Annotated[Id | None, Form()] = None,
    station_code: Annotated[str | None, Form(max_length=64)] = None,
    photos: Annotated[list[UploadFile] | None, File(max_length=clues.MAX_PHOTOS)] = None,
) -> dict[str, Any]:
    """Hand in a clue (text and/or up to 4 photos, place, time, optional incident or series);
    neither text nor photo: 422."""
    uploads = [p for p in (photos or []) if p.filename]
    if len(uploads) > clues.MAX_PHOTOS:
        raise InvalidInput(f"at most {clues.MAX_PHOTOS} photos", field="photos")
    checked = []
    for upload in uploads:
        data = await upload.read()
        checked.append((check_photo(data), data))
    clue = clues.submit_clue(
        db_session,
        settings,
        caller,
        ClueInput(
            text=text,
            place_text=place_text,
            lat=lat,
            lon=lon,
            occurred_at=occurred_at,
            incident_id=incident_id,
            series_id=series_id,
            station_code=station_code,
            photos=tuple(checked),
        ),
    )
    return clues.get_clue(db_session, caller, clue.id)


@router.get("/me/clues", response_model=list[ClueRead])
def my_clues(caller: ClueOwner, db_session: SessionDep) -> list[dict[str, Any]]:
    """The caller's clues with their outcomes (no other people's data)."""
    return clues.my_clues(db_session, caller)


@router.get("/me/points", response_model=MyPoints)
def my_points(caller: VolunteerSelf, db_session: SessionDep) -> dict[str, Any]:
    return points.points_of(db_session, volunteers.own_volunteer(db_session, caller).id)


@router.get("/leaderboard", response_model=list[LeaderboardRow])
def leaderboard(caller: PrincipalDep, db_session: SessionDep) -> list[dict[str, Any]]:
    """Teams that opted in, by points."""
    return points.visible_leaderboard(db_session, caller)


@router.get("/clues", response_model=list[ClueRead])
@audited_read
def list_clues(
    caller: ClueReader,
    db_session: SessionDep,
    status: ClueStatus | None = None,
    team_id: Id | None = None,
) -> list[dict[str, Any]]:
    return clues.list_clues(db_session, caller, status=status, team_id=team_id)


@router.get("/clues/{clue_id}", response_model=ClueRead)
@audited_read
def get_clue(clue_id: Id, caller: PrincipalDep, db_session: SessionDep) -> dict[str, Any]:
    """A clue: its submitter, or staff of its station."""
    return clues.get_clue(db_session, caller, clue_id)


@router.get("/clues/{clue_id}/photos/{index}")
@audited_read
def clue_photo(
    clue_id: Id,
    index: Annotated[int, Path(ge=0, le=clues.MAX_PHOTOS - 1)],
    caller: PrincipalDep,
    db_session: SessionDep,
    settings: SettingsDep,
) -> FileResponse:
    path, extension = clues.photo_path(db_session, settings, caller, clue_id, index)
    return FileResponse(path, media_type=MEDIA_TYPES[extension])


@router.post("/clues/{clue_id}/triage", response_model=ClueRead)
def triage_clue(
    clue_id: Id,
    body: ClueTriage,
    caller: ClueTriager,
    db_session: SessionDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    """Linked to an incident or series, useful, duplicate, or rejected with a reason."""
    clues.triage(db_session, settings, caller, clue_id, body)
    return clues.get_clue(db_session, caller, clue_id)


@router.get("/figures")
def dashboard_figures(
    caller: VolunteerReader, db_session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    """Volunteers active, hours this week, clues received → useful → cases (30 days),
    joint patrols on duty now."""
    return figures.dashboard_figures(db_session, settings, caller)
