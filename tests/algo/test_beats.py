"""Tests of pingan.algo.beats on a hand-made grid and on the real Helsinki network."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from pingan.algo.beats import (
    beat_outlines,
    beat_stats,
    node_workload,
    partition_beats,
    square_grid_beats,
)

DATA = Path(__file__).resolve().parents[2] / "data" / "osm"


def assert_contiguous(adjacency: sp.spmatrix, beat: np.ndarray, k: int) -> None:
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


@pytest.mark.slow
def test_helsinki_beats_are_contiguous_and_better_balanced_than_a_square_grid() -> None:
    from pingan.algo.graph import build_graph
    from pingan.city.osm import read_extract
    from pingan.config import DEFAULT_SPEEDS_KMH

    extract = read_extract(DATA / "Helsinki.osm.pbf")
    graph = build_graph(**extract.graph_inputs(), mode="car", speeds_kmh=DEFAULT_SPEEDS_KMH).graph
    n = graph.n_nodes
    tail = np.repeat(np.arange(n), np.diff(graph.indptr))
    times = sp.csr_matrix((graph.time_s, (tail, graph.head)), shape=(n, n))
    lengths = sp.csr_matrix((graph.length_m, (tail, graph.head)), shape=(n, n))
    rng = np.random.default_rng(42)
    workload = node_workload(lengths, rng.poisson(0.5, n), per_km=2.0)
    k = 6
    beat = partition_beats(times, workload, k, graph.x, graph.y)
    assert_contiguous(times + times.T, beat, k)
    ours = beat_stats(beat, workload)
    naive = beat_stats(square_grid_beats(graph.x, graph.y, k), workload)
    assert ours.cv < naive.cv
    assert ours.max_over_mean < naive.max_over_mean
    assert ours.max_over_mean < 1.2
