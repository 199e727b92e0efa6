"""The entry point :func:`solve_coverage` and its result; the model is in the package docstring."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from pingan.algo.coverage.heuristic import greedy_swap
from pingan.algo.coverage.instance import (
    DEFAULT_RADII_S,
    DEFAULT_TIER_WEIGHTS,
    CoverageInstance,
    FloatArray,
    IntArray,
    value_rows,
)
from pingan.algo.coverage.lagrangian import fix_by_bound, lagrangian_bound
from pingan.algo.coverage.milp import solve_milp
from pingan.algo.coverage.reduce import reduce_instance
from pingan.errors import InvalidInput

Method = Literal["auto", "exact", "heuristic"]

#: Instances with at most this many (demand, candidate) pairs go to the MILP in ``"auto"``.
SMALL_INSTANCE_PAIRS = 1_000_000
#: Up to this many, ``"auto"`` goes to the MILP without computing the Lagrangian bound first.
TINY_INSTANCE_PAIRS = 20_000

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
    objective = float(value_rows(inst, cnt).sum())
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
    fixed = _checked_fixed(inst, fixed_posts, k, method)
    details: dict[str, float] = {}

    if method == "exact":
        posts, bound, optimal = solve_milp(inst, k, fixed, deadline - time.perf_counter(), None)
        if posts is None:
            posts, _ = greedy_swap(inst, k, fixed, deadline)
        status = "optimal" if optimal else "time_limit"
        return _result(inst, posts, bound, "exact", started, status, details)

    t0 = time.perf_counter()
    heur_deadline = started + 0.5 * float(time_limit_s)
    posts, swaps = greedy_swap(inst, k, fixed, heur_deadline)
    details["heuristic_seconds"] = time.perf_counter() - t0
    details["swaps"] = float(swaps)
    objective = inst.evaluate(posts)
    t0 = time.perf_counter()
    small = inst.n_pairs * inst.n_tiers <= SMALL_INSTANCE_PAIRS
    bound, iterations, scores = _first_bound(
        inst, k, fixed, posts, objective, method, t0, deadline, gap_target
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
        better = _kernel_plan(inst, k, fixed, posts, scores, started + 0.5 * float(time_limit_s))
        details["kernel_seconds"] = time.perf_counter() - t0
        if better is not None and inst.evaluate(better) > objective * (1 + 1e-12):
            posts, objective = better, inst.evaluate(better)
            details["kernel_objective"] = objective
        t0 = time.perf_counter()
        keep, forced = fix_by_bound(inst, k, fixed, posts, bound, objective, scores)
        details["milp_candidates"] = float(keep.size)
        milp_posts, milp_bound, optimal = _milp_on(
            inst, k, np.union1d(fixed, forced), keep, posts, deadline, details
        )
        details["milp_seconds"] = time.perf_counter() - t0
        if milp_posts is not None and inst.evaluate(milp_posts) > objective:
            posts = milp_posts
            objective = inst.evaluate(posts)
        # Every plan better than the incumbent lies in the reduced model.
        bound = objective if optimal else min(bound, max(milp_bound, objective))
        gap = (bound - objective) / bound if bound > 0 else 0.0
    status = "optimal" if gap <= 1e-9 else "gap_target" if gap <= gap_target else "time_limit"
    return _result(inst, posts, bound, "auto", started, status, details)


def _checked_fixed(
    inst: CoverageInstance, fixed_posts: Sequence[int], k: int, method: str
) -> IntArray:
    """Check ``k``, the fixed posts and the method; return the fixed posts, sorted."""
    fixed = np.unique(np.asarray(fixed_posts, dtype=np.int64))
    if fixed.size and (fixed.min() < 0 or fixed.max() >= inst.n_candidates):
        raise InvalidInput("fixed post index out of range", field="fixed_posts")
    if not 1 <= k <= inst.n_candidates:
        raise InvalidInput(f"k must be between 1 and {inst.n_candidates}", field="k")
    if fixed.size > k:
        raise InvalidInput(f"{fixed.size} fixed posts exceed k = {k}", field="fixed_posts")
    if method not in ("auto", "exact", "heuristic"):
        raise InvalidInput(f"unknown method {method!r}", field="method")
    return fixed


def _first_bound(
    inst: CoverageInstance,
    k: int,
    fixed: IntArray,
    posts: Sequence[int],
    objective: float,
    method: str,
    t0: float,
    deadline: float,
    gap_target: float,
) -> tuple[float, int, FloatArray]:
    """Bound the heuristic plan with the Lagrangian relaxation.

    Trivially for a tiny instance the MILP solves at once, with a quarter of the budget
    before the MILP of a small one, else until the gap target.
    """
    if method == "auto" and inst.n_pairs * inst.n_tiers <= TINY_INSTANCE_PAIRS:
        # The MILP follows and solves it at once: no Lagrangian bound needed.
        return (
            float(inst.weight.sum()) * (sum(inst.tier_weights) + inst.backup_weight),
            0,
            np.zeros(inst.n_candidates),
        )
    if method == "auto" and inst.n_pairs * inst.n_tiers <= SMALL_INSTANCE_PAIRS:
        # The MILP follows: a quarter of the budget for a tight bound, used to fix variables.
        bound_deadline = min(deadline, t0 + 0.25 * (deadline - t0))
        return lagrangian_bound(inst, k, fixed, posts, objective, bound_deadline, 0.0)
    return lagrangian_bound(inst, k, fixed, posts, objective, deadline, gap_target)


def _milp_on(
    inst: CoverageInstance,
    k: int,
    mandatory: IntArray,
    keep: IntArray,
    posts: Sequence[int],
    deadline: float,
    details: dict[str, float] | None = None,
) -> tuple[list[int] | None, float, bool]:
    """Solve the MILP on the candidates ``keep`` (which hold ``mandatory`` and ``posts``).

    The instance is restricted and then reduced (:mod:`pingan.algo.coverage.reduce`);
    ``posts`` is the warm start. Returns the plan in original indices (or None), the
    MILP's dual bound and whether it proved the restricted model optimal.
    """
    local = np.full(inst.n_candidates, -1, dtype=np.int64)
    local[keep] = np.arange(keep.size)
    mandatory_local = local[mandatory]
    red = reduce_instance(inst.restrict(keep), k, mandatory_local)
    if details is not None:
        details["reduced_candidates"] = float(red.columns.size)
        details["reduced_demand"] = float(red.inst.n_demand)
    milp_posts, milp_bound, optimal = solve_milp(
        red.inst,
        k,
        np.searchsorted(red.columns, mandatory_local),
        deadline - time.perf_counter(),
        red.local_start([int(local[p]) for p in posts]),
    )
    if milp_posts is None:
        return None, milp_bound, optimal
    return [int(keep[red.columns[p]]) for p in milp_posts], milp_bound, optimal


def _kernel_plan(
    inst: CoverageInstance,
    k: int,
    fixed: IntArray,
    posts: Sequence[int],
    scores: FloatArray,
    deadline: float,
) -> list[int] | None:
    """Solve the MILP on a small kernel: the posts and the best-scored candidates.

    The Lagrangian scores rank the candidates; the MILP over the ``3 K`` best of them (plus
    the fixed posts and the incumbent's) is small and often holds the optimum. Its plan is
    only an incumbent (it proves nothing about the full model); a better incumbent lets the
    variable fixing that follows drop more candidates.
    """
    n_kernel = 3 * k
    if n_kernel >= inst.n_candidates or not np.any(scores):
        return None
    top = np.argsort(-scores, kind="stable")[:n_kernel]
    keep = np.unique(np.concatenate([top, fixed, np.asarray(posts, dtype=np.int64)]))
    plan, _, _ = _milp_on(inst, k, fixed, keep, posts, deadline)
    return plan
