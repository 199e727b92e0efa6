from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from pingan.bounds import Id
from pingan.dispatch.models import AssignmentStatus


class RecommendedUnit(BaseModel):
    unit_id: int
    callsign: str
    kind: str
    mode: str
    station_code: str
    #: The unit's home station is not the incident's: it would come as mutual aid.
    mutual_aid: bool = False
    travel_time_s: float | None
    tier: int
    rank: int


class IneligibleUnitRead(BaseModel):
    unit_id: int
    callsign: str
    station_code: str
    mutual_aid: bool = False
    reason: str
    travel_time_s: float | None


class Recommendation(BaseModel):
    incident_id: int
    tiers_s: list[float]
    units: list[RecommendedUnit]
    by_tier: dict[str, list[int]]
    met: dict[str, bool]
    ineligible: list[IneligibleUnitRead]


class DispatchIn(BaseModel):
    unit_ids: list[Id] = Field(min_length=1, max_length=20)


class AssignmentRead(BaseModel):
    id: int
    incident_id: int
    unit_id: int
    callsign: str
    #: The unit came from another station (mutual aid).
    mutual_aid: bool = False
    status: AssignmentStatus
    assigned_at: datetime
    arrived_at: datetime | None
    cleared_at: datetime | None
    predicted_travel_s: float | None
    predicted_tier: int | None
    response_s: float | None


class FigureRow(BaseModel):
    group: str
    count: int
    missing: int
    share_within: dict[str, float | None]
    median_s: float | None
    p90_s: float | None


class FiguresRead(BaseModel):
    group_by: str
    tiers_s: list[float]
    overall: FigureRow
    groups: list[FigureRow]
    #: How many of the incidents counted are simulated (demo history).
    simulated_incidents: int = 0


class MutualAidHelpRead(BaseModel):
    """One of the caller's units helping another station: where it goes, not the record."""

    assignment_id: int
    unit_id: int
    callsign: str
    status: AssignmentStatus
    assigned_at: datetime
    incident_id: int
    incident_type: str
    #: The station that holds the incident (and asked for help).
    incident_station_code: str
    lat: float | None
    lon: float | None
