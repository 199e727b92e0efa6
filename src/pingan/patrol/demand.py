"""Demand for one shift window: where and when trouble happens, snapped to the road network.

Sources, each normalised to sum to 1 over the plan's area and then scaled by the weight the
chief sets (:data:`DEFAULT_DEMAND_WEIGHTS`):

``history``
    Incidents of the city in the plan's jurisdiction whose received time (in the district's
    time zone) falls inside the shift window on a day of the plan's day type, each counted
    with its type's weight (1 unless the chief says otherwise). Drafts, rejected reports and
    duplicates are left out.
``forecast``
    The latest stored hot-spot forecast of the city (``pingan.analytics``), its cell scores
    put on the node nearest each cell centre. A forecast covers all hours, not one window.
``venues``
    Key night-time venues among the city's places: bars, pubs, nightclubs, karaoke boxes and
    marketplaces, one unit each. Barbecue streets would be restaurants tagged
    ``cuisine=barbecue``; the city import keeps no cuisine tag, so they are not found.
``population``
    Residents from a zones file where the city has one (Coquimbo: 133 zones), each zone's
    population spread evenly over the network nodes inside it.

The shift day decides the day type: a 20:00-02:00 shift that starts on a Friday is a weekday
shift, also for its hours after midnight; shifts starting on Saturday or Sunday are weekend.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast, overload
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.algo.graph import RoadGraph
from pingan.algo.routing import snap
from pingan.bundled import bundled_path
from pingan.city import service as cities
from pingan.city.models import City
from pingan.errors import InvalidInput
from pingan.jurisdictions.models import Jurisdiction
from pingan.patrol.models import DayType

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Population zones shipped for a city (GeoJSON with a ``population`` property per zone),
#: package data (:mod:`pingan.bundled`), so they ship in the wheel.
ZONE_FILES: dict[str, str] = {"coquimbo": "zones/coquimbo_zones.geojson"}
VENUE_KINDS: tuple[str, ...] = ("bar", "pub", "nightclub", "karaoke_box", "marketplace")
SOURCES: tuple[str, ...] = ("history", "forecast", "venues", "population")
DEFAULT_DEMAND_WEIGHTS: dict[str, float] = {
    "history": 1.0,
    "forecast": 0.5,
    "venues": 0.5,
    "population": 0.25,
}
#: Incidents a plan never learns from.
EXCLUDED_STATUSES = ("rejected", "duplicate")


@dataclass(frozen=True)
class ShiftWindow:
    """A daily window ``start``-``end`` in local time; it may cross midnight."""

    start_min: int
    end_min: int

    @classmethod
    def parse(cls, text: str, field_name: str = "shift") -> ShiftWindow:
        try:
            start_text, end_text = text.strip().split("-")
            start = _minutes(start_text)
            end = _minutes(end_text)
        except (ValueError, AttributeError):
            raise InvalidInput(
                f"shift must look like 20:00-02:00, not {text!r}", field=field_name
            ) from None
        if start == end:
            raise InvalidInput(
                "the shift must not start and end at the same time", field=field_name
            )
        return cls(start, end)

    @property
    def length_s(self) -> float:
        return float(((self.end_min - self.start_min) % 1440) * 60)

    @property
    def start_text(self) -> str:
        return f"{self.start_min // 60:02d}:{self.start_min % 60:02d}"

    @property
    def end_text(self) -> str:
        return f"{self.end_min // 60:02d}:{self.end_min % 60:02d}"

    @property
    def text(self) -> str:
        return f"{self.start_text}-{self.end_text}"

    def place(self, local: datetime) -> tuple[date, float] | None:
        """The shift day and the offset in seconds from the shift start, or ``None`` when
        ``local`` lies outside the window."""
        minute = local.hour * 60 + local.minute + local.second / 60.0
        since_start = (minute - self.start_min) % 1440
        if since_start * 60.0 >= self.length_s:
            return None
        day = local.date()
        if minute < self.start_min:  # after midnight: the shift began the day before
            day -= timedelta(days=1)
        return day, since_start * 60.0


def _minutes(text: str) -> int:
    hours, minutes = text.strip().split(":")
    h, m = int(hours), int(minutes)
    if not (0 <= h <= 24 and 0 <= m < 60) or (h == 24 and m):
        raise ValueError(text)
    return (h * 60 + m) % 1440


@overload
def local_day_start(day: date, tz: ZoneInfo) -> datetime: ...
@overload
def local_day_start(day: None, tz: ZoneInfo) -> None: ...
@overload
def local_day_start(day: date | None, tz: ZoneInfo) -> datetime | None: ...
def local_day_start(day: date | None, tz: ZoneInfo) -> datetime | None:
    """Midnight starting ``day`` in ``tz``, in UTC (``None`` stays ``None``)."""
    if day is None:
        return None
    return datetime.combine(day, time(0, 0), tz).astimezone(UTC)


def day_type_of(day: date) -> DayType:
    return DayType.weekend if day.weekday() >= 5 else DayType.weekday


# --------------------------------------------------------------------------- area


@dataclass(frozen=True)
class Area:
    """The plan's area: the jurisdiction's boundary (or the whole city) on the graph."""

    jurisdiction: Jurisdiction
    nodes: IntArray
    has_boundary: bool


def plan_area(graph: RoadGraph, jurisdiction: Jurisdiction, city: City) -> Area:
    """Graph nodes inside the jurisdiction's boundary (all nodes when it has none)."""
    if not jurisdiction.boundary:
        return Area(jurisdiction, np.arange(graph.n_nodes, dtype=np.int64), False)
    import shapely
    from shapely.geometry import shape

    polygon = shape(json.loads(jurisdiction.boundary))
    inside = shapely.contains_xy(polygon, graph.lon, graph.lat)
    nodes = np.flatnonzero(inside).astype(np.int64)
    if nodes.size == 0:
        raise InvalidInput(
            f"no roads of {city.name} lie inside {jurisdiction.code}'s boundary",
            field="station_code",
        )
    return Area(jurisdiction, nodes, True)


