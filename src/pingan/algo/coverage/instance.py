"""A coverage instance in sparse form, and the travel times it is built from.

:func:`coverage_pairs` finds the (demand, candidate) pairs within the largest radius on a
road graph; :class:`CoverageInstance` stores them with the tier each first counts in. The
model is written out in :mod:`pingan.algo.coverage`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from pingan.errors import InvalidInput

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

DEFAULT_RADII_S: tuple[float, ...] = (60.0, 180.0, 300.0)
DEFAULT_TIER_WEIGHTS: tuple[float, ...] = (1.0, 1.0, 1.0)


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

    def counts(self, posts: Sequence[int] | IntArray) -> npt.NDArray[np.int32]:
        """Count the posts within each tier of each demand point, shape ``(n_demand, T)``."""
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
        return float(value_rows(self, self.counts(posts)).sum())

    def restrict(self, candidates: Sequence[int] | IntArray) -> CoverageInstance:
        """Keep the same demand with only ``candidates`` (ascending indices) as candidate posts."""
        keep = np.asarray(candidates, dtype=np.int64)
        local = np.full(self.n_candidates, -1, dtype=np.int64)
        local[keep] = np.arange(keep.size)
        inside = local[self.row_cand] >= 0
        row_ptr = np.concatenate([[0], np.cumsum(inside, dtype=np.int64)])[self.row_ptr]
        lens = np.diff(self.col_ptr)[keep]
        pos, _ = expand_rows(self.col_ptr, keep)
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


def value_rows(inst: CoverageInstance, cnt: npt.NDArray[np.int32]) -> FloatArray:
    """Objective value of each demand row given its post counts per tier, shape ``(n_demand,)``."""
    alphas = np.asarray(inst.tier_weights)
    covered = (cnt >= 1).astype(np.float64) @ alphas
    value = covered + inst.backup_weight * (cnt[:, -1] >= 2)
    return np.asarray(inst.weight * value, dtype=np.float64)


def marginal_gains(inst: CoverageInstance, cnt: npt.NDArray[np.int32]) -> FloatArray:
    """Gain of one more post per demand row and pair code, shape ``(rows, T)``."""
    alphas = np.asarray(inst.tier_weights)
    uncovered = (cnt == 0) * alphas[None, :]
    gain = np.cumsum(uncovered[:, ::-1], axis=1)[:, ::-1]
    if inst.backup_weight > 0:
        gain = gain + (inst.backup_weight * (cnt[:, -1] == 1))[:, None]
    return np.asarray(gain * inst.weight[:, None], dtype=np.float64)


def expand_rows(ptr: IntArray, rows: IntArray) -> tuple[IntArray, IntArray]:
    """Positions of the CSR entries of ``rows`` and, for each, its index into ``rows``."""
    starts = ptr[rows]
    lens = ptr[rows + 1] - starts
    total = int(lens.sum())
    local = np.repeat(np.arange(rows.size, dtype=np.int64), lens)
    offsets = np.cumsum(lens) - lens
    pos = np.arange(total, dtype=np.int64) - offsets[local] + starts[local]
    return pos, local
