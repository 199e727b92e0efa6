"""Beats (网格化巡逻): partition a road network into K contiguous beats balanced by workload.

Workload of a node is what the caller says (:func:`node_workload` offers expected incidents
plus a weight per kilometre of adjacent road to patrol). :func:`partition_beats` works in
three steps, from a few starts, and keeps the partition with the lowest max/mean + CV:

1. Seeds: farthest-point (or k-means++-like random) seeds on workload-weighted straight-line
   distance, then k-medoids-like iterations on travel time (every node to its nearest seed
   by a multi-source Dijkstra; each seed to its region's node nearest the workload centroid).
2. Balanced region growing: the beat with the smallest workload so far claims the unclaimed
   neighbouring node nearest its seed along its own roads, until all nodes are claimed.
   Every node is claimed through an edge of its beat, so beats are contiguous.
3. Descent: node ``v`` of beat ``d`` moves to an adjacent beat ``r`` when
   ``load[d] - load[r] > w(moved)``, which strictly lowers the sum of squared beat
   workloads. When ``d`` would fall apart without ``v``, the pieces cut off (all but one)
   move with it; a local breadth-first search inside ``d`` decides, so contiguity never
   needs a whole-graph check. Each sweep lists all boundary edges with numpy and serves
   pairs of beats from the largest difference down; the phase ends when no move improves.

Contiguity is along the undirected road network. The spread is reported as max/mean and the
coefficient of variation of beat workloads (:func:`beat_stats`). :func:`square_grid_beats`
is the naive baseline: square cells over the bounding box, which need not be connected on
the road network (:func:`beat_components` counts the pieces of each beat).
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

from pingan.algo._beat_pieces import chunk_to_move
from pingan.errors import InvalidInput

#: Refused moves in a row after which a pair of beats waits for the next sweep.
_REFUSALS_PER_PAIR = 8
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


def beat_components(adjacency: Any, beat: npt.ArrayLike) -> IntArray:
    """Count the connected pieces of each beat (0..max) in the undirected road network.

    A beat with no node has 0 pieces; a contiguous beat has 1.
    """
    graph = sp.csr_matrix(adjacency)
    b = np.asarray(beat, dtype=np.int64)
    if graph.shape != (b.size, b.size):
        raise InvalidInput("adjacency must be square with one row per node", field="adjacency")
    coo = graph.tocoo()
    same = b[coo.row] == b[coo.col]
    inside = sp.csr_matrix((np.ones(int(same.sum())), (coo.row[same], coo.col[same])), graph.shape)
    _, label = connected_components(inside, directed=False)
    k = int(b.max()) + 1 if b.size else 0
    pieces = np.zeros(k, dtype=np.int64)
    first = np.unique(label[b >= 0] * np.int64(k) + b[b >= 0]) % k if k else np.array([])
    np.add.at(pieces, first.astype(np.int64), 1)
    return pieces


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
    # a stored zero travel time is still an edge: keep it as a tiny positive one
    a.data = np.where(a.data > 0, a.data, 1e-6)
    sym = sp.csr_matrix(a.maximum(a.T))  # where both directions exist, the slower one
    sym.setdiag(0.0)
    sym.eliminate_zeros()
    return sym


def partition_beats(
    adjacency: Any,
    workload: npt.ArrayLike,
    k: int,
    x_m: npt.ArrayLike,
    y_m: npt.ArrayLike,
    *,
    restarts: int = 3,
    seed_iterations: int = 5,
    max_sweeps: int = 5_000,
    seed: int = 0,
) -> IntArray:
    """Beat id (0..k-1) of each node: K contiguous, non-empty beats balanced by workload.

    Parameters
    ----------
    adjacency
        Square sparse matrix of edge travel times in seconds (direction is ignored). The
        network must be connected.
    workload
        Workload of each node (e.g. from :func:`node_workload`), ``>= 0``.
    k
        Number of beats, ``1 <= k <= n``.
    x_m, y_m
        Projected node coordinates in metres (seeding and the shape of the beats).
    restarts
        Independent starts (the first from farthest-point seeds, the others from
        k-means++-like random seeds); the partition with the lowest max/mean + CV is kept.
    seed_iterations
        k-medoids-like iterations per start.
    max_sweeps
        Cap on the sweeps of the balancing phase (it normally stops earlier, when no move
        improves).
    seed
        Seed of the random starts.

    Notes
    -----
    The descent minimises ``sum_b load_b ** 2`` (for a fixed total, the variance of beat
    workloads) over contiguous partitions. A move of workload ``W`` from beat ``d`` to an
    adjacent beat ``r`` changes it by ``2 W (W - (load_d - load_r))``, so it is made only when
    ``W < load_d - load_r``; the phase therefore ends, at a partition where no boundary move
    (with the pieces it cuts off) improves. Nodes leave a beat from its side nearest the
    receiving beat's centre first, which keeps beats compact. Nodes of zero workload never
    move. Every beat keeps at least one node, so there are exactly ``k`` non-empty beats.
    """
    graph = _undirected(adjacency)
    n = graph.shape[0]
    w = np.asarray(workload, dtype=np.float64).ravel()
    x = np.asarray(x_m, dtype=np.float64).ravel()
    y = np.asarray(y_m, dtype=np.float64).ravel()
    if w.size != n or x.size != n or y.size != n:
        raise InvalidInput("workload and coordinates need one value per node")
    if not 1 <= k <= n:
        raise InvalidInput(f"k must be between 1 and {n}", field="k")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise InvalidInput("workload must be finite and >= 0", field="workload")
    if restarts < 1:
        raise InvalidInput("restarts must be >= 1", field="restarts")
    if connected_components(graph, directed=False)[0] > 1:
        raise InvalidInput("the network must be connected", field="adjacency")
    if k == 1:
        return np.zeros(n, dtype=np.int64)
    rng = np.random.default_rng(seed)
    neighbours = _neighbour_lists(graph)
    best: IntArray | None = None
    best_score = math.inf
    for start in range(restarts):
        seeds = _first_seeds(w, x, y, k, rng if start > 0 else None)
        seeds = _refine_seeds(graph, w, x, y, seeds, seed_iterations)
        beat = _grow(graph, w, seeds)
        part = _Partition(graph, neighbours, w, x, y, beat, k)
        _descend(part, max_sweeps)
        beat = part.beat
        stats = beat_stats(beat, w)
        score = stats.max_over_mean + stats.cv
        if score < best_score - 1e-12:
            best, best_score = beat, score
    assert best is not None
    return best


def _neighbour_lists(graph: sp.csr_matrix) -> list[list[int]]:
    indptr = graph.indptr.tolist()
    indices = graph.indices.tolist()
    return [indices[indptr[v] : indptr[v + 1]] for v in range(graph.shape[0])]


def _first_seeds(
    w: FloatArray, x: FloatArray, y: FloatArray, k: int, rng: np.random.Generator | None
) -> list[int]:
    """Choose farthest-point seeds (``rng`` is None) or k-means++-like random seeds.

    Random seeds are drawn with probability proportional to the same score: squared
    straight-line distance to the nearest seed times the node's workload plus the mean
    workload.
    """
    n = w.size
    mass = w + float(w.mean()) + 1e-12
    first = int(np.argmax(w)) if rng is None else int(rng.choice(n, p=mass / mass.sum()))
    seeds = [first]
    nearest = (x - x[seeds[0]]) ** 2 + (y - y[seeds[0]]) ** 2
    taken = np.zeros(n, dtype=bool)
    taken[seeds[0]] = True
    while len(seeds) < k:
        score = np.where(taken, 0.0, nearest * mass)
        total = float(score.sum())
        if total <= 0:  # the rest share places with seeds: take any free node
            nxt = int(np.flatnonzero(~taken)[0])
        elif rng is None:
            nxt = int(np.argmax(score))
        else:
            nxt = int(rng.choice(n, p=score / total))
        seeds.append(nxt)
        taken[nxt] = True
        nearest = np.minimum(nearest, (x - x[nxt]) ** 2 + (y - y[nxt]) ** 2)
    return seeds


def _refine_seeds(
    graph: sp.csr_matrix,
    w: FloatArray,
    x: FloatArray,
    y: FloatArray,
    seeds: list[int],
    iterations: int,
) -> list[int]:
    """Move seeds k-medoids-like.

    Each seed goes to the node of its travel-time region nearest the region's workload
    centroid.
    """
    for _ in range(iterations):
        _, _, owner = dijkstra(graph, indices=seeds, min_only=True, return_predecessors=True)
        new_seeds = []
        for s in seeds:
            members = np.flatnonzero(owner == s)
            if members.size == 0:
                new_seeds.append(s)
                continue
            mass = w[members] + 1e-12
            cx, cy = np.average(x[members], weights=mass), np.average(y[members], weights=mass)
            closest = np.argmin((x[members] - cx) ** 2 + (y[members] - cy) ** 2)
            new_seeds.append(int(members[closest]))
        if len(set(new_seeds)) < len(seeds) or new_seeds == seeds:
            break
        seeds = new_seeds
    return seeds


def _grow(graph: sp.csr_matrix, w: FloatArray, seeds: list[int]) -> IntArray:
    """Grow balanced regions from the seeds.

    The lightest beat claims the unclaimed neighbour nearest its seed along its own roads.
    Each node joins through an edge of its beat (contiguity).
    """
    n, k = graph.shape[0], len(seeds)
    indptr, indices, data = graph.indptr, graph.indices, graph.data
    beat = np.full(n, -1, dtype=np.int64)
    reach = np.zeros(n)
    load = [0.0] * k
    frontier: list[list[tuple[float, int]]] = [[] for _ in range(k)]

    def claim(b: int, v: int, t: float) -> None:
        beat[v] = b
        reach[v] = t
        load[b] += float(w[v])
        lo, hi = indptr[v], indptr[v + 1]
        for u, dt in zip(indices[lo:hi].tolist(), data[lo:hi].tolist(), strict=True):
            if beat[u] < 0:
                heapq.heappush(frontier[b], (t + dt, u))

    for b, s in enumerate(seeds):
        beat[s] = b
    for b, s in enumerate(seeds):
        beat[s] = -1
        claim(b, s, 0.0)
    order = [(load[b], b) for b in range(k)]
    heapq.heapify(order)
    while order:
        _, b = heapq.heappop(order)
        heap = frontier[b]
        while heap and beat[heap[0][1]] >= 0:
            heapq.heappop(heap)
        if not heap:
            continue  # closed in by other beats
        t, v = heapq.heappop(heap)
        claim(b, v, t)
        heapq.heappush(order, (load[b], b))
    return beat


class _Partition:
    """Beats being balanced: membership, loads and centres, kept in step (internal)."""

    def __init__(
        self,
        graph: sp.csr_matrix,
        neighbours: list[list[int]],
        w: FloatArray,
        x: FloatArray,
        y: FloatArray,
        beat: IntArray,
        k: int,
    ) -> None:
        tails = np.repeat(np.arange(graph.shape[0]), np.diff(graph.indptr))
        heads = graph.indices.astype(np.int64)
        movable = w[tails] > 0
        self.tails, self.heads = tails[movable], heads[movable]
        self.neighbours = neighbours
        self.w, self.x, self.y, self.k = w, x, y, k
        self.w_list = w.tolist()
        self.beat = beat.copy()
        self.beat_list = self.beat.tolist()
        self.load = np.bincount(beat, weights=w, minlength=k)
        self.size = np.bincount(beat, minlength=k)
        self.sum_x = np.bincount(beat, weights=x, minlength=k)
        self.sum_y = np.bincount(beat, weights=y, minlength=k)
        self.version = np.zeros(k, dtype=np.int64)
        self.refused: dict[int, tuple[int, float]] = {}  # node -> (donor version, budget)
        self.tol = 1e-12 * max(float(self.load.max()), 1e-300)

    def boundary(self) -> tuple[IntArray, IntArray, IntArray]:
        """List (node, its beat, an adjacent other beat) for every boundary edge.

        Each pair of beats' nodes comes in the order they should leave: nearest the
        receiver's centre relative to their own beat's centre first.
        """
        donor, receiver = self.beat[self.tails], self.beat[self.heads]
        cand = (donor != receiver) & (self.size[donor] > 1)
        nodes, donor, receiver = self.tails[cand], donor[cand], receiver[cand]
        size_d, size_r = self.size[donor], self.size[receiver]
        px, py = self.x[nodes], self.y[nodes]
        outward = (
            (px - self.sum_x[donor] / size_d) ** 2
            + (py - self.sum_y[donor] / size_d) ** 2
            - (px - self.sum_x[receiver] / size_r) ** 2
            - (py - self.sum_y[receiver] / size_r) ** 2
        )
        order = np.lexsort((-outward, receiver, donor))
        return nodes[order], donor[order], receiver[order]

    def move(self, v: int, d: int, r: int, budget: float) -> float:
        """Move ``v`` (with what would be cut off from ``d``) to ``r`` if lighter than ``budget``.

        Returns the weight moved, 0 when nothing was tried (or refused before), -1 when a
        search refused it now.
        """
        if self.beat_list[v] != d or self.size[d] <= 1 or self.w_list[v] >= budget:
            return 0.0
        if all(self.beat_list[u] != r for u in self.neighbours[v]):
            return 0.0  # r has lost its nodes next to v since the boundary was listed
        failed = self.refused.get(v)
        if failed is not None and failed[0] == self.version[d] and failed[1] >= budget:
            return 0.0
        chunk = chunk_to_move(v, d, self.beat_list, self.neighbours, self.w_list, budget)
        if chunk is None:
            self.refused[v] = (int(self.version[d]), budget)
            return -1.0
        for u in chunk:
            self.beat_list[u] = r
        moved = np.asarray(chunk, dtype=np.int64)
        self.beat[moved] = r
        weight = float(self.w[moved].sum())
        self.load[d] -= weight
        self.load[r] += weight
        self.size[d] -= moved.size
        self.size[r] += moved.size
        shift_x, shift_y = float(self.x[moved].sum()), float(self.y[moved].sum())
        self.sum_x[d] -= shift_x
        self.sum_x[r] += shift_x
        self.sum_y[d] -= shift_y
        self.sum_y[r] += shift_y
        self.version[d] += 1
        self.version[r] += 1
        return weight


def _pair_runs(donor: IntArray, receiver: IntArray) -> tuple[IntArray, IntArray]:
    """Start and end of each run of equal (donor, receiver) in sorted boundary lists."""
    key = donor * (int(receiver.max(initial=0)) + 1) + receiver
    starts = np.flatnonzero(np.diff(key, prepend=-1) != 0)
    return starts, np.append(starts[1:], key.size)


def _descend(part: _Partition, max_sweeps: int) -> None:
    """Pairwise moves that lower the sum of squared beat workloads until none is left."""
    blocked: dict[tuple[int, int], tuple[int, int]] = {}
    for _ in range(max_sweeps):
        nodes, donor, receiver = part.boundary()
        diff = part.load[donor] - part.load[receiver]
        useful = diff > part.w[nodes] + part.tol
        if not useful.any():
            return
        nodes, donor, receiver = nodes[useful], donor[useful], receiver[useful]
        starts, ends = _pair_runs(donor, receiver)
        # pairs with the largest difference first
        order = np.argsort(-(part.load[donor[starts]] - part.load[receiver[starts]]))
        progress = False
        for s, e in zip(starts[order].tolist(), ends[order].tolist(), strict=True):
            d, r = int(donor[s]), int(receiver[s])
            stamp = (int(part.version[d]), int(part.version[r]))
            if blocked.get((d, r)) == stamp:
                continue
            moved = False
            refusals = 0
            tried_all = True
            for v in nodes[s:e].tolist():
                if refusals >= _REFUSALS_PER_PAIR:
                    tried_all = False  # the rest next sweep (the refused ones are skipped)
                    break
                weight = part.move(v, d, r, float(part.load[d] - part.load[r]) - part.tol)
                if weight > 0:
                    moved = True
                    refusals = 0
                elif weight < 0:
                    refusals += 1
            if moved or not tried_all:
                progress = True
            else:
                blocked[(d, r)] = stamp
        if not progress:
            return


def square_grid_beats(x_m: npt.ArrayLike, y_m: npt.ArrayLike, k: int) -> IntArray:
    """Cut naive beats: a grid of about ``k`` equal squares over the bounding box.

    Empty cells are dropped and ids renumbered 0...
    """
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
