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
    on a smoothed dual (see ``lagrangian_bound``). Any multiplier vector gives a valid bound
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

from pingan.algo.coverage.instance import (
    DEFAULT_RADII_S,
    DEFAULT_TIER_WEIGHTS,
    CoverageInstance,
    coverage_pairs,
)
from pingan.algo.coverage.solve import (
    SMALL_INSTANCE_PAIRS,
    TINY_INSTANCE_PAIRS,
    CoverageResult,
    Method,
    solve_coverage,
)

__all__ = [
    "DEFAULT_RADII_S",
    "DEFAULT_TIER_WEIGHTS",
    "SMALL_INSTANCE_PAIRS",
    "TINY_INSTANCE_PAIRS",
    "CoverageInstance",
    "CoverageResult",
    "Method",
    "coverage_pairs",
    "solve_coverage",
]
