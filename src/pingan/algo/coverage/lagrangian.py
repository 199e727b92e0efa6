"""Lagrangian upper bound of the coverage model and variable fixing by that bound."""

from __future__ import annotations

import time
from collections.abc import Sequence

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
