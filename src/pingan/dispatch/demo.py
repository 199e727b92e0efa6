"""Demo steps for rapid response: units, two simulated years of history, a few live incidents.

Everything here is for ``pingan demo`` only. The history is **simulated**
(:mod:`pingan.algo.synth`): every incident has ``simulated=True`` and a description
ending in "（模拟）", and its assignments come from replaying it against the demo
units (:func:`pingan.algo.simulate.simulate_response`), so the chief's dashboard has
response figures. None of it may be used to evaluate anything.

Steps (each safe to run again):

* :func:`seed_units`: per area (Helsinki's station A east half and station B west
  half, Coquimbo for the bureau) patrol cars, e-bike and foot patrols spread over the
  area (k-means of its road nodes, weighted by population where known), key-unit
  security posts at bars and nightclubs, volunteer teams, special police at the
  station; every run refreshes their positions (``last_seen_at`` = now).
* :func:`seed_history`: two simulated years ending a few hours ago, per city, with
  simulated assignments for the share of incidents that got a unit (two years, so that
  "the same period last year" (同比) has figures). A history written by an older demo
  that covers less is extended backwards to the full two years.
* :func:`seed_live_incidents`: a few open incidents (received / confirmed) per area,
  also marked simulated, so the dispatcher board has work when the demo starts.
"""

from __future__ import annotations

import json
import logging
import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import shapely
from scipy.cluster.vq import kmeans2
from shapely.geometry import shape
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from pingan.algo import routing, tiers
from pingan.algo.simulate import LognormalServiceTime, simulate_response
from pingan.algo.synth import SIMULATED_MARK_ZH, load_profile, synthesize_history
from pingan.auth import service as auth
from pingan.auth.models import User
from pingan.auth.principal import Principal
from pingan.city import service as cities
from pingan.city.models import City
from pingan.config import Settings
from pingan.db import utcnow
from pingan.dispatch.models import Assignment, AssignmentStatus
from pingan.dispatch.service import ACCESS_SPEED_MS, SEARCH_LIMIT_S, is_mutual_aid
from pingan.errors import NotFound
from pingan.incidents import service as incidents
from pingan.incidents import simulated
from pingan.incidents.models import Channel, Incident, IncidentReport, Status
from pingan.jurisdictions import service as jurisdictions
from pingan.units import service as units
from pingan.units.models import Unit, UnitKind, UnitStatus
from pingan.units.schemas import PositionBatchItem, UnitCreate

log = logging.getLogger("pingan.demo")

Progress = Callable[[str, float], None]
FloatArray = npt.NDArray[np.float64]

DATA = Path(__file__).resolve().parents[3] / "data"
COQUIMBO_ZONES = DATA / "zones" / "coquimbo_zones.geojson"
#: The demo account the steps act as (it holds admin on the bureau).
DEMO_OPERATOR = "admin"
SEED = 2026

#: Simulated incidents per year, per demo city.
INCIDENTS_PER_YEAR: dict[str, float] = {"helsinki": 3000.0, "coquimbo": 10000.0}
#: The history ends this long before the demo runs (every simulated call is finished).
HISTORY_GAP = timedelta(hours=6)
#: Days of simulated history: two years, so that 同比 (same period last year) has data.
HISTORY_DAYS = 730
#: Share of simulated incidents that got a unit (the rest were handled by phone);
#: fraud reports rarely need one.
DISPATCH_SHARE = 0.75
DISPATCH_SHARE_BY_TYPE = {"fraud": 0.15, "missing_person": 0.9, "assault": 0.95}
#: Posts and volunteers answer only what they reach within the last tier.
LOCAL_KINDS = frozenset({UnitKind.key_unit_post, UnitKind.volunteer_team})
SERVICE_TIME = LognormalServiceTime(median_s=1200.0, sigma=0.6)
TURNOUT_S = 45.0

