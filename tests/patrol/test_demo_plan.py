"""The demo step leaves one active night-shift plan for station A, and only one."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pingan.config import Settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from pingan.demo import seed_plan
from pingan.patrol.models import Plan, PlanStatus


def test_demo_plan_is_made_once_and_active(settings: Settings) -> None:
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("the demo step is storage-neutral; the API tests cover PostgreSQL")
    factory = make_session_factory(make_engine(settings.database_url))
    stages: list[str] = []
    for _ in range(2):
        with unit_of_work(factory) as db_session:
            seed_plan(db_session, settings, lambda stage, _fraction: stages.append(stage))
    with unit_of_work(factory) as db_session:
        plans = list(db_session.scalars(select(Plan)))
        assert len(plans) == 1
        assert plans[0].status is PlanStatus.active
        assert plans[0].groups == 4
        assert (plans[0].shift_start, plans[0].shift_end) == ("20:00", "02:00")
        assert db_session.scalar(select(func.count()).select_from(Plan)) == 1
    assert "patrol plan: stationing" in stages