# --------------------------------------------------------------------------- incidents


@dataclass(frozen=True)
class HistoryRow:
    incident_id: int
    type: str
    lat: float
    lon: float
    received_at: datetime
    simulated: bool
    priority: int


def history_rows(
    db_session: Session,
    city: City,
    jurisdiction: Jurisdiction,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[HistoryRow]:
    """Placed incidents of ``city`` in ``jurisdiction``'s subtree (read-only query)."""
    from pingan.incidents.models import Incident

    query = (
        select(
            Incident.id,
            Incident.type,
            Incident.lat,
            Incident.lon,
            Incident.received_at,
            Incident.simulated,
            Incident.priority,
        )
        .join(Jurisdiction, Jurisdiction.id == Incident.jurisdiction_id)
        .where(
            Incident.city == city.name,
            Incident.lat.is_not(None),
            Incident.lon.is_not(None),
            Incident.is_draft.is_(False),
            Incident.status.not_in(EXCLUDED_STATUSES),
            Jurisdiction.path.startswith(jurisdiction.path, autoescape=True),
        )
        .order_by(Incident.received_at, Incident.id)
    )
    if since is not None:
        query = query.where(Incident.received_at >= since)
    if until is not None:
        query = query.where(Incident.received_at < until)
    # lat and lon are never None here: the query keeps located incidents only
    return [
        HistoryRow(
            int(i),
            str(t),
            float(cast(float, la)),
            float(cast(float, lo)),
            at,
            bool(sim),
            int(pr or 3),
        )
        for i, t, la, lo, at, sim, pr in db_session.execute(query).all()
    ]


@dataclass(frozen=True)
class WindowIncidents:
    """Incidents inside a shift window on days of one type."""

    rows: tuple[HistoryRow, ...]
    shift_days: tuple[date, ...]
    offset_s: FloatArray


def in_window(
    rows: list[HistoryRow], window: ShiftWindow, day_type: DayType | None, tz: ZoneInfo
) -> WindowIncidents:
    kept: list[HistoryRow] = []
    days: list[date] = []
    offsets: list[float] = []
    for row in rows:
        placed = window.place(row.received_at.astimezone(tz))
        if placed is None:
            continue
        day, offset = placed
        if day_type is not None and day_type_of(day) != day_type:
            continue
        kept.append(row)
        days.append(day)
        offsets.append(offset)
    return WindowIncidents(tuple(kept), tuple(days), np.asarray(offsets, dtype=np.float64))


# --------------------------------------------------------------------------- demand


@dataclass(frozen=True)
class Demand:
    """Demand weight per graph node for one shift window.

    Attributes
    ----------
    nodes, weight
        Graph nodes with positive demand and their weights (the weighted, normalised sum of
        the sources; the weights add up to the sum of the used sources' weights).
    components
        Per source, its raw amount per graph node (length ``n_nodes``): incidents (type
        weighted), forecast score, venues, residents.
    sources
        Per source: the weight set, whether it was used, and its raw total and count.
    notes
        What was skipped or assumed, in words.
    """

    nodes: IntArray
    weight: FloatArray
    components: Mapping[str, FloatArray]
    sources: Mapping[str, dict[str, Any]]
    notes: tuple[str, ...] = field(default_factory=tuple)

    def dense(self, n_nodes: int) -> FloatArray:
        out = np.zeros(n_nodes)
        out[self.nodes] = self.weight
        return out

    def point_score(self, n_nodes: int, weights: Mapping[str, float]) -> FloatArray:
        """Demand from point sources only (history, forecast, venues): hot-spot material."""
        out = np.zeros(n_nodes)
        for name in ("history", "forecast", "venues"):
            raw = self.components.get(name)
            if raw is not None and raw.sum() > 0:
                out += weights.get(name, 0.0) * raw / raw.sum()
        return out


def _snap_nodes(graph: RoadGraph, lat: list[float], lon: list[float]) -> IntArray:
    if not lat:
        return np.zeros(0, dtype=np.int64)
    return snap(graph, np.asarray(lat), np.asarray(lon)).node


def _forecast_points(
    db_session: Session, city: City
) -> tuple[list[float], list[float], list[float], str] | None:
    """Cells of the latest stored forecast of the city, if the analytics package has one."""
    try:
        from pingan.analytics.models import Forecast, ForecastCell
    except ImportError:  # analytics keeps no forecasts in this build
        return None
    forecast = db_session.scalar(
        select(Forecast)
        .where(Forecast.city == city.name)
        .order_by(Forecast.created_at.desc(), Forecast.id.desc())
        .limit(1)
    )
    if forecast is None:
        return None
    cells = db_session.execute(
        select(ForecastCell.lat, ForecastCell.lon, ForecastCell.score).where(
            ForecastCell.forecast_id == forecast.id
        )
    ).all()
    label = (
        f"forecast #{forecast.id} ({forecast.model}{', simulated' if forecast.simulated else ''})"
    )
    return (
        [float(c[0]) for c in cells],
        [float(c[1]) for c in cells],
        [max(float(c[2]), 0.0) for c in cells],
        label,
    )


def _population(
    graph: RoadGraph, city: City, area_mask: npt.NDArray[np.bool_]
) -> FloatArray | None:
    relative = ZONE_FILES.get(city.name)
    path = bundled_path(relative) if relative is not None else None
    if path is None:
        return None
    import shapely
    from shapely.geometry import shape

    out = np.zeros(graph.n_nodes)
    collection = json.loads(path.read_text(encoding="utf-8"))
    for feature in collection.get("features", []):
        people = float((feature.get("properties") or {}).get("population") or 0.0)
        if people <= 0 or not feature.get("geometry"):
            continue
        inside = shapely.contains_xy(shape(feature["geometry"]), graph.lon, graph.lat) & area_mask
        count = int(inside.sum())
        if count:
            out[inside] += people / count
    return out


def _checked_weights(
    weights: Mapping[str, float] | None, type_weights: Mapping[str, float] | None
) -> tuple[dict[str, float], dict[str, float]]:
    """The demand sources' weights (defaults where not given) and the per type weights."""
    chosen = dict(DEFAULT_DEMAND_WEIGHTS)
    for name, value in (weights or {}).items():
        if name not in SOURCES:
            raise InvalidInput(
                f"unknown demand source {name!r}; use {', '.join(SOURCES)}", field="demand_weights"
            )
        if not (value >= 0 and math.isfinite(value)):
            raise InvalidInput("demand weights must be >= 0", field="demand_weights")
        chosen[name] = float(value)
    per_type = dict(type_weights or {})
    if any(not (v >= 0 and math.isfinite(v)) for v in per_type.values()):
        raise InvalidInput("type weights must be >= 0", field="type_weights")
    return chosen, per_type


def shift_demand(
    db_session: Session,
    graph: RoadGraph,
    city: City,
    area: Area,
    window: ShiftWindow,
    day_type: DayType,
    tz: ZoneInfo,
    *,
    weights: Mapping[str, float] | None = None,
    type_weights: Mapping[str, float] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Demand:
    """Demand per node for the shift window (module docstring), inside the plan's area."""
    chosen, per_type = _checked_weights(weights, type_weights)
    n = graph.n_nodes
    area_mask = np.zeros(n, dtype=bool)
    area_mask[area.nodes] = True
    components: dict[str, FloatArray] = {}
    sources: dict[str, dict[str, Any]] = {}
    notes: list[str] = []

    rows = history_rows(db_session, city, area.jurisdiction, since=since, until=until)
    window_rows = in_window(rows, window, day_type, tz)
    incidents = np.zeros(n)
    if window_rows.rows:
        nodes = _snap_nodes(
            graph, [r.lat for r in window_rows.rows], [r.lon for r in window_rows.rows]
        )
        amounts = np.array([per_type.get(r.type, 1.0) for r in window_rows.rows])
        np.add.at(incidents, nodes, amounts)
    components["history"] = incidents
    sources["history"] = {
        "count": len(window_rows.rows),
        "days": len(set(window_rows.shift_days)),
        "simulated": sum(r.simulated for r in window_rows.rows),
    }
    if not window_rows.rows:
        notes.append(f"no incidents in {window.text} on {day_type.value}s in the history")

    forecast = _forecast_points(db_session, city)
    if forecast is None:
        notes.append("no stored hot-spot forecast for this city: forecast source skipped")
    else:
        lat, lon, score, label = forecast
        nodes = _snap_nodes(graph, lat, lon)
        raw = np.zeros(n)
        np.add.at(raw, nodes, np.asarray(score))
        raw[~area_mask] = 0.0
        components["forecast"] = raw
        sources["forecast"] = {"count": len(score), "label": label}
        notes.append(f"{label} covers all hours, not only the shift window")

    venues = cities.places(db_session, city, list(VENUE_KINDS))
    raw = np.zeros(n)
    if venues:
        nodes = _snap_nodes(graph, [p.lat for p in venues], [p.lon for p in venues])
        np.add.at(raw, nodes, 1.0)
        raw[~area_mask] = 0.0
    components["venues"] = raw
    sources["venues"] = {"count": int(raw.sum())}
    notes.append("barbecue streets are not found: the city import keeps no cuisine tag")

    population = _population(graph, city, area_mask)
    if population is None:
        notes.append(f"no population zones for {city.name}: population source skipped")
    else:
        components["population"] = population
        sources["population"] = {"count": round(float(population.sum()))}

    total: FloatArray = np.zeros(n)
    for name in SOURCES:
        part = components.get(name)
        used = part is not None and float(part.sum()) > 0 and chosen[name] > 0
        entry = sources.setdefault(name, {"count": 0})
        entry["weight"] = chosen[name]
        entry["used"] = bool(used)
        if used and part is not None:
            total += chosen[name] * part / float(part.sum())
    if total.sum() <= 0:
        total[area.nodes] = 1.0 / area.nodes.size
        notes.append("no demand from any source: demand spread evenly over the area's roads")
    nodes = np.flatnonzero(total > 0).astype(np.int64)
    return Demand(
        nodes=nodes,
        weight=total[nodes],
        components=components,
        sources=sources,
        notes=tuple(notes),
    )
