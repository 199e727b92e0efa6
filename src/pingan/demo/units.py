"""Demo step: the demo units of each area, and the ground they work on.

Per area (Helsinki's station A east half and station B west half, Coquimbo for the
bureau): patrol cars, e-bike and foot patrols spread over the area (k-means of its road
nodes, weighted by population where known), key-unit security posts at bars and
nightclubs, volunteer teams, special police at the station. Every run refreshes their
positions (``last_seen_at`` = now). For ``pingan demo`` only.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely
from scipy.cluster.vq import kmeans2
from shapely.geometry import shape
from sqlalchemy.orm import Session

from pingan.bundled import bundled_path
from pingan.city import service as cities
from pingan.city.models import City
from pingan.config import Settings
from pingan.demo.accounts import Progress, operator
from pingan.errors import NotFound
from pingan.units import service as units
from pingan.units.models import UnitKind
from pingan.units.schemas import PositionBatchItem, UnitCreate

FloatArray = npt.NDArray[np.float64]

#: Population zones of Coquimbo (package data).
COQUIMBO_ZONES = "zones/coquimbo_zones.geojson"
SEED = 2026

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


def demo_city(db_session: Session, name: str) -> City | None:
    """The demo city ``name``, or ``None`` when it is not imported."""
    try:
        return cities.get_city(db_session, name)
    except NotFound:
        return None


def wanted(names: Sequence[str] | None, name: str) -> bool:
    """Whether ``name`` is among ``names`` (``None``: all)."""
    return names is None or name in names


@dataclass(frozen=True)
class Ground:
    """An area's road nodes (car graph) with a demand weight each."""

    lat: FloatArray
    lon: FloatArray
    weight: FloatArray


def coquimbo_weights(lat: FloatArray, lon: FloatArray) -> FloatArray:
    """Per point, the population of its zone shared equally among the zone's points."""
    path = bundled_path(COQUIMBO_ZONES)
    if path is None:
        return np.ones(lat.size)
    zones = json.loads(path.read_text(encoding="utf-8"))
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
    if city.name == "coquimbo" and bundled_path(COQUIMBO_ZONES) is not None:
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
    areas = [a for a in AREAS if wanted(city_names, a.city) and demo_city(db_session, a.city)]
    created = 0
    refresh: list[PositionBatchItem] = []
    for index, area in enumerate(areas):
        have = {row.unit.callsign: row.unit for row in units.units_in_city(db_session, area.city)}
        for plan in planned_units(db_session, settings, area):
            existing = have.get(plan.callsign)
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
