"""Routing benchmark on the Coquimbo car network (issue 3).

Run: ``.venv/bin/python bench/routing.py``

Contenders on the same graph, in the same process:

* pingan (``pingan.algo.routing``: scipy.sparse.csgraph Dijkstra on CSR arrays);
* networkx (``DiGraph`` built from the same edges, weight ``time_s``);
* igraph (same edges, ``distances`` with weights; it has no cut-off, so in (a) it
  computes full one-to-all rows).

Times are CPU seconds of this process (``time.process_time``; all contenders are
single-threaded). Tasks: (a) one-to-all with a 300 s cut-off from 200 random nodes; (b) nearest of
200 units for 1,000 random incident points; (c) a 200 × all-nodes matrix. Times are
the best of ``REPEATS`` runs (one run for networkx in (c), which takes ~10 s). Every
pingan travel time is checked against networkx's within 1e-6 s.
"""

from __future__ import annotations

import platform
import statistics
import sys
import time
from pathlib import Path

import igraph as ig
import networkx as nx
import numpy as np

import dijkstra_numba
from pingan.algo.contraction import chains_of
from pingan.algo.routing import nearest_source, shortest_times, snap
from pingan.city.osm import build_graphs, read_extract
from pingan.config import DEFAULT_SPEEDS_KMH

ROOT = Path(__file__).resolve().parents[1]
PBF = ROOT / "data" / "osm" / "coquimbo.osm.pbf"
N_SOURCES = 200
N_UNITS = 200
N_INCIDENTS = 1000
CUTOFF_S = 300.0
REPEATS = 3
TOL_S = 1e-6
#: CPU time of this process: the 2-core machine is shared with other jobs, and every
#: contender here runs on one thread, so CPU time is the fair and stable measure.
CLOCK = time.process_time


def best_of(fn, repeats=REPEATS):
    best = float("inf")
    result = None
    for _ in range(repeats):
        t0 = CLOCK()
        result = fn()
        best = min(best, CLOCK() - t0)
    return best, result


def check_rows(ours: np.ndarray, theirs: list[dict[int, float]]) -> float:
    """Largest |difference| between our rows and networkx's dicts; asserts equal reach."""
    worst = 0.0
    for row, ref in zip(ours, theirs, strict=True):
        finite = np.flatnonzero(np.isfinite(row))
        assert set(finite.tolist()) == set(ref), "reached node sets differ"
        keys = np.fromiter(ref.keys(), dtype=np.int64)
        vals = np.fromiter(ref.values(), dtype=np.float64)
        worst = max(worst, float(np.max(np.abs(row[keys] - vals))))
    assert worst <= TOL_S, worst
    return worst


