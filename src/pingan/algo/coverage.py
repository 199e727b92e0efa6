"""Stationing K patrol groups: maximal multi-tier coverage with optional backup coverage.

The model
---------
Demand points ``i`` (weight ``w_i >= 0``, e.g. expected incidents or residents), candidate
posts ``j``, travel times ``t_ij`` in seconds from post ``j`` to demand ``i``, tiers
``r_1 < ... < r_T`` (radii in seconds, default 60, 180 and 300 s) with tier weights
``a_t >= 0``, a backup weight ``b >= 0`` and ``K`` groups. ``N_it = {j : t_ij <= r_t}``.

Variables: ``x_j`` in {0, 1} (a group stands at ``j``), ``y_it`` in [0, 1] (``i`` is within
``r_t`` of a group), ``z_i`` in [0, 1] (``i`` is within ``r_T`` of at least two groups).

::

    maximise   sum_t a_t sum_i w_i y_it  +  b sum_i w_i z_i          (weighted demand)
    subject to y_it       <= sum_{j in N_it} x_j        for all i, t < T
               y_iT + z_i <= sum_{j in N_iT} x_j        for all i   (z_i only when b > 0)
               z_i        <= y_iT                       for all i
               sum_j x_j   = K
               x_j         = 1                          for fixed posts (existing police boxes)

With ``b = 0`` and one tier this is Church and ReVelle's maximal covering location problem; the
backup term follows Gendreau, Laporte and Semet's double standard model. The objective is in
units of demand weight (``sum_i w_i`` per unit of tier weight); the result also reports the
covered share of demand per tier.

Methods
-------
``"exact"``
    The MILP above solved with HiGHS, built sparsely from the pairs within ``r_T`` only;
    reports HiGHS' proven dual bound.
``"heuristic"``
    Greedy construction then swap (interchange) local search, with incremental, vectorised
    gain updates, plus a Lagrangian upper bound: relaxing the coverage rows with multipliers
    ``l_it >= 0`` leaves ``max sum_it (a_t w_i - l_it) y_it + sum_j x_j sum_{i,t: j in N_it}
    l_it``, which decomposes by demand point and by candidate (take the K best candidates).
    Multipliers stay 0 on rows the heuristic plan covers at least twice (slack near the
    optimum), start from the plan's complementary slackness and are improved with L-BFGS-B
    on a smoothed dual (see ``_lagrangian_bound``). Any multiplier vector gives a valid bound
    and the bound is evaluated exactly, so the reported gap ``(bound - objective) / bound``
    is honest.
``"auto"``
    The heuristic and its bound; then, if the instance is small or the gap is above
    ``gap_target``, the MILP warm-started from the heuristic, within the time limit, on the
    candidates that survive Lagrangian variable fixing (a candidate whose forced use bounds
    every plan below the incumbent is dropped; one whose exclusion does is fixed).

Examples
--------
>>> import numpy as np, scipy.sparse as sp
>>> time_s = sp.csr_matrix(np.array([[30.0, 400.0], [200.0, 50.0], [100.0, 250.0]]))
>>> result = solve_coverage(time_s, [1.0, 1.0, 2.0], 1, radii_s=(180.0,), tier_weights=(1.0,))
>>> result.posts, result.objective, result.coverage_share[180.0]
((0,), 3.0, 0.75)
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from pingan.errors import InvalidInput

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Method = Literal["auto", "exact", "heuristic"]

DEFAULT_RADII_S: tuple[float, ...] = (60.0, 180.0, 300.0)
DEFAULT_TIER_WEIGHTS: tuple[float, ...] = (1.0, 1.0, 1.0)
#: Instances with at most this many (demand, candidate) pairs go to the MILP in ``"auto"``.
SMALL_INSTANCE_PAIRS = 1_000_000
#: Up to this many, ``"auto"`` goes to the MILP without computing the Lagrangian bound first.
TINY_INSTANCE_PAIRS = 20_000


# --------------------------------------------------------------------------- pairs


def coverage_pairs(
    graph_or_times: Any,
    demand_nodes: npt.ArrayLike,
    candidate_nodes: npt.ArrayLike,
    max_radius_s: float,
    *,
    chunk_size: int = 256,
) -> sp.csr_matrix:
    """Travel times from candidate posts to demand nodes, only for pairs within a radius.

    Parameters
    ----------
    graph_or_times
        Either a square scipy sparse matrix whose entry ``(u, v)`` is the travel time in
        seconds of the edge ``u -> v``, or a graph object with CSR arrays ``indptr``,
        ``head`` and ``time_s`` (edge travel times in seconds), such as a ``RoadGraph``.
    demand_nodes, candidate_nodes
        Node indices of the demand points and of the candidate posts.
    max_radius_s
        Largest radius in seconds; pairs farther apart are left out.
    chunk_size
        Number of candidates searched at once (bounds memory at ``chunk_size * n_nodes``).

    Returns
    -------
    scipy.sparse.csr_matrix
        Shape ``(len(demand_nodes), len(candidate_nodes))``; entry ``(i, j)`` is the travel time
        in seconds from candidate ``j`` to demand ``i``, stored (even when 0) exactly for the
        pairs within ``max_radius_s``.
    """
    adjacency = _adjacency(graph_or_times)
    n_nodes = adjacency.shape[0]
    demand = np.asarray(demand_nodes, dtype=np.int64).ravel()
    candidates = np.asarray(candidate_nodes, dtype=np.int64).ravel()
    for name, nodes in (("demand_nodes", demand), ("candidate_nodes", candidates)):
        if nodes.size and (nodes.min() < 0 or nodes.max() >= n_nodes):
            raise InvalidInput(f"node index out of range 0..{n_nodes - 1}", field=name)
    if not np.isfinite(max_radius_s) or max_radius_s < 0:
        raise InvalidInput("max_radius_s must be finite and >= 0", field="max_radius_s")
    rows: list[IntArray] = []
    cols: list[IntArray] = []
    vals: list[FloatArray] = []
    for start in range(0, candidates.size, chunk_size):
        block = candidates[start : start + chunk_size]
        dist = dijkstra(adjacency, directed=True, indices=block, limit=max_radius_s)
        sub = dist[:, demand]
        cand_local, dem = np.nonzero(sub <= max_radius_s)
        rows.append(dem.astype(np.int64))
        cols.append(cand_local.astype(np.int64) + start)
        vals.append(sub[cand_local, dem])
    if rows:
        row = np.concatenate(rows)
        col = np.concatenate(cols)
        val = np.concatenate(vals)
    else:
        row = col = np.zeros(0, dtype=np.int64)
        val = np.zeros(0)
    return sp.csr_matrix((val, (row, col)), shape=(demand.size, candidates.size))


def _adjacency(graph_or_times: Any) -> sp.csr_matrix:
    if sp.issparse(graph_or_times):
        coo = sp.coo_matrix(graph_or_times)
        tail, head, weight = coo.row, coo.col, coo.data.astype(np.float64)
        n = coo.shape[0]
    else:
        try:
            indptr = np.asarray(graph_or_times.indptr, dtype=np.int64)
            head = np.asarray(graph_or_times.head, dtype=np.int64)
            weight = np.asarray(graph_or_times.time_s, dtype=np.float64)
        except AttributeError as exc:
            raise InvalidInput(
                "expected a sparse matrix or a graph with indptr, head and time_s",
                field="graph_or_times",
            ) from exc
        n = indptr.size - 1
        tail = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    if weight.size and (not np.all(np.isfinite(weight)) or weight.min() < 0):
        raise InvalidInput("edge travel times must be finite and >= 0", field="time_s")
    # Keep the fastest of parallel edges; csgraph would otherwise sum duplicates. A tiny
    # positive time stands in for 0 s so that the edge is not read as missing.
    order = np.lexsort((weight, head, tail))
    tail, head, weight = tail[order], head[order], weight[order]
    keep = np.ones(tail.size, dtype=bool)
    keep[1:] = (tail[1:] != tail[:-1]) | (head[1:] != head[:-1])
    weight = np.maximum(weight[keep], 1e-9)
    return sp.csr_matrix((weight, (tail[keep], head[keep])), shape=(n, n))


# --------------------------------------------------------------------------- instance


@dataclass(frozen=True)
class CoverageInstance:
    """A coverage instance in sparse form: each stored pair carries the tier it first counts in.

    Build it with :meth:`from_travel_times`; :func:`solve_coverage` takes it (or the travel
    times directly). ``code`` of a pair is the smallest tier ``t`` with ``t_ij <= r_t``.
    """

    weight: FloatArray
    radii_s: tuple[float, ...]
    tier_weights: tuple[float, ...]
    backup_weight: float
    n_candidates: int
    row_ptr: IntArray
    row_cand: IntArray
    row_code: npt.NDArray[np.int8]
    col_ptr: IntArray
    col_dem: IntArray
    col_code: npt.NDArray[np.int8]

    @classmethod
    def from_travel_times(
        cls,
        time_s: Any,
        demand_weight: npt.ArrayLike,
        *,
        radii_s: Sequence[float] = DEFAULT_RADII_S,
        tier_weights: Sequence[float] = DEFAULT_TIER_WEIGHTS,
        backup_weight: float = 0.0,
    ) -> CoverageInstance:
        """Build an instance from a sparse demand x candidate travel-time matrix.

        Parameters
        ----------
        time_s
            scipy sparse matrix, shape ``(n_demand, n_candidates)``; stored entries are travel
            times in seconds (an explicitly stored 0 is a 0 s pair; missing pairs are out of
            reach). A dense array is accepted too, with ``inf`` for out of reach.
        demand_weight
            Weight of each demand point, ``>= 0``.
        radii_s
            Tier radii in seconds, strictly increasing.
        tier_weights
            Weight of each tier in the objective, ``>= 0``.
        backup_weight
            Weight ``b`` of demand covered twice within the largest radius.
        """
        radii = tuple(float(r) for r in radii_s)
        alphas = tuple(float(a) for a in tier_weights)
        if not radii or any(r < 0 or not np.isfinite(r) for r in radii):
            raise InvalidInput("radii_s must be finite, >= 0 and not empty", field="radii_s")
        if any(b <= a for a, b in itertools.pairwise(radii)):
            raise InvalidInput("radii_s must be strictly increasing", field="radii_s")
        if len(alphas) != len(radii) or any(a < 0 or not np.isfinite(a) for a in alphas):
            raise InvalidInput(
                "tier_weights must be one finite weight >= 0 per radius", field="tier_weights"
            )
        if backup_weight < 0 or not np.isfinite(backup_weight):
            raise InvalidInput("backup_weight must be finite and >= 0", field="backup_weight")
        if sp.issparse(time_s):
            csr = sp.csr_matrix(time_s)
            if not csr.has_canonical_format:
                csr = csr.copy()
                csr.sum_duplicates()
        else:
            dense = np.asarray(time_s, dtype=np.float64)
            if dense.ndim != 2:
                raise InvalidInput("time_s must be a 2-D matrix", field="time_s")
            r, c = np.nonzero(np.isfinite(dense))
            csr = sp.csr_matrix((dense[r, c], (r, c)), shape=dense.shape)
        n_demand, n_cand = csr.shape
        weight = np.asarray(demand_weight, dtype=np.float64).ravel()
        if weight.size != n_demand:
            raise InvalidInput(
                f"demand_weight has {weight.size} values for {n_demand} demand points",
                field="demand_weight",
            )
        if not np.all(np.isfinite(weight)) or (weight.size and weight.min() < 0):
            raise InvalidInput("demand weights must be finite and >= 0", field="demand_weight")
        val = np.asarray(csr.data, dtype=np.float64)
        if np.any(np.isnan(val)) or (val.size and val.min() < 0):
            raise InvalidInput("travel times must be >= 0", field="time_s")
        code = np.searchsorted(np.asarray(radii), val, side="left").astype(np.int8)
        coded = sp.csr_matrix(
            (code + np.int8(1), csr.indices.astype(np.int64), csr.indptr.astype(np.int64)),
            shape=csr.shape,
        )
        # Codes are stored plus one so that explicit zeros (code 0) survive; pairs beyond
        # the largest radius get code T + 1 and are dropped.
        coded.data[coded.data > len(radii)] = 0
        coded.eliminate_zeros()
        row_ptr = coded.indptr.astype(np.int64)
        row_cand = coded.indices.astype(np.int64)
        row_code = (coded.data - 1).astype(np.int8)
        by_col = coded.tocsc()
        by_col.sort_indices()
        col_ptr = by_col.indptr.astype(np.int64)
        col_dem = by_col.indices.astype(np.int64)
        col_code = (by_col.data - 1).astype(np.int8)
        return cls(
            weight=weight,
            radii_s=radii,
            tier_weights=alphas,
            backup_weight=float(backup_weight),
            n_candidates=int(n_cand),
            row_ptr=row_ptr,
            row_cand=row_cand,
            row_code=row_code,
            col_ptr=col_ptr,
            col_dem=col_dem,
            col_code=col_code,
        )

    @property
    def n_demand(self) -> int:
        """Number of demand points."""
        return int(self.weight.size)

    @property
    def n_pairs(self) -> int:
        """Number of (demand, candidate) pairs within the largest radius."""
        return int(self.row_cand.size)

    @property
    def n_tiers(self) -> int:
        """Number of tiers."""
        return len(self.radii_s)

    def tier_matrix(self, tier: int) -> sp.csr_matrix:
        """0/1 matrix demand x candidate of the pairs within ``radii_s[tier]``."""
        rows = np.repeat(np.arange(self.n_demand, dtype=np.int64), np.diff(self.row_ptr))
        inside = self.row_code <= tier
        ones = np.ones(int(inside.sum()))
        return sp.csr_matrix(
            (ones, (rows[inside], self.row_cand[inside])),
            shape=(self.n_demand, self.n_candidates),
        )

    def counts(self, posts: Sequence[int] | IntArray) -> npt.NDArray[np.int32]:
        """Number of posts within each tier of each demand point, shape ``(n_demand, T)``."""
        cnt = np.zeros((self.n_demand, self.n_tiers), dtype=np.int32)
        tiers = np.arange(self.n_tiers)
        for j in np.asarray(posts, dtype=np.int64):
            lo, hi = self.col_ptr[j], self.col_ptr[j + 1]
            cnt[self.col_dem[lo:hi]] += (tiers[None, :] >= self.col_code[lo:hi, None]).astype(
                np.int32
            )
        return cnt

    def evaluate(self, posts: Sequence[int] | IntArray) -> float:
        """Objective value (weighted demand) of a set of posts."""
        return float(_value_rows(self, self.counts(posts)).sum())

    def restrict(self, candidates: Sequence[int] | IntArray) -> CoverageInstance:
        """The same demand with only ``candidates`` (ascending indices) as candidate posts."""
        keep = np.asarray(candidates, dtype=np.int64)
        local = np.full(self.n_candidates, -1, dtype=np.int64)
        local[keep] = np.arange(keep.size)
        inside = local[self.row_cand] >= 0
        row_ptr = np.concatenate([[0], np.cumsum(inside, dtype=np.int64)])[self.row_ptr]
        lens = np.diff(self.col_ptr)[keep]
        pos, _ = _expand(self.col_ptr, keep)
        return CoverageInstance(
            weight=self.weight,
            radii_s=self.radii_s,
            tier_weights=self.tier_weights,
            backup_weight=self.backup_weight,
            n_candidates=int(keep.size),
            row_ptr=row_ptr,
            row_cand=local[self.row_cand[inside]],
            row_code=self.row_code[inside],
            col_ptr=np.concatenate([[0], np.cumsum(lens, dtype=np.int64)]),
            col_dem=self.col_dem[pos],
            col_code=self.col_code[pos],
        )


def _value_rows(inst: CoverageInstance, cnt: npt.NDArray[np.int32]) -> FloatArray:
    alphas = np.asarray(inst.tier_weights)
    covered = (cnt >= 1).astype(np.float64) @ alphas
    value = covered + inst.backup_weight * (cnt[:, -1] >= 2)
    return np.asarray(inst.weight * value, dtype=np.float64)


def _marginal(inst: CoverageInstance, cnt: npt.NDArray[np.int32]) -> FloatArray:
    """Gain of one more post per demand row and pair code, shape ``(rows, T)``."""
    alphas = np.asarray(inst.tier_weights)
    uncovered = (cnt == 0) * alphas[None, :]
    gain = np.cumsum(uncovered[:, ::-1], axis=1)[:, ::-1]
    if inst.backup_weight > 0:
        gain = gain + (inst.backup_weight * (cnt[:, -1] == 1))[:, None]
    return np.asarray(gain * inst.weight[:, None], dtype=np.float64)


def _expand(ptr: IntArray, rows: IntArray) -> tuple[IntArray, IntArray]:
    """Positions of the CSR entries of ``rows`` and, for each, its index into ``rows``."""
    starts = ptr[rows]
    lens = ptr[rows + 1] - starts
    total = int(lens.sum())
    local = np.repeat(np.arange(rows.size, dtype=np.int64), lens)
    offsets = np.cumsum(lens) - lens
    pos = np.arange(total, dtype=np.int64) - offsets[local] + starts[local]
    return pos, local


# --------------------------------------------------------------------------- result


@dataclass(frozen=True)
class CoverageResult:
    """A stationing plan and how good it is provably.

    Attributes
    ----------
    posts
        Chosen candidate indices (columns of ``time_s``), ascending.
    objective
        Objective value of ``posts`` in weighted demand (see the module docstring).
    bound
        Proven upper bound on the optimal objective.
    gap
        ``(bound - objective) / bound`` (0 when proven optimal).
    coverage_share
        Share of demand weight within each radius of a post, keyed by radius in seconds.
    backup_share
        Share of demand weight within the largest radius of at least two posts.
    method
        What produced the plan: ``"exact"``, ``"heuristic"`` or ``"auto"``.
    seconds
        Wall time spent.
    status
        ``"optimal"``, ``"gap_target"`` (gap within target), ``"time_limit"`` or
        ``"heuristic"`` (bound not within target).
    """

    posts: tuple[int, ...]
    objective: float
    bound: float
    gap: float
    coverage_share: Mapping[float, float]
    backup_share: float
    method: str
    seconds: float
    status: str
    details: Mapping[str, float] = field(default_factory=dict)


def _result(
    inst: CoverageInstance,
    posts: Sequence[int],
    bound: float,
    method: str,
    started: float,
    status: str,
    details: Mapping[str, float],
) -> CoverageResult:
    chosen = tuple(sorted(int(p) for p in posts))
    cnt = inst.counts(chosen)
    objective = float(_value_rows(inst, cnt).sum())
    bound = max(bound, objective)
    gap = (bound - objective) / bound if bound > 0 else 0.0
    total = float(inst.weight.sum())
    shares = {
        r: (float(inst.weight[cnt[:, t] >= 1].sum()) / total if total > 0 else 0.0)
        for t, r in enumerate(inst.radii_s)
    }
    backup = float(inst.weight[cnt[:, -1] >= 2].sum()) / total if total > 0 else 0.0
    return CoverageResult(
        posts=chosen,
        objective=objective,
        bound=bound,
        gap=gap,
        coverage_share=shares,
        backup_share=backup,
        method=method,
        seconds=time.perf_counter() - started,
        status=status,
        details=dict(details),
    )


# --------------------------------------------------------------------------- heuristic


class _Cover:
    """Mutable state of greedy and swap: counts per tier, marginal gains, candidate gains."""

    def __init__(self, inst: CoverageInstance) -> None:
        self.inst = inst
        self.tiers = np.arange(inst.n_tiers)
        self.cnt = np.zeros((inst.n_demand, inst.n_tiers), dtype=np.int32)
        self.marg = _marginal(inst, self.cnt)
        self.selected = np.zeros(inst.n_candidates, dtype=bool)
        self.gain = self.full_gain()

    def full_gain(self) -> FloatArray:
        inst = self.inst
        rows = np.repeat(np.arange(inst.n_demand, dtype=np.int64), np.diff(inst.row_ptr))
        values = self.marg[rows, inst.row_code]
        gain = np.bincount(inst.row_cand, weights=values, minlength=inst.n_candidates)
        return np.asarray(gain, dtype=np.float64)

    def _move(self, j: int, sign: int) -> None:
        inst = self.inst
        lo, hi = inst.col_ptr[j], inst.col_ptr[j + 1]
        rows = inst.col_dem[lo:hi]
        inc = (self.tiers[None, :] >= inst.col_code[lo:hi, None]).astype(np.int32)
        self.cnt[rows] += sign * inc
        new = _marginal_rows(inst, self.cnt[rows], rows)
        delta = new - self.marg[rows]
        changed = np.any(delta != 0, axis=1)
        self.marg[rows] = new
        if changed.any():
            pos, local = _expand(inst.row_ptr, rows[changed])
            vals = delta[changed][local, inst.row_code[pos]]
            self.gain += np.bincount(inst.row_cand[pos], weights=vals, minlength=self.gain.size)
        self.selected[j] = sign > 0

    def add(self, j: int) -> None:
        self._move(j, 1)

    def remove(self, j: int) -> None:
        self._move(j, -1)

    def best_unselected(self) -> int:
        masked = np.where(self.selected, -np.inf, self.gain)
        return int(np.argmax(masked))


def _marginal_rows(
    inst: CoverageInstance, cnt: npt.NDArray[np.int32], rows: IntArray
) -> FloatArray:
    alphas = np.asarray(inst.tier_weights)
    uncovered = (cnt == 0) * alphas[None, :]
    gain = np.cumsum(uncovered[:, ::-1], axis=1)[:, ::-1]
    if inst.backup_weight > 0:
        gain = gain + (inst.backup_weight * (cnt[:, -1] == 1))[:, None]
    return np.asarray(gain * inst.weight[rows, None], dtype=np.float64)


def _greedy_swap(
    inst: CoverageInstance, k: int, fixed: IntArray, deadline: float
) -> tuple[list[int], int]:
    """Greedy construction then first-improvement swaps; returns posts and swaps made."""
    state = _Cover(inst)
    posts: list[int] = []
    for j in fixed:
        state.add(int(j))
        posts.append(int(j))
    while len(posts) < k:
        j = state.best_unselected()
        state.add(j)
        posts.append(j)
    scale = max(float(inst.weight.sum()) * (sum(inst.tier_weights) + inst.backup_weight), 1e-300)
    tol = 1e-10 * scale
    fixed_set = {int(j) for j in fixed}
    swaps = 0
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        state.gain = state.full_gain()  # clear rounding drift once per round
        for idx in range(len(posts)):
            p = posts[idx]
            if p in fixed_set:
                continue
            state.remove(p)
            q = state.best_unselected()
            if q != p and state.gain[q] > state.gain[p] + tol:
                state.add(q)
                posts[idx] = q
                swaps += 1
                improved = True
            else:
                state.add(p)
            if time.perf_counter() >= deadline:
                break
    return posts, swaps


# --------------------------------------------------------------------------- Lagrangian bound


def _lagrangian_bound(
    inst: CoverageInstance,
    k: int,
    fixed: IntArray,
    posts: Sequence[int],
    lower: float,
    deadline: float,
    gap_target: float,
) -> tuple[float, int, FloatArray]:
    """Upper bound from the Lagrangian relaxation of the coverage rows.

    For multipliers ``l_it >= 0`` the relaxation is worth
    ``L(l) = sum_i h_i(l_i) + sum_{j fixed} s_j + (sum of the K - F largest s_j, j free)``
    with ``s_j = sum_{(i,t): j in N_it} l_it`` and ``h_i`` the best of the demand variables
    alone (``sum_t (a_t w_i - l_it)^+``, with backup ``max(0, a - l, a + b - 2 l)`` in the
    last tier, ``a = a_T w_i``, ``b = b w_i``). Every ``L(l)`` is a valid upper bound and
    ``min L`` equals the LP bound; the bound is always evaluated exactly.

    How ``l`` is chosen (none of it affects validity):

    * rows that ``posts`` (the heuristic plan) covers at least twice within ``r_t`` (three
      times in the last tier with backup) keep ``l_it = 0``: near the optimum such rows are
      slack, so their multipliers are 0 in the LP dual; this leaves a few per cent of the
      pairs in the candidate scores;
    * the other multipliers start from the plan's complementary slackness (``l = a_t w_i``
      where uncovered, a share ``theta`` of it where covered once, the best of a few
      ``theta``);
    * then a smooth majorant (the top-K sum written as ``min_mu (K - F) mu + sum_j
      tau softplus((s_j - mu) / tau)``, ``mu`` solved for exactly, ``tau`` lowered in stages
      relative to the price ``mu`` of a post) is minimised with L-BFGS-B in the box
      ``0 <= l_it <= cap_it``, and the exact ``L`` is evaluated after each stage.

    Returns the best bound, the number of function evaluations and the candidate scores
    ``s_j`` at the best multipliers (for variable fixing).
    """
    from scipy.optimize import Bounds, minimize
    from scipy.special import expit

    n_d, n_t, n_c = inst.n_demand, inst.n_tiers, inst.n_candidates
    alphas = np.asarray(inst.tier_weights)
    beta = inst.backup_weight
    w = inst.weight
    total = float(w.sum()) * (alphas.sum() + beta)
    n_free = k - fixed.size
    if total <= 0:
        return 0.0, 0, np.zeros(n_c)
    if n_free <= 0:
        return inst.evaluate(fixed), 0, np.zeros(n_c)
    has_pair = np.zeros((n_d, n_t), dtype=bool)
    has_pair[inst.col_dem, inst.col_code] = True
    reach = np.cumsum(has_pair, axis=1) > 0
    aw = np.where(reach, alphas[None, :] * w[:, None], 0.0)  # unreachable: y_it = 0
    bw = np.where(reach[:, -1], beta * w, 0.0)
    cap = aw.copy()
    cap[:, -1] += bw
    cnt = inst.counts(posts)
    slack_count = np.full(n_t, 2)
    if beta > 0:
        slack_count[-1] = 3
    var = (cnt < slack_count[None, :]) & (cap > 0)
    # A pair enters the scores when a variable multiplier sits in a tier >= its code.
    needed = (np.cumsum(var[:, ::-1], axis=1)[:, ::-1] > 0)[inst.col_dem, inst.col_code]
    col_ptr = np.concatenate([[0], np.cumsum(needed, dtype=np.int64)])[inst.col_ptr]
    slot = (inst.col_dem[needed] * n_t + inst.col_code[needed]).astype(np.int32)
    cover = sp.csr_matrix((np.ones(slot.size), slot, col_ptr), shape=(n_c, n_d * n_t))
    cover_t = cover.T.tocsr()
    free = np.ones(n_c, dtype=bool)
    free[fixed] = False
    fixed_mask = ~free
    var_flat = var.ravel()
    upper = cap.ravel()[var_flat]

    def full(x: FloatArray) -> FloatArray:
        lam = np.zeros(n_d * n_t)
        lam[var_flat] = x
        return lam.reshape(n_d, n_t)

    def scores(lam: FloatArray) -> FloatArray:
        lam_cum = np.cumsum(lam[:, ::-1], axis=1)[:, ::-1]
        return np.asarray(cover @ lam_cum.ravel(), dtype=np.float64)

    def top_free(s: FloatArray) -> float:
        sf = s[free]
        return float(np.partition(sf, sf.size - n_free)[sf.size - n_free :].sum())

    def demand_part(lam: FloatArray) -> float:
        gain = aw - lam
        value = float(np.maximum(gain[:, :-1], 0.0).sum())
        last = gain[:, -1]
        if beta > 0:
            both = last + bw - lam[:, -1]
            return value + float(np.maximum(np.maximum(last, both), 0.0).sum())
        return value + float(np.maximum(last, 0.0).sum())

    def exact(x: FloatArray) -> tuple[float, FloatArray]:
        lam = full(np.clip(x, 0.0, upper))
        s = scores(lam)
        return demand_part(lam) + float(s[fixed_mask].sum()) + top_free(s), s

    best = total
    x = np.zeros(upper.size)
    s_best = np.zeros(n_c)
    evaluations = 0
    uncovered = np.where(cnt == 0, cap, 0.0)
    once = np.where(cnt == 1, aw, 0.0)
    for theta in (0.0, 0.25, 0.5):
        x0 = (uncovered + theta * once).ravel()[var_flat]
        value, s = exact(x0)
        evaluations += 1
        if value < best:
            best, x, s_best = value, x0, s
    price = float(np.partition(s_best[free], free.sum() - n_free)[free.sum() - n_free])
    scale = price if price > 0 else float(cap.max())

    def smooth(x: FloatArray, tau: float) -> tuple[float, FloatArray]:
        lam = full(x)
        s = scores(lam)
        sf = s[free]
        # mu with sum_j sigmoid((s_j - mu) / tau) = K - F, by bisection.
        lo = float(np.partition(sf, sf.size - n_free)[sf.size - n_free]) - 40.0 * tau
        hi = float(sf.max()) + 40.0 * tau
        for _ in range(45):
            mid = 0.5 * (lo + hi)
            if expit((sf - mid) / tau).sum() > n_free:
                lo = mid
            else:
                hi = mid
        mu = 0.5 * (lo + hi)
        over = (sf - mu) / tau
        f = n_free * mu + tau * float(np.logaddexp(0.0, over).sum()) + float(s[fixed_mask].sum())
        weight_s = np.ones(n_c)
        weight_s[free] = expit(over)
        grad = np.cumsum(np.asarray(cover_t @ weight_s).reshape(n_d, n_t), axis=1)
        gain = aw - lam
        f += float(gain[:, :-1].sum())  # l <= a w: the demand terms are linear in the box
        grad[:, :-1] -= 1.0
        if beta > 0:
            last = gain[:, -1]
            both = last + bw - lam[:, -1]
            stack = np.stack([np.zeros(n_d), last, both]) / tau
            top = stack.max(axis=0)
            ex = np.exp(stack - top)
            norm = ex.sum(axis=0)
            f += tau * float((top + np.log(norm)).sum())
            grad[:, -1] -= (ex[1] + 2.0 * ex[2]) / norm
        else:
            f += float(gain[:, -1].sum())
            grad[:, -1] -= 1.0
        return f, grad.ravel()[var_flat]

    class _Stop(Exception):
        pass

    box = Bounds(np.zeros(upper.size), upper)
    for tau_rel in (1e-2, 3e-3, 1e-3, 3e-4):
        if time.perf_counter() >= deadline or (best - lower) <= gap_target * best:
            break
        tau = tau_rel * scale
        last_x = [x]

        def fun(
            v: FloatArray, tau: float = tau, last_x: list[FloatArray] = last_x
        ) -> tuple[float, FloatArray]:
            if time.perf_counter() >= deadline:
                raise _Stop
            last_x[0] = v
            return smooth(v, tau)

        try:
            res = minimize(
                fun, x, jac=True, method="L-BFGS-B", bounds=box, options={"maxiter": 200}
            )
            x = np.clip(np.asarray(res.x, dtype=np.float64), 0.0, upper)
            evaluations += int(res.nfev)
        except _Stop:
            x = np.clip(last_x[0], 0.0, upper)
        value, s = exact(x)
        evaluations += 1
        if value < best:
            best, s_best = value, s
    return best, evaluations, s_best


def _fix_by_bound(
    inst: CoverageInstance,
    k: int,
    fixed: IntArray,
    posts: Sequence[int],
    bound: float,
    lower: float,
    scores: FloatArray,
) -> tuple[IntArray, IntArray]:
    """Lagrangian variable fixing: candidates to keep, and candidates that must be posts.

    With scores ``s`` at the multipliers that gave ``bound`` (``L``), forcing a free
    candidate ``j`` outside the top ``K - F`` into the plan bounds every such plan by
    ``L - s_(K-F) + s_j``; forcing one inside it out, by ``L - s_j + s_(K-F+1)``. Below the
    incumbent value ``lower`` the candidate can be dropped (respectively fixed), since no
    better plan uses it (respectively avoids it). The incumbent's posts are always kept.
    """
    n_c = inst.n_candidates
    n_free = k - fixed.size
    free = np.ones(n_c, dtype=bool)
    free[fixed] = False
    free_idx = np.flatnonzero(free)
    if n_free <= 0 or free_idx.size <= n_free or not np.isfinite(bound):
        return np.arange(n_c, dtype=np.int64), np.zeros(0, dtype=np.int64)
    order = free_idx[np.argsort(-scores[free_idx], kind="stable")]
    kth = float(scores[order[n_free - 1]])
    next_score = float(scores[order[n_free]])
    tol = 1e-9 * max(abs(bound), 1.0)
    inside = order[:n_free]
    outside = order[n_free:]
    drop = outside[bound - kth + scores[outside] < lower - tol]
    forced = inside[bound - scores[inside] + next_score < lower - tol]
    keep_mask = np.ones(n_c, dtype=bool)
    keep_mask[drop] = False
    keep_mask[np.asarray(posts, dtype=np.int64)] = True
    return np.flatnonzero(keep_mask).astype(np.int64), np.sort(forced).astype(np.int64)


# --------------------------------------------------------------------------- exact MILP


def _solve_milp(
    inst: CoverageInstance,
    k: int,
    fixed: IntArray,
    time_limit_s: float,
    start: Sequence[int] | None,
) -> tuple[list[int] | None, float, bool]:
    """Solve the MILP with HiGHS. Returns (posts or None, dual bound, proven optimal)."""
    import highspy

    n_d, n_t, n_c = inst.n_demand, inst.n_tiers, inst.n_candidates
    beta = inst.backup_weight
    w = inst.weight
    rows_all = np.repeat(np.arange(n_d, dtype=np.int64), np.diff(inst.row_ptr))
    tier_rows: list[sp.csr_matrix] = []
    y_active: list[IntArray] = []
    y_cost: list[FloatArray] = []
    for t in range(n_t):
        inside = inst.row_code <= t
        a_t = sp.csr_matrix(
            (np.ones(int(inside.sum())), (rows_all[inside], inst.row_cand[inside])),
            shape=(n_d, n_c),
        )
        n_reach = np.diff(a_t.indptr)
        need = (w > 0) & (n_reach > 0)
        if not (beta > 0 and t == n_t - 1):
            need &= inst.tier_weights[t] > 0
        active = np.flatnonzero(need)
        tier_rows.append(a_t[active])
        y_active.append(active)
        y_cost.append(inst.tier_weights[t] * w[active])
    z_active = np.zeros(0, dtype=np.int64)
    if beta > 0:
        reach_last = np.diff(tier_rows[-1].indptr)
        z_active = y_active[-1][reach_last >= 2]
    n_y = sum(a.size for a in y_active)
    n_z = z_active.size
    n_var = n_c + n_y + n_z
    blocks: list[sp.coo_matrix] = []
    offset = n_c
    z_pos_in_last = np.zeros(0, dtype=np.int64)
    last_offset = 0
    for t in range(n_t):
        m = y_active[t].size
        x_part = -tier_rows[t].tocoo()
        eye_rows = np.arange(m)
        r = [x_part.row, eye_rows]
        c = [x_part.col, offset + eye_rows]
        v = [x_part.data, np.ones(m)]
        if t == n_t - 1 and n_z:
            z_pos_in_last = np.searchsorted(y_active[t], z_active)
            r.append(z_pos_in_last)
            c.append(n_c + n_y + np.arange(n_z))
            v.append(np.ones(n_z))
            last_offset = offset
        blocks.append(
            sp.coo_matrix(
                (np.concatenate(v), (np.concatenate(r), np.concatenate(c))), shape=(m, n_var)
            )
        )
        offset += m
    if n_z:
        zr = np.arange(n_z)
        blocks.append(
            sp.coo_matrix(
                (
                    np.concatenate([np.ones(n_z), -np.ones(n_z)]),
                    (
                        np.concatenate([zr, zr]),
                        np.concatenate([n_c + n_y + zr, last_offset + z_pos_in_last]),
                    ),
                ),
                shape=(n_z, n_var),
            )
        )
    blocks.append(sp.coo_matrix((np.ones(n_c), (np.zeros(n_c), np.arange(n_c))), (1, n_var)))
    matrix = sp.vstack(blocks).tocsc()
    matrix.sort_indices()
    n_rows = matrix.shape[0]
    row_upper = np.zeros(n_rows)
    row_lower = np.full(n_rows, -highspy.kHighsInf)
    row_lower[-1] = row_upper[-1] = float(k)
    cost = np.concatenate([np.zeros(n_c), *y_cost, beta * w[z_active]])
    lower = np.zeros(n_var)
    lower[fixed] = 1.0
    lp = highspy.HighsLp()
    lp.num_col_ = n_var
    lp.num_row_ = n_rows
    lp.col_cost_ = cost
    lp.col_lower_ = lower
    lp.col_upper_ = np.ones(n_var)
    lp.row_lower_ = row_lower
    lp.row_upper_ = row_upper
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n_c + [highspy.HighsVarType.kContinuous] * (
        n_y + n_z
    )
    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", max(float(time_limit_s), 0.01))
    h.setOptionValue("mip_rel_gap", 1e-9)
    h.setOptionValue("mip_abs_gap", 1e-9 * max(float(cost.sum()), 1.0))
    h.passModel(lp)
    if start is not None:
        x0 = np.zeros(n_c)
        x0[np.asarray(start, dtype=np.int64)] = 1.0
        cnt = inst.counts(start)
        y0 = [np.minimum(cnt[y_active[t], t], 1).astype(np.float64) for t in range(n_t)]
        z0 = (cnt[z_active, -1] >= 2).astype(np.float64)
        sol = highspy.HighsSolution()
        sol.col_value = list(np.concatenate([x0, *y0, z0]))
        h.setSolution(sol)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    optimal = status == highspy.HighsModelStatus.kOptimal
    bound = float(info.mip_dual_bound)
    if not np.isfinite(bound):
        bound = np.inf
    values = np.asarray(h.getSolution().col_value)
    if values.size < n_c:
        return None, bound, False
    posts = np.flatnonzero(values[:n_c] > 0.5)
    if posts.size != k:
        return None, bound, False
    return [int(p) for p in posts], bound, optimal


# --------------------------------------------------------------------------- entry point


def solve_coverage(
    time_s: Any,
    demand_weight: npt.ArrayLike,
    k: int,
    *,
    radii_s: Sequence[float] = DEFAULT_RADII_S,
    tier_weights: Sequence[float] = DEFAULT_TIER_WEIGHTS,
    backup_weight: float = 0.0,
    fixed_posts: Sequence[int] = (),
    method: Method = "auto",
    time_limit_s: float = 60.0,
    gap_target: float = 0.005,
) -> CoverageResult:
    """Choose ``k`` posts maximising weighted multi-tier (and backup) coverage.

    Parameters
    ----------
    time_s
        Sparse demand x candidate travel times in seconds (see
        :meth:`CoverageInstance.from_travel_times`), or a prepared :class:`CoverageInstance`
        (then ``demand_weight`` and the tier arguments are ignored and may be ``None``).
    demand_weight
        Weight of each demand point (e.g. expected incidents in the shift).
    k
        Number of patrol groups (posts), including the fixed ones.
    radii_s, tier_weights, backup_weight
        Tier radii in seconds, their weights, and the weight of double coverage within the
        largest radius (module docstring).
    fixed_posts
        Candidate indices forced into the plan (existing police boxes).
    method
        ``"auto"``, ``"exact"`` or ``"heuristic"`` (module docstring).
    time_limit_s
        Wall-time budget in seconds, shared by all steps.
    gap_target
        Relative gap at which ``"auto"`` and the bound computation stop early.

    Returns
    -------
    CoverageResult
    """
    started = time.perf_counter()
    deadline = started + float(time_limit_s)
    if isinstance(time_s, CoverageInstance):
        inst = time_s
    else:
        inst = CoverageInstance.from_travel_times(
            time_s,
            demand_weight,
            radii_s=radii_s,
            tier_weights=tier_weights,
            backup_weight=backup_weight,
        )
    fixed = np.unique(np.asarray(fixed_posts, dtype=np.int64))
    if fixed.size and (fixed.min() < 0 or fixed.max() >= inst.n_candidates):
        raise InvalidInput("fixed post index out of range", field="fixed_posts")
    if not 1 <= k <= inst.n_candidates:
        raise InvalidInput(f"k must be between 1 and {inst.n_candidates}", field="k")
    if fixed.size > k:
        raise InvalidInput(f"{fixed.size} fixed posts exceed k = {k}", field="fixed_posts")
    if method not in ("auto", "exact", "heuristic"):
        raise InvalidInput(f"unknown method {method!r}", field="method")
    details: dict[str, float] = {}

    if method == "exact":
        posts, bound, optimal = _solve_milp(inst, k, fixed, deadline - time.perf_counter(), None)
        if posts is None:
            posts, _ = _greedy_swap(inst, k, fixed, deadline)
        status = "optimal" if optimal else "time_limit"
        return _result(inst, posts, bound, "exact", started, status, details)

    t0 = time.perf_counter()
    heur_deadline = started + 0.5 * float(time_limit_s)
    posts, swaps = _greedy_swap(inst, k, fixed, heur_deadline)
    details["heuristic_seconds"] = time.perf_counter() - t0
    details["swaps"] = float(swaps)
    objective = inst.evaluate(posts)
    t0 = time.perf_counter()
    small = inst.n_pairs * inst.n_tiers <= SMALL_INSTANCE_PAIRS
    if method == "auto" and inst.n_pairs * inst.n_tiers <= TINY_INSTANCE_PAIRS:
        # The MILP follows and solves it at once: no Lagrangian bound needed.
        bound, iterations, scores = (
            float(inst.weight.sum()) * (sum(inst.tier_weights) + inst.backup_weight),
            0,
            np.zeros(inst.n_candidates),
        )
    elif method == "auto" and small:
        # The MILP follows: a quarter of the budget for a tight bound, used to fix variables.
        bound_deadline = min(deadline, t0 + 0.25 * (deadline - t0))
        bound, iterations, scores = _lagrangian_bound(
            inst, k, fixed, posts, objective, bound_deadline, 0.0
        )
    else:
        bound, iterations, scores = _lagrangian_bound(
            inst, k, fixed, posts, objective, deadline, gap_target
        )
    details["bound_seconds"] = time.perf_counter() - t0
    details["bound_iterations"] = float(iterations)
    details["lagrangian_bound"] = bound
    gap = (bound - objective) / bound if bound > 0 else 0.0
    if method == "heuristic":
        status = "optimal" if gap <= 1e-9 else "gap_target" if gap <= gap_target else "heuristic"
        return _result(inst, posts, bound, "heuristic", started, status, details)

    remaining = deadline - time.perf_counter()
    if gap > 1e-9 and (small or gap > gap_target) and remaining > 0.05:
        t0 = time.perf_counter()
        keep, forced = _fix_by_bound(inst, k, fixed, posts, bound, objective, scores)
        details["milp_candidates"] = float(keep.size)
        sub = inst.restrict(keep)
        local = np.full(inst.n_candidates, -1, dtype=np.int64)
        local[keep] = np.arange(keep.size)
        milp_posts, milp_bound, optimal = _solve_milp(
            sub,
            k,
            np.union1d(local[fixed], local[forced]),
            remaining,
            [int(local[p]) for p in posts],
        )
        details["milp_seconds"] = time.perf_counter() - t0
        if milp_posts is not None:
            mapped = [int(keep[p]) for p in milp_posts]
            if inst.evaluate(mapped) > objective:
                posts = mapped
                objective = inst.evaluate(posts)
        # Every plan better than the incumbent lies in the reduced model.
        bound = objective if optimal else min(bound, max(milp_bound, objective))
        gap = (bound - objective) / bound if bound > 0 else 0.0
    status = "optimal" if gap <= 1e-9 else "gap_target" if gap <= gap_target else "time_limit"
    return _result(inst, posts, bound, "auto", started, status, details)
