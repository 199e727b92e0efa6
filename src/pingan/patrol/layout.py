"""A plan's pieces on the road graph: candidate posts, hot spots, loops, visibility, beats.

Adapters from the plan's inputs (graph, area, demand) to the pure cores
:mod:`pingan.algo.routes`, :mod:`pingan.algo.visibility` and :mod:`pingan.algo.beats`;
no database here.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment
from scipy.sparse.csgraph import connected_components, dijkstra

from pingan.algo import beats as beats_algo
from pingan.algo import routes as routes_algo
from pingan.algo.graph import RoadGraph
from pingan.algo.routing import path_coordinates
from pingan.algo.visibility import hotspot_visibility
from pingan.patrol.demand import Area

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Hot spots closer than this to a chosen one are not chosen again.
HOTSPOT_SEPARATION_M = 150.0
#: Wall-time budget for all OR-Tools loop searches of one plan, seconds.
ROUTE_BUDGET_S = 3.0


def thin_nodes(x_m: FloatArray, y_m: FloatArray, nodes: IntArray, limit: int) -> IntArray:
    """At most ``limit`` of ``nodes`` spread evenly: one per square cell, the node nearest the
    cell's centre, with the cell side found by bisection."""
    if nodes.size <= limit:
        return np.sort(nodes)
    x, y = x_m[nodes], y_m[nodes]
    x0, y0 = float(x.min()), float(y.min())
    lo, hi = 1e-3, max(float(x.max() - x0), float(y.max() - y0), 1.0) * 2
    for _ in range(40):
        side = (lo + hi) / 2
        cells = np.unique(np.floor((x - x0) / side) * 1e7 + np.floor((y - y0) / side)).size
        if cells > limit:
            lo = side
        else:
            hi = side
    side = hi
    cx, cy = np.floor((x - x0) / side), np.floor((y - y0) / side)
    cell = cx * 1e7 + cy
    off = (x - (x0 + (cx + 0.5) * side)) ** 2 + (y - (y0 + (cy + 0.5) * side)) ** 2
    order = np.lexsort((off, cell))
    first = np.ones(order.size, dtype=bool)
    first[1:] = cell[order][1:] != cell[order][:-1]
    return np.sort(nodes[order[first]])


def choose_hotspots(graph: RoadGraph, score: FloatArray, limit: int) -> IntArray:
    """Up to ``limit`` nodes of highest score, each at least HOTSPOT_SEPARATION_M from the
    ones chosen before."""
    order = np.argsort(-score, kind="stable")
    order = order[score[order] > 0]
    chosen: list[int] = []
    for node in order:
        if len(chosen) >= limit:
            break
        if chosen:
            dx = graph.x[chosen] - graph.x[node]
            dy = graph.y[chosen] - graph.y[node]
            if float(np.min(dx * dx + dy * dy)) < HOTSPOT_SEPARATION_M**2:
                continue
        chosen.append(int(node))
    return np.asarray(chosen, dtype=np.int64)


# --------------------------------------------------------------------------- make


@dataclass(frozen=True)
class PlannedRoutes:
    routes: tuple[routes_algo.GroupRoute, ...]
    places: IntArray  # graph node per place: posts first, then hot spots
    geometry: list[list[list[float]]]


def _path(pred: npt.NDArray[np.int32], row: int, source: int, target: int) -> list[int]:
    path = [target]
    node = target
    while node != source:
        node = int(pred[row, node])
        if node < 0:
            return [source, target]
        path.append(node)
    return path[::-1]


def plan_routes(
    graph: RoadGraph,
    post_nodes: IntArray,
    hotspot_nodes: IntArray,
    dwell_s: float,
    shift_s: float,
) -> PlannedRoutes:
    places = np.concatenate([post_nodes, hotspot_nodes]).astype(np.int64)
    dist, pred = dijkstra(graph.csr, directed=True, indices=places, return_predecessors=True)
    times = np.asarray(dist[:, places], dtype=np.float64)
    p = post_nodes.size
    per_group = min(0.2, max(0.02, ROUTE_BUDGET_S / max(p, 1)))
    routes = routes_algo.plan_patrol_routes(
        times,
        range(p),
        range(p, places.size),
        dwell_s=dwell_s,
        shift_s=shift_s,
        solver_time_limit_s=per_group,
    )
    row_of = {int(n): i for i, n in reversed(list(enumerate(places)))}
    geometry: list[list[list[float]]] = []
    for route in routes:
        sequence = [route.post, *route.stops, route.post]
        line: list[list[float]] = []
        for a, b in itertools.pairwise(sequence):
            na, nb = int(places[a]), int(places[b])
            if na == nb:
                continue
            nodes = _path(pred, row_of[na], na, nb)
            coords = path_coordinates(graph, nodes) if len(nodes) > 1 else []
            start = 1 if line else 0
            line.extend([round(lon, 6), round(lat, 6)] for lon, lat in coords[start:])
        if not line:
            node = int(places[route.post])
            line = [[round(float(graph.lon[node]), 6), round(float(graph.lat[node]), 6)]]
        geometry.append(line)
    return PlannedRoutes(routes, places, geometry)


