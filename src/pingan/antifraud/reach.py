"""Outreach reach (反诈宣传覆盖): the share of each zone's residents within a walk of a
station's stalls and talks of a month, on the city's foot network
(:mod:`pingan.algo.outreach`).

Zones are the city's population zones where it ships some (Coquimbo's 133, see
:data:`ZONE_FILES`). Elsewhere the station's area is cut into square
cells of :data:`CELL_M` metres whose "residents" are its foot-network nodes, one each: the
share is then a share of the streets, and the answer says so (``population_source``
``"network"`` instead of ``"zones"``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import shapely
import shapely.geometry
from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.algo import outreach as outreach_algo
from pingan.algo.graph import RoadGraph
from pingan.algo.routing import snap
from pingan.antifraud.models import OutreachEvent
from pingan.bundled import bundled_path
from pingan.city import service as cities
from pingan.city.models import City
from pingan.config import Settings
from pingan.errors import Forbidden, InvalidInput, NotFound
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction
from pingan.principal import Principal

#: Population zones shipped for a city (package data, GeoJSON with ``population`` per zone).
#: The same table as patrol demand's (``pingan.patrol.demand.ZONE_FILES``), which this
#: domain may not import; both belong with the city package.
ZONE_FILES: dict[str, str] = {"coquimbo": "zones/coquimbo_zones.geojson"}
#: Side of the square cells that stand for zones where a city has no population zones.
CELL_M = 250.0
#: A stall farther than this from the foot network is left out of the reach.
MAX_SNAP_M = 500.0


@dataclass(frozen=True)
class StationGround:
    """A station's city, foot network, area and zones with their residents."""

    jurisdiction: Jurisdiction
    city: City
    graph: RoadGraph
    #: Per foot-network node, whether it lies inside the station's boundary.
    area: npt.NDArray[np.bool_]
    zone_ids: tuple[str, ...]
    zone_names: tuple[str | None, ...]
    zones: tuple[shapely.Geometry, ...]
    population: npt.NDArray[np.float64]
    residents: outreach_algo.ResidentPoints
    #: ``"zones"`` (residents) or ``"network"`` (foot-network nodes, see the module docstring).
    population_source: str


def _city_of(db_session: Session, node: Jurisdiction) -> City:
    """The city under the station's boundary, else the city of the station or an ancestor."""
    if node.boundary:
        centre = shapely.geometry.shape(json.loads(node.boundary)).representative_point()
        found = cities.city_for_point(db_session, centre.y, centre.x)
        if found is not None:
            return found
    owners = {c.jurisdiction_id: c for c in cities.list_cities(db_session)}
    for ancestor in reversed([int(p) for p in node.path.strip("/").split("/") if p]):
        if ancestor in owners:
            return owners[ancestor]
    raise InvalidInput(f"no city covers {node.code}: import one first", field="jurisdiction")


def _area(graph: RoadGraph, node: Jurisdiction) -> npt.NDArray[np.bool_]:
    if not node.boundary:
        return np.ones(graph.n_nodes, dtype=bool)
    polygon = shapely.geometry.shape(json.loads(node.boundary))
    inside = shapely.contains_xy(polygon, graph.lon, graph.lat)
    if not inside.any():
        raise InvalidInput(f"no streets lie inside {node.code}'s boundary", field="jurisdiction")
    return np.asarray(inside, dtype=bool)


@lru_cache(maxsize=4)
def _zone_file(path: Path) -> tuple[tuple[str, str | None, shapely.Geometry, float], ...]:
    collection = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for number, feature in enumerate(collection.get("features", []), start=1):
        props = feature.get("properties") or {}
        if not feature.get("geometry"):
            continue
        out.append(
            (
                str(props.get("zone_id", number)),
                props.get("name"),
                shapely.geometry.shape(feature["geometry"]),
                float(props.get("population") or 0.0),
            )
        )
    return tuple(out)


def _population_zones(
    node: Jurisdiction, path: Path
) -> tuple[list[str], list[str | None], list[shapely.Geometry], list[float]]:
    """The zones meeting the station's boundary (all of them when it has none); residents
    of a zone with no street inside go to the street node nearest it."""
    rows = _zone_file(path)
    if node.boundary:
        area = shapely.geometry.shape(json.loads(node.boundary))
        rows = tuple(row for row in rows if row[2].intersects(area))
    return (
        [row[0] for row in rows],
        [row[1] for row in rows],
        [row[2] for row in rows],
        [row[3] for row in rows],
    )


