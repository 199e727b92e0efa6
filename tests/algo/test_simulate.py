"""Tests of pingan.algo.simulate on a tiny hand-made road network."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

from pingan.algo.simulate import (
    EmpiricalServiceTime,
    LognormalServiceTime,
    simulate_response,
)
from pingan.errors import InvalidInput

# Four crossings A=0, B=1, C=2, D=3 joined by two-way streets with these driving
# times (s): A-B 60, B-C 90, C-D 30, A-D 200. Shortest times by hand:
#   from A: A 0, B 60, C 150, D 180      from C: A 150, B 90, C 0, D 30
A, B, C, D = 0, 1, 2, 3
EDGES = [(A, B, 60.0), (B, C, 90.0), (C, D, 30.0), (A, D, 200.0)]


def street_times() -> np.ndarray:
    rows = [u for u, v, _ in EDGES] + [v for u, v, _ in EDGES]
    cols = [v for u, v, _ in EDGES] + [u for u, v, _ in EDGES]
    data = [t for *_, t in EDGES] * 2
    graph = csr_array((data, (rows, cols)), shape=(4, 4))
    return np.asarray(dijkstra(graph, directed=True))


def test_hand_network_times() -> None:
    t = street_times()
    assert t[A].tolist() == [0.0, 60.0, 150.0, 180.0]
    assert t[C].tolist() == [150.0, 90.0, 0.0, 30.0]


def test_three_incidents_one_queues_match_hand_computation() -> None:
    # Unit 0 at post A, unit 1 at post C; 600 s on scene for every incident.
    #  I0 t=0   at B: unit 0 (60 s) beats unit 1 (90 s) -> arrives 60, clears 660,
    #               back at A 660 + 60 = 720.
    #  I1 t=100 at D: only unit 1 free, 30 s -> arrives 130 (response 30), back 730+30 = 760.
    #  I2 t=200 at B: nobody free -> queues; unit 0 is back first (720), drives 60 s,
    #               arrives 780: response 580 = 520 waiting + 60 driving; back 1380+60 = 1440.
    r = simulate_response(
        incident_time_s=[0.0, 100.0, 200.0],
        incident_node=[B, D, B],
        unit_post=[A, C],
        travel_time_s=street_times(),
        service_time_s=600.0,
    )
    assert r.unit.tolist() == [0, 1, 0]
    assert r.travel_s.tolist() == [60.0, 30.0, 60.0]
    assert r.wait_s.tolist() == [0.0, 0.0, 520.0]
    assert r.response_s.tolist() == [60.0, 30.0, 580.0]
    assert r.arrived_s.tolist() == [60.0, 130.0, 780.0]
    assert r.back_at_post_s.tolist() == [720.0, 760.0, 1440.0]
    assert r.queued == 1
    assert r.unserved == 0
    # Tiers: 60 and 30 within 60 s; 580 beyond 300 s. Nearest-rank median = 60, p90 = 580.
    assert r.figures.within == (2, 2, 2)
    assert r.figures.median_s == 60.0
    assert r.figures.p90_s == 580.0
    # Period 0..1440: unit 0 busy 0-720 and 720-1440, unit 1 busy 100-760.
    assert r.period_s == (0.0, 1440.0)
    assert r.busy_s.tolist() == [1440.0, 660.0]
    assert r.utilisation.tolist() == pytest.approx([1.0, 660.0 / 1440.0])
    assert r.incidents_per_unit.tolist() == [2, 1]


def test_return_trip_counts_as_busy_and_uses_return_times() -> None:
    # One-way streets make the way back slower: 500 s from D back to A.
    out = np.array([[0.0, 60.0, 150.0, 180.0]])
    back = np.array([[0.0, 60.0, 150.0, 500.0]])
    r = simulate_response(
        [0.0, 300.0], [D, B], [A], out, 100.0, return_time_s=back, period_s=(0.0, 2000.0)
    )
    # I0: arrives 180, clears 280, back 280 + 500 = 780. I1 at 300 waits until 780,
    # arrives 840, clears 940, back 1000. Busy 0-1000 of the period 0-2000.
    assert r.back_at_post_s.tolist() == [780.0, 1000.0]
    assert r.response_s.tolist() == [180.0, 540.0]
    assert r.busy_s.tolist() == [1000.0]
    assert r.utilisation.tolist() == [0.5]


def test_queue_serves_most_urgent_first_then_earliest() -> None:
    t = street_times()
    # One unit at A, busy with I0 until 60 + 100 + 60 = 220. While it is away, I1
    # (priority 2), I2 (priority 1) and I3 (priority 1) queue: I2 goes next, then I3, then I1.
    r = simulate_response(
        [0.0, 10.0, 20.0, 30.0],
        [B, B, B, B],
        [A],
        t,
        100.0,
        incident_priority=[1, 2, 1, 1],
    )
    assert r.dispatched_s.tolist() == [0.0, 660.0, 220.0, 440.0]
    assert r.queued == 3


def test_turnout_and_callable_travel_times() -> None:
    t = street_times()
    calls: list[int] = []

    def times_to(node: int) -> np.ndarray:
        calls.append(node)
        return t[:, node]

    r = simulate_response([0.0, 5000.0], [C, C], [A, C], times_to, 50.0, turnout_s=20.0)
    assert r.response_s.tolist() == [20.0, 20.0]
    assert r.unit.tolist() == [1, 1]
    assert calls == [C]  # cached: one search per node


def test_unreachable_incident_is_unserved() -> None:
    t = street_times()
    t_cut = np.hstack([t, np.full((4, 1), np.inf)])  # node 4: no road to it
    r = simulate_response([0.0, 10.0], [4, B], [A], t_cut, 60.0)
    assert r.unit.tolist() == [-1, 0]
    assert math.isnan(r.response_s[0])
    assert r.response_s[1] == 60.0
    assert r.unserved == 1
    assert r.figures.missing == 1


def test_same_seed_same_result_different_seed_differs() -> None:
    rng = np.random.default_rng(42)
    n = 200
    times = np.sort(rng.uniform(0, 7 * 86400, n))
    nodes = rng.integers(0, 4, n)
    service = LognormalServiceTime(median_s=1800.0, sigma=0.6)
    args = (times, nodes, [A, C, D], street_times(), service)
    r1 = simulate_response(*args, seed=7)
    r2 = simulate_response(*args, seed=7)
    r3 = simulate_response(*args, seed=8)
    np.testing.assert_array_equal(r1.service_s, r2.service_s)
    np.testing.assert_array_equal(r1.response_s, r2.response_s)
    np.testing.assert_array_equal(r1.unit, r2.unit)
    assert r1.figures == r2.figures
    assert not np.array_equal(r1.service_s, r3.service_s)
    assert not np.array_equal(r1.back_at_post_s, r3.back_at_post_s)
    # The median of the drawn service times is near the given median.
    assert np.median(r1.service_s) == pytest.approx(1800.0, rel=0.15)


def test_empirical_service_times_come_from_the_sample() -> None:
    sample = EmpiricalServiceTime((300.0, 900.0, 1500.0))
    r = simulate_response(
        np.arange(50) * 4000.0, np.full(50, B), [A], street_times(), sample, seed=1
    )
    assert set(r.service_s.tolist()) <= {300.0, 900.0, 1500.0}
    assert len(set(r.service_s.tolist())) == 3


def test_result_does_not_depend_on_input_order() -> None:
    t = street_times()
    times = np.array([200.0, 0.0, 100.0])
    nodes = np.array([B, B, D])
    r = simulate_response(times, nodes, [A, C], t, 600.0)
    assert r.response_s.tolist() == [580.0, 60.0, 30.0]


def test_bad_input_is_rejected() -> None:
    t = street_times()
    with pytest.raises(InvalidInput, match="one node per incident"):
        simulate_response([0.0], [A, B], [A], t, 60.0)
    with pytest.raises(InvalidInput, match="post is not a row"):
        simulate_response([0.0], [A], [9], t, 60.0)
    with pytest.raises(InvalidInput, match="at least one unit"):
        simulate_response([0.0], [A], [], t, 60.0)
    with pytest.raises(InvalidInput, match="service times must be finite"):
        simulate_response([0.0], [A], [A], t, -5.0)


def test_on_the_tiny_road_network_with_routing_callables(tiny_graphs, tiny_node) -> None:
    # The tiny car network of tests/algo/conftest.py: residential step 13.343410 s,
    # B -> D one-way primary 11.119508 s. Units at A and C, 100 s on scene.
    #  I0 t=0  at D: A -> B -> D and C -> B -> D both take 24.46 s; the tie goes to the
    #              lower unit index: unit 0 arrives 24.46, clears 124.46, drives
    #              D -> E -> C -> B -> A (4 steps, 53.37 s): back at 177.84.
    #  I1 t=10 at B: unit 1, C -> B 13.34 s: response 13.34; back at C at 10 + 126.69.
    #  I2 t=20 at D: nobody free; unit 1 is back first (136.69) and drives 24.46 s:
    #              response 136.69 + 24.46 - 20 = 141.15 s.
    from pingan.algo.routing import shortest_times, times_to

    step, bd = 13.343410, 11.119508
    car = tiny_graphs["car"]
    a, b, c, d = (tiny_node(car, n) for n in "ABCD")
    r = simulate_response(
        [0.0, 10.0, 20.0],
        [d, b, d],
        [a, c],
        lambda node: times_to(car, node),
        100.0,
        return_time_s=lambda node: shortest_times(car, node)[0],
    )
    assert r.unit.tolist() == [0, 1, 1]
    assert r.response_s.tolist() == pytest.approx(
        [step + bd, step, (10.0 + step + 100.0 + step) + (step + bd) - 20.0], abs=1e-4
    )
    assert r.back_at_post_s[0] == pytest.approx(step + bd + 100.0 + 4 * step, abs=1e-4)
    assert r.queued == 1
