"""Map layers drawn from a road graph: GeoJSON roads simplified by zoom level.

A browser draws a city's roads from pingan's own data (no tile server). At low
zoom only the main classes are kept and lines are simplified (Douglas–Peucker)
to about half a screen pixel, so a city-sized network stays a few hundred
kilobytes.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely

from pingan.algo.graph import RoadGraph
from pingan.errors import InvalidInput

#: Highway classes drawn from each zoom level upwards.
MIN_ZOOM_OF_CLASS: dict[str, int] = {
    "motorway": 0,
    "trunk": 0,
    "primary": 0,
    "secondary": 12,
    "tertiary": 13,
    "unclassified": 14,
    "residential": 14,
    "living_street": 15,
    "service": 16,
    "pedestrian": 15,
    "cycleway": 16,
    "footway": 16,
    "path": 16,
    "track": 16,
    "steps": 17,
    "road": 14,
}
#: Metres per screen pixel at the equator at zoom 0 (Web Mercator, 256-pixel tiles).
EQUATOR_M_PER_PX_Z0 = 156_543.03392


def road_features(graph: RoadGraph, zoom: int) -> dict[str, Any]:
    """Roads of ``graph`` as a GeoJSON FeatureCollection for a map at ``zoom``.

    Parameters
    ----------
    graph
        The road graph (each undirected street segment is drawn once).
    zoom
        Web-map zoom level, 0–20.

    Returns
    -------
    dict
        Features with ``LineString`` geometry (lon, lat) and properties ``name`` and
        ``highway``.
    """
    if not 0 <= zoom <= 20:
        raise InvalidInput("zoom must be between 0 and 20", field="zoom")
    mid_lat = float(np.mean(graph.lat)) if graph.n_nodes else 0.0
    m_per_px = EQUATOR_M_PER_PX_Z0 * math.cos(math.radians(mid_lat)) / (2**zoom)
    tolerance_deg = 0.5 * m_per_px / 111_320.0
    tail = graph.tail
    keep_class = np.array(
        [MIN_ZOOM_OF_CLASS.get(c.removesuffix("_link"), 15) <= zoom for c in graph.highway_classes],
        dtype=bool,
    )
    features: list[dict[str, Any]] = []
    seen: set[tuple[int, int]] = set()
    for edge in np.flatnonzero(keep_class[graph.edge_highway]):
        a, b = int(tail[edge]), int(graph.head[edge])
        key = (a, b) if a < b else (b, a)
        if key in seen:
            continue
        seen.add(key)
        lats, lons = graph.edge_coordinates(int(edge))
        line = shapely.LineString(np.column_stack([lons, lats]))
        if tolerance_deg > 0:
            line = shapely.simplify(line, tolerance_deg, preserve_topology=False)
        coords = np.round(np.asarray(line.coords), 6).tolist()
        name_index = int(graph.edge_name[edge])
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": coords},
                "properties": {
                    "name": graph.names[name_index] if name_index >= 0 else "",
                    "highway": graph.highway_classes[int(graph.edge_highway[edge])],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
