"""Tests of pingan.algo.beats on a hand-made grid and on the real Helsinki network."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from pingan.algo.beats import (
    beat_components,
    beat_outlines,
    beat_stats,
    node_workload,
    partition_beats,
    square_grid_beats,
)
from pingan.errors import InvalidInput

DATA = Path(__file__).resolve().parents[2] / "data" / "osm"


def assert_contiguous(adjacency: sp.spmatrix, beat: np.ndarray, k: int) -> None:
    """Exactly beats 0..k-1, none empty, each connected in the undirected road graph."""
    assert sorted(set(beat.tolist())) == list(range(k))
    for b in range(k):
        members = np.flatnonzero(beat == b)
        sub = sp.csr_matrix(adjacency)[members][:, members]
        assert connected_components(sub, directed=False)[0] == 1


def grid(side: int) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    idx = np.arange(side * side).reshape(side, side)
    tails = np.concatenate([idx[:, :-1].ravel(), idx[:-1].ravel()])
    heads = np.concatenate([idx[:, 1:].ravel(), idx[1:].ravel()])
    a = sp.csr_matrix((np.full(tails.size, 30.0), (tails, heads)), shape=(side**2, side**2))
    ys, xs = np.divmod(np.arange(side * side), side)
    return a + a.T, xs * 100.0, ys * 100.0


def test_grid_split_in_four_equal_contiguous_beats() -> None:
    adjacency, x, y = grid(8)
    workload = np.ones(64)
    beat = partition_beats(adjacency, workload, 4, x, y)
    assert_contiguous(adjacency, beat, 4)
    stats = beat_stats(beat, workload)
    assert sum(stats.workload) == 64
    assert stats.max_over_mean <= 1.25  # at most 20 of 64 nodes in one beat


def test_stats_and_square_grid_by_hand() -> None:
    stats = beat_stats([0, 0, 1, 1, 1], [1.0, 1.0, 1.0, 2.0, 3.0])
    assert stats.workload == (2.0, 6.0)
    assert stats.max_over_mean == pytest.approx(1.5)
    assert stats.cv == pytest.approx(0.5)
    x = np.array([0.0, 10.0, 0.0, 10.0])
    y = np.array([0.0, 0.0, 10.0, 10.0])
    assert square_grid_beats(x, y, 4).tolist() == [0, 1, 2, 3]
    hull = beat_outlines(np.array([0, 0, 0, 0]), x, y)[0]
    assert hull.area == pytest.approx(100.0)


def test_node_workload_counts_half_of_adjacent_road() -> None:
    lengths = sp.csr_matrix((np.array([1000.0, 1000.0]), ([0, 1], [1, 0])), shape=(3, 3))
    workload = node_workload(lengths, [2.0, 0.0, 1.0], per_km=4.0)
    assert workload.tolist() == [2.0 + 2.0, 2.0, 1.0]


def test_path_is_split_evenly_although_every_inner_node_is_a_cut_node() -> None:
    # 12 nodes in a row, 60 s apart: a single inner node can never leave a beat alone, the
    # stretch beyond it has to go with it
    tails = np.arange(11)
    adjacency = sp.csr_matrix((np.full(11, 60.0), (tails, tails + 1)), shape=(12, 12))
    x = np.arange(12) * 100.0
    workload = np.ones(12)
    workload[0] = 4.0  # 15 in all: 5 per beat is possible ([4, 1], [1] * 5, [1] * 5)
    beat = partition_beats(adjacency, workload, 3, x, np.zeros(12))
    assert_contiguous(adjacency, beat, 3)
    assert sorted(beat_stats(beat, workload).workload) == [5.0, 5.0, 5.0]


def test_components_count_pieces_of_each_beat() -> None:
    # edges 0-1, 1-2, 3-4; beat 0 = {0, 1, 3, 4} is in two pieces, beat 1 = {2} in one
    adjacency = sp.csr_matrix((np.ones(3), ([0, 1, 3], [1, 2, 4])), shape=(5, 5))
    assert beat_components(adjacency, [0, 0, 1, 0, 0]).tolist() == [2, 1]
    assert beat_components(adjacency, [0, 0, 0, 2, 2]).tolist() == [1, 0, 1]


def test_k_one_and_bad_inputs() -> None:
    adjacency, x, y = grid(3)
    assert partition_beats(adjacency, np.ones(9), 1, x, y).tolist() == [0] * 9
    with pytest.raises(InvalidInput, match="k must be between 1 and 9"):
        partition_beats(adjacency, np.ones(9), 10, x, y)
    with pytest.raises(InvalidInput, match="workload must be finite"):
        partition_beats(adjacency, -np.ones(9), 2, x, y)
    two_islands = sp.csr_matrix((np.ones(2), ([0, 2], [1, 3])), shape=(4, 4))
    with pytest.raises(InvalidInput, match="connected"):
        partition_beats(two_islands, np.ones(4), 2, np.zeros(4), np.zeros(4))


@dataclass(frozen=True)
class City:
    times: sp.csr_matrix
    workload: np.ndarray
    x: np.ndarray
    y: np.ndarray


def load_city(name: str, *, east_half: bool = False) -> City:
    """The car graph of a bundled extract (its east half, like demo station A's area, when
    asked; largest connected piece) with workload = half share of simulated incidents +
    half share of road km, as the patrol plans weigh it."""
    from pingan.algo.graph import build_graph
    from pingan.city.osm import read_extract
    from pingan.config import DEFAULT_SPEEDS_KMH

    extract = read_extract(DATA / f"{name}.osm.pbf")
    graph = build_graph(**extract.graph_inputs(), mode="car", speeds_kmh=DEFAULT_SPEEDS_KMH).graph
    n = graph.n_nodes
    tail = np.repeat(np.arange(n), np.diff(graph.indptr))
    times = sp.csr_matrix((graph.time_s, (tail, graph.head)), shape=(n, n))
    lengths = sp.csr_matrix((graph.length_m, (tail, graph.head)), shape=(n, n))
    nodes = np.arange(n)
    if east_half:
        nodes = np.flatnonzero(graph.lon >= (graph.lon.min() + graph.lon.max()) / 2)
    _, label = connected_components(times[nodes][:, nodes], directed=False)
    keep = nodes[label == np.argmax(np.bincount(label))]
    times, lengths = times[keep][:, keep], lengths[keep][:, keep]
    x, y = graph.x[keep], graph.y[keep]
    incidents = simulated_incidents(x, y)
    km = node_workload(lengths, np.zeros(keep.size), per_km=1.0)
    workload = 0.5 * km / km.sum() + 0.5 * incidents / incidents.sum()
    return City(times, workload, x, y)


def simulated_incidents(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Simulated incident counts per node: twelve Gaussian hot spots (150 m) over a thin
    background, Poisson-drawn (seed 42)."""
    rng = np.random.default_rng(42)
    rate = np.full(x.size, 0.05)
    for hot in rng.choice(x.size, 12, replace=False):
        d2 = (x - x[hot]) ** 2 + (y - y[hot]) ** 2
        rate += rng.uniform(0.5, 3.0) * np.exp(-d2 / (2 * 150.0**2))
    return rng.poisson(rate).astype(float)


