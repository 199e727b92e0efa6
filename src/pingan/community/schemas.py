"""Request and response bodies of volunteers, teams, shifts, check-ins, clues and points
(15.1-3); every list, string and integer a client sends is bounded."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from pingan.bounds import MAX_LIST_ITEMS, Id
from pingan.community.models import (
    CheckKind,
    ClueStatus,
    PointKind,
    PointsReason,
    TeamKind,
    VolunteerStatus,
)

Code = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Skill = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$")]
MAX_SKILLS = 12


class VolunteerApply(BaseModel):
    """An application from the public page (anyone may send one)."""

    station_code: Code
    grid_code: Code | None = None
    name: str = Field(min_length=1, max_length=100)
    phone: str = Field(min_length=5, max_length=32)
    id_number: str | None = Field(default=None, max_length=32)
    skills: list[Skill] = Field(default_factory=list, max_length=MAX_SKILLS)
    availability: str = Field(default="", max_length=200)


class VolunteerCreate(VolunteerApply):
    """A volunteer an officer enters directly (approved at once)."""

    team_id: Id | None = None


class VolunteerUpdate(BaseModel):
    grid_code: Code | None = None
    team_id: Id | None = None
    skills: list[Skill] | None = Field(default=None, max_length=MAX_SKILLS)
    availability: str | None = Field(default=None, max_length=200)


class VolunteerStatusChange(BaseModel):
    status: VolunteerStatus


class QualificationIn(BaseModel):
    kind: Skill
    expires_on: date | None = None


class QualificationRead(BaseModel):
    kind: str
    expires_on: date | None
    expired: bool
    expiring_soon: bool


class VolunteerRead(BaseModel):
    id: int
    station_code: str
    grid_code: str | None
    team_id: int | None
    team_name: str | None
    name: str | None
    phone: str | None
    id_number: str | None
    skills: list[str]
    availability: str
    status: VolunteerStatus
    applied_at: datetime
    qualifications: list[QualificationRead]
    has_account: bool
    simulated: bool
    #: On the caller's own record: the team they lead, if any.
    leads_team_id: int | None = None


class VolunteerPage(BaseModel):
    items: list[VolunteerRead]
    total: int


class ApplicationReceipt(BaseModel):
    id: int
    status: VolunteerStatus


class TeamCreate(BaseModel):
    station_code: Code
    name: str = Field(min_length=1, max_length=100)
    kind: TeamKind = TeamKind.named
    home_grid_code: Code | None = None
    lead_volunteer_id: Id | None = None
    leaderboard_opt_in: bool = False


class TeamUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    home_grid_code: Code | None = None
    lead_volunteer_id: Id | None = None
    leaderboard_opt_in: bool | None = None


class TeamRead(BaseModel):
    id: int
    station_code: str
    name: str
    kind: TeamKind
    home_grid_code: str | None
    lead_volunteer_id: int | None
    lead_name: str | None
    leaderboard_opt_in: bool
    members: int
    active_members: int


class RosterImportResult(BaseModel):
    created: int
    ids: list[int]


class ShiftCreate(BaseModel):
    plan_id: Id
    point_kind: PointKind
    #: The post's id (point_kind "post") or the loop's id (point_kind "stop").
    point_id: Id
    team_id: Id | None = None
    starts_at: datetime
    ends_at: datetime
    min_people: int = Field(default=2, ge=1, le=50)
    max_people: int = Field(default=4, ge=1, le=50)
    required: list[Skill] = Field(default_factory=list, max_length=MAX_SKILLS)
    volunteer_ids: list[Id] = Field(default_factory=list, max_length=MAX_LIST_ITEMS)


class ShiftMemberRead(BaseModel):
    volunteer_id: int
    name: str | None


class ShiftRead(BaseModel):
    id: int
    station_code: str
    plan_id: int
    point_kind: PointKind
    point_id: int
    group_no: int
    team_id: int | None
    starts_at: datetime
    ends_at: datetime
    min_people: int
    max_people: int
    required: list[str]
    members: list[ShiftMemberRead]
    signed_up: int
    short_by: int
    lat: float
    lon: float
    unit_id: int | None
    #: On a volunteer's own list: whether they are signed up.
    mine: bool = False


class SignupIn(BaseModel):
    #: Officers sign a volunteer up; a volunteer signs up themselves (omit it).
    volunteer_id: Id | None = None


class CheckInRequest(BaseModel):
    """What the phone page sends after opening a point's QR code URL."""

    code: str = Field(min_length=10, max_length=400)
    kind: CheckKind = CheckKind.check_in
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class PhonePosition(BaseModel):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class PlanCode(BaseModel):
    point: str
    kind: PointKind
    group_no: int
    lat: float
    lon: float
    code: str
    url: str
    expires_at: datetime


class CheckInRead(BaseModel):
    id: int
    kind: CheckKind
    at: datetime
    point: str
    shift_id: int | None
    distance_m: float
    unit_id: int | None
    unit_callsign: str | None


class PointInfo(BaseModel):
    """What a QR code names (read before checking in)."""

    station_code: str
    plan_id: int
    point: str
    lat: float
    lon: float
    expires_at: datetime


class HoursRow(BaseModel):
    volunteer_id: int
    name: str | None
    team_id: int | None
    shift_id: int
    starts_at: datetime
    ends_at: datetime
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    hours: float
    late: bool
    missing_check_out: bool
    absent: bool


class HoursTotal(BaseModel):
    key: int
    name: str | None
    hours: float
    shifts: int
    late: int
    missing_check_out: int


class HoursReport(BaseModel):
    rows: list[HoursRow]
    by_volunteer: list[HoursTotal]
    by_team: list[HoursTotal]


class ClueTriage(BaseModel):
    status: ClueStatus
    incident_id: Id | None = None
    series_id: Id | None = None
    duplicate_of_id: Id | None = None
    reason: str | None = Field(default=None, max_length=500)
    property_returned: bool = False


class ClueRead(BaseModel):
    id: int
    station_code: str
    text: str | None
    place_text: str | None
    lat: float | None
    lon: float | None
    occurred_at: datetime | None
    photos: int
    extracted: dict[str, object]
    incident_id: int | None
    series_id: int | None
    status: ClueStatus
    outcome: str
    linked_incident_id: int | None
    linked_series_id: int | None
    duplicate_of_id: int | None
    reason: str | None
    created_at: datetime
    triaged_at: datetime | None
    points: int
    simulated: bool


class PointsRow(BaseModel):
    reason: PointsReason
    source: str
    points: int
    at: datetime


class MyPoints(BaseModel):
    total: int
    entries: list[PointsRow]


class LeaderboardRow(BaseModel):
    team_id: int
    name: str
    points: int
    members: int
