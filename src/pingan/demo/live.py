"""Demo steps while the demo runs: a few live incidents, and the units' simulated positions.

* :func:`seed_live_incidents`: a few open incidents (received / confirmed) per area, also
  marked simulated, so the dispatcher board has work when the demo starts.
* :func:`simulated_position_feed`: stands in for the units' phones while ``pingan demo``
  serves.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable, Sequence
from datetime import timedelta

import numpy as np
from sqlalchemy.orm import Session

from pingan.algo.synth import SIMULATED_MARK_ZH
from pingan.city import service as cities
from pingan.config import Settings
from pingan.db import unit_of_work, utcnow
from pingan.demo.accounts import Progress, operator
from pingan.demo.units import AREAS, SEED, area_ground, demo_city, venue_points, wanted
from pingan.incidents import intake, lifecycle, placement, simulated
from pingan.incidents.models import Channel, Status
from pingan.jurisdictions import service as jurisdictions
from pingan.units import service as units
from pingan.units.models import Unit, UnitStatus
from pingan.units.schemas import PositionBatchItem

log = logging.getLogger("pingan.demo")

#: (area prefix, description, type, status, minutes ago, channel)
LIVE: tuple[tuple[str, str, str, Status, int, Channel], ...] = (
    ("EA", "酒吧门口两名男子发生斗殴，一人头部流血", "assault", Status.confirmed, 4, Channel.api),
    (
        "EA",
        "小区楼下电动自行车刚被人骑走，嫌疑人往北跑了",
        "theft.ebike",
        Status.received,
        2,
        Channel.chat,
    ),
    ("EA", "餐馆里一名顾客的手机被偷", "theft.phone", Status.received, 7, Channel.hotline),
    ("WB", "深夜酒吧音乐声过大扰民", "noise", Status.received, 9, Channel.hotline),
    ("WB", "路口两车刮擦，双方发生争执", "traffic", Status.confirmed, 5, Channel.hotline),
    ("WB", "有可疑人员在店铺门口徘徊", "suspicious", Status.received, 3, Channel.open311),
    ("CQ", "商店门口发生抢包，嫌疑人骑摩托逃离", "robbery", Status.confirmed, 3, Channel.hotline),
    ("CQ", "邻里因噪音发生纠纷，双方情绪激动", "dispute", Status.received, 6, Channel.hotline),
    ("CQ", "老人走失，家属求助", "missing_person", Status.confirmed, 12, Channel.api),
    ("CQ", "楼道内电动车充电冒烟", "fire_hazard", Status.received, 1, Channel.chat),
)


def seed_live_incidents(
    db_session: Session,
    settings: Settings,
    progress: Progress,
    *,
    city_names: Sequence[str] | None = None,
) -> int:
    """A few open incidents per area (simulated, marked so), once. Returns how many
    were created."""
    principal = operator(db_session)
    now = utcnow()
    created = 0
    for area in AREAS:
        city = demo_city(db_session, area.city)
        if city is None or not wanted(city_names, area.city):
            continue
        ground = area_ground(settings, city, area.half)
        rows = [row for row in LIVE if row[0] == area.prefix]
        spots = venue_points(db_session, city, area.half, len(rows), ground, SEED + 7)
        for n, ((_, text, kind, status, minutes, channel), (lat, lon)) in enumerate(
            zip(rows, spots, strict=True), start=1
        ):
            ref = f"demo:live:{area.prefix}:{n}"
            if simulated.has_report_with_ref(db_session, ref):
                continue
            fallback = jurisdictions.get_by_code(db_session, area.station_code).id
            placed = placement.prepare(
                db_session,
                settings,
                placement.ReportInput(
                    text=text + SIMULATED_MARK_ZH,
                    channel=channel,
                    received_at=now - timedelta(minutes=minutes),
                    type=kind,
                    lat=lat,
                    lon=lon,
                    simulated=True,
                    source_ref=ref,
                ),
                fallback,
                geocode=lambda _text: None,
            )
            written = intake.file_report(db_session, placed, principal=principal)
            if status is Status.confirmed:
                lifecycle.transition(
                    db_session,
                    principal,
                    written.incident_id,
                    Status.confirmed,
                    "演示：已核实（模拟）",
                )
            created += 1
        progress("live incidents", 1.0)
    return created


def simulated_position_feed(
    session_factory: Callable[[], Session],
    stop: threading.Event,
    *,
    every_s: float = 60.0,
    jitter_m: float = 25.0,
    seed: int = 7,
) -> None:
    """Stand in for the units' phones while the demo runs (simulated, demo mode only).

    Every ``every_s`` seconds each demo unit that is available reports a position
    within ``jitter_m`` of its post, and a busy one reports where it already is, so the
    demo board keeps recommending units however long it stays open (positions older
    than ``settings.position_stale_s`` are never recommended). Runs until ``stop`` is set.
    """
    rng = np.random.default_rng(seed)
    while not stop.is_set():
        try:
            with unit_of_work(session_factory) as session:
                _report_round(session, rng, jitter_m)
        except Exception as exc:  # the feed must never take the server down
            log.warning(
                "simulated position feed: one round failed: %s: %s", type(exc).__name__, exc
            )
        stop.wait(every_s)


def _report_round(session: Session, rng: np.random.Generator, jitter_m: float) -> None:
    """One round of the feed: every demo unit reports a position (see
    :func:`simulated_position_feed`)."""
    principal = operator(session)
    bounds: dict[str, tuple[float, float, float, float]] = {}
    demo_units: list[Unit] = []
    for known in cities.list_cities(session):
        bounds[known.name] = (known.min_lat, known.max_lat, known.min_lon, known.max_lon)
        demo_units += [row.unit for row in units.units_in_city(session, known.name)]
    rows = [(u.id, u.city, u.status, u.post_lat, u.post_lon, u.lat, u.lon) for u in demo_units]
    batch: list[PositionBatchItem] = []
    for unit_id, city, status, post_lat, post_lon, lat, lon in rows:
        if status in (UnitStatus.available, UnitStatus.off_duty) and post_lat is not None:
            d_north, d_east = rng.normal(0.0, jitter_m / 2, 2)
            lat = post_lat + d_north / 111_320.0
            lon = post_lon + d_east / (111_320.0 * math.cos(math.radians(post_lat)))
            if city in bounds:  # a post at the edge of the extract stays inside it
                min_lat, max_lat, min_lon, max_lon = bounds[city]
                lat = min(max(lat, min_lat), max_lat)
                lon = min(max(lon, min_lon), max_lon)
        if lat is not None and lon is not None:
            batch.append(PositionBatchItem(unit_id=unit_id, lat=lat, lon=lon))
    if batch:
        units.report_positions(session, principal, batch)
