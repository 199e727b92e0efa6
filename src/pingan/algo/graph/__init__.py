"""Travel-time road graphs built from OSM ways, stored as forward CSR arrays.

A :class:`RoadGraph` is one directed graph per travel mode (``"car"``, ``"ebike"``,
``"foot"``). Its nodes are the OSM nodes where ways meet or end (intersections and
dead ends); its edges are the stretches of way between them, with

* ``length_m``: the geodesic length along all interior vertices of the stretch;
* ``time_s = length_m / (speed_kmh / 3.6)``, the free-flow travel time, where
  ``speed_kmh`` is the way's ``maxspeed`` for cars, ``min(maxspeed, table)`` for
  e-bikes and the table speed for people on foot; the per-mode table (settings,
  ``speeds_kmh[mode][highway]``) also decides which highway classes a mode may use.

A ``*_link`` ramp counts as its road's class unless the table names it. Ways
tagged ``access=no`` (or ``motor_vehicle=no``, ``bicycle=no``, ``foot=no`` for the
mode) are left out unless a mode-specific tag allows the mode; ``private`` roads are
kept, because police and fire vehicles use them.

One-way streets (``oneway=yes/1/true/-1``, roundabouts, motorways) are respected for
car and e-bike (``oneway:bicycle=no`` lifts it for e-bikes) and ignored on foot.
Between two nodes only the fastest edge is kept, and only the largest strongly
connected component, so every node reaches every other.

Everything here is arrays in, arrays out: the OSM reader lives in
``pingan.city.osm``.
"""

from __future__ import annotations

from pingan.algo.graph.build import (
    KNOT_KMH,
    MPH_KMH,
    WAY_TAG_KEYS,
    BuildResult,
    build_graph,
    parse_maxspeed_kmh,
)
from pingan.algo.graph.road import (
    EARTH_RADIUS_M,
    MODES,
    FloatArray,
    Int32Array,
    IntArray,
    RoadGraph,
    StrArray,
    haversine_m,
    utm_epsg,
)

__all__ = [
    "EARTH_RADIUS_M",
    "KNOT_KMH",
    "MODES",
    "MPH_KMH",
    "WAY_TAG_KEYS",
    "BuildResult",
    "FloatArray",
    "Int32Array",
    "IntArray",
    "RoadGraph",
    "StrArray",
    "build_graph",
    "haversine_m",
    "parse_maxspeed_kmh",
    "utm_epsg",
]
