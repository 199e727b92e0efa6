"""Benchmark: pingan.algo.coverage against spopt's MCLP (PuLP/CBC) on real road networks.

Run: ``.venv/bin/python bench/coverage.py [--quick]``

1. Helsinki (all car-graph nodes as demand and candidates) and a Coquimbo subset that spopt
   can still build, 180 s radius, K = 10, 25, 75: spopt ``MCLP.from_cost_matrix`` solved with
   ``pulp.PULP_CBC_CMD`` against ``solve_coverage(method="auto")``; coverage and time ratio.
2. pingan alone on all of Coquimbo: every node a candidate and a demand point, tiers 60/180/300 s
   (weights 1, 1, 1), K = 75, time limit 60 s.

Demand: the population of ``data/zones/coquimbo_zones.geojson`` spread evenly over the graph
nodes inside each zone (nodes outside every zone weigh 0); uniform on Helsinki.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parents[1]
# This script's directory would shadow the ``coverage`` package that numba (under spopt) imports.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT / "src"))

from pingan.algo.coverage import CoverageInstance, coverage_pairs, solve_coverage  # noqa: E402
from pingan.algo.graph import build_graph  # noqa: E402
from pingan.city.osm import read_extract  # noqa: E402
from pingan.config import DEFAULT_SPEEDS_KMH  # noqa: E402


def load_graph(name: str):  # type: ignore[no-untyped-def]
    extract = read_extract(ROOT / "data" / "osm" / f"{name}.osm.pbf")
    return build_graph(**extract.graph_inputs(), mode="car", speeds_kmh=DEFAULT_SPEEDS_KMH).graph


def zone_population(graph) -> np.ndarray:  # type: ignore[no-untyped-def]
    import shapely
    from shapely.geometry import shape

    zones = json.loads((ROOT / "data" / "zones" / "coquimbo_zones.geojson").read_text())
    points = shapely.points(graph.lon, graph.lat)
    weight = np.zeros(graph.n_nodes)
    for feature in zones["features"]:
        polygon = shape(feature["geometry"])
        inside = np.flatnonzero(shapely.contains(polygon, points))
        population = feature["properties"].get("population") or 0.0
        if inside.size:
            weight[inside] += population / inside.size
    return weight


def run_spopt(times: sp.csr_matrix, weight: np.ndarray, radius_s: float, k: int):  # type: ignore[no-untyped-def]
    import pulp
    from spopt.locate import MCLP

    started = time.perf_counter()
    dense = np.full(times.shape, radius_s * 10.0)
    coo = times.tocoo()
    dense[coo.row, coo.col] = coo.data
    model = MCLP.from_cost_matrix(dense, weight, service_radius=radius_s, p_facilities=k)
    model = model.solve(pulp.PULP_CBC_CMD(msg=False))
    seconds = time.perf_counter() - started
    posts = [j for j, var in enumerate(model.fac_vars) if var.value() and var.value() > 0.5]
    return posts, seconds


def compare(label: str, times: sp.csr_matrix, weight: np.ndarray, ks: list[int]) -> list[str]:
    rows = []
    radius = 180.0
    for k in ks:
        posts, spopt_s = run_spopt(times, weight, radius, k)
        inst = CoverageInstance.from_travel_times(
            times, weight, radii_s=(radius,), tier_weights=(1.0,)
        )
        spopt_share = inst.evaluate(posts) / weight.sum()
        result = solve_coverage(
            times,
            weight,
            k,
            radii_s=(radius,),
            tier_weights=(1.0,),
            method="auto",
            time_limit_s=60.0,
        )
        share = result.coverage_share[radius]
        rows.append(
            f"| {label} | {k} | {spopt_share:.4%} | {spopt_s:.2f} | {share:.4%} | "
            f"{result.seconds:.2f} | {result.gap:.3%} ({result.status}) | "
            f"{spopt_s / result.seconds:.1f}× |"
        )
        print(rows[-1], flush=True)
        print("   ", {key: round(v, 2) for key, v in result.details.items()}, flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="Helsinki only")
    parser.add_argument(
        "--hard", action="store_true", help="only the Coquimbo 4000×1500 subset at K = 10, 25"
    )
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    out: list[str] = [
        "| instance | K | spopt coverage | spopt s | pingan coverage | pingan s | pingan gap "
        "| speed-up |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    if not args.hard:
        helsinki = load_graph("Helsinki")
        nodes = np.arange(helsinki.n_nodes)
        times = coverage_pairs(helsinki, nodes, nodes, 180.0)
        label = f"Helsinki {helsinki.n_nodes}×{helsinki.n_nodes}"
        out += compare(label, times, np.ones(helsinki.n_nodes), [10, 25, 75])
    if not args.quick:
        coquimbo = load_graph("coquimbo")
        weight = zone_population(coquimbo)
        rng = np.random.default_rng(42)
        demand = np.sort(rng.choice(coquimbo.n_nodes, 4000, replace=False))
        cands = np.sort(rng.choice(coquimbo.n_nodes, 1500, replace=False))
        times = coverage_pairs(coquimbo, demand, cands, 180.0)
        label = f"Coquimbo {demand.size}×{cands.size} ({times.nnz:,} pairs)"
        out += compare(label, times, weight[demand], [10, 25] if args.hard else [10, 25, 75])
        print("\n".join(out), flush=True)
    if not args.quick and not args.hard:
        nodes = np.arange(coquimbo.n_nodes)
        started = time.perf_counter()
        times = coverage_pairs(coquimbo, nodes, nodes, 300.0)
        pairs_s = time.perf_counter() - started
        started = time.perf_counter()
        inst = CoverageInstance.from_travel_times(times, weight)
        inst_s = time.perf_counter() - started
        result = solve_coverage(inst, None, 75, method="auto", time_limit_s=60.0)
        shares = ", ".join(f"{int(r)} s {s:.2%}" for r, s in result.coverage_share.items())
        out += [
            "",
            f"Full Coquimbo: {coquimbo.n_nodes:,} demand × {coquimbo.n_nodes:,} candidates, "
            f"{times.nnz:,} pairs within 300 s (search {pairs_s:.1f} s, instance {inst_s:.1f} s); "
            f"K = 75, tiers 60/180/300 s weights 1/1/1, population demand: coverage {shares}; "
            f"objective {result.objective:.1f}, bound {result.bound:.1f}, gap {result.gap:.3%}, "
            f"status {result.status}, solve {result.seconds:.1f} s "
            f"(greedy+swap {result.details.get('heuristic_seconds', 0):.1f} s, "
            f"bound {result.details.get('bound_seconds', 0):.1f} s).",
        ]
    print("\n".join(out))


if __name__ == "__main__":
    main()
