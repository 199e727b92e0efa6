"""Lagrangian upper bound of the coverage model and variable fixing by that bound."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from pingan.algo.coverage.instance import CoverageInstance, FloatArray, IntArray

# --------------------------------------------------------------------------- Lagrangian bound


def lagrangian_bound(
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
    from scipy.optimize import Bounds

    n_free = k - fixed.size
    total = float(inst.weight.sum()) * (np.asarray(inst.tier_weights).sum() + inst.backup_weight)
    if total <= 0:
        return 0.0, 0, np.zeros(inst.n_candidates)
    if n_free <= 0:
        return inst.evaluate(fixed), 0, np.zeros(inst.n_candidates)
    rel = _Relaxation(inst, k, fixed, posts)
    best, x, s_best, evaluations = rel.start(total)
    free = rel.free
    price = float(np.partition(s_best[free], free.sum() - n_free)[free.sum() - n_free])
    scale = price if price > 0 else float(rel.cap.max())
    box = Bounds(np.zeros(rel.upper.size), rel.upper)
    for tau_rel in (1e-2, 3e-3, 1e-3, 3e-4):
        if time.perf_counter() >= deadline or (best - lower) <= gap_target * best:
            break
        x, nfev = rel.minimise(x, tau_rel * scale, box, deadline)
        value, s = rel.exact(x)
        evaluations += nfev + 1
        if value < best:
            best, s_best = value, s
    return best, evaluations, s_best


class _Stop(Exception):
    """Raised inside the objective when the deadline passes (ends a minimisation)."""


class _Relaxation:
    """The Lagrangian relaxation of one coverage instance (see :func:`lagrangian_bound`).

    Only the multipliers of the rows ``posts`` does not cover enough are variables
    (``var``); ``upper`` is their box, ``cover`` maps row multipliers to candidate scores.
    """

    def __init__(
        self, inst: CoverageInstance, k: int, fixed: IntArray, posts: Sequence[int]
    ) -> None:
        n_d, n_t, n_c = inst.n_demand, inst.n_tiers, inst.n_candidates
        self.n_d, self.n_t = n_d, n_t
        alphas = np.asarray(inst.tier_weights)
        self.beta = beta = inst.backup_weight
        w = inst.weight
        self.n_free = k - fixed.size
        self.fixed = fixed
        has_pair = np.zeros((n_d, n_t), dtype=bool)
        has_pair[inst.col_dem, inst.col_code] = True
        reach = np.cumsum(has_pair, axis=1) > 0
        self.aw = np.where(reach, alphas[None, :] * w[:, None], 0.0)  # unreachable: y_it = 0
        self.bw = np.where(reach[:, -1], beta * w, 0.0)
        cap = self.aw.copy()
        cap[:, -1] += self.bw
        self.cap = cap
        self.cnt = inst.counts(posts)
        slack_count = np.full(n_t, 2)
        if beta > 0:
            slack_count[-1] = 3
        var = (self.cnt < slack_count[None, :]) & (cap > 0)
        # A pair enters the scores when a variable multiplier sits in a tier >= its code.
        needed = (np.cumsum(var[:, ::-1], axis=1)[:, ::-1] > 0)[inst.col_dem, inst.col_code]
        col_ptr = np.concatenate([[0], np.cumsum(needed, dtype=np.int64)])[inst.col_ptr]
        slot = (inst.col_dem[needed] * n_t + inst.col_code[needed]).astype(np.int32)
        self.cover = sp.csr_matrix((np.ones(slot.size), slot, col_ptr), shape=(n_c, n_d * n_t))
        self.cover_t = self.cover.T.tocsr()
        self.free = np.ones(n_c, dtype=bool)
        self.free[fixed] = False
        self.fixed_mask = ~self.free
        self.var_flat = var.ravel()
        self.upper = cap.ravel()[self.var_flat]
        self.n_c = n_c

    def full(self, x: FloatArray) -> FloatArray:
        """Spread the variable multipliers ``x`` over all (demand, tier) rows."""
        lam = np.zeros(self.n_d * self.n_t)
        lam[self.var_flat] = x
        return lam.reshape(self.n_d, self.n_t)

    def scores(self, lam: FloatArray) -> FloatArray:
        """Compute the candidate scores ``s_j`` of multipliers ``lam``."""
        lam_cum = np.cumsum(lam[:, ::-1], axis=1)[:, ::-1]
        return np.asarray(self.cover @ lam_cum.ravel(), dtype=np.float64)

    def top_free(self, s: FloatArray) -> float:
        """Sum the ``K - F`` largest scores of the free candidates."""
        sf = s[self.free]
        n_free = self.n_free
        return float(np.partition(sf, sf.size - n_free)[sf.size - n_free :].sum())

    def demand_part(self, lam: FloatArray) -> float:
        """Sum the best of the demand variables alone, ``sum_i h_i(l_i)``."""
        gain = self.aw - lam
        value = float(np.maximum(gain[:, :-1], 0.0).sum())
        last = gain[:, -1]
        if self.beta > 0:
            both = last + self.bw - lam[:, -1]
            return value + float(np.maximum(np.maximum(last, both), 0.0).sum())
        return value + float(np.maximum(last, 0.0).sum())

    def exact(self, x: FloatArray) -> tuple[float, FloatArray]:
        """Evaluate ``L`` exactly at ``x`` (clipped to the box); return it and the scores."""
        lam = self.full(np.clip(x, 0.0, self.upper))
        s = self.scores(lam)
        return self.demand_part(lam) + float(s[self.fixed_mask].sum()) + self.top_free(s), s

    def start(self, total: float) -> tuple[float, FloatArray, FloatArray, int]:
        """Start from the plan's complementary slackness, the best of a few ``theta``.

        Returns the bound (at most the trivial one, ``total``), the multipliers, the scores
        and the number of evaluations.
        """
        best_value = total
        x = np.zeros(self.upper.size)
        s_best = np.zeros(self.n_c)
        uncovered = np.where(self.cnt == 0, self.cap, 0.0)
        once = np.where(self.cnt == 1, self.aw, 0.0)
        for theta in (0.0, 0.25, 0.5):
            x0 = (uncovered + theta * once).ravel()[self.var_flat]
            value, s = self.exact(x0)
            if value < best_value:
                best_value, x, s_best = value, x0, s
        return best_value, x, s_best, 3

    def smooth(self, x: FloatArray, tau: float) -> tuple[float, FloatArray]:
        """Evaluate the smooth majorant at ``x`` and its gradient, at temperature ``tau``."""
        from scipy.special import expit

        n_d, n_t, n_free = self.n_d, self.n_t, self.n_free
        lam = self.full(x)
        s = self.scores(lam)
        sf = s[self.free]
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
        f = (
            n_free * mu
            + tau * float(np.logaddexp(0.0, over).sum())
            + float(s[self.fixed_mask].sum())
        )
        weight_s = np.ones(self.n_c)
        weight_s[self.free] = expit(over)
        grad = np.cumsum(np.asarray(self.cover_t @ weight_s).reshape(n_d, n_t), axis=1)
        gain = self.aw - lam
        f += float(gain[:, :-1].sum())  # l <= a w: the demand terms are linear in the box
        grad[:, :-1] -= 1.0
        f += self._last_tier(gain[:, -1], lam, tau, grad)
        return f, grad.ravel()[self.var_flat]

    def _last_tier(self, last: FloatArray, lam: FloatArray, tau: float, grad: FloatArray) -> float:
        """Add the last tier's smoothed term to ``f`` (returned) and to ``grad`` (in place)."""
        if self.beta > 0:
            both = last + self.bw - lam[:, -1]
            stack = np.stack([np.zeros(self.n_d), last, both]) / tau
            top = stack.max(axis=0)
            ex = np.exp(stack - top)
            norm = ex.sum(axis=0)
            grad[:, -1] -= (ex[1] + 2.0 * ex[2]) / norm
            return tau * float((top + np.log(norm)).sum())
        grad[:, -1] -= 1.0
        return float(last.sum())

    def minimise(
        self, x: FloatArray, tau: float, box: Any, deadline: float
    ) -> tuple[FloatArray, int]:
        """Minimise the smooth majorant from ``x`` with L-BFGS-B until ``deadline``.

        Returns the multipliers reached (in the box) and the number of evaluations.
        """
        from scipy.optimize import minimize

        last_x = [x]

        def fun(v: FloatArray) -> tuple[float, FloatArray]:
            if time.perf_counter() >= deadline:
                raise _Stop
            last_x[0] = v
            return self.smooth(v, tau)

        try:
            res = minimize(
                fun, x, jac=True, method="L-BFGS-B", bounds=box, options={"maxiter": 200}
            )
        except _Stop:
            return np.clip(last_x[0], 0.0, self.upper), 0
        return np.clip(np.asarray(res.x, dtype=np.float64), 0.0, self.upper), int(res.nfev)


def fix_by_bound(
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
