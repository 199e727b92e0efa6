"""Patrol plans end to end on Coquimbo–La Serena (15,504 car nodes): make, then compare.

One process: import Coquimbo into a scratch SQLite database, write the demo's simulated year
of incidents for it (:func:`pingan.dispatch.demo.simulated_records`, 10,000 a year — a
demonstration, never an evaluation), make plans for the night shift (20:00-02:00, weekdays)
with K = 25 and 75 groups, and replay the last 28 days of incidents against each plan and
the naive plans (all groups at a stand-in central station; a uniform grid).

    .venv/bin/python bench/patrol.py [--time-limit 60] [--groups 25,75]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pingan.city import service as cities
from pingan.cli.core import session_factory
from pingan.config import Settings
from pingan.db import unit_of_work, utcnow
from pingan.demo import seed_accounts
from pingan.demo.history import simulated_records
from pingan.incidents import simulated
from pingan.migrations import upgrade
from pingan.patrol import compare, planning
from pingan.patrol.schemas import CompareRequest, PlanCreate

DATA = Path(__file__).resolve().parents[1] / "data"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--groups", default="25,75")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="pingan-bench-patrol-"))
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    settings = Settings(data_dir=folder, database_url=url, demo_mode=True)
    upgrade(url)
    factory = session_factory(settings)  # audit rows keyed, as the CLI writes them
    with unit_of_work(factory) as db_session:
        seed_accounts(db_session, settings, lambda *_: None)
        city = cities.import_city(
            db_session,
            settings,
            DATA / "osm" / "coquimbo.osm.pbf",
            "coquimbo",
            jurisdiction_code="demo-bureau",
        ).city
        now = utcnow()
        records = simulated_records(db_session, settings, city, incidents_per_year=10000, now=now)
        simulated.add_simulated_history(db_session, "coquimbo", records)
    last = now.astimezone(ZoneInfo(settings.time_zone)).date() - timedelta(days=2)
    first = last - timedelta(days=27)
    print(f"coquimbo: {len(records)} simulated incidents; replay {first} .. {last}")
    for k in (int(v) for v in args.groups.split(",")):
        stages: dict[str, float] = {}
        started = time.perf_counter()

        def report(stage: str, fraction: float, stages: dict[str, float] = stages) -> None:
            stages[f"{stage}:{fraction:.1f}"] = time.perf_counter()

        with unit_of_work(factory) as db_session:
            plan = planning.make_plan(
                db_session,
                settings,
                None,
                PlanCreate(
                    city="coquimbo",
                    groups=k,
                    shift="20:00-02:00",
                    time_limit_s=args.time_limit,
                ),
                progress=report,
            )
            total = time.perf_counter() - started
            comparison = compare.compare_plans(
                db_session,
                settings,
                None,
                CompareRequest(plan_id=plan.id, date_from=first, date_to=last),
            )
            seconds = {
                name: stages[f"{name}:1.0"] - stages[f"{name}:0.0"]
                for name in ("demand", "stationing", "routes", "beats")
            }
            print(
                f"K={k}: candidates {plan.n_candidates}, demand points {plan.n_demand}; "
                f"coverage 60/180/300 s "
                + " / ".join(f"{plan.coverage[t]:.2%}" for t in ("60", "180", "300"))
                + f"; objective {plan.objective:.5f} bound {plan.bound:.5f} gap {plan.gap:.3%} "
                f"({plan.solve_status}, solver {plan.seconds:.1f} s); make {total:.1f} s "
                + ", ".join(f"{n} {s:.1f} s" for n, s in seconds.items())
            )
            print(
                f"  visibility {plan.visibility['share']:.1%} of hot-spot-hours; beats max/mean "
                f"{plan.beat_stats['optimised']['max_over_mean']:.2f} (cv "
                f"{plan.beat_stats['optimised']['cv']:.2f}) vs square grid "
                f"{plan.beat_stats['square_grid']['max_over_mean']:.2f} (cv "
                f"{plan.beat_stats['square_grid']['cv']:.2f})"
            )
            print(f"  replay of {comparison['incidents']} incidents:")
            for row in comparison["plans"]:
                shares = " / ".join(f"{row['share_within'][t]:.1%}" for t in ("60", "180", "300"))
                print(
                    f"  | {row['label']} | {shares} | median {row['median_s']:.0f} s | "
                    f"p90 {row['p90_s']:.0f} s | queued {row['queued']} |"
                )


if __name__ == "__main__":
    main()
