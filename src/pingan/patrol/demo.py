"""Demo step: one active night-shift plan for Helsinki's station A (东街派出所).

It learns from the demo's **simulated** history (and venues), so the chief's dashboard has a
plan to show; the plan says so in its demand sources. Safe to run again: an existing active
plan for the same station, shift and day type is kept.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.city.models import City
from pingan.config import Settings
from pingan.jurisdictions import service as jurisdictions
from pingan.patrol import planning
from pingan.patrol.models import DayType, Plan, PlanStatus
from pingan.patrol.schemas import PlanCreate

DEMO_PLAN = PlanCreate(
    city="helsinki",
    station_code="station-a",
    name="东街派出所夜班 · station A night shift",
    groups=4,
    shift="20:00-02:00",
    day_type=DayType.weekday,
    time_limit_s=20.0,
    activate=True,
)


def seed_plan(
    db_session: Session, settings: Settings, progress: Callable[[str, float], None]
) -> None:
    if db_session.scalar(select(City.id).where(City.name == DEMO_PLAN.city)) is None:
        return
    station = jurisdictions.get_by_code(db_session, "station-a")
    existing = db_session.scalar(
        select(Plan.id).where(
            Plan.jurisdiction_id == station.id,
            Plan.city == DEMO_PLAN.city,
            Plan.shift_start == "20:00",
            Plan.shift_end == "02:00",
            Plan.status == PlanStatus.active,
        )
    )
    if existing is not None:
        progress("patrol plan", 1.0)
        return
    planning.make_plan(
        db_session,
        settings,
        None,
        DEMO_PLAN,
        actor="demo",
        progress=lambda stage, fraction: progress(f"patrol plan: {stage}", fraction),
    )