def main() -> None:
    t0 = CLOCK()
    extract = read_extract(PBF)
    t_read = CLOCK() - t0
    t0 = CLOCK()
    graph = build_graphs(extract, DEFAULT_SPEEDS_KMH, ("car",))["car"].graph
    t_build = CLOCK() - t0
    n = graph.n_nodes
    tail = graph.tail
    print(
        f"coquimbo car graph: {n} nodes, {graph.n_edges} edges "
        f"(read {t_read:.2f} s, build {t_build:.2f} s)"
    )

    G = nx.DiGraph()
    G.add_nodes_from(range(n))
    G.add_weighted_edges_from(
        zip(tail.tolist(), graph.head.tolist(), graph.time_s.tolist(), strict=True),
        weight="time_s",
    )
    H = ig.Graph(n=n, edges=np.column_stack([tail, graph.head]).tolist(), directed=True)
    H.es["time_s"] = graph.time_s.tolist()

    rng = np.random.default_rng(42)
    sources = rng.choice(n, size=N_SOURCES, replace=False)
    graph.csr  # noqa: B018  (build the cached CSR matrix outside the timings)
    graph.kdtree  # noqa: B018
    rows: list[tuple[str, float, float, float | None]] = []

    # (a) one-to-all with a 300 s cut-off.
    t_ours, ours = best_of(lambda: shortest_times(graph, sources, CUTOFF_S))
    t_nx, ref = best_of(
        lambda: [
            nx.single_source_dijkstra_path_length(G, int(s), cutoff=CUTOFF_S, weight="time_s")
            for s in sources
        ]
    )
    err_a = check_rows(ours, ref)
    kernel_rows: list[tuple[str, float, float, float]] = []
    if dijkstra_numba.available():
        t0 = time.perf_counter()
        dijkstra_numba.warm()
        print(f"numba kernel compiled in {time.perf_counter() - t0:.2f} s (once per process)")
        csr = graph.csr
        t_k, k_rows = best_of(
            lambda: dijkstra_numba.rows(csr.indptr, csr.indices, csr.data, sources, CUTOFF_S)
        )
        assert np.array_equal(k_rows, ours)  # the same floats as scipy, so as networkx's
        kernel_rows.append(("(a) one-to-all, 300 s cut-off, 200 sources", t_k, t_ours, t_nx))
        one = [np.asarray([s]) for s in sources]
        t_k1, _ = best_of(
            lambda: [
                dijkstra_numba.rows(csr.indptr, csr.indices, csr.data, s, CUTOFF_S) for s in one
            ]
        )
        t_s1, _ = best_of(lambda: [shortest_times(graph, s, CUTOFF_S) for s in one])
        kernel_rows.append(("(a') the same, one call per source", t_k1, t_s1, t_nx))
    t_ig, _ = best_of(lambda: H.distances(source=sources.tolist(), weights="time_s", mode="out"), 1)
    reached = float(np.isfinite(ours).sum(axis=1).mean())
    rows.append(("(a) one-to-all, 300 s cut-off, 200 sources", t_ours, t_nx, t_ig))
    print(
        f"(a) mean nodes within {CUTOFF_S:.0f} s: {reached:.0f}; max |Δ| vs networkx {err_a:.1e} s"
    )

    # (b) nearest of 200 units for 1,000 incident points.
    units = rng.choice(n, size=N_UNITS, replace=False)
    pick = rng.choice(n, size=N_INCIDENTS)
    # Incident points: random nodes moved by up to ±100 m.
    lat = graph.lat[pick] + rng.uniform(-1, 1, N_INCIDENTS) * 100 / 111_000
    lon = graph.lon[pick] + rng.uniform(-1, 1, N_INCIDENTS) * 100 / (
        111_000 * np.cos(np.radians(graph.lat[pick]))
    )
    t_multi, nearest = best_of(lambda: nearest_source(graph, units))
    per_incident = []
    answers = []
    for i in range(N_INCIDENTS):
        t0 = CLOCK()
        node = int(snap(graph, lat[i], lon[i]).node[0])
        answers.append((node, int(nearest.source_index[node]), float(nearest.time_s[node])))
        per_incident.append(CLOCK() - t0)
    t_batch, _ = best_of(lambda: snap(graph, lat, lon))
    median_ms = statistics.median(per_incident) * 1e3
    t_nx_multi, nx_dist = best_of(
        lambda: nx.multi_source_dijkstra_path_length(G, set(units.tolist()), weight="time_s")
    )
    t_ig_multi, ig_dist = best_of(
        lambda: np.asarray(H.distances(source=units.tolist(), weights="time_s", mode="out")), 1
    )
    err_b = 0.0
    for node, unit_pos, tt in answers:
        assert abs(nx_dist[node] - tt) <= TOL_S
        assert abs(ig_dist[:, node].min() - tt) <= TOL_S
        assert abs(ig_dist[unit_pos, node] - tt) <= TOL_S  # that unit is a nearest one
        err_b = max(err_b, abs(nx_dist[node] - tt))
    t_ours_b = t_multi + t_batch
    rows.append(
        (
            "(b) nearest of 200 units, 1,000 incidents (search + snap)",
            t_ours_b,
            t_nx_multi,
            t_ig_multi,
        )
    )
    print(
        f"(b) one multi-source search {t_multi * 1e3:.2f} ms; per incident (snap one point + "
        f"lookup) median {median_ms:.3f} ms, p95 "
        f"{np.percentile(per_incident, 95) * 1e3:.3f} ms; 1,000 snapped at once "
        f"{t_batch * 1e3:.2f} ms; amortised {(t_ours_b / N_INCIDENTS) * 1e3:.4f} ms/incident; "
        f"max |Δ| vs networkx {err_b:.1e} s"
    )

    # (c) 200 × all-nodes matrix (batches without a cut-off search the graph with its
    # chain nodes contracted; building that contraction is a one-off per loaded graph).
    t0 = CLOCK()
    chains = chains_of(graph)
    t_chains = CLOCK() - t0
    assert chains is not None
    print(
        f"(c) contraction: {chains.core.size} core nodes of {n}, built once in "
        f"{t_chains * 1e3:.1f} ms"
    )
    t_ours_c, matrix = best_of(lambda: shortest_times(graph, sources))
    t0 = CLOCK()
    ref_c = [nx.single_source_dijkstra_path_length(G, int(s), weight="time_s") for s in sources]
    t_nx_c = CLOCK() - t0
    err_c = check_rows(matrix, ref_c)
    t_ig_c, ig_matrix = best_of(
        lambda: np.asarray(H.distances(source=sources.tolist(), weights="time_s", mode="out"))
    )
    assert np.allclose(ig_matrix, matrix, rtol=0, atol=TOL_S)
    rows.append(("(c) 200 × all-nodes matrix", t_ours_c, t_nx_c, t_ig_c))
    if dijkstra_numba.available():
        csr = graph.csr
        t_kc, k_matrix = best_of(
            lambda: dijkstra_numba.rows(csr.indptr, csr.indices, csr.data, sources, np.inf)
        )
        assert np.allclose(k_matrix, matrix, rtol=0, atol=TOL_S)
        kernel_rows.append(
            ("(c) 200 × all-nodes matrix (kernel: no contraction)", t_kc, t_ours_c, t_nx_c)
        )
    print(f"(c) max |Δ| vs networkx {err_c:.1e} s")

    print()
    print(
        f"machine: {platform.processor() or platform.machine()}, "
        f"Python {sys.version.split()[0]}, numpy {np.__version__}, networkx {nx.__version__}, "
        f"igraph {ig.__version__}"
    )
    print("| task | pingan | networkx | igraph | networkx / pingan | igraph / pingan |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, ours_s, nx_s, ig_s in rows:
        ig_txt = f"{ig_s * 1e3:.1f} ms" if ig_s is not None else "—"
        ig_ratio = f"{ig_s / ours_s:.1f}×" if ig_s is not None else "—"
        print(
            f"| {name} | {ours_s * 1e3:.1f} ms | {nx_s * 1e3:.1f} ms | {ig_txt} | "
            f"{nx_s / ours_s:.1f}× | {ig_ratio} |"
        )
    print(f"(b) median per incident: {median_ms:.3f} ms (goal ≤ 1 ms)")
    if kernel_rows:
        print()
        print(f"numba {dijkstra_numba.numba.__version__} kernel (bench/dijkstra_numba.py):")
        print(
            "| task | numba kernel | pingan (scipy) | networkx "
            "| scipy / kernel | networkx / kernel |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for name, k_s, ours_s, nx_s in kernel_rows:
            print(
                f"| {name} | {k_s * 1e3:.1f} ms | {ours_s * 1e3:.1f} ms | {nx_s * 1e3:.1f} ms | "
                f"{ours_s / k_s:.2f}× | {nx_s / k_s:.1f}× |"
            )


if __name__ == "__main__":
    main()
