"""Routing on a :class:`~pingan.algo.graph.RoadGraph`: snapping, travel times, ETAs.

All searches are Dijkstra's algorithm over the graph's CSR arrays
(``scipy.sparse.csgraph.dijkstra``): from sources on the forward graph ("how long
from here to every node"), or from targets on the transposed graph ("how long from
every node to here"). A cut-off ``cutoff_s`` stops a search once the next node is
further than that; nodes beyond it get ``inf``.

Times are in seconds, distances in metres; points are given as latitude and
longitude in degrees and snapped to the nearest graph node in the graph's
projected CRS.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import overload

import numpy as np
import numpy.typing as npt
from scipy.sparse.csgraph import dijkstra

from pingan.algo.contraction import CONTRACT_MIN_SOURCES, chains_of, contracted_search
from pingan.algo.graph import FloatArray, IntArray, RoadGraph
from pingan.errors import InvalidInput, NotFound


@dataclass(frozen=True, eq=False)
class Snap:
    """Points snapped to graph nodes.

    Attributes
    ----------
    node
        Index of the nearest node for each point.
    distance_m
        Straight-line distance from each point to its node, in metres.
    """

    node: IntArray
    distance_m: FloatArray


@dataclass(frozen=True, eq=False)
class Nearest:
    """Which source reaches each node first, and when.

    Attributes
    ----------
    source_index
        For each node, the position in ``source_nodes`` of the source that reaches it
        first (``-1`` where none does within the cut-off). Ties go to the first
        position among sources on the same node.
    time_s
        For each node, that source's travel time in seconds (``inf`` where none).
    """

    source_index: IntArray
    time_s: FloatArray


@dataclass(frozen=True)
class Eta:
    """A fastest route between two points.

    Attributes
    ----------
    time_s
        Travel time along the network from the origin's node to the destination's node.
    distance_m
        Length of that route in metres.
    path
        Node indices from origin to destination.
    snap_from_m, snap_to_m
        Straight-line snap distances of origin and destination to their nodes.
    """

    time_s: float
    distance_m: float
    path: tuple[int, ...]
    snap_from_m: float
    snap_to_m: float


def _check_nodes(graph: RoadGraph, nodes: npt.ArrayLike, what: str) -> IntArray:
    arr = np.atleast_1d(np.asarray(nodes))
    if arr.ndim != 1:
        raise InvalidInput(f"{what} must be a node index or a 1-D array of them")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise InvalidInput(f"{what} must be integer node indices")
    out = arr.astype(np.int64)
    if out.size and (out.min() < 0 or out.max() >= graph.n_nodes):
        raise InvalidInput(f"{what} must be node indices in [0, {graph.n_nodes})")
    return out


def _limit(cutoff_s: float | None) -> float:
    if cutoff_s is None:
        return float(np.inf)
    if not cutoff_s >= 0:
        raise InvalidInput("cutoff_s must be a non-negative number of seconds")
    return float(cutoff_s)


def snap(
    graph: RoadGraph,
    lat: npt.ArrayLike,
    lon: npt.ArrayLike,
    max_distance_m: float | None = None,
) -> Snap:
    """Snap points to their nearest graph nodes.

    Parameters
    ----------
    graph
        The road graph.
    lat, lon
        Points in degrees (scalars or arrays of the same shape).
    max_distance_m
        When given, a point further than this from every node raises
        :class:`~pingan.errors.InvalidInput`.

    Returns
    -------
    Snap
        Node indices and snap distances (metres), one per point.
    """
    lat_arr = np.atleast_1d(np.asarray(lat, dtype=np.float64))
    lon_arr = np.atleast_1d(np.asarray(lon, dtype=np.float64))
    if lat_arr.shape != lon_arr.shape or lat_arr.ndim != 1:
        raise InvalidInput("lat and lon must be scalars or 1-D arrays of the same length")
    bad = ~np.isfinite(lat_arr) | ~np.isfinite(lon_arr) | (np.abs(lat_arr) > 90)
    bad |= np.abs(lon_arr) > 180
    if bad.any():
        raise InvalidInput(
            "points must have finite latitude in [-90, 90] and longitude in [-180, 180]"
        )
    x, y = graph.project(lat_arr, lon_arr)
    dist, idx = graph.kdtree.query(np.column_stack([x, y]))
    dist = np.asarray(dist, dtype=np.float64)
    if max_distance_m is not None and dist.size and float(dist.max()) > max_distance_m:
        worst = int(np.argmax(dist))
        raise InvalidInput(
            f"point ({lat_arr[worst]:.6f}, {lon_arr[worst]:.6f}) is {dist[worst]:.0f} m from "
            f"the {graph.mode} network (more than {max_distance_m:.0f} m)"
        )
    return Snap(node=np.asarray(idx, dtype=np.int64), distance_m=dist)


def _search(graph: RoadGraph, nodes: IntArray, limit: float, reverse: bool) -> FloatArray:
    """Dijkstra rows from (``reverse``: to) each node; contracted for big batches."""
    # With a cut-off, searches stay local and expanding the chain nodes costs more
    # than the smaller core graph saves (measured on Coquimbo, bench/routing.py).
    big = nodes.shape[0] >= CONTRACT_MIN_SOURCES and not np.isfinite(limit)
    ch = chains_of(graph) if big else None
    if ch is not None:
        return contracted_search(graph, ch, nodes, limit, reverse)
    matrix = graph.csr_reverse if reverse else graph.csr
    out = dijkstra(matrix, directed=True, indices=nodes, limit=limit)
    return np.asarray(out, dtype=np.float64).reshape(nodes.shape[0], graph.n_nodes)


def shortest_times(
    graph: RoadGraph, sources: npt.ArrayLike, cutoff_s: float | None = None
) -> FloatArray:
    """Travel times from each source to every node.

    Parameters
    ----------
    graph
        The road graph.
    sources
        A node index or an array of them.
    cutoff_s
        Stop each search at this travel time; nodes further away get ``inf``.

    Returns
    -------
    ndarray, shape (n_sources, n_nodes)
        ``out[i, v]``: seconds from ``sources[i]`` to node ``v``.
    """
    src = _check_nodes(graph, sources, "sources")
    if src.size == 0:
        return np.zeros((0, graph.n_nodes))
    return _search(graph, src, _limit(cutoff_s), reverse=False)


@overload
def times_to(graph: RoadGraph, target: int, cutoff_s: float | None = None) -> FloatArray: ...


@overload
def times_to(
    graph: RoadGraph, target: npt.ArrayLike, cutoff_s: float | None = None
) -> FloatArray: ...


def times_to(graph: RoadGraph, target: npt.ArrayLike, cutoff_s: float | None = None) -> FloatArray:
    """Travel times from every node to a target (a search on the reversed graph).

    Parameters
    ----------
    graph
        The road graph.
    target
        A node index (result shape ``(n_nodes,)``) or an array of them (result shape
        ``(n_targets, n_nodes)``).
    cutoff_s
        Nodes that need longer than this get ``inf``.

    Returns
    -------
    ndarray
        ``out[v]`` (or ``out[j, v]``): seconds from node ``v`` to the target.
    """
    scalar = np.ndim(target) == 0
    tgt = _check_nodes(graph, target, "target")
    if tgt.size == 0:
        return np.zeros((0, graph.n_nodes))
    out = _search(graph, tgt, _limit(cutoff_s), reverse=True)
    result: FloatArray = out[0] if scalar else out
    return result


def travel_time_matrix(
    graph: RoadGraph,
    sources: npt.ArrayLike,
    targets: npt.ArrayLike,
    cutoff_s: float | None = None,
) -> FloatArray:
    """Travel times between every source and every target.

    Searches from whichever side has fewer nodes (forward from the sources, or
    backward from the targets).

    Returns
    -------
    ndarray, shape (n_sources, n_targets)
        ``out[i, j]``: seconds from ``sources[i]`` to ``targets[j]`` (``inf`` if
        beyond ``cutoff_s``).
    """
    src = _check_nodes(graph, sources, "sources")
    tgt = _check_nodes(graph, targets, "targets")
    if src.size == 0 or tgt.size == 0:
        return np.zeros((src.size, tgt.size))
    if src.size <= tgt.size:
        return shortest_times(graph, src, cutoff_s)[:, tgt]
    back = times_to(graph, tgt, cutoff_s)
    result: FloatArray = np.ascontiguousarray(back[:, src].T)
    return result


def nearest_source(
    graph: RoadGraph, source_nodes: npt.ArrayLike, cutoff_s: float | None = None
) -> Nearest:
    """For every node, the source that reaches it first (one multi-source search).

    With units standing at ``source_nodes``, ``result.source_index[v]`` is the unit
    that reaches node ``v`` first and ``result.time_s[v]`` its travel time, so the
    nearest unit to any number of incidents is an array lookup after snapping.

    Parameters
    ----------
    graph
        The road graph.
    source_nodes
        Node index of each source (several sources may share a node).
    cutoff_s
        Nodes no source reaches within this time get ``-1`` and ``inf``.

    Returns
    -------
    Nearest
    """
    src = _check_nodes(graph, source_nodes, "source_nodes")
    if src.size == 0:
        return Nearest(
            source_index=np.full(graph.n_nodes, -1, dtype=np.int64),
            time_s=np.full(graph.n_nodes, np.inf),
        )
    dist, _, origin = dijkstra(
        graph.csr,
        directed=True,
        indices=src,
        limit=_limit(cutoff_s),
        min_only=True,
        return_predecessors=True,
    )
    # Position in source_nodes of each graph node that is a source (first wins).
    first_position = np.full(graph.n_nodes, -1, dtype=np.int64)
    first_position[src[::-1]] = np.arange(src.size - 1, -1, -1, dtype=np.int64)
    origin = np.asarray(origin, dtype=np.int64)
    reached = origin >= 0
    index = np.full(graph.n_nodes, -1, dtype=np.int64)
    index[reached] = first_position[origin[reached]]
    return Nearest(source_index=index, time_s=np.asarray(dist, dtype=np.float64))


def path_length_m(graph: RoadGraph, path: npt.ArrayLike) -> float:
    """Length in metres of a node path (consecutive nodes must share an edge)."""
    nodes = np.asarray(path, dtype=np.int64)
    total = 0.0
    for a, b in itertools.pairwise(nodes):
        total += float(graph.length_m[graph.edge_index(int(a), int(b))])
    return total


def path_coordinates(graph: RoadGraph, path: npt.ArrayLike) -> list[tuple[float, float]]:
    """List the route's vertices as ``(lon, lat)`` pairs (GeoJSON order), along edge geometry."""
    nodes = np.asarray(path, dtype=np.int64)
    if nodes.size == 1:
        return [(float(graph.lon[nodes[0]]), float(graph.lat[nodes[0]]))]
    coords: list[tuple[float, float]] = []
    for a, b in itertools.pairwise(nodes):
        lats, lons = graph.edge_coordinates(graph.edge_index(int(a), int(b)))
        start = 1 if coords else 0
        coords.extend(zip(lons[start:].tolist(), lats[start:].tolist(), strict=True))
    return coords


