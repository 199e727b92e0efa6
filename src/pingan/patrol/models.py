"""A patrol plan for one shift and what it is made of: posts, hot-spot loops and beats.

A :class:`Plan` keeps the chief's inputs (shift window, day type, K groups, tier and demand
weights), the solver's report (objective, proven bound, gap, seconds, coverage per tier) and
the demand it was solved for, so that a plan can be checked and compared later.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Enum, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pingan.db import Base, UTCDateTime, utcnow


class DayType(enum.StrEnum):
    weekday = "weekday"
    weekend = "weekend"


class PlanStatus(enum.StrEnum):
    draft = "draft"
    active = "active"


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=16)


class Plan(Base):
    __tablename__ = "patrol_plan"
    __table_args__ = (Index("ix_patrol_plan_jurisdiction_status", "jurisdiction_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    city: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    #: Shift window in the district's time zone, "HH:MM" each (may cross midnight).
    shift_start: Mapped[str] = mapped_column(String(5), default="20:00")
    shift_end: Mapped[str] = mapped_column(String(5), default="02:00")
    day_type: Mapped[DayType] = mapped_column(_enum(DayType), default=DayType.weekday)
    groups: Mapped[int] = mapped_column(Integer, default=1)
    mode: Mapped[str] = mapped_column(String(8), default="car")
    radii_s: Mapped[list[Any]] = mapped_column(JSON, default=list)
    tier_weights: Mapped[list[Any]] = mapped_column(JSON, default=list)
    backup: Mapped[bool] = mapped_column(Boolean, default=False)
    backup_weight: Mapped[float] = mapped_column(Float, default=0.0)
    #: Weight of each demand source (history, forecast, venues, population) as set.
    demand_weights: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Per incident type weights for the history source ({} = all 1).
    type_weights: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: What each demand source contributed: {"history": {"count": n, "share": s}, ...}.
    demand_sources: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Demand points as JSON text: {"nodes": [...], "weights": [...]} (graph node indices).
    demand: Mapped[str] = mapped_column(Text, default="{}")
    n_candidates: Mapped[int] = mapped_column(Integer, default=0)
    n_demand: Mapped[int] = mapped_column(Integer, default=0)
    method: Mapped[str] = mapped_column(String(16), default="auto")
    solve_status: Mapped[str] = mapped_column(String(16), default="")
    objective: Mapped[float] = mapped_column(Float, default=0.0)
    bound: Mapped[float] = mapped_column(Float, default=0.0)
    gap: Mapped[float] = mapped_column(Float, default=0.0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    #: Share of demand within each tier, keyed by the radius in seconds as text.
    coverage: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    backup_share: Mapped[float] = mapped_column(Float, default=0.0)
    #: Police visibility from the plan: {"share", "time_share", "per_hotspot", "n_slots"}.
    visibility: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Beat workload spread against the naive square grid.
    beat_stats: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    notes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    status: Mapped[PlanStatus] = mapped_column(_enum(PlanStatus), default=PlanStatus.draft)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_by_name: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    posts: Mapped[list[PlanPost]] = relationship(
        back_populates="plan", order_by="PlanPost.group_no", cascade="all, delete-orphan"
    )
    routes: Mapped[list[PlanRoute]] = relationship(
        back_populates="plan", order_by="PlanRoute.group_no", cascade="all, delete-orphan"
    )
    beats: Mapped[list[PlanBeat]] = relationship(
        back_populates="plan", order_by="PlanBeat.beat_no", cascade="all, delete-orphan"
    )


class PlanPost(Base):
    """Where one group stands (1-based group number)."""

    __tablename__ = "patrol_plan_post"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("patrol_plan.id", ondelete="CASCADE"), index=True
    )
    group_no: Mapped[int] = mapped_column(Integer)
    node: Mapped[int] = mapped_column(Integer)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    #: An existing police box or station the chief fixed in place.
    fixed: Mapped[bool] = mapped_column(Boolean, default=False)

    plan: Mapped[Plan] = relationship(back_populates="posts")


class PlanRoute(Base):
    """One group's loop through its hot spots.

    ``stops`` is a JSON list in visiting order of ``{"order", "hotspot", "node", "lat", "lon",
    "arrival_s", "departure_s", "dwell_s"}``; offsets are seconds from the start of the shift
    for the first pass of the loop, which repeats ``repeats`` times while the shift lasts.
    """

    __tablename__ = "patrol_plan_route"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("patrol_plan.id", ondelete="CASCADE"), index=True
    )
    group_no: Mapped[int] = mapped_column(Integer)
    stops: Mapped[list[Any]] = mapped_column(JSON, default=list)
    travel_s: Mapped[float] = mapped_column(Float, default=0.0)
    dwell_s: Mapped[float] = mapped_column(Float, default=0.0)
    loop_s: Mapped[float] = mapped_column(Float, default=0.0)
    repeats: Mapped[int] = mapped_column(Integer, default=1)
    #: Hot spots assigned to the group that did not fit into the shift.
    dropped: Mapped[list[Any]] = mapped_column(JSON, default=list)
    #: The loop along the roads as [[lon, lat], ...].
    geometry: Mapped[list[Any]] = mapped_column(JSON, default=list)

    plan: Mapped[Plan] = relationship(back_populates="routes")


class PlanBeat(Base):
    """One beat (网格): its outline as a GeoJSON geometry and its workload."""

    __tablename__ = "patrol_plan_beat"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("patrol_plan.id", ondelete="CASCADE"), index=True
    )
    beat_no: Mapped[int] = mapped_column(Integer)
    outline: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    workload: Mapped[float] = mapped_column(Float, default=0.0)
    n_nodes: Mapped[int] = mapped_column(Integer, default=0)

    plan: Mapped[Plan] = relationship(back_populates="beats")


class PlanComparison(Base):
    """A stored comparison of plans by simulation over a historical period."""

    __tablename__ = "patrol_plan_comparison"

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("patrol_plan.id", ondelete="CASCADE"), index=True
    )
    other_plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("patrol_plan.id", ondelete="CASCADE")
    )
    period_from: Mapped[str] = mapped_column(String(10), default="")
    period_to: Mapped[str] = mapped_column(String(10), default="")
    #: The comparison as returned by the service (JSON).
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_by_name: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
