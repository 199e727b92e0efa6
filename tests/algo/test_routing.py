"""Routing: snapping, one-to-many, reverse, matrices, multi-source nearest, ETA."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from scipy.sparse.csgraph import dijkstra

from pingan.algo.graph import RoadGraph
from pingan.algo.routing import (
    eta,
    nearest_source,
    path_coordinates,
    shortest_times,
    snap,
    times_to,
    travel_time_matrix,
)
from pingan.errors import InvalidInput

RESIDENTIAL_STEP_S = 13.343410  # one 111.195 m grid step at 30 km/h
BD_S = 11.119508  # B -> D at 36 km/h


def to_networkx(graph: RoadGraph) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(range(graph.n_nodes))
    g.add_weighted_edges_from(
        zip(graph.tail.tolist(), graph.head.tolist(), graph.time_s.tolist(), strict=True)
    )
    return g


def test_tiny_times_by_hand(tiny_graphs, tiny_node) -> None:
    car = tiny_graphs["car"]
    a, _b, c, d = (tiny_node(car, n) for n in "ABCD")
    times = shortest_times(car, [a, d])
    assert times.shape == (2, 4)
    assert times[0, d] == pytest.approx(RESIDENTIAL_STEP_S + BD_S, abs=1e-5)  # A-B-D
    # D back to A cannot use the one-way B -> D: D-E-C-B-A, four steps.
    assert times[1, a] == pytest.approx(4 * RESIDENTIAL_STEP_S, abs=1e-5)
    assert times[1, c] == pytest.approx(2 * RESIDENTIAL_STEP_S, abs=1e-5)
    assert times[0, a] == 0.0


def test_cutoff(tiny_graphs, tiny_node) -> None:
    car = tiny_graphs["car"]
    a, b, c, d = (tiny_node(car, n) for n in "ABCD")
    within = shortest_times(car, a, cutoff_s=20.0)[0]
    assert within[a] == 0
    assert within[b] == pytest.approx(RESIDENTIAL_STEP_S, abs=1e-5)
    assert np.isinf(within[c])
    assert np.isinf(within[d])
    exactly = shortest_times(car, a, cutoff_s=2 * RESIDENTIAL_STEP_S + 1e-9)[0]
    assert np.isfinite(exactly[c])  # the cut-off itself is included
    with pytest.raises(InvalidInput, match="cutoff_s"):
        shortest_times(car, a, cutoff_s=-1)
    with pytest.raises(InvalidInput, match="node indices"):
        shortest_times(car, [0, 99])


def test_times_to_is_the_reverse(tiny_graphs, tiny_node, helsinki_graphs) -> None:
    car = tiny_graphs["car"]
    a, d = tiny_node(car, "A"), tiny_node(car, "D")
    to_a = times_to(car, a)
    assert to_a.shape == (4,)
    assert to_a[d] == pytest.approx(4 * RESIDENTIAL_STEP_S, abs=1e-5)
    graph = helsinki_graphs["car"]
    targets = np.array([3, 50, 400])
    np.testing.assert_allclose(
        times_to(graph, targets),
        shortest_times(graph, np.arange(graph.n_nodes))[:, targets].T,
        rtol=0,
        atol=1e-9,
    )


def test_matrix_both_ways(helsinki_graphs) -> None:
    graph = helsinki_graphs["car"]
    rng = np.random.default_rng(42)
    few = rng.choice(graph.n_nodes, 3, replace=False)
    many = rng.choice(graph.n_nodes, 40, replace=False)
    forward = travel_time_matrix(graph, few, many)  # searches from the 3 sources
    backward = travel_time_matrix(graph, many, few)  # searches back from the 3 targets
    assert forward.shape == (3, 40)
    assert backward.shape == (40, 3)
    full = shortest_times(graph, np.arange(graph.n_nodes))
    np.testing.assert_allclose(forward, full[np.ix_(few, many)], atol=1e-9)
    np.testing.assert_allclose(backward, full[np.ix_(many, few)], atol=1e-9)


@pytest.mark.parametrize("mode", ["car", "ebike", "foot"])
def test_equal_to_networkx_on_random_pairs(helsinki_graphs, mode: str) -> None:
    graph = helsinki_graphs[mode]
    reference = to_networkx(graph)
    rng = np.random.default_rng(42)
    pairs = rng.choice(graph.n_nodes, size=(100, 2))
    ours = travel_time_matrix(graph, pairs[:, 0], pairs[:, 1])
    for k, (s, t) in enumerate(pairs):
        expected = nx.dijkstra_path_length(reference, int(s), int(t))
        assert ours[k, k] == pytest.approx(expected, abs=1e-6)
    assert np.isfinite(np.diag(ours)).all()  # one strongly connected component


def test_nearest_source_matches_brute_force(helsinki_graphs) -> None:
    graph = helsinki_graphs["car"]
    rng = np.random.default_rng(7)
    units = rng.choice(graph.n_nodes, 12, replace=False)
    nearest = nearest_source(graph, units)
    brute = shortest_times(graph, units)
    np.testing.assert_allclose(nearest.time_s, brute.min(axis=0), atol=1e-9)
    chosen = brute[nearest.source_index, np.arange(graph.n_nodes)]
    np.testing.assert_allclose(chosen, nearest.time_s, atol=1e-9)
    assert (nearest.source_index[units] == np.arange(12)).all()


def test_nearest_source_cutoff_and_duplicates(tiny_graphs, tiny_node) -> None:
    car = tiny_graphs["car"]
    a, b, c, d = (tiny_node(car, n) for n in "ABCD")
    nearest = nearest_source(car, [c, a, c], cutoff_s=14.0)
    assert nearest.source_index[a] == 1
    assert nearest.source_index[c] == 0
    assert nearest.source_index[b] in (0, 1)
    assert nearest.time_s[b] == pytest.approx(RESIDENTIAL_STEP_S, abs=1e-5)
    assert nearest.source_index[d] == -1
    assert np.isinf(nearest.time_s[d])


def test_snap(tiny_graphs, tiny_node, step_m) -> None:
    car = tiny_graphs["car"]
    # A point a quarter step north of B snaps to B, 27.67 m away in the UTM plane (a
    # meridian degree at the equator is 110.574 km on the ellipsoid; UTM zone 31 scales
    # by 1.0009 three degrees off its central meridian).
    snapped = snap(car, [0.00025, 0.0], [0.001, -0.0001])
    assert snapped.node.tolist() == [tiny_node(car, "B"), tiny_node(car, "A")]
    assert snapped.distance_m[0] == pytest.approx(0.25 * 110.574 * 1.0009, rel=1e-3)
    assert snapped.distance_m[1] == pytest.approx(step_m / 10, rel=1e-2)
    with pytest.raises(InvalidInput, match="more than 20 m"):
        snap(car, 0.00025, 0.001, max_distance_m=20)
    with pytest.raises(InvalidInput, match="latitude"):
        snap(car, 95.0, 0.0)


def test_eta(tiny_graphs, tiny_node, step_m) -> None:
    car = tiny_graphs["car"]
    route = eta(car, (0.0, 0.0), (0.001, 0.001))
    assert route.path == (tiny_node(car, "A"), tiny_node(car, "B"), tiny_node(car, "D"))
    assert route.time_s == pytest.approx(RESIDENTIAL_STEP_S + BD_S, abs=1e-5)
    assert route.distance_m == pytest.approx(2 * step_m)
    back = eta(car, (0.001, 0.001), (0.0, 0.0))
    assert back.distance_m == pytest.approx(4 * step_m)  # round the one-way via E and C
    coords = path_coordinates(car, back.path)
    assert coords[0] == (0.001, 0.001)
    assert coords[-1] == (0.0, 0.0)
    assert (0.002, 0.001) in coords  # E, the interior vertex of D-E-C
    assert len(coords) == 5


@pytest.mark.parametrize("mode", ["car", "ebike", "foot"])
def test_batches_on_the_contracted_graph_are_exact(helsinki_graphs, mode: str) -> None:
    # Sixteen or more sources without a cut-off search the graph with its chain nodes
    # (exactly two neighbours) contracted; the answer must not change.
    graph = helsinki_graphs[mode]
    sources = np.random.default_rng(3).choice(graph.n_nodes, 40, replace=False)
    forward = shortest_times(graph, sources)
    backward = times_to(graph, sources)
    np.testing.assert_allclose(forward, dijkstra(graph.csr, indices=sources), rtol=0, atol=1e-9)
    np.testing.assert_allclose(
        backward, dijkstra(graph.csr_reverse, indices=sources), rtol=0, atol=1e-9
    )


def test_contracted_loop_with_a_oneway(tiny_graphs, tiny_node) -> None:
    # In the tiny car graph C and D are chain nodes on the loop B -> D -> C -> B, whose
    # first edge is one-way.
    car = tiny_graphs["car"]
    a, b, c, d = (tiny_node(car, n) for n in "ABCD")
    sources = np.array([a, b, c, d] * 4)
    times = shortest_times(car, sources)
    step = RESIDENTIAL_STEP_S
    assert times[3, a] == pytest.approx(4 * step, abs=1e-5)  # D-E-C-B-A
    assert times[2, d] == pytest.approx(step + BD_S, abs=1e-5)  # C-B-D beats C-E-D
    assert times[1, d] == pytest.approx(BD_S, abs=1e-5)
    assert times[3, b] == pytest.approx(3 * step, abs=1e-5)  # D cannot go back to B
    np.testing.assert_allclose(times, dijkstra(car.csr, indices=sources), atol=1e-9)
    np.testing.assert_allclose(
        times_to(car, sources), dijkstra(car.csr_reverse, indices=sources), atol=1e-9
    )
