"""Exact reductions of a coverage instance before the MILP.

Two reductions that keep the optimum (and its value) unchanged:

* **Identical demand rows merged.** Demand points with the same (candidate, tier code)
  pairs have the same coverage in every plan, so one row with the summed weight stands for
  them. Rows of weight 0 and rows out of reach of every candidate are dropped (they add 0).
* **Dominated candidate columns dropped** (only without backup weight). A candidate ``j``
  whose weighted (demand, tier) slots are a subset of another candidate's adds nothing that
  the other does not; in any plan that uses ``j`` it can be exchanged for its dominator (or,
  when the dominator is already a post, for any unused candidate) without losing value. Of
  identical candidates the lowest index stays. Mandatory (fixed) candidates always stay, and
  nothing is dropped when fewer than ``K`` candidates would remain.

With backup weight a second post on the same demand counts, so dominated columns are kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from pingan.algo.coverage.instance import CoverageInstance, IntArray, expand_rows

#: Candidate rows of the inclusion product computed at once (bounds memory).
_BLOCK = 512


@dataclass(frozen=True)
class Reduced:
    """A reduced instance and the map of its candidates back to the original's."""

    inst: CoverageInstance
    #: Original candidate index of each reduced candidate (ascending).
    columns: IntArray
    #: For each original candidate, the original index of a kept candidate that covers at
    #: least what it covers (itself when kept).
    representative: IntArray

    def local_start(self, posts: Sequence[int]) -> list[int]:
        """Map an original plan to the reduced candidates, with no loss of value."""
        local = np.full(self.representative.size, -1, dtype=np.int64)
        local[self.columns] = np.arange(self.columns.size)
        chosen: list[int] = []
        used: set[int] = set()
        # Kept posts (mandatory ones among them) first, so that none is displaced.
        for p in sorted(posts, key=lambda p: bool(self.representative[int(p)] != int(p))):
            q = int(local[self.representative[int(p)]])
            if q in used:  # its dominator is already a post: any unused candidate will do
                q = next(c for c in range(self.columns.size) if c not in used)
            used.add(q)
            chosen.append(q)
        return chosen


def reduce_instance(inst: CoverageInstance, k: int, mandatory: IntArray) -> Reduced:
    """Merge identical demand rows and drop dominated candidates (module docstring)."""
    n_c = inst.n_candidates
    representative = np.arange(n_c, dtype=np.int64)
    if inst.backup_weight == 0:
        representative = _dominators(inst, mandatory)
        if np.count_nonzero(representative == np.arange(n_c)) < k:
            representative = np.arange(n_c, dtype=np.int64)
    columns = np.flatnonzero(representative == np.arange(n_c)).astype(np.int64)
    sub = inst.restrict(columns) if columns.size < n_c else inst
    return Reduced(inst=_merge_rows(sub), columns=columns, representative=representative)


def _slots(inst: CoverageInstance) -> sp.csr_matrix:
    """Candidate x (demand, tier) incidence of the slots with positive weight."""
    n_t = inst.n_tiers
    alphas = np.asarray(inst.tier_weights)
    cols: list[IntArray] = []
    rows: list[IntArray] = []
    cand = np.repeat(np.arange(inst.n_candidates, dtype=np.int64), np.diff(inst.col_ptr))
    for t in range(n_t):
        inside = inst.col_code <= t
        dem = inst.col_dem[inside]
        good = inst.weight[dem] * alphas[t] > 0
        rows.append(cand[inside][good])
        cols.append(dem[good] * n_t + t)
    row = np.concatenate(rows)
    col = np.concatenate(cols)
    return sp.csr_matrix(
        (np.ones(row.size), (row, col)), shape=(inst.n_candidates, inst.n_demand * n_t)
    )


def _dominators(inst: CoverageInstance, mandatory: IntArray) -> IntArray:
    """For each candidate, a kept candidate whose slots include its slots (itself if kept)."""
    n_c = inst.n_candidates
    slots = _slots(inst)
    size = np.diff(slots.indptr)
    slots_t = slots.T.tocsc()
    parent = np.arange(n_c, dtype=np.int64)
    is_mandatory = np.zeros(n_c, dtype=bool)
    is_mandatory[mandatory] = True
    for start in range(0, n_c, _BLOCK):
        block = slots[start : start + _BLOCK]
        overlap = (block @ slots_t).tocoo()
        j = overlap.row + start
        other = overlap.col
        inside = (overlap.data == size[j]) & (other != j)
        j, other = j[inside], other[inside]
        better = (size[other] > size[j]) | ((size[other] == size[j]) & (other < j))
        j, other = j[better], other[better]
        if j.size == 0:
            continue
        # The largest dominator of each dominated candidate.
        order = np.lexsort((-size[other], j))
        first = np.ones(order.size, dtype=bool)
        first[1:] = j[order][1:] != j[order][:-1]
        chosen_j, chosen_o = j[order][first], other[order][first]
        keep = ~is_mandatory[chosen_j]
        parent[chosen_j[keep]] = chosen_o[keep]
    # Follow chains to a kept candidate (size grows, or stays with a lower index: no cycles).
    while True:
        nxt = parent[parent]
        if np.array_equal(nxt, parent):
            return parent
        parent = nxt


def _merge_rows(inst: CoverageInstance) -> CoverageInstance:
    """One row per distinct (candidate, code) pattern of positive weight, weights summed."""
    lens = np.diff(inst.row_ptr)
    live = np.flatnonzero((inst.weight > 0) & (lens > 0))
    keys: dict[bytes, int] = {}
    group = np.empty(live.size, dtype=np.int64)
    for n, i in enumerate(live):
        lo, hi = inst.row_ptr[i], inst.row_ptr[i + 1]
        key = inst.row_cand[lo:hi].tobytes() + inst.row_code[lo:hi].tobytes()
        group[n] = keys.setdefault(key, len(keys))
    weight = np.bincount(group, weights=inst.weight[live], minlength=len(keys))
    first = np.full(len(keys), -1, dtype=np.int64)
    first[group[::-1]] = live[::-1]
    lo = inst.row_ptr[first]
    hi = inst.row_ptr[first + 1]
    pos, _ = expand_rows(inst.row_ptr, first)
    radii = np.asarray(inst.radii_s)
    times = sp.csr_matrix(
        (
            radii[inst.row_code[pos]],
            inst.row_cand[pos],
            np.concatenate([[0], np.cumsum(hi - lo)]),
        ),
        shape=(len(keys), inst.n_candidates),
    )
    return CoverageInstance.from_travel_times(
        times,
        weight,
        radii_s=inst.radii_s,
        tier_weights=inst.tier_weights,
        backup_weight=inst.backup_weight,
    )
