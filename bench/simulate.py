"""Benchmark: speed of the rapid-response simulator (pingan.algo.simulate) against SimPy.

A month of **simulated** incident history (pingan.algo.synth, on the network's nodes)
is replayed against units placed at posts. The same model is written a second time
on SimPy 4 (the reference discrete-event library), run in the same process on the
same inputs; the two must give the same response times, and the ratio of their
speeds is reported. Travel times are precomputed post x node matrices (scipy
Dijkstra), the form the dispatch service hands the simulator; a second pingan run
takes them from a callable that runs one reverse Dijkstra per distinct incident node
(the no-matrix path), cached.

Run:  .venv/bin/python bench/simulate.py [--network coquimbo|grid] [--repeat 5]

``coquimbo`` (default): the car graph of data/osm/coquimbo.osm.pbf built by
pingan.city.osm and pingan.algo.graph, incidents drawn on its nodes weighted by the
population of the zone (data/zones/coquimbo_zones.geojson) they lie in.
``grid``: a synthetic 60 x 60 street grid (200 m blocks, 20-50 km/h per block, seeded).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
import simpy
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

from pingan.algo.simulate import LognormalServiceTime, simulate_response
from pingan.algo.synth import IncidentProfile, load_profile, synthesize_history
from pingan.errors import NotFound

EARTH_R = 6_371_008.8
DATA = Path(__file__).resolve().parents[1] / "data"


@dataclass
class Network:
    name: str
    forward: csr_array  # travel time in seconds
    lat: np.ndarray
    lon: np.ndarray
    weight: np.ndarray  # candidate-point weight of each node for the simulated history


def grid_network(side: int = 60, block_m: float = 200.0, seed: int = 0) -> Network:
    rng = np.random.default_rng(seed)
    idx = np.arange(side * side).reshape(side, side)
    tails, heads = [], []
    for a, b in ((idx[:, :-1], idx[:, 1:]), (idx[:-1, :], idx[1:, :])):
        tails.append(a.ravel())
        heads.append(b.ravel())
    t = np.concatenate(tails)
    h = np.concatenate(heads)
    speed_ms = rng.uniform(20.0, 50.0, t.size) / 3.6
    seconds = block_m / speed_ms
    graph = csr_array(
        (np.concatenate([seconds, seconds]), (np.concatenate([t, h]), np.concatenate([h, t]))),
        shape=(side * side, side * side),
    )
    gy, gx = np.divmod(np.arange(side * side), side)
    lat0, lon0 = -29.95, -71.34
    lat = lat0 + np.degrees(gy * block_m / EARTH_R)
    lon = lon0 + np.degrees(gx * block_m / (EARTH_R * math.cos(math.radians(lat0))))
    name = f"synthetic grid {side}x{side}, 200 m blocks, 20-50 km/h, uniform node weights"
    return Network(name, graph, lat, lon, np.ones(side * side))


def coquimbo_network() -> Network:
    """The car graph of Coquimbo-La Serena, nodes weighted by their zone's population."""
    import json

    import shapely
    from shapely.geometry import shape

    from pingan.city.osm import build_graphs, read_extract
    from pingan.config import DEFAULT_SPEEDS_KMH

    extract = read_extract(DATA / "osm" / "coquimbo.osm.pbf")
    graph = build_graphs(extract, DEFAULT_SPEEDS_KMH, ("car",))["car"].graph
    zones = json.loads((DATA / "zones" / "coquimbo_zones.geojson").read_text(encoding="utf-8"))
    polygons = [shape(f["geometry"]) for f in zones["features"]]
    population = np.array([float(f["properties"]["population"] or 0) for f in zones["features"]])
    points = shapely.points(graph.lon, graph.lat)
    tree = shapely.STRtree(polygons)
    node_idx, zone_idx = tree.query(points, predicate="within")
    nodes_in_zone = np.bincount(zone_idx, minlength=len(polygons))
    weight = np.zeros(graph.n_nodes)
    weight[node_idx] = population[zone_idx] / np.maximum(nodes_in_zone[zone_idx], 1)
    name = (
        f"Coquimbo-La Serena car graph (pingan.city.osm + algo.graph), "
        f"incidents drawn on nodes weighted by zone population ({int(population.sum()):,})"
    )
    return Network(name, graph.csr, graph.lat, graph.lon, weight)


def fallback_profile() -> IncidentProfile:
    try:
        return load_profile()
    except NotFound:
        print("note: algo/data/toronto_profile.json missing; using flat hours", file=sys.stderr)
        return IncidentProfile(
            hour_share=(1 / 24,) * 24,
            type_share={"Assault": 0.5, "Break and Enter": 0.5},
            source="flat stand-in",
        )


