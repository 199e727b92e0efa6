"""Greedy construction and swap local search for the coverage model.

Gains are updated incrementally and vectorised: adding or removing a post touches only the
demand rows within its largest radius.
"""

from __future__ import annotations

import time

import numpy as np
import numpy.typing as npt

from pingan.algo.coverage.instance import (
    CoverageInstance,
    FloatArray,
    IntArray,
    expand_rows,
    marginal_gains,
)

# --------------------------------------------------------------------------- heuristic


class _Cover:
    """Mutable state of greedy and swap: counts per tier, marginal gains, candidate gains."""

    def __init__(self, inst: CoverageInstance) -> None:
        self.inst = inst
        self.tiers = np.arange(inst.n_tiers)
        self.cnt = np.zeros((inst.n_demand, inst.n_tiers), dtype=np.int32)
        self.marg = marginal_gains(inst, self.cnt)
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
            pos, local = expand_rows(inst.row_ptr, rows[changed])
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


def greedy_swap(
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
