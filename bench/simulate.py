"""Benchmark: speed of the rapid-response simulator (pingan.algo.simulate) against SimPy.

A month of **simulated** incident history (pingan.algo.synth, on the network's nodes)
is replayed against units placed at posts. The same model is written a second time
on SimPy 4 (the reference discrete-event library), run in the same process on the
same inputs; the two must give the same response times, and the ratio of their
speeds is reported. Travel times are precomputed post x node matrices (scipy
Dijkstra), the form the dispatch service hands the simulator; a second pingan run
takes them from a callable that runs one reverse Dijkstra per distinct incident node
(the no-matrix path), cached.

Run:  .venv/bin/python bench/simulate.py [--network grid|coquimbo] [--repeat 5]

``grid``: a synthetic 60 x 60 street grid (200 m blocks, 20-50 km/h per block, seeded).
``coquimbo``: the car graph of data/osm/coquimbo.osm.pbf built by pingan.city.osm
(needs that module).
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


@dataclass
class Network:
    name: str
    forward: csr_array  # travel time in seconds
    lat: np.ndarray
    lon: np.ndarray


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
    return Network(f"synthetic grid {side}x{side}, 200 m blocks", graph, lat, lon)


def coquimbo_network() -> Network:  # pragma: no cover - depends on pingan.city.osm
    from pingan.city import osm

    graph = osm.build_graphs_from_pbf("data/osm/coquimbo.osm.pbf", modes=("car",))["car"]
    forward = csr_array(
        (graph.time_s, graph.head, graph.indptr), shape=(graph.n_nodes, graph.n_nodes)
    )
    return Network("Coquimbo-La Serena car graph", forward, graph.lat, graph.lon)


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
) -> str:
    """One month at ``per_day`` incidents a day against units at ``posts``; a table row."""
    n_nodes = net.lat.size
    n_units = posts.size
    history = synthesize_history(
        net.lat,
        net.lon,
        np.ones(n_nodes),
        None,
        profile,
        start=date(2025, 6, 1),
        days=30,
        incidents_per_year=per_day * 365.0,
        seed=1,
    )
    unit_post = np.arange(n_units)
    to_scene = np.asarray(dijkstra(net.forward, indices=posts))  # [post, node]
    to_post = np.asarray(dijkstra(reverse, indices=posts))  # [post, node]: node -> post
    service_model = LognormalServiceTime(median_s=1800.0, sigma=0.6)
    common = (history.time_s, history.point, unit_post)

    t_matrix, result = best_of(
        lambda: simulate_response(*common, to_scene, service_model, return_time_s=to_post, seed=7),
        repeat,
    )
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
        and np.allclose(result.response_s, result_c.response_s, atol=1e-6, equal_nan=True)
    )
    f = result.figures
    shares = "/".join(f"{s:.2f}" for s in f.share_within)
    utilisation = statistics.fmean(result.utilisation.tolist())
    return (
        f"| {n} | {n_units} | {n / t_matrix:,.0f} | {n / t_callable:,.0f} | "
        f"{n / t_simpy:,.0f} | {t_simpy / t_matrix:.2f} | {same} | "
        f"{f.median_s:.0f} / {f.p90_s:.0f} | {shares} | {result.queued} | {utilisation:.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--network", choices=("grid", "coquimbo"), default="grid")
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
        "| incidents in 30 days | units | pingan (matrix) inc/s | pingan (callable) inc/s "
        "| SimPy inc/s | pingan / SimPy | same responses | median / p90 response s "
        "| share <= 60/180/300 s | queued | mean utilisation |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for per_day, n_units in ((100, 10), (1000, 60)):
        posts = rng.choice(net.lat.size, size=n_units, replace=False)
        print(run_case(net, reverse, profile, posts, per_day, args.repeat), flush=True)


if __name__ == "__main__":
    main()