def _network_cells(
    graph: RoadGraph, area: npt.NDArray[np.bool_]
) -> tuple[list[str], list[str | None], list[shapely.Geometry], list[float]]:
    """Square cells of :data:`CELL_M` over the area, each with its count of area nodes."""
    nodes = np.flatnonzero(area)
    col = np.floor(graph.x[nodes] / CELL_M).astype(np.int64)
    row = np.floor(graph.y[nodes] / CELL_M).astype(np.int64)
    cells, counts = np.unique(np.column_stack([col, row]), axis=0, return_counts=True)
    ids, shapes = [], []
    for c, r in cells.tolist():
        x = np.array([c, c + 1, c + 1, c, c]) * CELL_M
        y = np.array([r, r, r + 1, r + 1, r]) * CELL_M
        lat, lon = graph.unproject(x, y)
        shapes.append(shapely.Polygon(np.column_stack([lon, lat])))
        ids.append(f"cell-{c}-{r}")
    return ids, [None] * len(ids), shapes, [float(n) for n in counts]


def station_ground(db_session: Session, settings: Settings, node: Jurisdiction) -> StationGround:
    """Load the station's city, foot network, area and zones (module docstring)."""
    city = _city_of(db_session, node)
    graph = cities.load_graph(settings, city, "foot")
    area = _area(graph, node)
    relative = ZONE_FILES.get(city.name)
    path = bundled_path(relative) if relative is not None else None
    if path is not None:
        ids, names, shapes, people = _population_zones(node, path)
        source = "zones"
    else:
        ids, names, shapes, people = _network_cells(graph, area)
        source = "network"
    population = np.asarray(people, dtype=np.float64)
    residents = outreach_algo.spread_population(graph.lon, graph.lat, shapes, population)
    return StationGround(
        node, city, graph, area, tuple(ids), tuple(names), tuple(shapes), population,
        residents, source,
    )  # fmt: skip


# --------------------------------------------------------------------------- months and stalls


def month_window(settings: Settings, month: str | None) -> tuple[str, datetime, datetime]:
    """The month ``YYYY-MM`` (default: the current one, district time) and its UTC bounds."""
    zone = ZoneInfo(settings.time_zone)
    if month is None:
        first = datetime.now(UTC).astimezone(zone).date().replace(day=1)
    else:
        try:
            first = date.fromisoformat(f"{month}-01")
        except ValueError:
            raise InvalidInput(
                f"a month looks like 2026-12, not {month!r}", field="month"
            ) from None
        if not 2000 <= first.year <= 2100:
            raise InvalidInput("the month must lie between 2000 and 2100", field="month")
    following = (first + timedelta(days=32)).replace(day=1)
    start = datetime(first.year, first.month, 1, tzinfo=zone).astimezone(UTC)
    end = datetime(following.year, following.month, 1, tzinfo=zone).astimezone(UTC)
    return f"{first.year}-{first.month:02d}", start, end


def placed_events(
    db_session: Session, node: Jurisdiction, start: datetime, end: datetime
) -> list[OutreachEvent]:
    """Stalls and talks with a point in the station's subtree starting in ``[start, end)``."""
    return list(
        db_session.scalars(
            select(OutreachEvent)
            .join(Jurisdiction, Jurisdiction.id == OutreachEvent.jurisdiction_id)
            .where(
                Jurisdiction.path.startswith(node.path, autoescape=True),
                OutreachEvent.lat.is_not(None),
                OutreachEvent.lon.is_not(None),
                OutreachEvent.starts_at >= start,
                OutreachEvent.starts_at < end,
            )
            .order_by(OutreachEvent.starts_at, OutreachEvent.id)
        )
    )


def stall_nodes(graph: RoadGraph, events: list[OutreachEvent]) -> npt.NDArray[np.int64]:
    """The foot nodes of the events within :data:`MAX_SNAP_M` of the network."""
    if not events:
        return np.zeros(0, dtype=np.int64)
    lat = np.array([e.lat for e in events], dtype=np.float64)
    lon = np.array([e.lon for e in events], dtype=np.float64)
    snapped = snap(graph, lat, lon)
    return np.asarray(snapped.node[snapped.distance_m <= MAX_SNAP_M], dtype=np.int64)


def station_for(
    db_session: Session, principal: Principal | None, code: str | None, action: str = "read"
) -> Jurisdiction:
    """The station ``code`` (default: the caller's), checked for outreach ``action``."""
    if code is not None:
        node = jurisdictions.get_by_code(db_session, code)
    elif principal is None:
        raise InvalidInput("name the station (jurisdiction code)", field="jurisdiction")
    else:
        grant = principal.deepest_grant("outreach", action)
        if grant is None:
            raise Forbidden(f"your roles do not allow {action} on outreach")
        node = jurisdictions.get(db_session, grant.jurisdiction_id)
    if principal is not None:
        principal.require("outreach", action)
        principal.check("outreach", action, node.path)
    return node


