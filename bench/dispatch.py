"""Benchmark: recommendation latency through the running API, against networkx Dijkstra.

Setup (SQLite, a fresh data folder): the demo tree and accounts, the Coquimbo–La Serena
city (data/osm/coquimbo.osm.pbf), **500 units** (the 53 demo units of Coquimbo plus 447
more of every kind, posts spread over the city by population) and **10,000 simulated
incidents** (the demo's simulated history, pingan.algo.synth, with simulated
assignments). Then ``uvicorn pingan.web.main:build --factory --workers 1`` runs in a
subprocess and this process (another process) sends ``GET
/api/v1/incidents/{id}/recommendation`` one at a time over a kept-alive connection
(httpx), for incidents drawn at random, as the demo admin. Reported: median, p90, p99
and max wall-clock latency per request; the same through ``recommend.recommend`` in
this process (no HTTP); and the baseline.

Baseline (same run, same inputs): what a straightforward implementation does — for
each unit, a networkx single-source Dijkstra from the unit's node on its mode's graph
(``nx.single_source_dijkstra`` with the incident's node as target, so it stops there,
and the same 1800 s limit), then sort. Its node-to-node times are checked against
pingan's. Ratio = baseline time per recommendation / pingan's.

Run:  .venv/bin/python bench/dispatch.py [--requests 1000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import httpx
import networkx as nx
import numpy as np

REPO = Path(__file__).resolve().parents[1]
N_UNITS = 500
N_INCIDENTS = 10_000
PASSWORD = "bench-demo-password-123"
SECRET = "bench-secret-key-0123456789abcdef"
EXTRA_KINDS = (
    ("patrol_car", 0.40),
    ("ebike_patrol", 0.20),
    ("foot_patrol", 0.15),
    ("key_unit_post", 0.10),
    ("volunteer_team", 0.10),
    ("special_police", 0.05),
)


def settings_for(data_dir: Path):  # type: ignore[no-untyped-def]
    from pingan.config import Settings

    return Settings(data_dir=data_dir, demo_mode=True, demo_password=PASSWORD, secret_key=SECRET)


def build(data_dir: Path) -> None:
    """Migrate and load the city, 500 units and 10,000 simulated incidents."""
    from pingan import demo
    from pingan.city import service as cities
    from pingan.db import make_engine, make_session_factory, unit_of_work, utcnow
    from pingan.demo import history as demo_history
    from pingan.demo import seed_accounts
    from pingan.demo import units as demo_units
    from pingan.incidents import simulated
    from pingan.migrations import upgrade
    from pingan.units import service as units
    from pingan.units.models import UnitKind
    from pingan.units.schemas import UnitCreate

    settings = settings_for(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.effective_database_url)
    factory = make_session_factory(make_engine(settings.effective_database_url))
    quiet = lambda *_: None  # noqa: E731
    t0 = time.perf_counter()
    with unit_of_work(factory) as db_session:
        seed_accounts(db_session, settings, quiet)
        cities.import_city(
            db_session,
            settings,
            REPO / "data" / "osm" / "coquimbo.osm.pbf",
            "coquimbo",
            jurisdiction_code="demo-bureau",
        )
    with unit_of_work(factory) as db_session:
        demo.seed_units(db_session, settings, quiet, city_names=["coquimbo"])
    with unit_of_work(factory) as db_session:
        principal = demo.operator(db_session)
        city = cities.get_city(db_session, "coquimbo")
        ground = demo_units.area_ground(settings, city, "")
        have = len(units.units_in_city(db_session, "coquimbo"))
        missing = N_UNITS - have
        made = 0
        for index, (kind, share) in enumerate(EXTRA_KINDS):
            count = round(missing * share) if index < len(EXTRA_KINDS) - 1 else missing - made
            for n, (lat, lon) in enumerate(demo_units.spread_points(ground, count, 500 + index), 1):
                units.create_unit(
                    db_session,
                    principal,
                    UnitCreate(
                        callsign=f"BX-{kind[:2].upper()}{n:03d}",
                        kind=UnitKind(kind),
                        station_code="demo-bureau",
                        city="coquimbo",
                        post_lat=lat,
                        post_lon=lon,
                    ),
                )
            made += count
    with unit_of_work(factory) as db_session:
        city = cities.get_city(db_session, "coquimbo")
        now = utcnow()
        records = demo_history.simulated_records(
            db_session, settings, city, incidents_per_year=N_INCIDENTS * 1.1, now=now
        )
        if len(records) < N_INCIDENTS:
            raise SystemExit(f"only {len(records)} simulated incidents; raise the rate")
        records = records[-N_INCIDENTS:]
        ids = simulated.add_simulated_history(db_session, "coquimbo", records)
        demo_history.simulate_assignments(db_session, settings, city, records, ids, now=now)
    print(f"setup: {time.perf_counter() - t0:.1f} s", file=sys.stderr)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, int(np.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def summary(ms: list[float]) -> str:
    return (
        f"{statistics.median(ms):.2f} | {percentile(ms, 90):.2f} | "
        f"{percentile(ms, 99):.2f} | {max(ms):.2f}"
    )


def refresh_positions(client: httpx.Client, headers: dict[str, str]) -> None:
    """One AVL batch: every unit reports where it stands now (positions go stale after
    ten minutes, and stale units are listed but not ranked)."""
    listed = client.get("/api/v1/units", params={"city": "coquimbo"}, headers=headers)
    listed.raise_for_status()
    positions = [
        {"unit_id": u["id"], "lat": u["lat"], "lon": u["lon"]}
        for u in listed.json()
        if u["lat"] is not None
    ]
    response = client.post(
        "/api/v1/units/positions", json={"positions": positions}, headers=headers
    )
    response.raise_for_status()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def build_reference():  # type: ignore[no-untyped-def]
    """The app with the recommendation route as it was before issue 19 (the reference):
    synchronous dependencies for the session, the caller and the settings, the answer
    validated and serialised by FastAPI's ``response_model``."""
    from typing import Any

    from pingan.dispatch import recommend as recommendation
    from pingan.dispatch.schemas import Recommendation
    from pingan.web.deps import PrincipalDep, SessionDep, SettingsDep
    from pingan.web.main import build as build_app

    app = build_app()
    path = "/api/v1/incidents/{incident_id}/recommendation"
    app.router.routes[:] = [r for r in app.router.routes if getattr(r, "path", None) != path]

    @app.get(path, response_model=Recommendation)
    def recommend(
        incident_id: int, caller: PrincipalDep, db_session: SessionDep, settings: SettingsDep
    ) -> dict[str, Any]:
        return recommendation.recommend(db_session, settings, caller, incident_id)

    return app


