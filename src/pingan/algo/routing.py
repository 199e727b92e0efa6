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
import weakref
from dataclasses import dataclass
from typing import overload

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

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


#: Batches of at least this many sources without a cut-off search the contracted graph
#: (see _Chains).
CONTRACT_MIN_SOURCES = 16


@dataclass(frozen=True, eq=False)
class _Chains:
    """The graph with its chain nodes contracted, for faster batches of searches.

    A *chain node* has exactly two neighbours (a street that continues through a
    way split, not an intersection); 45% of Coquimbo's nodes are such. Each maximal
    run of chain nodes between two *core* nodes ``a`` and ``b`` becomes one core edge
    each way it can be driven; a search runs on the core graph (sources on a chain
    enter it through a virtual node with edges to ``a`` and ``b``), and the time of a
    chain node ``v`` is then ``min(t[a] + t(a → v), t[b] + t(b → v))``, or the direct
    time along the chain for a source on the same chain. The results are the same as
    a search on the whole graph, up to floating-point summation order.

    Per chain node (arrays of length ``n_chain``), with ``F``/``G`` the prefix sums of
    the forward (towards ``b``) and backward edge times from ``a`` (missing edges count
    0 and are counted in ``MF``/``MG``): ``from_a`` = time a → v, ``from_b`` = b → v,
    ``to_a`` = v → a, ``to_b`` = v → b (``inf`` where the chain's one-way forbids it).
    """

    core: IntArray
    forward: sp.csr_matrix
    reverse: sp.csr_matrix
    node: IntArray
    slot: IntArray
    a: IntArray
    b: IntArray
    chain: IntArray
    pos: IntArray
    chain_start: IntArray
    f: FloatArray
    g: FloatArray
    mf: IntArray
    mg: IntArray
    from_a: FloatArray
    from_b: FloatArray
    to_a: FloatArray
    to_b: FloatArray


_CHAINS: weakref.WeakKeyDictionary[RoadGraph, _Chains | None] = weakref.WeakKeyDictionary()


def _edge_times(graph: RoadGraph, tails: IntArray, heads: IntArray) -> FloatArray:
    """Time of edges ``tails[i] → heads[i]`` (``inf`` where there is none)."""
    keys = graph.tail.astype(np.int64) * graph.n_nodes + graph.head
    query = tails * graph.n_nodes + heads
    idx = np.searchsorted(keys, query)
    idx = np.minimum(idx, keys.shape[0] - 1)
    found = keys[idx] == query
    return np.where(found, graph.time_s[idx], np.inf)