def checked_walk(settings: Settings, walk_s: float | None) -> float:
    value = float(settings.antifraud_outreach_walk_s if walk_s is None else walk_s)
    if not 30.0 <= value <= 3_600.0:
        raise InvalidInput("the walk must last 30 s to 1 hour", field="walk_s")
    return value


# --------------------------------------------------------------------------- answers


def walk_speed_ms(settings: Settings) -> float:
    """Walking speed on a footway (metres per second), from the speed table."""
    return float(settings.speeds_kmh.get("foot", {}).get("footway", 5.0)) / 3.6


def _walk_m(settings: Settings, walk_s: float) -> float:
    return round(walk_s * walk_speed_ms(settings), 1)


def _event_json(event: OutreachEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "kind": event.kind,
        "venue": event.venue,
        "place_text": event.place_text,
        "lat": event.lat,
        "lon": event.lon,
        "starts_at": event.starts_at.isoformat(),
        "people_reached": event.people_reached,
    }


def _zone_feature(ground: StationGround, z: int, result: outreach_algo.ZoneReach) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": shapely.geometry.mapping(shapely.set_precision(ground.zones[z], 1e-6)),
        "properties": {
            "zone": ground.zone_ids[z],
            "name": ground.zone_names[z],
            "population": round(float(result.people[z]), 1),
            "reached": round(float(result.reached[z]), 1),
            "share": round(float(result.share[z]), 4),
        },
    }


def outreach_reach(
    db_session: Session,
    settings: Settings,
    principal: Principal | None,
    *,
    jurisdiction_code: str | None = None,
    month: str | None = None,
    walk_s: float | None = None,
) -> dict[str, Any]:
    """The reach layer: a GeoJSON ``FeatureCollection`` of the station's zones, each with
    ``population``, ``reached`` and ``share``; with the month's placed stalls and totals."""
    node = station_for(db_session, principal, jurisdiction_code)
    walk = checked_walk(settings, walk_s)
    label, start, end = month_window(settings, month)
    ground = station_ground(db_session, settings, node)
    events = placed_events(db_session, node, start, end)
    result = outreach_algo.stall_reach(
        ground.graph, ground.residents, len(ground.zones), stall_nodes(ground.graph, events), walk
    )
    return {
        "type": "FeatureCollection",
        "features": [_zone_feature(ground, z, result) for z in range(len(ground.zones))],
        "jurisdiction_code": node.code,
        "city": ground.city.name,
        "bbox": [
            ground.city.min_lon,
            ground.city.min_lat,
            ground.city.max_lon,
            ground.city.max_lat,
        ],
        "month": label,
        "walk_s": walk,
        "walk_m": _walk_m(settings, walk),
        "population_source": ground.population_source,
        "stalls": [_event_json(e) for e in events],
        "totals": {
            "zones": len(ground.zones),
            "population": round(float(result.people.sum()), 1),
            "reached": round(float(result.reached.sum()), 1),
            "share": round(result.total_share, 4),
            "stalls": len(events),
        },
    }


def reach_share(
    db_session: Session,
    settings: Settings,
    node: Jurisdiction,
    start: datetime,
    end: datetime,
    grounds: dict[int, StationGround | None],
) -> float | None:
    """The share of the station's residents within the walk of its stalls held in
    ``[start, end)``; ``None`` when no city covers the station. ``grounds`` caches the
    stations' grounds across calls."""
    if node.id not in grounds:
        try:
            grounds[node.id] = station_ground(db_session, settings, node)
        except (InvalidInput, NotFound):
            grounds[node.id] = None
    ground = grounds[node.id]
    if ground is None:
        return None
    events = placed_events(db_session, node, start, end)
    walk = checked_walk(settings, None)
    result = outreach_algo.stall_reach(
        ground.graph, ground.residents, len(ground.zones), stall_nodes(ground.graph, events), walk
    )
    return round(result.total_share, 4)


def with_weekly_reach(
    db_session: Session, settings: Settings, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Add ``outreach_reach_share`` to each ``{"station", "week": "YYYY-Www"}`` row: the share
    of the station's residents within the walk (settings) of its stalls and talks that
    started in that week (district time), ``None`` when no city covers the station."""
    zone = ZoneInfo(settings.time_zone)
    grounds: dict[int, StationGround | None] = {}
    nodes: dict[str, Jurisdiction] = {}
    for row in rows:
        code = row["station"]
        if code not in nodes:
            nodes[code] = jurisdictions.get_by_code(db_session, code)
        year, week = (int(part) for part in row["week"].split("-W"))
        monday = date.fromisocalendar(year, week, 1)
        local = datetime(monday.year, monday.month, monday.day, tzinfo=zone)
        start, end = local.astimezone(UTC), (local + timedelta(days=7)).astimezone(UTC)
        row["outreach_reach_share"] = reach_share(
            db_session, settings, nodes[code], start, end, grounds
        )
    return rows
