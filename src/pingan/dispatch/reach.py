"""Live reach: the share of demand available units reach within each tier from where they are."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping, shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.algo import isochrones, routing
from pingan.city import service as cities
from pingan.config import Settings
from pingan.db import utcnow
from pingan.dispatch.travel import ACCESS_SPEED_MS
from pingan.incidents.models import Incident
from pingan.principal import Principal
from pingan.units import service as units
from pingan.units.models import UnitStatus

KEY_VENUE_KINDS = ("bar", "pub", "nightclub", "karaoke", "marketplace", "internet_cafe")


def live_reach(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    city_name: str,
    *,
    days: int = 30,
    venue_weight: float = 2.0,
    with_layer: bool = True,
) -> dict[str, Any]:
    """Share of demand that available units reach within each tier from where they are now.

    Demand: the city's incidents of the last ``days`` days (weight 1 each) and its key
    venues (bars, pubs, nightclubs, karaoke, markets, internet cafés; ``venue_weight``
    each). Returns the shares and, per tier, the reach as GeoJSON polygons (the union
    over travel modes of what the units of that mode reach).
    """
    principal.require("unit", "read")
    city = cities.get_city(db_session, city_name)
    now = utcnow()
    visible = {r.unit.id for r in units.list_units(db_session, principal, city=city.name)}
    ready = [
        r
        for r in units.units_in_city(db_session, city.name)
        if r.unit.id in visible
        and r.unit.status is UnitStatus.available
        and not units.is_stale(r.unit, settings, now)
    ]
    since = now - timedelta(days=days)
    points = db_session.execute(
        select(Incident.lat, Incident.lon).where(
            Incident.city == city.name,
            Incident.received_at >= since,
            Incident.lat.is_not(None),
            Incident.lon.is_not(None),
        )
    ).all()
    venues = cities.places(db_session, city, list(KEY_VENUE_KINDS))
    lat = np.array([p[0] for p in points] + [v.lat for v in venues], dtype=np.float64)
    lon = np.array([p[1] for p in points] + [v.lon for v in venues], dtype=np.float64)
    weight = np.array([1.0] * len(points) + [venue_weight] * len(venues))
    best = np.full(lat.size, np.inf)
    features: dict[float, list[Any]] = {float(t): [] for t in settings.tiers_s}
    by_mode: dict[str, list[units.UnitRow]] = {}
    for row in ready:
        by_mode.setdefault(row.unit.mode.value, []).append(row)
    for mode, rows in by_mode.items():
        graph = cities.load_graph(settings, city, mode)
        sources = routing.snap(
            graph,
            np.array([r.unit.lat for r in rows], dtype=float),
            np.array([r.unit.lon for r in rows], dtype=float),
        ).node
        nearest = routing.nearest_source(graph, sources, cutoff_s=max(settings.tiers_s))
        if lat.size:
            demand = routing.snap(graph, lat, lon)
            best = np.minimum(
                best, nearest.time_s[demand.node] + demand.distance_m / ACCESS_SPEED_MS
            )
        if with_layer:
            layer = isochrones.reach_polygons(graph, sources, settings.tiers_s)
            for feature in layer["features"]:
                features[float(feature["properties"]["cutoff_s"])].append(
                    shape(feature["geometry"])
                )
    total = float(weight.sum())
    shares = {
        str(int(t)): (round(float(weight[best <= t].sum()) / total, 4) if total else None)
        for t in settings.tiers_s
    }
    layer_features = []
    for cutoff, geometries in features.items():
        if geometries:
            union = shapely.union_all(geometries)
            layer_features.append(
                {"type": "Feature", "geometry": mapping(union), "properties": {"cutoff_s": cutoff}}
            )
    return {
        "type": "FeatureCollection",
        "features": layer_features,
        "properties": {
            "city": city.name,
            "units": len(ready),
            "demand_points": int(lat.size),
            "demand_weight": total,
            "share_within": shares,
            "computed_at": now.astimezone(UTC).isoformat(),
            "attribution": "© OpenStreetMap contributors (ODbL)",
        },
    }
