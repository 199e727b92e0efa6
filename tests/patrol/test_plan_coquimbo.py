"""The issue's "done when" on a city-sized network: Coquimbo–La Serena with K = 75.

Imports Coquimbo (15,504 car nodes) into the test database, plans 75 groups for the
bureau's night shift (solver limit 20 s), and compares the plan with the naive
station-post plan by simulation over two weeks of hand-made (simulated) incidents.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from patrol_history import DAYS, FIRST_DAY, add_history

from pingan.city import service as cities
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from pingan.patrol import compare, planning, reads
from pingan.patrol.schemas import CompareRequest, PlanCreate

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.mark.slow
def test_coquimbo_plan_for_75_groups_beats_station_posts(
    settings: Settings, tmp_path: Path
) -> None:
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("one backend is enough for the city-sized run")
    own = settings.model_copy(update={"data_dir": tmp_path / "cq"})
    own.data_dir.mkdir()
    factory = make_session_factory(make_engine(own.database_url))
    with unit_of_work(factory) as db_session:
        cities.import_city(
            db_session,
            own,
            DATA / "osm" / "coquimbo.osm.pbf",
            "coquimbo",
            jurisdiction_code="demo-bureau",
        )
    made = add_history(own, "coquimbo", "demo-bureau", 400, seed=3)
    with unit_of_work(factory) as db_session:
        plan = planning.make_plan(
            db_session,
            own,
            None,
            PlanCreate(city="coquimbo", groups=75, shift="20:00-02:00", time_limit_s=20.0),
        )
        detail = reads.plan_detail(db_session, plan)
        comparison = compare.compare_plans(
            db_session,
            own,
            None,
            CompareRequest(
                plan_id=plan.id,
                date_from=FIRST_DAY,
                date_to=FIRST_DAY + timedelta(days=DAYS - 1),
                naive=["stations"],
            ),
        )
    assert len(detail["posts"]) == 75
    assert len({p["node"] for p in detail["posts"]}) == 75
    assert len(detail["routes"]) == 75
    assert sum(len(r["stops"]) for r in detail["routes"]) > 0
    assert len(detail["beats"]) == 75
    assert detail["demand_sources"]["population"]["used"] is True
    assert detail["n_candidates"] <= 3000
    assert set(detail["coverage"]) == {"60", "180", "300"}
    assert detail["coverage"]["300"] > 0.9
    assert detail["bound"] >= detail["objective"]
    rows = {row["label"]: row for row in comparison["plans"]}
    ours, naive = rows[f"plan #{plan.id}"], rows["naive: station posts"]
    assert comparison["incidents"] == made.weekday_window
    # 75 groups spread over the city against 75 groups waiting at one central station
    assert ours["share_within"]["300"] > naive["share_within"]["300"]
    assert ours["median_s"] < naive["median_s"]
