"""Reach polygons ("isochrones"): the area reachable within given travel times.

For a cut-off ``c`` and travel times ``t`` from the sources (the fastest of them),
the reachable network is every edge ``u → v`` with ``t[u] <= c``: the whole edge when
``t[u] + time(u, v) <= c``, otherwise its first ``(c - t[u]) / time(u, v)`` share
(by length along its geometry). The polygon is that network buffered by
``buffer_m`` metres in the graph's projected CRS, then corrected node by node so
that it holds **exactly** the nodes with ``t <= c``:

* a reachable node outside the buffer (only possible on zero-length edges) gets a
  disk of radius ``min(buffer_m, d / 2)`` added, ``d`` being its distance to the
  nearest unreachable node;
* an unreachable node inside the buffer (next to a reachable street, or just past
  the end of a partly traversed edge) gets a disk of radius ``min(buffer_m, d / 2)``
  cut out, ``d`` being its distance to the nearest reachable node.

Nodes at the same point with different reachability cannot be separated; they are
counted in ``unseparated`` and left as the buffer has them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
import shapely.geometry
import shapely.ops
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from pingan.algo.graph import FloatArray, RoadGraph
from pingan.errors import InvalidInput

DEFAULT_CUTOFFS_S = (60.0, 180.0, 300.0)
#: Points per quarter circle of buffers and disks.
QUAD_SEGS = 4


def _reachable_lines(
    graph: RoadGraph, times_s: FloatArray, cutoff_s: float
) -> list[shapely.Geometry]:
    """Return the reachable network (full and partial edges) as projected line strings."""
    tail = graph.tail
    t_tail = times_s[tail]
    edges = np.flatnonzero(t_tail <= cutoff_s)
    if edges.size == 0:
        return []
    remaining = cutoff_s - t_tail[edges]
    edge_time = graph.time_s[edges]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(edge_time > 0, remaining / edge_time, 1.0)
    share = np.clip(share, 0.0, 1.0)
    # A two-way street fully reached in both directions is drawn once.
    full_first = share >= 1.0
    low = np.minimum(tail[edges], graph.head[edges]).astype(np.int64)
    high = np.maximum(tail[edges], graph.head[edges]).astype(np.int64)
    key = np.column_stack([low, high, np.round(graph.length_m[edges] * 1000).astype(np.int64)])
    _, first = np.unique(key[full_first], axis=0, return_index=True)
    keep = ~full_first
    keep[np.flatnonzero(full_first)[first]] = True
    edges, share = edges[keep], share[keep]

    starts = graph.geom_offsets[edges]
    stops = graph.geom_offsets[edges + 1]
    counts = stops - starts
    idx = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
    gx, gy = graph.project(graph.geom_lat[idx], graph.geom_lon[idx])
    line_of = np.repeat(np.arange(edges.size), counts)

    full = share >= 1.0
    # Full edges: their whole geometry.
    keep_vertex = full[line_of]
    lines: list[shapely.Geometry] = []
    if keep_vertex.any():
        renumber = np.cumsum(full) - 1
        lines.extend(
            shapely.linestrings(
                gx[keep_vertex], gy[keep_vertex], indices=renumber[line_of[keep_vertex]]
            )
        )
    # Partial edges: cut at the travelled share of their length.
    for k in np.flatnonzero(~full):
        sel = line_of == k
        line = shapely.linestrings(gx[sel], gy[sel])
        piece = shapely.ops.substring(line, 0.0, float(share[k]), normalized=True)
        if piece.length > 0:
            lines.append(piece)
    return lines


def _disks(x: FloatArray, y: FloatArray, radius_m: FloatArray) -> shapely.Geometry:
    return shapely.union_all(shapely.buffer(shapely.points(x, y), radius_m, quad_segs=QUAD_SEGS))


def _to_lonlat(graph: RoadGraph, geometry: shapely.Geometry) -> shapely.Geometry:
    def back(coords: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        lat, lon = graph.unproject(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geometry, back)


def reach_polygon_projected(
    graph: RoadGraph, times_s: FloatArray, cutoff_s: float, buffer_m: float = 10.0
) -> tuple[shapely.Geometry, int]:
    """Draw the reach polygon of one cut-off in the graph's projected CRS (metres).

    Returns
    -------
    (geometry, unseparated)
        The (Multi)Polygon, and the number of nodes that could not be put on the right
        side (reachable and unreachable nodes at the same point).
    """
    reach = times_s <= cutoff_s
    if not reach.any():
        return shapely.Polygon(), 0
    lines = _reachable_lines(graph, times_s, cutoff_s)
    # Buffering the pieces one by one and merging them is several times faster than
    # buffering one MultiLineString.
    area = shapely.union_all(shapely.buffer(np.array(lines), buffer_m, quad_segs=QUAD_SEGS))
    pts_x, pts_y = graph.x, graph.y
    unreach = ~reach
    unseparated = 0

    inside = shapely.contains_xy(area, pts_x, pts_y)
    missing = np.flatnonzero(reach & ~inside)
    if missing.size:
        radius = np.full(missing.size, buffer_m)
        if unreach.any():
            d, _ = cKDTree(np.column_stack([pts_x[unreach], pts_y[unreach]])).query(
                np.column_stack([pts_x[missing], pts_y[missing]])
            )
            radius = np.minimum(radius, np.asarray(d) / 2)
        ok = radius > 0
        unseparated += int((~ok).sum())
        if ok.any():
            add = _disks(pts_x[missing[ok]], pts_y[missing[ok]], radius[ok])
            area = shapely.union(area, add)

    inside = shapely.contains_xy(area, pts_x, pts_y)
    extra = np.flatnonzero(unreach & inside)
    if extra.size:
        d, _ = cKDTree(np.column_stack([pts_x[reach], pts_y[reach]])).query(
            np.column_stack([pts_x[extra], pts_y[extra]])
        )
        radius = np.minimum(buffer_m, np.asarray(d) / 2)
        ok = radius > 0
        unseparated += int((~ok).sum())
        if ok.any():
            area = shapely.difference(area, _disks(pts_x[extra[ok]], pts_y[extra[ok]], radius[ok]))
    return area, unseparated


def reach_times(graph: RoadGraph, sources: npt.ArrayLike, max_cutoff_s: float) -> FloatArray:
    """Travel time (s) from the nearest of ``sources`` to every node, ``inf`` past the cut-off."""
    src = np.atleast_1d(np.asarray(sources, dtype=np.int64))
    if src.size == 0:
        raise InvalidInput("give at least one source node")
    if src.min() < 0 or src.max() >= graph.n_nodes:
        raise InvalidInput(f"source nodes must be in [0, {graph.n_nodes})")
    times = dijkstra(graph.csr, directed=True, indices=src, limit=max_cutoff_s, min_only=True)
    return np.asarray(times, dtype=np.float64)


def reach_polygons(
    graph: RoadGraph,
    sources: npt.ArrayLike,
    cutoffs_s: Sequence[float] = DEFAULT_CUTOFFS_S,
    buffer_m: float = 10.0,
) -> dict[str, Any]:
    """Areas reachable from the sources within each cut-off, as GeoJSON.

    Parameters
    ----------
    graph
        The road graph.
    sources
        A node index or several (the reach of any of them counts).
    cutoffs_s
        Travel-time cut-offs in seconds (default 60, 180 and 300 s: the 1-3-5 minute
        tiers).
    buffer_m
        Half-width in metres of the band drawn around reachable streets.

    Returns
    -------
    dict
        A GeoJSON ``FeatureCollection`` (lon/lat, WGS 84) with one (Multi)Polygon
        feature per cut-off, in ascending order, with properties ``cutoff_s``,
        ``node_count`` (nodes reachable within the cut-off), ``area_m2`` (area in the
        projected CRS) and ``unseparated`` (see the module docstring; normally 0).
    """
    cutoffs = sorted(float(c) for c in cutoffs_s)
    if not cutoffs or cutoffs[0] < 0 or not np.all(np.isfinite(cutoffs)):
        raise InvalidInput("cutoffs_s must be non-negative, finite seconds", field="cutoffs_s")
    if not buffer_m > 0:
        raise InvalidInput("buffer_m must be positive", field="buffer_m")
    times = reach_times(graph, sources, cutoffs[-1])
    features = []
    for cutoff in cutoffs:
        area, unseparated = reach_polygon_projected(graph, times, cutoff, buffer_m)
        lonlat = _to_lonlat(graph, area)
        features.append(
            {
                "type": "Feature",
                "geometry": shapely.geometry.mapping(lonlat)
                if not lonlat.is_empty
                else {"type": "MultiPolygon", "coordinates": []},
                "properties": {
                    "cutoff_s": cutoff,
                    "node_count": int((times <= cutoff).sum()),
                    "area_m2": float(area.area),
                    "unseparated": unseparated,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