def simpy_replay(
    received: np.ndarray,
    nodes: np.ndarray,
    to_scene: np.ndarray,  # [node, unit]
    to_post: np.ndarray,  # [node, unit]
    service: np.ndarray,
) -> np.ndarray:
    """The same model on SimPy: returns response times per incident (input order)."""
    n_units = to_scene.shape[1]
    env = simpy.Environment(initial_time=float(received.min()))
    free = np.ones(n_units, dtype=bool)
    queue: list[int] = []
    arrived = np.full(received.size, np.nan)

    def serve(u: int, i: int) -> simpy.events.ProcessGenerator:
        travel = to_scene[nodes[i], u]
        yield env.timeout(travel)
        arrived[i] = env.now
        yield env.timeout(service[i])
        yield env.timeout(to_post[nodes[i], u])
        free[u] = True
        for k, j in enumerate(queue):
            if math.isfinite(to_scene[nodes[j], u]):
                del queue[k]
                free[u] = False
                env.process(serve(u, j))
                break

    def arrivals() -> simpy.events.ProcessGenerator:
        for i in np.argsort(received, kind="stable").tolist():
            yield env.timeout(received[i] - env.now)
            times = np.where(free, to_scene[nodes[i]], np.inf)
            u = int(np.argmin(times))
            if math.isfinite(times[u]):
                free[u] = False
                env.process(serve(u, i))
            else:
                queue.append(i)

    env.process(arrivals())
    env.run()
    return arrived - received


T = TypeVar("T")


def best_of(fn: Callable[[], T], repeat: int) -> tuple[float, T]:
    """Fastest wall time in seconds over ``repeat`` runs, and the last result."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def run_case(
    net: Network,
    reverse: csr_array,
    profile: IncidentProfile,
    posts: np.ndarray,
    per_day: int,
    repeat: int,
    with_callable: bool,
) -> str:
    """One month at ``per_day`` incidents a day against units at ``posts``; a table row."""
    n_units = posts.size
    history = synthesize_history(
        net.lat,
        net.lon,
        net.weight,
        None,
        profile,
        start=date(2025, 6, 1),
        days=30,
        incidents_per_year=per_day * 365.0,
        seed=1,
    )
    unit_post = np.arange(n_units)
    t0 = time.perf_counter()
    to_scene = np.asarray(dijkstra(net.forward, indices=posts))  # [post, node]
    to_post = np.asarray(dijkstra(reverse, indices=posts))  # [post, node]: node -> post
    t_build = time.perf_counter() - t0
    service_model = LognormalServiceTime(median_s=1800.0, sigma=0.6)
    common = (history.time_s, history.point, unit_post)

    t_matrix, result = best_of(
        lambda: simulate_response(*common, to_scene, service_model, return_time_s=to_post, seed=7),
        repeat,
    )
    if with_callable:
        t_callable, result_c = best_of(
            lambda: simulate_response(
                *common,
                lambda node: dijkstra(reverse, indices=node)[posts],
                service_model,
                return_time_s=lambda node: dijkstra(net.forward, indices=node)[posts],
                seed=7,
            ),
            1,
        )
        callable_rate = f"{len(history) / t_callable:,.0f}"
        same_callable = np.allclose(
            result.response_s, result_c.response_s, atol=1e-6, equal_nan=True
        )
    else:
        callable_rate, same_callable = "not run", True
    service = np.asarray(result.service_s)
    scene_by_node = np.ascontiguousarray(to_scene.T)
    post_by_node = np.ascontiguousarray(to_post.T)
    t_simpy, simpy_response = best_of(
        lambda: simpy_replay(history.time_s, history.point, scene_by_node, post_by_node, service),
        repeat,
    )
    n = len(history)
    same = bool(
        np.allclose(result.response_s, simpy_response, rtol=0, atol=1e-6, equal_nan=True)
        and same_callable
    )
    f = result.figures
    shares = "/".join(f"{s:.2f}" for s in f.share_within)
    utilisation = statistics.fmean(result.utilisation.tolist())
    return (
        f"| {n} | {n_units} | {t_build:.2f} | {n / t_matrix:,.0f} | {callable_rate} | "
        f"{n / t_simpy:,.0f} | {t_simpy / t_matrix:.2f} | {same} | "
        f"{f.median_s:.0f} / {f.p90_s:.0f} | {shares} | {result.queued} | {utilisation:.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--network", choices=("grid", "coquimbo"), default="coquimbo")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    net = coquimbo_network() if args.network == "coquimbo" else grid_network()
    rng = np.random.default_rng(42)
    profile = fallback_profile()
    reverse = net.forward.T.tocsr()

    print(f"network: {net.name}: {net.lat.size} nodes, {net.forward.nnz} edges")
    print(f"profile: {profile.source}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores")
    print(f"python {platform.python_version()}, numpy {np.__version__}, simpy {simpy.__version__}")
    print()
    print(
        "| incidents in 30 days | units | matrix build s | pingan (matrix) inc/s "
        "| pingan (callable) inc/s "
        "| SimPy inc/s | pingan / SimPy | same responses | median / p90 response s "
        "| share <= 60/180/300 s | queued | mean utilisation |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for per_day, n_units, with_callable in ((100, 10, True), (300, 16, False), (1000, 60, False)):
        posts = rng.choice(net.lat.size, size=n_units, replace=False)
        row = run_case(net, reverse, profile, posts, per_day, args.repeat, with_callable)
        print(row, flush=True)


if __name__ == "__main__":
    main()
