"""Demo step: one active night-shift plan for Helsinki's station A (东街派出所).

It learns from the demo's **simulated** history (and venues), so the chief's dashboard has a
plan to show; the plan says so in its demand sources. Safe to run again: an existing active
plan for the same station, shift and day type is kept.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from pingan.config import Settings
from pingan.demo.accounts import operator
from pingan.demo.units import demo_city
from pingan.jurisdictions import service as jurisdictions
from pingan.patrol import planning, reads
from pingan.patrol.models import DayType, PlanStatus
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
    """Make and activate the demo plan, unless station A already has one for the shift."""
    if demo_city(db_session, DEMO_PLAN.city) is None:
        return
    station = jurisdictions.get_by_code(db_session, "station-a")
    active = reads.list_plans(
        db_session, operator(db_session), city=DEMO_PLAN.city, status=PlanStatus.active
    )
    existing = next(
        (
            plan.id
            for plan in active
            if plan.jurisdiction_id == station.id
            and (plan.shift_start, plan.shift_end) == ("20:00", "02:00")
        ),
        None,
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