def through_api(
    data_dir: Path, incident_ids: list[int], requests: int, factory: str = "pingan.web.main:build"
) -> tuple[list[float], float]:
    """Wall-clock ms per request, and the server's CPU ms per request."""
    port = free_port()
    env = {
        **os.environ,
        "PINGAN_DATA_DIR": str(data_dir),
        "PINGAN_DEMO_MODE": "1",
        "PINGAN_DEMO_PASSWORD": PASSWORD,
        "PINGAN_SECRET_KEY": SECRET,
        "PINGAN_SECURE_COOKIES": "0",
        "PYTHONPATH": os.pathsep.join(
            [str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")]
        ),
    }
    env.pop("PINGAN_DATABASE_URL", None)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            factory,
            "--factory",
            "--workers",
            "1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=30.0) as client:
            for _ in range(300):
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
            token = client.post(
                "/api/v1/auth/token", json={"username": "admin", "password": PASSWORD}
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            refresh_positions(client, headers)
            for incident_id in incident_ids[:30]:  # warm-up: graphs load, caches fill
                response = client.get(
                    f"/api/v1/incidents/{incident_id}/recommendation", headers=headers
                )
                response.raise_for_status()
            body = response.json()
            assert len(body["units"]) + len(body["ineligible"]) >= N_UNITS - 5, body.keys()
            latencies = []
            cpu_before = cpu_seconds(server.pid)
            for k in range(requests):
                incident_id = incident_ids[30 + k % (len(incident_ids) - 30)]
                t0 = time.perf_counter()
                response = client.get(
                    f"/api/v1/incidents/{incident_id}/recommendation", headers=headers
                )
                latencies.append((time.perf_counter() - t0) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{response.status_code}: {response.text[:300]}")
            server_cpu_ms = (cpu_seconds(server.pid) - cpu_before) * 1000 / requests
            ranked = len(response.json()["units"])
            if ranked < N_UNITS * 0.9:
                raise SystemExit(f"only {ranked} units ranked: positions went stale?")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return latencies, server_cpu_ms


def in_process(data_dir: Path, incident_ids: list[int]) -> tuple[list[float], float]:
    """Wall-clock ms per ``recommend.recommend`` call (no HTTP), and CPU ms per call."""
    from pingan import demo
    from pingan.db import make_engine, make_session_factory, unit_of_work
    from pingan.dispatch import recommend
    from pingan.units import service as units
    from pingan.units.schemas import PositionBatchItem

    settings = settings_for(data_dir)
    factory = make_session_factory(make_engine(settings.effective_database_url))
    with unit_of_work(factory) as db_session:
        principal = demo.operator(db_session)
        rows = units.units_in_city(db_session, "coquimbo")
        units.report_positions(
            db_session,
            principal,
            [
                PositionBatchItem(unit_id=r.unit.id, lat=r.unit.lat, lon=r.unit.lon)
                for r in rows
                if r.unit.lat is not None and r.unit.lon is not None
            ],
        )
    timings = []
    with factory() as db_session:
        principal = demo.operator(db_session)
        recommend.recommend(db_session, settings, principal, incident_ids[0])
        db_session.rollback()
        cpu = time.process_time()
        for incident_id in incident_ids:
            t0 = time.perf_counter()
            recommend.recommend(db_session, settings, principal, incident_id)
            db_session.rollback()
            timings.append((time.perf_counter() - t0) * 1000)
        cpu_ms = (time.process_time() - cpu) * 1000 / len(incident_ids)
    return timings, cpu_ms


def networkx_baseline(data_dir: Path, incident_ids: list[int]) -> tuple[list[float], float]:
    """Per-unit networkx Dijkstra; returns ms per recommendation and the largest
    difference (s) between networkx's and pingan's node-to-node times."""
    from sqlalchemy import select

    from pingan.algo import routing
    from pingan.city import service as cities
    from pingan.db import make_engine, make_session_factory
    from pingan.dispatch.travel import SEARCH_LIMIT_S
    from pingan.incidents.models import Incident
    from pingan.units import service as units

    settings = settings_for(data_dir)
    factory = make_session_factory(make_engine(settings.effective_database_url))
    with factory() as db_session:
        city = cities.get_city(db_session, "coquimbo")
        rows = units.units_in_city(db_session, "coquimbo")
        points = {
            i: (lat, lon)
            for i, lat, lon in db_session.execute(
                select(Incident.id, Incident.lat, Incident.lon).where(Incident.id.in_(incident_ids))
            )
        }
        graphs = {m: cities.load_graph(settings, city, m) for m in ("car", "ebike", "foot")}
    nx_graphs = {}
    for mode, graph in graphs.items():
        coo = graph.csr.tocoo()
        g = nx.DiGraph()
        g.add_nodes_from(range(graph.n_nodes))
        g.add_weighted_edges_from(
            zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True)
        )
        nx_graphs[mode] = g
    unit_nodes = {}
    for mode, graph in graphs.items():
        mine = [r for r in rows if r.unit.mode.value == mode and r.unit.lat is not None]
        snapped = routing.snap(graph, [r.unit.lat for r in mine], [r.unit.lon for r in mine])
        unit_nodes[mode] = [(r.unit.id, int(n)) for r, n in zip(mine, snapped.node, strict=True)]
    timings, worst = [], 0.0
    for incident_id in incident_ids:
        lat, lon = points[incident_id]
        t0 = time.perf_counter()
        found = []
        for mode, graph in graphs.items():
            target = int(routing.snap(graph, [lat], [lon]).node[0])
            for unit_id, node in unit_nodes[mode]:
                try:
                    length, _ = nx.single_source_dijkstra(
                        nx_graphs[mode], node, target=target, cutoff=SEARCH_LIMIT_S
                    )
                except nx.NetworkXNoPath:
                    length = float("inf")
                found.append((length, unit_id))
        found.sort()
        timings.append((time.perf_counter() - t0) * 1000)
        # check against pingan on this incident (node-to-node part only)
        for mode, graph in graphs.items():
            target = int(routing.snap(graph, [lat], [lon]).node[0])
            ours = routing.times_to(graph, target, cutoff_s=SEARCH_LIMIT_S)
            for _unit_id, node in unit_nodes[mode][:40]:
                try:
                    theirs, _ = nx.single_source_dijkstra(
                        nx_graphs[mode], node, target=target, cutoff=SEARCH_LIMIT_S
                    )
                except nx.NetworkXNoPath:
                    theirs = float("inf")
                if np.isfinite(theirs) or np.isfinite(ours[node]):
                    worst = max(worst, abs(float(theirs) - float(ours[node])))
    return timings, worst


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--baseline", type=int, default=10, help="incidents for networkx")
    parser.add_argument("--keep", type=Path, help="reuse (or create) this data folder")
    args = parser.parse_args()

    data_dir = args.keep or Path(tempfile.mkdtemp(prefix="pingan-bench-dispatch-"))
    if not (data_dir / "pingan.sqlite3").exists():
        build(data_dir)
    from sqlalchemy import func, select

    from pingan.db import make_engine, make_session_factory
    from pingan.dispatch.models import Assignment
    from pingan.incidents.models import Incident
    from pingan.units.models import Unit

    factory = make_session_factory(make_engine(settings_for(data_dir).effective_database_url))
    with factory() as db_session:
        all_ids = db_session.scalars(select(Incident.id).order_by(Incident.id)).all()
        n_units = db_session.scalar(select(func.count(Unit.id)))
        n_assign = db_session.scalar(select(func.count(Assignment.id)))
    rng = np.random.default_rng(42)
    # distinct incidents for every request, so nothing is answered from a cache
    sample = [int(i) for i in rng.choice(all_ids, size=args.requests + 30, replace=False)]

    load = os.getloadavg()
    api_ms, server_cpu_ms = through_api(data_dir, sample, args.requests)
    ref_ms, ref_cpu_ms = through_api(data_dir, sample, args.requests, "dispatch:build_reference")
    service_ms, service_cpu_ms = in_process(data_dir, sample[:300])
    base_ms, worst = networkx_baseline(data_dir, sample[: args.baseline])
    load_after = os.getloadavg()

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, ", end="")
    print(f"python {platform.python_version()}, networkx {nx.__version__}")
    print(f"load average before/after: {load[0]:.1f} / {load_after[0]:.1f}")
    print(f"data: {n_units} units, {len(all_ids)} incidents (simulated), {n_assign} assignments")
    print()
    print("| path | calls | median ms | p90 ms | p99 ms | max ms | CPU ms per call |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(
        f"| API: GET /recommendation (uvicorn, 1 worker) | {len(api_ms)} | {summary(api_ms)} "
        f"| {server_cpu_ms:.1f} (server) |"
    )
    print(
        f"| reference: the route before issue 19 (sync dependencies, response_model) "
        f"| {len(ref_ms)} | {summary(ref_ms)} | {ref_cpu_ms:.1f} (server) |"
    )
    print(
        f"| in process: recommend.recommend | {len(service_ms)} | {summary(service_ms)} "
        f"| {service_cpu_ms:.1f} |"
    )
    print(f"| baseline: networkx Dijkstra per unit | {len(base_ms)} | {summary(base_ms)} | |")
    print()
    base = statistics.median(base_ms)
    print(
        "ratio networkx / pingan (medians): "
        f"in process {base / statistics.median(service_ms):.0f}x, "
        f"through the API {base / statistics.median(api_ms):.0f}x"
    )
    print(f"largest networkx - pingan node-to-node difference: {worst:.2e} s")
    met = "met" if percentile(api_ms, 99) <= 20 else "NOT met"
    print(f"goal p99 <= 20 ms through the API: {met}")
    if args.keep is None:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