@pytest.fixture(scope="module")
def helsinki() -> City:
    return load_city("Helsinki")


@pytest.fixture(scope="module")
def helsinki_east() -> City:
    return load_city("Helsinki", east_half=True)


@pytest.mark.parametrize("k", [4, 5, 6, 7, 8])
@pytest.mark.parametrize("area", ["helsinki", "helsinki_east"])
def test_helsinki_beats_are_contiguous_and_better_balanced_than_a_square_grid(
    area: str, k: int, request: pytest.FixtureRequest
) -> None:
    city: City = request.getfixturevalue(area)
    beat = partition_beats(city.times, city.workload, k, city.x, city.y)
    assert_contiguous(city.times, beat, k)
    ours = beat_stats(beat, city.workload)
    naive = beat_stats(square_grid_beats(city.x, city.y, k), city.workload)
    assert ours.max_over_mean < 1.1 < naive.max_over_mean
    assert ours.cv < naive.cv / 4


def test_coquimbo_75_beats_are_contiguous_and_far_better_balanced_than_a_square_grid() -> None:
    city = load_city("coquimbo")
    assert city.x.size == 15_504
    beat = partition_beats(city.times, city.workload, 75, city.x, city.y)
    assert_contiguous(city.times, beat, 75)
    ours = beat_stats(beat, city.workload)
    grid_beat = square_grid_beats(city.x, city.y, 75)
    naive = beat_stats(grid_beat, city.workload)
    # the square grid over the bounding box leaves cells on the sea empty, and most of the
    # non-empty ones are in pieces on the road network
    pieces = beat_components(city.times, grid_beat)
    assert pieces.size < 75
    assert np.sum(pieces > 1) > pieces.size / 2
    assert ours.max_over_mean < 1.35 < 2.5 < naive.max_over_mean
    assert ours.cv < 0.1 < 1.0 < naive.cv
