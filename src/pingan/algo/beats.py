"""Beats (网格化巡逻): partition a road network into K contiguous beats balanced by workload.

Workload of a node is what the caller says (:func:`node_workload` offers expected incidents
plus a weight per kilometre of adjacent road to patrol). The partition is built in three steps:

1. Seeds: k-medoids-like iterations on travel time (assign every node to its nearest seed by a
   multi-source Dijkstra, move each seed to the beat node nearest its workload centroid).
2. Balanced region growing: the beat with the smallest workload so far claims its nearest
   (by travel time from its seed) unclaimed neighbouring node, until all nodes are claimed.
   Every node is claimed through an edge of its beat, so beats are contiguous.
3. Boundary moves: a node on the border of a heavier beat moves to an adjacent lighter beat
   when that narrows their difference and leaves the heavier beat connected.

Contiguity is along the undirected road network. The spread is reported as max/mean and the
coefficient of variation of beat workloads; :func:`square_grid_beats` is the naive baseline.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components, dijkstra

from pingan.errors import InvalidInput

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class BeatStats:
    """Workload per beat and its spread."""

    workload: tuple[float, ...]
    max_over_mean: float
    cv: float


def beat_stats(beat: npt.ArrayLike, workload: npt.ArrayLike) -> BeatStats:
    """Workload per beat (beats numbered 0..max) with max/mean and coefficient of variation."""
    b = np.asarray(beat, dtype=np.int64)
    w = np.asarray(workload, dtype=np.float64)
    per = np.bincount(b[b >= 0], weights=w[b >= 0], minlength=int(b.max()) + 1 if b.size else 0)
    mean = float(per.mean()) if per.size else 0.0
    return BeatStats(
        workload=tuple(float(v) for v in per),
        max_over_mean=float(per.max()) / mean if mean > 0 else 0.0,
        cv=float(per.std()) / mean if mean > 0 else 0.0,
    )


def node_workload(
    length_m: Any,
    incidents: npt.ArrayLike,
    *,
    incident_weight: float = 1.0,
    per_km: float = 1.0,
) -> FloatArray:
    """``incident_weight * incidents + per_km * (half the km of road touching the node)``.

    ``length_m`` is a square sparse matrix of edge lengths in metres.
    """
    lengths = sp.csr_matrix(length_m)
    sym = lengths.maximum(lengths.T)
    km = np.asarray(sym.sum(axis=1)).ravel() / 2000.0
    return np.asarray(incident_weight * np.asarray(incidents, dtype=np.float64) + per_km * km)


def _undirected(adjacency: Any) -> sp.csr_matrix:
    a = sp.csr_matrix(adjacency, dtype=np.float64)
    if a.shape[0] != a.shape[1]:
        raise InvalidInput("adjacency must be square", field="adjacency")
    sym = a.maximum(a.T)
    # where only one direction exists, maximum keeps it; where both, the slower one
    return sp.csr_matrix(sym)


def partition_beats(
    adjacency: Any,
    workload: npt.ArrayLike,
    k: int,
    x_m: npt.ArrayLike,
    y_m: npt.ArrayLike,
    *,
    seed_iterations: int = 5,
    max_moves: int = 20_000,
) -> IntArray:
    """Beat id (0..k-1) of each node: K contiguous beats balanced by workload.

    Parameters
    ----------
    adjacency
        Square sparse matrix of edge travel times in seconds (direction is ignored).
    workload
        Workload of each node (e.g. from :func:`node_workload`), ``>= 0``.
    k
        Number of beats.
    x_m, y_m
        Projected node coordinates in metres (for seeding).
    seed_iterations
        k-medoids-like iterations.
    max_moves
        Cap on boundary moves.
    """
    graph = _undirected(adjacency)
    n = graph.shape[0]
    w = np.asarray(workload, dtype=np.float64)
    x = np.asarray(x_m, dtype=np.float64)
    y = np.asarray(y_m, dtype=np.float64)
    if w.size != n or x.size != n or y.size != n:
        raise InvalidInput("workload and coordinates need one value per node")
    if not 1 <= k <= n:
        raise InvalidInput(f"k must be between 1 and {n}", field="k")
    if np.any(w < 0):
        raise InvalidInput("workload must be >= 0", field="workload")
    n_comp, _ = connected_components(graph, directed=False)
    if n_comp > 1:
        raise InvalidInput("the network must be connected", field="adjacency")
    # 1. Seeds: farthest-point start, then k-medoids-like moves.
    seeds = [int(np.argmax(w + 1e-9))]
    nearest = dijkstra(graph, indices=seeds[0])
    while len(seeds) < k:
        score = nearest * (w + w.mean() + 1e-9)
        score[seeds] = -1.0
        nxt = int(np.argmax(score))
        seeds.append(nxt)
        nearest = np.minimum(nearest, dijkstra(graph, indices=nxt))
    for _ in range(seed_iterations):
        _, _, owner = dijkstra(graph, indices=seeds, min_only=True, return_predecessors=True)
        new_seeds = []
        for s in seeds:
            members = np.flatnonzero(owner == s)
            if members.size == 0:
                new_seeds.append(s)
                continue
            mass = w[members] + 1e-9
            cx, cy = np.average(x[members], weights=mass), np.average(y[members], weights=mass)
            closest = np.argmin((x[members] - cx) ** 2 + (y[members] - cy) ** 2)
            new_seeds.append(int(members[closest]))
        if len(set(new_seeds)) < k or new_seeds == seeds:
            break
        seeds = new_seeds
    dist = dijkstra(graph, indices=seeds)  # (k, n)
    # 2. Balanced region growing.
    beat = np.full(n, -1, dtype=np.int64)
    load = np.zeros(k)
    frontier: list[list[tuple[float, int]]] = [[] for _ in range(k)]
    indptr, indices = graph.indptr, graph.indices
    for b, s in enumerate(seeds):
        beat[s] = b
        load[b] = w[s]
    for b, s in enumerate(seeds):
        for v in indices[indptr[s] : indptr[s + 1]]:
            if beat[v] < 0:
                heapq.heappush(frontier[b], (float(dist[b, v]), int(v)))
    order = [(load[b], b) for b in range(k)]
    heapq.heapify(order)
    while order:
        _, b = heapq.heappop(order)
        heap = frontier[b]
        while heap and beat[heap[0][1]] >= 0:
            heapq.heappop(heap)
        if not heap:
            continue  # closed in
        _, v = heapq.heappop(heap)
        beat[v] = b
        load[b] += w[v]
        for u in indices[indptr[v] : indptr[v + 1]]:
            if beat[u] < 0:
                heapq.heappush(heap, (float(dist[b, u]), int(u)))
        heapq.heappush(order, (load[b], b))
    # 3. Boundary moves from heavier to lighter neighbouring beats.
    moves = 0
    improved = True
    while improved and moves < max_moves:
        improved = False
        for heavy in np.argsort(-load):
            members = np.flatnonzero(beat == heavy)
            if members.size <= 1:
                continue
            rows = np.repeat(members, np.diff(indptr)[members])
            cols = indices[np.concatenate([np.arange(indptr[m], indptr[m + 1]) for m in members])]
            border = beat[cols] != heavy
            cand_nodes, cand_beats = rows[border], beat[cols[border]]
            gain = load[heavy] - load[cand_beats] - w[cand_nodes]
            best = np.argsort(-gain)
            for i in best[:20]:
                v, light = int(cand_nodes[i]), int(cand_beats[i])
                if gain[i] <= 1e-12 or w[v] <= 0:
                    break
                rest = members[members != v]
                sub = graph[rest][:, rest]
                if connected_components(sub, directed=False)[0] != 1:
                    continue
                beat[v] = light
                load[heavy] -= w[v]
                load[light] += w[v]
                moves += 1
                improved = True
                break
            if improved:
                break
    return beat


def square_grid_beats(x_m: npt.ArrayLike, y_m: npt.ArrayLike, k: int) -> IntArray:
    """Naive beats: a grid of about ``k`` equal squares over the bounding box (empty cells
    dropped, ids renumbered 0..)."""
    x = np.asarray(x_m, dtype=np.float64)
    y = np.asarray(y_m, dtype=np.float64)
    if k < 1:
        raise InvalidInput("k must be >= 1", field="k")
    width = max(float(x.max() - x.min()), 1e-9)
    height = max(float(y.max() - y.min()), 1e-9)
    side = math.sqrt(width * height / k)
    cols = max(1, round(width / side))
    rows = max(1, round(k / cols))
    cx = np.minimum(((x - x.min()) / width * cols).astype(np.int64), cols - 1)
    cy = np.minimum(((y - y.min()) / height * rows).astype(np.int64), rows - 1)
    cell = cy * cols + cx
    _, renumbered = np.unique(cell, return_inverse=True)
    return np.asarray(renumbered, dtype=np.int64)


def beat_outlines(
    beat: npt.ArrayLike,
    x_m: npt.ArrayLike,
    y_m: npt.ArrayLike,
    *,
    concave_ratio: float | None = None,
) -> list[Any]:
    """Outline of each beat as a shapely geometry in the projected coordinates.

    Convex hull of the beat's nodes, or a concave hull (``shapely.concave_hull`` with
    ``ratio=concave_ratio``) when a ratio in (0, 1] is given.
    """
    import shapely

    b = np.asarray(beat, dtype=np.int64)
    x = np.asarray(x_m, dtype=np.float64)
    y = np.asarray(y_m, dtype=np.float64)
    outlines = []
    for beat_id in range(int(b.max()) + 1 if b.size else 0):
        mine = b == beat_id
        points = shapely.multipoints(np.column_stack([x[mine], y[mine]]))
        if concave_ratio is None:
            outlines.append(shapely.convex_hull(points))
        else:
            outlines.append(shapely.concave_hull(points, ratio=concave_ratio))
    return outlines
