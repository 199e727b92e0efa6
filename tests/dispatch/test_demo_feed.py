"""The demo's simulated position feed keeps demo units fresh near their posts."""

from __future__ import annotations

import math
import threading
import time
from datetime import timedelta

from sqlalchemy import select, update

from pingan.config import Settings
from pingan.db import make_engine, make_session_factory, unit_of_work, utcnow
from pingan.demo import seed_units, simulated_position_feed
from pingan.units import service as units
from pingan.units.models import Unit


def test_feed_refreshes_stale_demo_units(settings: Settings) -> None:
    factory = make_session_factory(make_engine(settings.effective_database_url))
    with unit_of_work(factory) as session:
        seed_units(session, settings, lambda *_: None, city_names=["helsinki"])
        an_hour_ago = utcnow() - timedelta(hours=1)
        session.execute(update(Unit).values(last_seen_at=an_hour_ago))
    with unit_of_work(factory) as session:
        assert all(units.is_stale(u, settings) for u in session.scalars(select(Unit)))
    stop = threading.Event()
    feed = threading.Thread(
        target=simulated_position_feed, args=(factory, stop), kwargs={"every_s": 0.05}
    )
    feed.start()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with unit_of_work(factory) as session:
                rows = list(session.scalars(select(Unit)))
                if rows and not any(units.is_stale(u, settings) for u in rows):
                    break
            time.sleep(0.1)
    finally:
        stop.set()
        feed.join(timeout=10)
    with unit_of_work(factory) as session:
        rows = list(session.scalars(select(Unit)))
    assert len(rows) >= 20
    for unit in rows:
        assert not units.is_stale(unit, settings), unit.callsign
        north_m = (unit.lat - unit.post_lat) * 111_320.0
        east_m = (unit.lon - unit.post_lon) * 111_320.0 * math.cos(math.radians(unit.post_lat))
        assert math.hypot(north_m, east_m) < 150, unit.callsign