VENUE_KINDS = ("nightclub", "bar", "pub")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ("伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "静", "敏", "丽", "婷")

CALLSIGN_CODE = {
    UnitKind.patrol_car: "P",
    UnitKind.ebike_patrol: "E",
    UnitKind.foot_patrol: "F",
    UnitKind.key_unit_post: "K",
    UnitKind.volunteer_team: "V",
    UnitKind.special_police: "S",
    UnitKind.joint_patrol: "J",
}


@dataclass(frozen=True)
class Area:
    """Where one station's demo units work."""

    city: str
    station_code: str
    prefix: str
    #: Units per kind.
    counts: tuple[tuple[UnitKind, int], ...]
    #: "east" / "west" half of the city's box, or "" for the whole city.
    half: str = ""


HELSINKI_COUNTS = (
    (UnitKind.patrol_car, 3),
    (UnitKind.ebike_patrol, 2),
    (UnitKind.foot_patrol, 2),
    (UnitKind.key_unit_post, 4),
    (UnitKind.volunteer_team, 2),
    (UnitKind.special_police, 1),
)
AREAS: tuple[Area, ...] = (
    Area("helsinki", "station-a", "EA", HELSINKI_COUNTS, "east"),
    Area("helsinki", "station-b", "WB", HELSINKI_COUNTS, "west"),
    Area(
        "coquimbo",
        "demo-bureau",
        "CQ",
        (
            (UnitKind.patrol_car, 16),
            (UnitKind.ebike_patrol, 8),
            (UnitKind.foot_patrol, 8),
            (UnitKind.key_unit_post, 10),
            (UnitKind.volunteer_team, 6),
            (UnitKind.special_police, 3),
            (UnitKind.joint_patrol, 2),
        ),
    ),
)


# ------------------------------------------------------------------------ helpers


def operator(db_session: Session) -> Principal:
    """The demo operator's principal (the ``admin`` demo account)."""
    user = db_session.scalar(select(User).where(User.username == DEMO_OPERATOR))
    if user is None:
        raise NotFound(f"the demo account {DEMO_OPERATOR!r} is missing; seed the accounts first")
    return auth.principal_for(db_session, user, client_addr="demo")


def _city(db_session: Session, name: str) -> City | None:
    return db_session.scalar(select(City).where(City.name == name))


def _wanted(names: Sequence[str] | None, name: str) -> bool:
    return names is None or name in names


@dataclass(frozen=True)
class Ground:
    """An area's road nodes (car graph) with a demand weight each."""

    lat: FloatArray
    lon: FloatArray
    weight: FloatArray


def coquimbo_weights(lat: FloatArray, lon: FloatArray) -> FloatArray:
    """Per point, the population of its zone shared equally among the zone's points."""
    zones = json.loads(COQUIMBO_ZONES.read_text(encoding="utf-8"))
    polygons = [shape(f["geometry"]) for f in zones["features"]]
    population = np.array([float(f["properties"]["population"] or 0) for f in zones["features"]])
    tree = shapely.STRtree(polygons)
    point_idx, zone_idx = tree.query(shapely.points(lon, lat), predicate="within")
    per_zone = np.bincount(zone_idx, minlength=len(polygons))
    weight = np.zeros(lat.size)
    weight[point_idx] = population[zone_idx] / np.maximum(per_zone[zone_idx], 1)
    return weight


def area_ground(settings: Settings, city: City, half: str) -> Ground:
    graph = cities.load_graph(settings, city, "car")
    lat = np.asarray(graph.lat, dtype=np.float64)
    lon = np.asarray(graph.lon, dtype=np.float64)
    if city.name == "coquimbo" and COQUIMBO_ZONES.exists():
        weight = coquimbo_weights(lat, lon)
    else:
        weight = np.ones(lat.size)
    mid = (city.min_lon + city.max_lon) / 2
    keep = weight > 0
    if half == "east":
        keep &= lon >= mid
    elif half == "west":
        keep &= lon < mid
    return Ground(lat[keep], lon[keep], weight[keep])


def spread_points(ground: Ground, k: int, seed: int) -> list[tuple[float, float]]:
    """``k`` points spread over the ground in proportion to its weight (k-means of a
    weighted sample, each centre moved to the nearest road node)."""
    if k <= 0:
        return []
    rng = np.random.default_rng(seed)
    size = min(3000, ground.lat.size * 4)
    pick = rng.choice(ground.lat.size, size=size, p=ground.weight / ground.weight.sum())
    xy = np.column_stack([ground.lon[pick], ground.lat[pick] * 2.0])  # rough metric aspect
    centres, _ = kmeans2(xy, k, minit="++", seed=seed)
    all_xy = np.column_stack([ground.lon, ground.lat * 2.0])
    out = []
    for cx, cy in centres:
        nearest = int(np.argmin((all_xy[:, 0] - cx) ** 2 + (all_xy[:, 1] - cy) ** 2))
        out.append((float(ground.lat[nearest]), float(ground.lon[nearest])))
    return out


def station_point(ground: Ground) -> tuple[float, float]:
    """The road node nearest the weighted centre of the area."""
    clat = float(np.average(ground.lat, weights=ground.weight))
    clon = float(np.average(ground.lon, weights=ground.weight))
    nearest = int(np.argmin((ground.lat - clat) ** 2 + ((ground.lon - clon) / 2.0) ** 2))
    return float(ground.lat[nearest]), float(ground.lon[nearest])


def venue_points(
    db_session: Session, city: City, half: str, k: int, ground: Ground, seed: int
) -> list[tuple[float, float]]:
    """Key units: bars, nightclubs and pubs of the area, else the busiest spots."""
    mid = (city.min_lon + city.max_lon) / 2
    found: list[tuple[float, float]] = []
    for kind in VENUE_KINDS:
        for place in cities.places(db_session, city, [kind]):
            inside = half == "" or (place.lon >= mid) == (half == "east")
            if inside and (place.lat, place.lon) not in found:
                found.append((place.lat, place.lon))
    if len(found) < k:
        found.extend(spread_points(ground, k - len(found), seed + 99))
    return found[:k]


def members(seed: int, size: int) -> list[str]:
    rng = np.random.default_rng(seed)
    return [
        SURNAMES[int(rng.integers(len(SURNAMES)))] + GIVEN[int(rng.integers(len(GIVEN)))]
        for _ in range(size)
    ]


def planned_units(db_session: Session, settings: Settings, area: Area) -> list[UnitCreate]:
    """The demo units of an area, posts included (deterministic)."""
    city = cities.get_city(db_session, area.city)
    ground = area_ground(settings, city, area.half)
    base = sum(ord(c) for c in area.prefix) * 1000 + SEED
    station = station_point(ground)
    plans: list[UnitCreate] = []
    for kind_index, (kind, count) in enumerate(area.counts):
        if kind in (UnitKind.special_police, UnitKind.joint_patrol):
            posts = [station] * count
        elif kind is UnitKind.key_unit_post:
            posts = venue_points(db_session, city, area.half, count, ground, base)
        else:
            posts = spread_points(ground, count, base + kind_index)
        for n, (lat, lon) in enumerate(posts, start=1):
            crew = {
                UnitKind.patrol_car: 2,
                UnitKind.special_police: 4,
                UnitKind.joint_patrol: 4,
                UnitKind.volunteer_team: 3,
            }.get(kind, 2)
            plans.append(
                UnitCreate(
                    callsign=f"{area.prefix}-{CALLSIGN_CODE[kind]}{n:02d}",
                    kind=kind,
                    station_code=area.station_code,
                    city=area.city,
                    members=members(base + 31 * kind_index + n, crew),
                    shift=(
                        ("08:00-20:00" if n % 2 else "20:00-08:00")
                        if kind in (UnitKind.patrol_car, UnitKind.ebike_patrol)
                        else ""
                    ),
                    post_lat=lat,
                    post_lon=lon,
                )
            )
    return plans


# ------------------------------------------------------------------------ units


def seed_units(
    db_session: Session,
    settings: Settings,
    progress: Progress,
    *,
    city_names: Sequence[str] | None = None,
) -> int:
    """Create the demo units (once) and give every demo unit a fresh position.

    Returns the number of units created by this run.
    """
    principal = operator(db_session)
    areas = [a for a in AREAS if _wanted(city_names, a.city) and _city(db_session, a.city)]
    created = 0
    refresh: list[PositionBatchItem] = []
    for index, area in enumerate(areas):
        for plan in planned_units(db_session, settings, area):
            existing = db_session.scalar(select(Unit).where(Unit.callsign == plan.callsign))
            if existing is None:
                units.create_unit(db_session, principal, plan)
                created += 1
                continue
            lat = existing.lat if existing.lat is not None else plan.post_lat
            lon = existing.lon if existing.lon is not None else plan.post_lon
            if lat is not None and lon is not None:
                refresh.append(PositionBatchItem(unit_id=existing.id, lat=lat, lon=lon))
        progress("units", (index + 1) / max(len(areas), 1))
    if refresh:
        units.report_positions(db_session, principal, refresh)
    return created


# ------------------------------------------------------------------------ history


def candidate_points(
    db_session: Session, settings: Settings, city: City
) -> tuple[FloatArray, FloatArray, FloatArray, list[str], list[str | None]]:
    """Where simulated incidents may happen: lat, lon, weight, kind, place name."""
    car = cities.load_graph(settings, city, "car")
    lat: list[float] = []
    lon: list[float] = []
    weight: list[float] = []
    kind: list[str] = []
    label: list[str | None] = []
    if city.name == "coquimbo" and COQUIMBO_ZONES.exists():
        people = coquimbo_weights(np.asarray(car.lat), np.asarray(car.lon))
        inside = people > 0
        lat += car.lat[inside].tolist()
        lon += car.lon[inside].tolist()
        weight += people[inside].tolist()
        kind += ["population"] * int(inside.sum())
        label += [None] * int(inside.sum())
        road_weight = float(people.sum()) * 0.25 / car.n_nodes
    else:
        foot = cities.load_graph(settings, city, "foot")
        lat += foot.lat.tolist()
        lon += foot.lon.tolist()
        weight += [1.0] * foot.n_nodes
        kind += ["population"] * foot.n_nodes
        label += [None] * foot.n_nodes
        road_weight = 0.5
    lat += car.lat.tolist()
    lon += car.lon.tolist()
    weight += [road_weight] * car.n_nodes
    kind += ["road"] * car.n_nodes
    label += [None] * car.n_nodes
    for place in cities.places(db_session, city):
        if place.kind in ("surveillance", "fire_station"):
            continue
        lat.append(place.lat)
        lon.append(place.lon)
        weight.append(3.0)
        kind.append(place.kind)
        label.append(place.name_zh or place.name or place.name_en or None)
    lat_arr = np.array(lat, dtype=np.float64)
    lon_arr = np.array(lon, dtype=np.float64)
    inside = (
        (lat_arr >= city.min_lat)
        & (lat_arr <= city.max_lat)
        & (lon_arr >= city.min_lon)
        & (lon_arr <= city.max_lon)
    )
    keep = np.flatnonzero(inside).tolist()
    return (
        lat_arr[inside],
        lon_arr[inside],
        np.array(weight, dtype=np.float64)[inside],
        [kind[i] for i in keep],
        [label[i] for i in keep],
    )


def simulated_records(
    db_session: Session,
    settings: Settings,
    city: City,
    *,
    incidents_per_year: float,
    now: datetime,
    seed: int = SEED,
    before: datetime | None = None,
) -> list[simulated.SimulatedRecord]:
    """:data:`HISTORY_DAYS` of the city's simulated incidents ending :data:`HISTORY_GAP`
    before ``now``; only those that occurred before ``before`` when it is given (to extend
    an existing, shorter history backwards)."""
    zone = ZoneInfo(settings.time_zone)
    first_day = history_first_day(settings, now)
    lat, lon, weight, kind, label = candidate_points(db_session, settings, city)
    history = synthesize_history(
        lat,
        lon,
        weight,
        kind,
        load_profile(),
        start=first_day,
        days=HISTORY_DAYS,
        incidents_per_year=incidents_per_year,
        seed=seed,
    )
    start = datetime(first_day.year, first_day.month, first_day.day, tzinfo=zone)
    rng = np.random.default_rng(seed + 1)
    delay_s = np.minimum(rng.exponential(240.0, size=len(history)), 1800.0)
    owner = simulated.jurisdictions_for_points(
        db_session, history.lat, history.lon, city.jurisdiction_id
    )
    cut = now - HISTORY_GAP
    recent = now - timedelta(days=3)
    records = []
    for i in range(len(history)):
        occurred = (start + timedelta(seconds=float(history.time_s[i]))).astimezone(UTC)
        received = occurred + timedelta(seconds=float(delay_s[i]))
        if received > cut or (before is not None and occurred >= before):
            break
        description = history.description[i]
        if SIMULATED_MARK_ZH not in description:
            description += SIMULATED_MARK_ZH
        records.append(
            simulated.SimulatedRecord(
                received_at=received,
                occurred_start=occurred,
                occurred_end=occurred,
                lat=float(history.lat[i]),
                lon=float(history.lon[i]),
                type=str(history.type[i]),
                description=description,
                jurisdiction_id=int(owner[i]),
                status=Status.resolved if received > recent else Status.closed,
                place_text=label[int(history.point[i])],
            )
        )
    return records


def history_first_day(settings: Settings, now: datetime) -> date:
    """The first local day of the simulated history that ends at ``now``."""
    return now.astimezone(ZoneInfo(settings.time_zone)).date() - timedelta(days=HISTORY_DAYS - 1)


def unit_incident_times(
    settings: Settings, city: City, rows: Sequence[units.UnitRow], lat: FloatArray, lon: FloatArray
) -> FloatArray:
    """Seconds from each unit's post to each point on the unit's own mode's network."""
    out = np.full((len(rows), lat.size), np.inf)
    by_mode: dict[str, list[int]] = {}
    for index, row in enumerate(rows):
        if row.unit.post_lat is not None and row.unit.post_lon is not None:
            by_mode.setdefault(row.unit.mode.value, []).append(index)
    for mode, indices in by_mode.items():
        graph = cities.load_graph(settings, city, mode)
        posts = routing.snap(
            graph,
            [rows[i].unit.post_lat for i in indices],
            [rows[i].unit.post_lon for i in indices],
        )
        scene = routing.snap(graph, lat, lon)
        times = routing.shortest_times(graph, posts.node, cutoff_s=SEARCH_LIMIT_S)
        access = (posts.distance_m[:, None] + scene.distance_m[None, :]) / ACCESS_SPEED_MS
        out[indices] = times[:, scene.node] + access
    for index, row in enumerate(rows):
        if row.unit.kind in LOCAL_KINDS:
            out[index, out[index] > max(settings.tiers_s)] = np.inf
    return out


def simulate_assignments(
    db_session: Session,
    settings: Settings,
    city: City,
    records: Sequence[simulated.SimulatedRecord],
    incident_ids: Sequence[int],
    *,
    now: datetime,
    seed: int = SEED,
) -> int:
    """Replay the dispatched share of the history against the city's demo units and
    store one simulated assignment per served incident. Returns how many were stored."""
    rows = [r for r in units.units_in_city(db_session, city.name) if r.unit.post_lat is not None]
    if not rows or not records:
        return 0
    rng = np.random.default_rng(seed + 2)
    share = np.array([DISPATCH_SHARE_BY_TYPE.get(r.type, DISPATCH_SHARE) for r in records])
    chosen = np.flatnonzero(rng.uniform(size=len(records)) < share)
    if chosen.size == 0:
        return 0
    origin = records[0].received_at
    received_s = np.array(
        [(records[i].received_at - origin).total_seconds() for i in chosen.tolist()]
    )
    lat = np.array([records[i].lat for i in chosen.tolist()])
    lon = np.array([records[i].lon for i in chosen.tolist()])
    travel = unit_incident_times(settings, city, rows, lat, lon)
    result = simulate_response(
        received_s,
        np.arange(chosen.size),
        np.arange(len(rows)),
        travel,
        SERVICE_TIME,
        turnout_s=TURNOUT_S,
        tiers_s=settings.tiers_s,
        seed=seed,
    )
    stamp = utcnow()
    paths = {
        node: jurisdictions.get_ref(db_session, node).path
        for node in {records[i].jurisdiction_id for i in chosen.tolist()}
    }
    values = []
    for k, i in enumerate(chosen.tolist()):
        u = int(result.unit[k])
        if u < 0 or not math.isfinite(float(result.cleared_s[k])):
            continue
        cleared_at = origin + timedelta(seconds=float(result.cleared_s[k]))
        if cleared_at > now:
            continue
        dispatched_at = origin + timedelta(seconds=float(result.dispatched_s[k]))
        travel_s = float(result.travel_s[k]) - TURNOUT_S
        values.append(
            {
                "incident_id": incident_ids[i],
                "unit_id": rows[u].unit.id,
                "jurisdiction_id": records[i].jurisdiction_id,
                "mutual_aid": is_mutual_aid(
                    rows[u].station_path, paths[records[i].jurisdiction_id]
                ),
                "status": AssignmentStatus.cleared,
                "assigned_at": dispatched_at,
                "en_route_at": dispatched_at,
                "arrived_at": origin + timedelta(seconds=float(result.arrived_s[k])),
                "cleared_at": cleared_at,
                "predicted_travel_s": round(travel_s, 1),
                "predicted_tier": tiers.tier_of(travel_s, settings.tiers_s),
                "response_s": round(float(result.response_s[k]), 3),
                "updated_at": stamp,
            }
        )
    for start in range(0, len(values), simulated.BATCH):
        db_session.execute(insert(Assignment.__table__), values[start : start + simulated.BATCH])
    return len(values)


def seed_history(
    db_session: Session,
    settings: Settings,
    progress: Progress,
    *,
    city_names: Sequence[str] | None = None,
    incidents_per_year: dict[str, float] | None = None,
) -> dict[str, tuple[int, int]]:
    """Write each demo city's :data:`HISTORY_DAYS` of simulated history (once; a shorter
    history from an older demo is extended backwards). Returns, per city written now,
    (incidents, assignments)."""
    rates = {**INCIDENTS_PER_YEAR, **(incidents_per_year or {})}
    now = utcnow()
    zone = ZoneInfo(settings.time_zone)
    first_day = history_first_day(settings, now)
    # a history that starts within two days of the first day is complete
    complete_from = datetime.combine(first_day + timedelta(days=2), datetime.min.time(), zone)
    written: dict[str, tuple[int, int]] = {}
    names = [n for n in INCIDENTS_PER_YEAR if _wanted(city_names, n)]
    for index, name in enumerate(names):
        city = _city(db_session, name)
        if city is None:
            continue
        earliest = simulated.simulated_history_start(db_session, name)
        if earliest is not None and earliest <= complete_from:
            continue
        step = f"{name}: simulated history"
        progress(step, 0.1)
        records = simulated_records(
            db_session, settings, city, incidents_per_year=rates[name], now=now, before=earliest
        )
        if not records:
            continue
        progress(step, 0.4)
        ids = simulated.add_simulated_history(db_session, name, records)
        progress(step, 0.7)
        made = simulate_assignments(db_session, settings, city, records, ids, now=now)
        db_session.flush()
        written[name] = (len(ids), made)
        progress(step, 1.0)
        progress("history", (index + 1) / len(names))
    return written


# ------------------------------------------------------------------------ live incidents

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
        city = _city(db_session, area.city)
        if city is None or not _wanted(city_names, area.city):
            continue
        ground = area_ground(settings, city, area.half)
        rows = [row for row in LIVE if row[0] == area.prefix]
        spots = venue_points(db_session, city, area.half, len(rows), ground, SEED + 7)
        for n, ((_, text, kind, status, minutes, channel), (lat, lon)) in enumerate(
            zip(rows, spots, strict=True), start=1
        ):
            ref = f"demo:live:{area.prefix}:{n}"
            if db_session.scalar(select(IncidentReport.id).where(IncidentReport.source_ref == ref)):
                continue
            fallback = jurisdictions.get_by_code(db_session, area.station_code).id
            placed = incidents.prepare(
                db_session,
                settings,
                incidents.ReportInput(
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
            incident, _ = incidents.store(db_session, placed, principal=principal)
            if status is Status.confirmed:
                incidents.transition(
                    db_session, principal, incident.id, Status.confirmed, "演示：已核实（模拟）"
                )
            created += 1
        progress("live incidents", 1.0)
    return created


def demo_counts(db_session: Session, city: str) -> dict[str, int]:
    """How much demo data a city holds (for tests and the CLI)."""
    from sqlalchemy import func

    return {
        "units": int(db_session.scalar(select(func.count(Unit.id)).where(Unit.city == city)) or 0),
        "simulated_history": simulated.count_simulated_history(db_session, city),
        "simulated_assignments": int(
            db_session.scalar(
                select(func.count(Assignment.id))
                .join(Incident, Incident.id == Assignment.incident_id)
                .where(Incident.city == city, Incident.simulated.is_(True))
            )
            or 0
        ),
    }


# ------------------------------------------------------------------------ live feed


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
        session = session_factory()
        try:
            principal = operator(session)
            bounds = {
                c.name: (c.min_lat, c.max_lat, c.min_lon, c.max_lon)
                for c in session.scalars(select(City))
            }
            rows = session.execute(
                select(
                    Unit.id,
                    Unit.city,
                    Unit.status,
                    Unit.post_lat,
                    Unit.post_lon,
                    Unit.lat,
                    Unit.lon,
                )
            ).all()
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
            session.commit()
        except Exception as exc:  # the feed must never take the server down
            session.rollback()
            log.warning(
                "simulated position feed: one round failed: %s: %s", type(exc).__name__, exc
            )
        finally:
            session.close()
        stop.wait(every_s)
