"""Tests of pingan.algo.coverage: optimality against enumeration, honest gaps, fixed posts."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp

from pingan.algo.coverage import CoverageInstance, coverage_pairs, solve_coverage
from pingan.algo.coverage.heuristic import greedy_swap
from pingan.algo.coverage.lagrangian import fix_by_bound, lagrangian_bound
from pingan.errors import InvalidInput


def brute_force(inst: CoverageInstance, k: int, fixed: tuple[int, ...] = ()) -> float:
    others = [j for j in range(inst.n_candidates) if j not in fixed]
    return max(
        inst.evaluate(list(fixed) + list(c)) for c in itertools.combinations(others, k - len(fixed))
    )


def random_instance(rng: np.random.Generator, backup_weight: float) -> tuple[CoverageInstance, int]:
    n_demand, n_cand = int(rng.integers(5, 14)), int(rng.integers(4, 9))
    k = int(rng.integers(1, 4))
    times = rng.uniform(0.0, 500.0, (n_demand, n_cand))
    times[times > 300.0] = np.inf
    weight = rng.integers(1, 10, n_demand).astype(float)
    inst = CoverageInstance.from_travel_times(times, weight, backup_weight=backup_weight)
    return inst, k


@pytest.mark.parametrize("backup_weight", [0.0, 0.5])
def test_optimum_matches_enumeration_on_random_instances(backup_weight: float) -> None:
    rng = np.random.default_rng(42)
    for _ in range(15):
        inst, k = random_instance(rng, backup_weight)
        best = brute_force(inst, k)
        exact = solve_coverage(inst, None, k, method="exact")
        auto = solve_coverage(inst, None, k, method="auto")
        heuristic = solve_coverage(inst, None, k, method="heuristic")
        assert exact.objective == pytest.approx(best)
        assert exact.status == "optimal"
        assert auto.objective == pytest.approx(best)
        assert auto.status == "optimal"
        # Any bound must be valid, and the heuristic never beats the optimum.
        assert heuristic.bound >= best - 1e-9
        assert heuristic.objective <= best + 1e-9
        assert heuristic.gap == pytest.approx(
            (heuristic.bound - heuristic.objective) / heuristic.bound
        )


# Demand x candidate within 180 s (1) or not (0). Greedy takes candidate 3 (22), then
# candidate 0 (+9; ties with 4): 31, and no single swap improves it. Candidates 2 and 5
# cover everything: 16 + 19 = 35.
TRAP = np.array(
    [
        [1, 1, 0, 1, 0, 1],
        [0, 1, 0, 1, 0, 1],
        [1, 0, 0, 0, 1, 1],
        [0, 0, 1, 0, 0, 0],
        [1, 0, 1, 0, 1, 0],
        [0, 0, 1, 1, 0, 0],
    ]
)
TRAP_WEIGHT = np.array([5.0, 9.0, 5.0, 4.0, 4.0, 8.0])


def trap_times() -> sp.csr_matrix:
    rows, cols = np.nonzero(TRAP)
    return sp.csr_matrix((np.full(rows.size, 100.0), (rows, cols)), shape=TRAP.shape)


def test_heuristic_gap_is_honest_where_greedy_swap_is_not_optimal() -> None:
    kwargs = {"radii_s": (180.0,), "tier_weights": (1.0,)}
    heuristic = solve_coverage(trap_times(), TRAP_WEIGHT, 2, method="heuristic", **kwargs)
    assert heuristic.posts == (0, 3)
    assert heuristic.objective == pytest.approx(31.0)
    assert heuristic.bound >= 35.0 - 1e-9
    assert heuristic.gap > 0
    assert heuristic.gap == pytest.approx((heuristic.bound - 31.0) / heuristic.bound)
    exact = solve_coverage(trap_times(), TRAP_WEIGHT, 2, method="exact", **kwargs)
    assert exact.posts == (2, 5)
    assert exact.objective == pytest.approx(35.0)
    assert exact.coverage_share[180.0] == pytest.approx(1.0)
    auto = solve_coverage(trap_times(), TRAP_WEIGHT, 2, method="auto", **kwargs)
    assert auto.posts == (2, 5)
    assert auto.gap == pytest.approx(0.0)


def test_exact_equals_heuristic_on_an_easy_instance() -> None:
    # Three separate clusters of two demand points, one candidate in the middle of each.
    times = np.full((6, 3), np.inf)
    times[0:2, 0] = times[2:4, 1] = times[4:6, 2] = 50.0
    weight = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    exact = solve_coverage(times, weight, 2, method="exact")
    heuristic = solve_coverage(times, weight, 2, method="heuristic")
    assert exact.posts == heuristic.posts == (1, 2)
    assert heuristic.objective == exact.objective == pytest.approx(3 * 18.0)
    assert heuristic.gap == pytest.approx(0.0)
    assert heuristic.status == "optimal"
    assert heuristic.coverage_share == {60.0: pytest.approx(18 / 21)} | {
        180.0: pytest.approx(18 / 21),
        300.0: pytest.approx(18 / 21),
    }


@pytest.mark.parametrize("method", ["exact", "heuristic", "auto"])
def test_fixed_posts_are_kept(method: str) -> None:
    # Candidate 4 covers only demand 3 (weight 4): a poor post, forced in.
    kwargs = {"radii_s": (180.0,), "tier_weights": (1.0,), "fixed_posts": (4,)}
    result = solve_coverage(trap_times(), TRAP_WEIGHT, 2, method=method, **kwargs)
    assert 4 in result.posts
    inst = CoverageInstance.from_travel_times(
        trap_times(), TRAP_WEIGHT, radii_s=(180.0,), tier_weights=(1.0,)
    )
    best = brute_force(inst, 2, fixed=(4,))
    assert best == pytest.approx(9.0 + 22.0)  # 4 with 3 (d0, d1, d5)
    assert result.bound >= best - 1e-9
    if method != "heuristic":
        assert result.objective == pytest.approx(best)


def test_tiers_and_backup_are_counted_by_hand() -> None:
    # Demand 0 is 30 s from post 0 and 200 s from post 1; demand 1 is 100 s from both;
    # demand 2 is 250 s from post 1 only.
    times = sp.csr_matrix(
        (
            np.array([30.0, 200.0, 100.0, 100.0, 250.0]),
            (np.array([0, 0, 1, 1, 2]), np.array([0, 1, 0, 1, 1])),
        ),
        shape=(3, 2),
    )
    weight = np.array([2.0, 3.0, 5.0])
    result = solve_coverage(
        times, weight, 2, tier_weights=(3.0, 2.0, 1.0), backup_weight=0.5, method="exact"
    )
    assert result.posts == (0, 1)
    # 60 s: demand 0 (2). 180 s: demands 0, 1 (5). 300 s: all (10). Twice in 300 s: 0, 1.
    assert result.coverage_share[60.0] == pytest.approx(0.2)
    assert result.coverage_share[180.0] == pytest.approx(0.5)
    assert result.coverage_share[300.0] == pytest.approx(1.0)
    assert result.backup_share == pytest.approx(0.5)
    assert result.objective == pytest.approx(3 * 2 + 2 * 5 + 1 * 10 + 0.5 * 5)
    one = solve_coverage(
        times, weight, 1, tier_weights=(3.0, 2.0, 1.0), backup_weight=0.5, method="exact"
    )
    # Post 0: 3*2 + 2*5 + 5 = 21; post 1: 0 + 2*3 + 10 = 16.
    assert one.posts == (0,)
    assert one.objective == pytest.approx(21.0)
    assert one.backup_share == 0.0


def test_coverage_pairs_on_a_hand_made_graph() -> None:
    # 0 -> 1 (40 s) -> 2 (50 s) -> 3 (200 s); 3 -> 0 (10 s).
    graph = sp.csr_matrix(
        (np.array([40.0, 50.0, 200.0, 10.0]), (np.array([0, 1, 2, 3]), np.array([1, 2, 3, 0]))),
        shape=(4, 4),
    )
    times = coverage_pairs(
        graph, demand_nodes=[0, 1, 2, 3], candidate_nodes=[0, 3], max_radius_s=100
    )
    dense = np.full((4, 2), np.nan)
    coo = times.tocoo()
    dense[coo.row, coo.col] = coo.data
    expected = np.array([[0.0, 10.0], [40.0, 50.0], [90.0, 100.0], [np.nan, 0.0]])
    np.testing.assert_allclose(dense, expected, atol=1e-6)
    assert times.nnz == 7  # zero-time pairs are kept; 100 s is within 100 s


def test_invalid_inputs_are_rejected() -> None:
    with pytest.raises(InvalidInput, match="fixed posts exceed"):
        solve_coverage(trap_times(), TRAP_WEIGHT, 1, fixed_posts=(0, 1))
    with pytest.raises(InvalidInput, match="k must be between 1 and 6"):
        solve_coverage(trap_times(), TRAP_WEIGHT, 7)
    with pytest.raises(InvalidInput, match="strictly increasing"):
        solve_coverage(trap_times(), TRAP_WEIGHT, 1, radii_s=(180.0, 60.0), tier_weights=(1, 1))
    with pytest.raises(InvalidInput, match="5 values for 6"):
        solve_coverage(trap_times(), TRAP_WEIGHT[:5], 1)


def test_grid_graph_heuristic_matches_exact() -> None:
    # A 12 x 12 two-way street grid, 30 s per block: radius 60 s reaches a diamond of 13 nodes.
    side = 12
    idx = np.arange(side * side).reshape(side, side)
    tails = np.concatenate(
        [idx[:, :-1].ravel(), idx[:, 1:].ravel(), idx[:-1].ravel(), idx[1:].ravel()]
    )
    heads = np.concatenate(
        [idx[:, 1:].ravel(), idx[:, :-1].ravel(), idx[1:].ravel(), idx[:-1].ravel()]
    )
    graph = sp.csr_matrix((np.full(tails.size, 30.0), (tails, heads)), shape=(144, 144))
    nodes = np.arange(144)
    times = coverage_pairs(graph, nodes, nodes, 300.0)
    weight = np.ones(144)
    kwargs = {"radii_s": (60.0, 180.0, 300.0), "tier_weights": (1.0, 1.0, 1.0)}
    heuristic = solve_coverage(times, weight, 4, method="heuristic", **kwargs)
    exact = solve_coverage(times, weight, 4, method="exact", **kwargs)
    assert exact.status == "optimal"
    assert heuristic.objective <= exact.objective + 1e-9
    assert heuristic.bound >= exact.objective - 1e-6
    # Four posts of 13-node diamonds cover at most 52 nodes within 60 s.
    assert exact.coverage_share[60.0] <= 52 / 144 + 1e-12
    assert exact.coverage_share[300.0] == pytest.approx(1.0)


def test_lagrangian_fixing_keeps_every_better_plan() -> None:
    # Variable fixing may only drop candidates that no plan better than the incumbent uses.
    rng = np.random.default_rng(7)
    dropped = 0
    for _ in range(20):
        n_demand, n_cand, k = int(rng.integers(8, 16)), int(rng.integers(5, 9)), 2
        times = rng.uniform(0.0, 450.0, (n_demand, n_cand))
        times[times > 300.0] = np.inf
        inst = CoverageInstance.from_travel_times(times, rng.integers(1, 10, n_demand) * 1.0)
        no_fixed = np.zeros(0, dtype=np.int64)
        posts, _ = greedy_swap(inst, k, no_fixed, np.inf)
        incumbent = inst.evaluate(posts)
        bound, _, scores = lagrangian_bound(inst, k, no_fixed, posts, incumbent, np.inf, 0.0)
        best = brute_force(inst, k)
        assert incumbent - 1e-9 <= best <= bound + 1e-9
        keep, forced = fix_by_bound(inst, k, no_fixed, posts, bound, incumbent, scores)
        assert set(forced) <= set(keep)
        assert set(posts) <= set(keep)
        dropped += n_cand - keep.size
        sub = inst.restrict(keep)
        local = {int(c): i for i, c in enumerate(keep)}
        sub_best = brute_force(sub, k, fixed=tuple(local[int(c)] for c in forced))
        assert sub_best == pytest.approx(best)
    assert dropped > 0  # the check is not vacuous


def test_auto_with_fixing_matches_exact_on_a_grid() -> None:
    side = 12
    idx = np.arange(side * side).reshape(side, side)
    tails = np.concatenate(
        [idx[:, :-1].ravel(), idx[:, 1:].ravel(), idx[:-1].ravel(), idx[1:].ravel()]
    )
    heads = np.concatenate(
        [idx[:, 1:].ravel(), idx[:, :-1].ravel(), idx[1:].ravel(), idx[:-1].ravel()]
    )
    graph = sp.csr_matrix((np.full(tails.size, 40.0), (tails, heads)), shape=(144, 144))
    nodes = np.arange(144)
    times = coverage_pairs(graph, nodes, nodes, 300.0)
    weight = 1.0 + (nodes % 7) * (nodes % 5)  # uneven demand
    inst = CoverageInstance.from_travel_times(times, weight)
    assert inst.n_pairs * inst.n_tiers > 20_000  # goes through the Lagrangian bound
    auto = solve_coverage(inst, None, 5, method="auto")
    exact = solve_coverage(inst, None, 5, method="exact")
    assert exact.status == auto.status == "optimal"
    assert auto.objective == pytest.approx(exact.objective)
    assert auto.details["lagrangian_bound"] >= exact.objective - 1e-6


@pytest.mark.parametrize("backup_weight", [0.0, 0.5])
def test_reduction_keeps_the_optimum_on_random_instances(backup_weight: float) -> None:
    # Merged rows and dropped dominated candidates: the same optimum, and any plan maps to a
    # reduced plan worth at least as much.
    from pingan.algo.coverage.reduce import reduce_instance

    rng = np.random.default_rng(11)
    dropped = merged = 0
    for _ in range(25):
        n_demand, n_cand, k = int(rng.integers(8, 16)), int(rng.integers(5, 9)), 2
        times = rng.uniform(0.0, 450.0, (n_demand, n_cand))
        times[times > 300.0] = np.inf
        times[rng.integers(0, n_demand)] = times[0]  # an identical row
        weight = rng.integers(0, 10, n_demand) * 1.0
        inst = CoverageInstance.from_travel_times(times, weight, backup_weight=backup_weight)
        fixed = (int(rng.integers(0, n_cand)),)
        red = reduce_instance(inst, k, np.asarray(fixed, dtype=np.int64))
        dropped += n_cand - red.columns.size
        merged += n_demand - red.inst.n_demand
        local = {int(c): i for i, c in enumerate(red.columns)}
        assert brute_force(red.inst, k, fixed=(local[fixed[0]],)) == pytest.approx(
            brute_force(inst, k, fixed=fixed)
        )
        plan = [fixed[0], next(j for j in range(n_cand) if j != fixed[0])]
        mapped = red.local_start(plan)
        assert red.inst.evaluate(mapped) >= inst.evaluate(plan) - 1e-9
        assert inst.evaluate([int(red.columns[p]) for p in mapped]) == pytest.approx(
            red.inst.evaluate(mapped)
        )
        if backup_weight > 0:
            assert red.columns.size == n_cand
    assert merged > 0
    assert dropped > 0 or backup_weight > 0


@pytest.fixture(scope="module")
def coquimbo_times(coquimbo_extract) -> sp.csr_matrix:  # type: ignore[no-untyped-def]
    from pingan.algo.graph import build_graph
    from pingan.config import DEFAULT_SPEEDS_KMH

    graph = build_graph(
        **coquimbo_extract.graph_inputs(), mode="car", speeds_kmh=DEFAULT_SPEEDS_KMH
    ).graph
    rng = np.random.default_rng(19)
    demand = np.sort(rng.choice(graph.n_nodes, 1500, replace=False))
    cands = np.sort(rng.choice(graph.n_nodes, 600, replace=False))
    return coverage_pairs(graph, demand, cands, 300.0)


@pytest.mark.parametrize(("k", "single_tier"), [(10, True), (25, True), (10, False)])
def test_auto_equals_the_unreduced_milp_on_coquimbo(
    coquimbo_times: sp.csr_matrix, k: int, single_tier: bool
) -> None:
    # Real road network: auto (bound, kernel plan, fixing, reduced MILP) proves the same
    # optimum as the MILP on the whole model.
    weight = 1.0 + (np.arange(coquimbo_times.shape[0]) % 7) * 3.0
    kwargs: dict[str, object] = (
        {"radii_s": (180.0,), "tier_weights": (1.0,)} if single_tier else {"backup_weight": 0.3}
    )
    exact = solve_coverage(coquimbo_times, weight, k, method="exact", **kwargs)  # type: ignore[arg-type]
    auto = solve_coverage(coquimbo_times, weight, k, method="auto", **kwargs)  # type: ignore[arg-type]
    assert exact.status == auto.status == "optimal"
    assert auto.objective == pytest.approx(exact.objective, rel=1e-9)
    if "reduced_candidates" in auto.details:
        assert auto.details["reduced_demand"] <= coquimbo_times.shape[0]