def loop_repeats(route: routes_algo.GroupRoute, shift_s: float) -> int:
    if not route.stops or route.return_s <= 0:
        return 0
    return max(1, int(shift_s // route.return_s))


def plan_visibility(
    routes: Sequence[routes_algo.GroupRoute], n_posts: int, n_hotspots: int, shift_s: float
) -> dict[str, Any]:
    """Share of hot-spot-hours with a patrol present, each loop repeated while the shift
    lasts; every hot spot matters for the whole shift."""
    if n_hotspots == 0:
        return {"share": None, "time_share": None, "per_hotspot": [], "n_slots": 0}
    ph: list[int] = []
    ps: list[float] = []
    pe: list[float] = []
    for route in routes:
        for r in range(loop_repeats(route, shift_s)):
            shift = r * route.return_s
            for stop, arr, dep in zip(route.stops, route.arrival_s, route.departure_s, strict=True):
                start, end = arr + shift, min(dep + shift, shift_s)
                if start < end:
                    ph.append(stop - n_posts)
                    ps.append(start)
                    pe.append(end)
    result = hotspot_visibility(
        n_hotspots,
        np.arange(n_hotspots),
        np.zeros(n_hotspots),
        np.full(n_hotspots, shift_s),
        ph,
        ps,
        pe,
    )
    return {
        "share": result.share,
        "time_share": result.time_share,
        "per_hotspot": [round(v, 4) for v in result.per_hotspot],
        "n_slots": result.n_slots,
    }


@dataclass(frozen=True)
class PlannedBeats:
    beat: IntArray  # per area node
    workload: FloatArray  # per area node
    stats: dict[str, Any]


def plan_beats(graph: RoadGraph, area: Area, incidents: FloatArray, k: int) -> PlannedBeats:
    """K contiguous beats over the area's roads, workload = half incidents, half road km."""
    nodes = area.nodes
    sub = graph.csr[nodes][:, nodes]
    _n_comp, label = connected_components(sub, directed=False)
    main = np.flatnonzero(label == np.argmax(np.bincount(label)))

    lengths = sp.csr_matrix((graph.length_m, graph.head, graph.indptr), shape=graph.csr.shape)
    km = beats_algo.node_workload(lengths[nodes][:, nodes], np.zeros(nodes.size), per_km=1.0)
    inc = incidents[nodes]
    workload = 0.5 * km / max(float(km.sum()), 1e-9)
    if inc.sum() > 0:
        workload = workload + 0.5 * inc / float(inc.sum())
    k_eff = min(k, main.size)
    part = beats_algo.partition_beats(
        sub[main][:, main],
        workload[main],
        k_eff,
        graph.x[nodes][main],
        graph.y[nodes][main],
    )
    beat = np.full(nodes.size, -1, dtype=np.int64)
    beat[main] = part
    if main.size < nodes.size:  # islands of the area join the beat of their nearest node
        from scipy.spatial import cKDTree

        rest = np.flatnonzero(beat < 0)
        tree = cKDTree(np.column_stack([graph.x[nodes][main], graph.y[nodes][main]]))
        _, nearest = tree.query(np.column_stack([graph.x[nodes][rest], graph.y[nodes][rest]]))
        beat[rest] = part[nearest]
    optimised = beats_algo.beat_stats(beat, workload)
    grid = beats_algo.square_grid_beats(graph.x[nodes], graph.y[nodes], k_eff)
    naive = beats_algo.beat_stats(grid, workload)
    # grid cells are squares on the map: on the roads a cell may fall apart into pieces
    grid_pieces = beats_algo.beat_components(sub, grid)
    stats = {
        "beats": int(beat.max()) + 1,
        "workload": "0.5 × share of incidents + 0.5 × share of road km",
        "optimised": {"max_over_mean": optimised.max_over_mean, "cv": optimised.cv},
        "square_grid": {
            "beats": int(grid.max()) + 1,
            "disconnected": int(np.sum(grid_pieces > 1)),
            "max_over_mean": naive.max_over_mean,
            "cv": naive.cv,
        },
    }
    return PlannedBeats(beat, workload, stats)


def beat_outline(graph: RoadGraph, area_nodes: IntArray, members: IntArray) -> dict[str, Any]:
    import shapely
    from shapely.geometry import mapping

    x, y = graph.x[area_nodes[members]], graph.y[area_nodes[members]]
    geom = beats_algo.beat_outlines(
        np.zeros(members.size, dtype=np.int64), x, y, concave_ratio=0.3
    )[0]
    geom = geom.buffer(20.0) if geom.geom_type != "Polygon" else geom.buffer(10.0)

    def to_lonlat(xy: FloatArray) -> FloatArray:
        lat, lon = graph.unproject(xy[:, 0], xy[:, 1])
        return np.asarray(np.round(np.column_stack([lon, lat]), 6), dtype=np.float64)

    return dict(mapping(shapely.transform(geom, to_lonlat)))


def group_beats(
    graph: RoadGraph, area_nodes: IntArray, beat: IntArray, post_nodes: IntArray
) -> IntArray:
    """Beat of each group: one beat per group, minimum total distance post → beat centre."""
    n_beats = int(beat.max()) + 1
    cx = np.bincount(beat, weights=graph.x[area_nodes], minlength=n_beats)
    cy = np.bincount(beat, weights=graph.y[area_nodes], minlength=n_beats)
    count = np.maximum(np.bincount(beat, minlength=n_beats), 1)
    centre_x, centre_y = cx / count, cy / count
    cost = np.hypot(
        graph.x[post_nodes][:, None] - centre_x[None, :], graph.y[post_nodes][:, None] - centre_y
    )
    rows, cols = linear_sum_assignment(cost)
    out = np.full(post_nodes.size, -1, dtype=np.int64)
    out[rows] = cols
    return out
