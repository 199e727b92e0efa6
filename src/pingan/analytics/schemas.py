"""Request and response bodies of the analytics API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from pingan.analytics.models import FootageStatus, OwnerRole, SeriesStatus
from pingan.bounds import Id

#: Label shown with anything computed from a simulated history.
SIMULATED_LABEL = "simulated data"


class ForecastCreate(BaseModel):
    city: str = Field(min_length=1, max_length=64)
    horizon: str = Field(default="7d", pattern=r"^\s*\d+(\.\d+)?\s*[hdw]\s*$")
    model: str = Field(default="best", max_length=32)
    cell_m: float = Field(default=150.0, gt=10, le=5000)
    jurisdiction_code: str | None = Field(default=None, max_length=64)
    at: datetime | None = None


class ForecastRead(BaseModel):
    id: int
    city: str
    jurisdiction_code: str
    model: str
    horizon_h: float
    starts_at: datetime
    ends_at: datetime
    cell_m: float
    n_events: int
    n_cells: int
    simulated: bool
    label: str | None
    source: str
    created_by: str
    created_at: datetime


class SeriesCreate(BaseModel):
    incident_ids: list[Id] = Field(min_length=2, max_length=200)
    name: str = Field(default="", max_length=200)
    status: SeriesStatus = SeriesStatus.candidate
    note: str = Field(default="", max_length=4000)


class SeriesDecision(BaseModel):
    status: SeriesStatus
    note: str = Field(default="", max_length=4000)


class SeriesMemberRead(BaseModel):
    incident_id: int
    type: str
    occurred_at: datetime | None
    lat: float | None
    lon: float | None
    place_text: str | None
    brand: str | None
    colour: str | None
    simulated: bool


class SeriesLinkRead(BaseModel):
    incident_ids: tuple[int, int]
    score: float
    distance_m: float
    days_apart: float
    hour_gap_h: float
    evidence: list[str]


class SeriesRead(BaseModel):
    id: int | None
    status: SeriesStatus
    city: str | None
    type: str
    name: str
    score: float
    span_days: float
    extent_m: float
    members: list[SeriesMemberRead]
    links: list[SeriesLinkRead]
    note: str = ""
    simulated: bool
    label: str | None
    created_by: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None


class CameraCreate(BaseModel):
    city: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    owner: str = Field(default="", max_length=200)
    owner_role: OwnerRole | None = None
    direction_deg: float | None = Field(default=None, ge=0, lt=360)
    jurisdiction_code: str | None = Field(default=None, max_length=64)


class CameraUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    owner: str | None = Field(default=None, max_length=200)
    owner_role: OwnerRole | None = None
    direction_deg: float | None = Field(default=None, ge=0, lt=360)
    active: bool | None = None


class CameraRead(BaseModel):
    id: int
    city: str
    name: str
    lat: float
    lon: float
    owner: str
    owner_role: OwnerRole | None = None
    direction_deg: float | None = None
    active: bool
    jurisdiction_code: str


class CanvassUpdate(BaseModel):
    status: FootageStatus
    note: str = Field(default="", max_length=2000)


class CanvassCamera(BaseModel):
    """One camera of a canvass. A camera another station registered (outside the caller's
    subtree) comes read-only (``editable`` false) with only what a canvass needs: its point,
    view direction, the keeper's role and the station to ask; no name and no owner."""

    source: str
    camera_id: int
    name: str
    owner: str
    owner_role: OwnerRole | None = None
    direction_deg: float | None = None
    #: The registered camera's station (null for the city map's surveillance points).
    jurisdiction_code: str | None = None
    editable: bool = True
    lat: float
    lon: float
    snap_m: float
    arrival_s: dict[str, float]
    earliest_s: float
    earliest_mode: str
    status: FootageStatus
    note: str
    updated_by: str | None
    updated_at: datetime | None


class CanvassRead(BaseModel):
    incident_id: int
    city: str | None
    scene: tuple[float, float] | None
    minutes: float
    modes: list[str]
    cameras: list[CanvassCamera]
    counts: dict[str, int]
    note: str = ""


class CanvassItemRead(BaseModel):
    incident_id: int
    source: str
    camera_id: int
    status: FootageStatus
    note: str
    updated_by: str
    updated_at: datetime
