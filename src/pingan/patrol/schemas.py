from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from pingan.bounds import MAX_LIST_ITEMS, Id, Seed
from pingan.patrol.models import DayType, PlanStatus


class LatLon(BaseModel):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class PlanCreate(BaseModel):
    """What the chief asks for. Solving runs inline within ``time_limit_s``."""

    city: str
    #: The jurisdiction planned for (default: the city's own jurisdiction).
    station_code: str | None = None
    name: str = Field(default="", max_length=200)
    groups: int = Field(ge=1, le=500)
    shift: str = "20:00-02:00"
    day_type: DayType = DayType.weekday
    mode: str = "car"
    radii_s: list[float] | None = Field(default=None, max_length=10)
    tier_weights: list[float] | None = Field(default=None, max_length=10)
    backup: bool = False
    backup_weight: float = Field(default=1.0, ge=0)
    #: Weights of the demand sources: history, forecast, venues, population.
    demand_weights: dict[str, float] = Field(default_factory=dict, max_length=MAX_LIST_ITEMS)
    #: Weights per incident type for the history source (default 1 each).
    type_weights: dict[str, float] = Field(default_factory=dict, max_length=MAX_LIST_ITEMS)
    history_from: date | None = None
    history_to: date | None = None
    #: Existing police boxes to keep as posts.
    fixed_posts: list[LatLon] = Field(default_factory=list, max_length=500)
    #: Keep police stations among the city's places as posts.
    fix_police_stations: bool = True
    max_candidates: int = Field(default=3000, ge=1, le=50_000)
    hotspots_per_group: int = Field(default=2, ge=0, le=10)
    dwell_s: float = Field(default=900.0, ge=0, le=4 * 3600)
    time_limit_s: float = Field(default=30.0, gt=0, le=600)
    #: Solver method of :func:`pingan.algo.coverage.solve_coverage`.
    method: Literal["auto", "exact", "heuristic"] = "auto"
    activate: bool = False


class PlanRead(BaseModel):
    id: int
    name: str
    city: str
    station_code: str
    shift: str
    day_type: DayType
    groups: int
    status: PlanStatus
    coverage: dict[str, float]
    backup_share: float
    objective: float
    bound: float
    gap: float
    seconds: float
    solve_status: str
    visibility_share: float | None
    created_by: str
    created_at: datetime


class PlanDetail(PlanRead):
    mode: str
    radii_s: list[float]
    tier_weights: list[float]
    backup: bool
    backup_weight: float
    demand_weights: dict[str, float]
    type_weights: dict[str, float]
    demand_sources: dict[str, Any]
    n_candidates: int
    n_demand: int
    method: str
    visibility: dict[str, Any]
    beat_stats: dict[str, Any]
    notes: list[str]
    posts: list[dict[str, Any]]
    routes: list[dict[str, Any]]
    beats: list[dict[str, Any]]


class CompareRequest(BaseModel):
    """Plans replayed against the same historical incidents (inline, like plan making)."""

    plan_id: Id
    other_plan_id: Id | None = None
    date_from: date
    date_to: date
    #: Naive plans to add: "stations" (posts at police stations), "grid" (uniform grid).
    naive: list[str] = Field(default_factory=lambda: ["stations", "grid"], max_length=2)
    seed: Seed = 0
    service_median_s: float = Field(default=1200.0, gt=0)
    turnout_s: float = Field(default=0.0, ge=0)
