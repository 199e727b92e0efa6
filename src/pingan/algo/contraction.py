"""Chain contraction of a road graph: faster batches of shortest-path searches.

:func:`contracted_search` gives the same rows of travel times as Dijkstra's algorithm on
the whole graph, searching only the *core* (intersections and dead ends); see
:class:`Chains`. :mod:`pingan.algo.routing` uses it for big batches without a cut-off.
"""

from __future__ import annotations

import itertools
import weakref
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from pingan.algo.graph import FloatArray, IntArray, RoadGraph

#: Batches of at least this many sources without a cut-off search the contracted graph
#: (see Chains).
CONTRACT_MIN_SOURCES = 16


@dataclass(frozen=True, eq=False)
class Chains:
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


_CHAINS: weakref.WeakKeyDictionary[RoadGraph, Chains | None] = weakref.WeakKeyDictionary()


def _edge_times(graph: RoadGraph, tails: IntArray, heads: IntArray) -> FloatArray:
    """Time of edges ``tails[i] → heads[i]`` (``inf`` where there is none)."""
    keys = graph.tail.astype(np.int64) * graph.n_nodes + graph.head
    query = tails * graph.n_nodes + heads
    idx = np.searchsorted(keys, query)
    idx = np.minimum(idx, keys.shape[0] - 1)
    found = keys[idx] == query
    return np.where(found, graph.time_s[idx], np.inf)


def _build_chains(graph: RoadGraph) -> Chains | None:
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
    return Chains(
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


def chains_of(graph: RoadGraph) -> Chains | None:
    """Return the graph's chain contraction (built once per graph), or None without chains."""
    if graph not in _CHAINS:
        _CHAINS[graph] = _build_chains(graph)
    return _CHAINS[graph]


def _along(ch: Chains, frm: npt.ArrayLike, to: npt.ArrayLike) -> FloatArray:
    """Sum the times along their chain from slots ``frm`` to slots ``to`` (same chain)."""
    x = np.asarray(frm, dtype=np.int64)
    y = np.asarray(to, dtype=np.int64)
    ahead = ch.pos[y] > ch.pos[x]
    fwd = np.where(ch.mf[y] == ch.mf[x], ch.f[y] - ch.f[x], np.inf)
    bwd = np.where(ch.mg[y] == ch.mg[x], ch.g[x] - ch.g[y], np.inf)
    out: FloatArray = np.where(ahead, fwd, np.where(ch.pos[y] == ch.pos[x], 0.0, bwd))
    return out


def contracted_search(
    graph: RoadGraph, ch: Chains, nodes: IntArray, limit: float, reverse: bool
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