def eta(
    graph: RoadGraph,
    from_latlon: tuple[float, float],
    to_latlon: tuple[float, float],
    max_snap_m: float | None = None,
) -> Eta:
    """Fastest route between two points.

    Parameters
    ----------
    graph
        The road graph.
    from_latlon, to_latlon
        ``(lat, lon)`` in degrees; each is snapped to its nearest node.
    max_snap_m
        When given, points further than this from the network are refused.

    Returns
    -------
    Eta
        Travel time (s), route length (m), node path and snap distances (m).

    Raises
    ------
    NotFound
        The destination cannot be reached from the origin.
    """
    snapped = snap(
        graph,
        [from_latlon[0], to_latlon[0]],
        [from_latlon[1], to_latlon[1]],
        max_distance_m=max_snap_m,
    )
    origin, destination = (int(n) for n in snapped.node)
    dist, pred = dijkstra(graph.csr, directed=True, indices=origin, return_predecessors=True)
    time_s = float(dist[destination])
    if not np.isfinite(time_s):
        raise NotFound("no route between these points on the road network")
    path = [destination]
    while path[-1] != origin:
        path.append(int(pred[path[-1]]))
    path.reverse()
    return Eta(
        time_s=time_s,
        distance_m=path_length_m(graph, path),
        path=tuple(path),
        snap_from_m=float(snapped.distance_m[0]),
        snap_to_m=float(snapped.distance_m[1]),
    )
