from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from pingan.bounds import Id
from pingan.units.models import TravelMode, UnitKind, UnitStatus


class UnitCreate(BaseModel):
    callsign: str = Field(min_length=1, max_length=32)
    kind: UnitKind
    mode: TravelMode | None = None
    station_code: str = Field(min_length=1, max_length=64)
    city: str = Field(min_length=1, max_length=64)
    members: list[str] = Field(default_factory=list, max_length=20)
    shift: str = Field(default="", pattern=r"^$|^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")
    post_lat: float | None = Field(default=None, ge=-90, le=90)
    post_lon: float | None = Field(default=None, ge=-180, le=180)


class UnitRead(BaseModel):
    id: int
    callsign: str
    kind: UnitKind
    mode: TravelMode
    status: UnitStatus
    station_code: str
    city: str
    members: list[str]
    shift: str
    lat: float | None
    lon: float | None
    last_seen_at: datetime | None
    stale: bool


class StatusChange(BaseModel):
    status: UnitStatus


class PositionIn(BaseModel):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    at: datetime | None = None


class PositionBatchItem(PositionIn):
    unit_id: Id | None = None
    callsign: str | None = Field(default=None, max_length=32)


class PositionBatch(BaseModel):
    positions: list[PositionBatchItem] = Field(min_length=1, max_length=5000)


class PositionBatchResult(BaseModel):
    accepted: int