def _build_chains(graph: RoadGraph) -> _Chains | None:
    n = graph.n_nodes
    tail = graph.tail.astype(np.int64)
    head = graph.head.astype(np.int64)
    sym = sp.csr_matrix(
        (np.ones(2 * tail.shape[0]), (np.concatenate([tail, head]), np.concatenate([head, tail]))),
        shape=(n, n),
    )
    sym.sum_duplicates()
    sym.setdiag(0)
    sym.eliminate_zeros()
    is_chain = np.diff(sym.indptr) == 2
    if not is_chain.any() or is_chain.all():
        return None
    neighbours = sym.indices.tolist()
    starts = sym.indptr.tolist()
    chain_flag = is_chain.tolist()
    seen = [False] * n
    runs: list[list[int]] = []
    for a in np.flatnonzero(~is_chain).tolist():
        for first in neighbours[starts[a] : starts[a + 1]]:
            if not chain_flag[first] or seen[first]:
                continue
            run = [a]
            prev, cur = a, first
            while chain_flag[cur]:
                seen[cur] = True
                run.append(cur)
                i = starts[cur]
                nxt = neighbours[i + 1] if neighbours[i] == prev else neighbours[i]
                prev, cur = cur, nxt
            run.append(cur)
            runs.append(run)
    if sum(seen) != int(is_chain.sum()):
        return None  # a ring of chain nodes with no core node on it: keep it simple

    lens = np.array([len(r) for r in runs], dtype=np.int64)
    flat = np.fromiter(itertools.chain.from_iterable(runs), dtype=np.int64, count=int(lens.sum()))
    run_start = np.cumsum(lens) - lens
    n_runs = lens.shape[0]
    # Edges along the runs, in order: run r has lens[r] - 1 of them.
    inner = np.ones(flat.shape[0], dtype=bool)
    inner[np.cumsum(lens) - 1] = False
    e_u = flat[inner]
    e_v = flat[np.flatnonzero(inner) + 1]
    f = _edge_times(graph, e_u, e_v)
    g = _edge_times(graph, e_v, e_u)
    f_miss = np.isinf(f)
    g_miss = np.isinf(g)
    f_cum = np.concatenate([[0.0], np.cumsum(np.where(f_miss, 0.0, f))])
    g_cum = np.concatenate([[0.0], np.cumsum(np.where(g_miss, 0.0, g))])
    mf_cum = np.concatenate([[0], np.cumsum(f_miss)])
    mg_cum = np.concatenate([[0], np.cumsum(g_miss)])
    edge_start = run_start - np.arange(n_runs)  # edges before run r
    run_of = np.repeat(np.arange(n_runs), lens)
    pos = np.arange(flat.shape[0]) - run_start[run_of]
    base = edge_start[run_of]
    node_f = f_cum[base + pos] - f_cum[base]
    node_g = g_cum[base + pos] - g_cum[base]
    node_mf = mf_cum[base + pos] - mf_cum[base]
    node_mg = mg_cum[base + pos] - mg_cum[base]
    end = run_start + lens - 1  # index in flat of each run's b

    core = np.flatnonzero(~is_chain)
    core_index = np.full(n, -1, dtype=np.int64)
    core_index[core] = np.arange(core.shape[0])
    a_core = core_index[flat[run_start]]
    b_core = core_index[flat[end]]

    # Core graph: edges between core nodes plus one edge per drivable run direction.
    direct = ~is_chain[tail] & ~is_chain[head]
    run_f = node_f[end]
    run_g = node_g[end]
    fwd_ok = (node_mf[end] == 0) & (a_core != b_core)
    bwd_ok = (node_mg[end] == 0) & (a_core != b_core)
    rows = np.concatenate([core_index[tail[direct]], a_core[fwd_ok], b_core[bwd_ok]])
    cols = np.concatenate([core_index[head[direct]], b_core[fwd_ok], a_core[bwd_ok]])
    vals = np.concatenate([graph.time_s[direct], run_f[fwd_ok], run_g[bwd_ok]])
    order = np.lexsort((vals, cols, rows))
    rows, cols, vals = rows[order], cols[order], vals[order]
    first = np.ones(rows.shape[0], dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    m = core.shape[0]
    forward = sp.csr_matrix((vals[first], (rows[first], cols[first])), shape=(m, m))
    reverse = forward.transpose().tocsr()

    chain_pos = np.flatnonzero((pos > 0) & (pos < lens[run_of] - 1))
    node = flat[chain_pos]
    slot = np.full(n, -1, dtype=np.int64)
    slot[node] = np.arange(node.shape[0])
    runs_of_nodes = run_of[chain_pos]
    cf, cg = node_f[chain_pos], node_g[chain_pos]
    cmf, cmg = node_mf[chain_pos], node_mg[chain_pos]
    end_f, end_g = run_f[runs_of_nodes], run_g[runs_of_nodes]
    end_mf, end_mg = node_mf[end][runs_of_nodes], node_mg[end][runs_of_nodes]
    inf = np.inf
    per_run = np.bincount(runs_of_nodes, minlength=n_runs)
    return _Chains(
        core=core,
        forward=forward,
        reverse=reverse,
        node=node,
        slot=slot,
        a=a_core[runs_of_nodes],
        b=b_core[runs_of_nodes],
        chain=runs_of_nodes,
        pos=pos[chain_pos],
        chain_start=np.concatenate([[0], np.cumsum(per_run)]),
        f=cf,
        g=cg,
        mf=cmf,
        mg=cmg,
        from_a=np.where(cmf == 0, cf, inf),
        from_b=np.where(end_mg == cmg, end_g - cg, inf),
        to_a=np.where(cmg == 0, cg, inf),
        to_b=np.where(end_mf == cmf, end_f - cf, inf),
    )


def _chains(graph: RoadGraph) -> _Chains | None:
    if graph not in _CHAINS:
        _CHAINS[graph] = _build_chains(graph)
    return _CHAINS[graph]


def _along(ch: _Chains, frm: npt.ArrayLike, to: npt.ArrayLike) -> FloatArray:
    """Sum the times along their chain from slots ``frm`` to slots ``to`` (same chain)."""
    x = np.asarray(frm, dtype=np.int64)
    y = np.asarray(to, dtype=np.int64)
    ahead = ch.pos[y] > ch.pos[x]
    fwd = np.where(ch.mf[y] == ch.mf[x], ch.f[y] - ch.f[x], np.inf)
    bwd = np.where(ch.mg[y] == ch.mg[x], ch.g[x] - ch.g[y], np.inf)
    out: FloatArray = np.where(ahead, fwd, np.where(ch.pos[y] == ch.pos[x], 0.0, bwd))
    return out


def _contracted_search(
    graph: RoadGraph, ch: _Chains, nodes: IntArray, limit: float, reverse: bool
) -> FloatArray:
    """Rows of times from (``reverse``: to) ``nodes``, searching the core graph."""
    m = ch.core.shape[0]
    base = ch.reverse if reverse else ch.forward
    # Into the core from a chain node: to a/b (forward), or from a/b (reverse search).
    enter_a, enter_b = (ch.from_a, ch.from_b) if reverse else (ch.to_a, ch.to_b)
    leave_a, leave_b = (ch.to_a, ch.to_b) if reverse else (ch.from_a, ch.from_b)
    slots = ch.slot[nodes]
    on_chain = np.flatnonzero(slots >= 0)
    src = np.empty(nodes.shape[0], dtype=np.int64)
    core_rows = slots < 0
    core_index = np.searchsorted(ch.core, nodes[core_rows])
    src[core_rows] = core_index
    if on_chain.size:
        vs = slots[on_chain]
        wa, wb = enter_a[vs], enter_b[vs]
        same = ch.a[vs] == ch.b[vs]
        wa = np.where(same, np.minimum(wa, wb), wa)
        keep_b = ~same & np.isfinite(wb)
        keep_a = np.isfinite(wa)
        k = on_chain.size
        virt = np.arange(m, m + k)
        rows = np.concatenate([virt[keep_a], virt[keep_b]])
        cols = np.concatenate([ch.a[vs][keep_a], ch.b[vs][keep_b]])
        vals = np.concatenate([wa[keep_a], wb[keep_b]])
        extra = sp.csr_matrix((vals, (rows - m, cols)), shape=(k, m + k))
        base = sp.vstack(
            [sp.hstack([base, sp.csr_matrix((m, k))], format="csr"), extra], format="csr"
        )
        src[on_chain] = virt
    core_times = dijkstra(base, directed=True, indices=src, limit=limit)
    out = np.full((nodes.shape[0], graph.n_nodes), np.inf)
    out[:, ch.core] = core_times[:, :m]
    chain_times = np.minimum(
        core_times[:, ch.a] + leave_a[np.newaxis, :], core_times[:, ch.b] + leave_b[np.newaxis, :]
    )
    for row in on_chain.tolist():
        x = int(slots[row])
        c = int(ch.chain[x])
        members = np.arange(ch.chain_start[c], ch.chain_start[c + 1])
        along = _along(ch, members, x) if reverse else _along(ch, x, members)
        chain_times[row, members] = np.minimum(chain_times[row, members], along)
    if np.isfinite(limit):
        chain_times[chain_times > limit] = np.inf
    out[:, ch.node] = chain_times
    return out


def _search(graph: RoadGraph, nodes: IntArray, limit: float, reverse: bool) -> FloatArray:
    """Dijkstra rows from (``reverse``: to) each node; contracted for big batches."""
    # With a cut-off, searches stay local and expanding the chain nodes costs more
    # than the smaller core graph saves (measured on Coquimbo, bench/routing.py).
    big = nodes.shape[0] >= CONTRACT_MIN_SOURCES and not np.isfinite(limit)
    ch = _chains(graph) if big else None
    if ch is not None:
        return _contracted_search(graph, ch, nodes, limit, reverse)
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
