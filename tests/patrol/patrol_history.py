"""A small hand-made incident history for plan tests (simulated, and marked so)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from pingan.city import service as cities
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from pingan.incidents import simulated
from pingan.jurisdictions import service as jurisdictions
from pingan.patrol.demand import plan_area

#: Monday 1 June 2026; the history runs 14 days from here.
FIRST_DAY = date(2026, 6, 1)
DAYS = 14


@dataclass(frozen=True)
class Made:
    """What was written: per record its shift day and whether it lies in 20:00-02:00."""

    shift_days: tuple[date, ...]
    in_window: tuple[bool, ...]

    @property
    def weekday_window(self) -> int:
        return sum(
            1 for d, w in zip(self.shift_days, self.in_window, strict=True) if w and d.weekday() < 5
        )


def add_history(
    settings: Settings, city_name: str, station_code: str, n: int, seed: int = 42
) -> Made:
    """``n`` incidents at road nodes inside the station's area: three in four between 20:00
    and 02:00 (local), the rest at noon, on days spread over two weeks."""
    rng = np.random.default_rng(seed)
    tz = ZoneInfo(settings.time_zone)
    engine = make_engine(settings.database_url)
    days: list[date] = []
    window: list[bool] = []
    with unit_of_work(make_session_factory(engine)) as db_session:
        city = cities.get_city(db_session, city_name)
        station = jurisdictions.get_by_code(db_session, station_code)
        graph = cities.load_graph(settings, city, "car")
        area = plan_area(graph, station, city)
        nodes = rng.choice(area.nodes, size=n)
        records = []
        for node in nodes:
            day = FIRST_DAY + timedelta(days=int(rng.integers(0, DAYS)))
            inside = bool(rng.random() < 0.75)
            start = datetime(day.year, day.month, day.day, 20 if inside else 12, tzinfo=tz)
            at = start + timedelta(seconds=float(rng.uniform(0, 6 * 3600 if inside else 3600)))
            records.append(
                simulated.SimulatedRecord(
                    received_at=at,
                    occurred_start=at,
                    occurred_end=at,
                    lat=float(graph.lat[node]),
                    lon=float(graph.lon[node]),
                    type=str(rng.choice(["assault", "theft.ebike", "dispute"])),
                    description="测试用事件（模拟）",
                    jurisdiction_id=station.id,
                )
            )
            days.append(day)
            window.append(inside)
        simulated.add_simulated_history(db_session, city_name, records, actor="test")
    engine.dispose()
    return Made(tuple(days), tuple(window))
