"""Beats (网格化巡逻): pingan's contiguous balanced beats against a naive square grid.

One process, the same workload for both: per node, half its share of incidents and half its
share of road km (as patrol plans weigh it). The incidents are **simulated** (twelve Gaussian
hot spots of 150 m over a thin background, Poisson-drawn, seed 42): a demonstration of the
spread, not an evaluation. Car graphs of the bundled Helsinki extract and of Coquimbo–La
Serena; K = 10, 25, 75.

The square grid has about K equal cells over the bounding box; empty cells are dropped, so it
may have fewer than K beats, and its cells need not be connected on the road network (the
table counts them). Both are compared by the spread of workload over their own non-empty
beats: max/mean and the coefficient of variation (CV).

    .venv/bin/python bench/beats.py
"""

from __future__ import annotations

import os
import platform
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from pingan.algo.beats import (
    beat_components,
    beat_stats,
    node_workload,
    partition_beats,
    square_grid_beats,
)
from pingan.algo.graph import build_graph
from pingan.city.osm import read_extract
from pingan.config import DEFAULT_SPEEDS_KMH

DATA = Path(__file__).resolve().parents[1] / "data" / "osm"
CITIES = (("Helsinki", "Helsinki.osm.pbf"), ("Coquimbo", "coquimbo.osm.pbf"))
KS = (10, 25, 75)


def load(file: str) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray, np.ndarray]:
    extract = read_extract(DATA / file)
    graph = build_graph(**extract.graph_inputs(), mode="car", speeds_kmh=DEFAULT_SPEEDS_KMH).graph
    n = graph.n_nodes
    tail = np.repeat(np.arange(n), np.diff(graph.indptr))
    times = sp.csr_matrix((graph.time_s, (tail, graph.head)), shape=(n, n))
    lengths = sp.csr_matrix((graph.length_m, (tail, graph.head)), shape=(n, n))
    rng = np.random.default_rng(42)
    rate = np.full(n, 0.05)
    for hot in rng.choice(n, 12, replace=False):
        d2 = (graph.x - graph.x[hot]) ** 2 + (graph.y - graph.y[hot]) ** 2
        rate += rng.uniform(0.5, 3.0) * np.exp(-d2 / (2 * 150.0**2))
    incidents = rng.poisson(rate).astype(float)
    km = node_workload(lengths, np.zeros(n), per_km=1.0)
    workload = 0.5 * km / km.sum() + 0.5 * incidents / incidents.sum()
    return times, workload, graph.x, graph.y


def main() -> None:
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    header = (
        "| city (nodes) | K | pingan max/mean | pingan CV | pingan s | grid cells "
        "(disconnected) | grid max/mean | grid CV | ratio max/mean | ratio CV |"
    )
    print(header)
    print("| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |")
    for name, file in CITIES:
        times, workload, x, y = load(file)
        n = x.size
        for k in KS:
            started = time.perf_counter()
            beat = partition_beats(times, workload, k, x, y)
            seconds = time.perf_counter() - started
            pieces = beat_components(times, beat)
            assert pieces.size == k, "a beat is empty"
            assert np.all(pieces == 1), "a beat is not contiguous"
            ours = beat_stats(beat, workload)
            grid = square_grid_beats(x, y, k)
            grid_pieces = beat_components(times, grid)
            naive = beat_stats(grid, workload)
            print(
                f"| {name} ({n:,}) | {k} | {ours.max_over_mean:.3f} | {ours.cv:.3f} | "
                f"{seconds:.2f} | {grid_pieces.size} ({int(np.sum(grid_pieces > 1))}) | "
                f"{naive.max_over_mean:.3f} | {naive.cv:.3f} | "
                f"{naive.max_over_mean / ours.max_over_mean:.2f} | "
                f"{naive.cv / ours.cv if ours.cv > 0 else float('inf'):.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
