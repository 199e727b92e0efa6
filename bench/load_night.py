"""A district's night under load (issue 18): locust's Python API, headless, 127.0.0.1 only.

The mix, per minute of the run (``--scale`` multiplies the rates):

* 500 units each posting its position every 10 s (``POST /api/v1/units/{id}/position``);
* 20 reports/s, a third each from the API (``POST /api/v1/reports`` with an
  Idempotency-Key), Open311 (``POST /open311/v2/requests.json``) and group chats
  (``POST /api/v1/chat/messages``); after every acknowledged API/Open311 report a
  dispatcher asks for its recommendation;
* 40 board clients on the live stream (``GET /api/v1/stream``), each measuring the delay
  from an incident's stored stamp (``updated_at``) to its arrival;
* a plan solve every 2 minutes (``POST /api/v1/plans`` → 202, the job followed to its end:
  the queue wait is the job's ``started_at − created_at``).

The server side is started here as separate processes: PostgreSQL (a throw-away cluster),
Redis, ``pingan serve --workers 2`` and one ``pingan worker``; or the embedded default
(SQLite, one ``pingan serve`` with its embedded job thread). After the run, the database is
counted: acknowledged writes missing (lost) and rows made twice (duplicated).

    .venv/bin/python bench/load_night.py --backend postgres --minutes 10
    .venv/bin/python bench/load_night.py --backend sqlite --minutes 3 --scale 0.5
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections import Counter  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import gevent  # noqa: E402
import requests  # noqa: E402
from locust import HttpUser, between, constant, constant_throughput, events, task  # noqa: E402
from locust.env import Environment  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
MARK = f"夜测{uuid.uuid4().hex[:6]}"
TEXTS = [
    "幸福路菜市场门口有人打架 有人受伤了",
    "东街小区楼下电动车被偷了",
    "公园门口有人吵架 声音很大",
    "路口两车相撞 没人受伤",
    "超市里有人偷东西被抓住了",
]
CTX: dict[str, Any] = {}
DELAYS: list[float] = []
QUEUE_WAITS: list[float] = []
ACKED: set[int] = set()
ACK_LOCK = threading.Lock()


def _headers(role: str) -> dict[str, str]:
    return dict(CTX["tokens"][role])


def _point() -> tuple[float, float]:
    lat0, lat1, lon0, lon1 = CTX["box"]
    return random.uniform(lat0, lat1), random.uniform(lon0, lon1)


class UnitUser(HttpUser):
    """One unit: a position every 10 s."""

    fixed_count = 500
    wait_time = constant(10)

    def on_start(self) -> None:
        self.unit_id = CTX["units"].pop()
        gevent.sleep(random.uniform(0, 10))

    @task
    def position(self) -> None:
        lat, lon = _point()
        self.client.post(
            f"/api/v1/units/{self.unit_id}/position",
            json={"lat": lat, "lon": lon},
            headers=_headers("dispatcher_a"),
            name="position",
        )


class ReportUser(HttpUser):
    """Reports from the three channels; each user files one every second."""

    fixed_count = 20
    wait_time = constant_throughput(1)

    def _acked(self, incident_id: int) -> None:
        with ACK_LOCK:
            ACKED.add(incident_id)
        self.client.get(
            f"/api/v1/incidents/{incident_id}/recommendation",
            headers=_headers("dispatcher_a"),
            name="recommendation",
        )

    @task
    def api(self) -> None:
        lat, lon = _point()
        text = f"{random.choice(TEXTS)} {MARK}-{uuid.uuid4().hex[:10]}"
        body = {"description": text, "lat": lat, "lon": lon}
        headers = {**_headers("citizen"), "Idempotency-Key": uuid.uuid4().hex}
        with self.client.post(
            "/api/v1/reports", json=body, headers=headers, name="report api", catch_response=True
        ) as answer:
            if answer.status_code == 201:
                self._acked(answer.json()["id"])

    @task
    def open311(self) -> None:
        lat, lon = _point()
        form = {
            "api_key": CTX["open311_key"],
            "service_code": "theft.ebike",
            "lat": f"{lat:.6f}",
            "long": f"{lon:.6f}",
            "description": f"电动车在楼下被偷了 {MARK}-{uuid.uuid4().hex[:10]}",
        }
        with self.client.post(
            "/open311/v2/requests.json", data=form, name="report open311", catch_response=True
        ) as answer:
            if answer.status_code == 201:
                self._acked(int(answer.json()[0]["service_request_id"]))

    @task
    def chat(self) -> None:
        body = {
            "group": "东街平安群",
            "sender": "居民",
            "sent_at": datetime.now(UTC).isoformat(),
            "text": f"{random.choice(TEXTS)} {MARK}",
            "jurisdiction_code": "station-a",
        }
        self.client.post(
            "/api/v1/chat/messages", json=body, headers=_headers("dispatcher_a"), name="report chat"
        )


class BoardUser(HttpUser):
    """A dispatch board on the live stream, measuring write → board delay."""

    fixed_count = 40
    wait_time = constant(0)

    @task
    def board(self) -> None:
        last: str | None = None
        while True:
            headers = _headers(random.choice(["dispatcher_a", "chief_a"]))
            if last:
                headers["Last-Event-ID"] = last
            url = f"{self.host}/api/v1/stream"
            try:
                with requests.get(
                    url, params={"max_s": 120}, headers=headers, stream=True, timeout=180
                ) as response:
                    if response.status_code != 200:
                        gevent.sleep(1)
                        continue
                    for raw in response.iter_lines():
                        line = raw.decode() if isinstance(raw, bytes) else raw
                        if line.startswith("id: "):
                            last = line[4:]
                        elif line.startswith('data: {"id"') and '"updated_at"' in line:
                            data = json.loads(line[6:])
                            if ("status" in data and "jurisdiction" in str(data)) or "type" in data:
                                stamp = datetime.fromisoformat(data["updated_at"])
                                if stamp.tzinfo is None:
                                    stamp = stamp.replace(tzinfo=UTC)
                                DELAYS.append(time.time() - stamp.timestamp())
            except requests.RequestException:
                gevent.sleep(1)


class PlanUser(HttpUser):
    """A patrol plan every 2 minutes, followed to its end."""

    fixed_count = 1
    wait_time = between(118, 122)

    @task
    def plan(self) -> None:
        body = {
            "city": "helsinki",
            "station_code": "station-a",
            "groups": 2,
            "shift": "20:00-02:00",
            "time_limit_s": 10,
        }
        chief = _headers("chief_a")
        answer = self.client.post("/api/v1/plans", json=body, headers=chief, name="plan 202")
        if answer.status_code != 202:
            return
        location = answer.headers["location"]
        for _ in range(600):
            state = self.client.get(location, headers=chief, name="job state").json()
            if state["status"] in ("done", "failed", "cancelled"):
                break
            gevent.sleep(1)
        if state.get("started_at") and state.get("created_at"):
            started = datetime.fromisoformat(state["started_at"])
            created = datetime.fromisoformat(state["created_at"])
            QUEUE_WAITS.append((started - created).total_seconds())
        CTX.setdefault("plans", []).append(state["status"])


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)


def setup(backend: str, root: Path) -> tuple[Any, Any, str]:
    """The database (seeded), the server processes, tokens, units, an Open311 key."""
    from conftest import TEST_AUDIT_KEY, TEST_DEMO_PASSWORD, _seed
    from pingan.config import Settings
    from support.cluster import Processes, redis_server, station_points
    from support.postgres import PostgresServer

    data_dir = root / "var"
    data_dir.mkdir()
    pg = None
    if backend == "postgres":
        pg = PostgresServer()
        url = pg.start().rsplit("/", 1)[0] + "/postgres"
    else:
        url = f"sqlite:///{data_dir / 'pingan.sqlite3'}"
    os.environ["PINGAN_AUDIT_KEY"] = TEST_AUDIT_KEY
    _seed(url, data_dir)
    settings = Settings(
        database_url=url,
        data_dir=data_dir,
        secret_key="bench-secret-key-0123456789",
        demo_password=TEST_DEMO_PASSWORD,
        audit_key=TEST_AUDIT_KEY,
        secure_cookies=False,
    )
    redis_cm = redis_server() if backend == "postgres" else None
    redis_url = redis_cm.__enter__() if redis_cm else ""
    procs = Processes(settings, redis_url)
    if backend == "sqlite":
        procs.env["PINGAN_JOBS_EMBEDDED"] = "true"
    try:
        base = procs.web("web", workers=2 if backend == "postgres" else 1)
        if backend == "postgres":
            procs.job_worker()
        in_a, in_b = station_points(settings)  # at 70 % and 30 % of the city's width
        half = (in_a[1] - in_b[1]) * 0.3
        CTX["box"] = (in_a[0] - 0.003, in_a[0] + 0.003, in_a[1] - half, in_a[1] + half)
        tokens = {}
        for role in ("citizen", "dispatcher_a", "chief_a"):
            answer = requests.post(
                f"{base}/api/v1/auth/token",
                json={"username": role, "password": TEST_DEMO_PASSWORD},
                timeout=60,
            )
            tokens[role] = {"Authorization": f"Bearer {answer.json()['access_token']}"}
        CTX["tokens"] = tokens
        units = []
        for n in range(500):
            lat, lon = _point()
            body = {
                "callsign": f"N{n:03d}",
                "kind": "patrol_car" if n % 3 else "foot_patrol",
                "station_code": "station-a",
                "city": "helsinki",
                "post_lat": lat,
                "post_lon": lon,
            }
            made = requests.post(
                f"{base}/api/v1/units", json=body, headers=tokens["chief_a"], timeout=60
            )
            assert made.status_code == 201, made.text
            units.append(made.json()["id"])
        CTX["units"] = units
        from pingan.audit import keys
        from pingan.db import make_engine, make_session_factory, unit_of_work
        from pingan.incidents import open311

        engine = keys.keyed(make_engine(url), keys.load_key(settings))
        with unit_of_work(make_session_factory(engine)) as session:
            CTX["open311_key"] = open311.create_key(session, "bench", "station-a")[0]
        engine.dispose()
    except BaseException:
        procs.stop()
        if redis_cm is not None:
            redis_cm.__exit__(None, None, None)
        if pg is not None:
            pg.stop()
        raise
    CTX["url"] = url
    return procs, (pg, redis_cm), base


def count_after(url: str) -> dict[str, int]:
    from sqlalchemy import text

    from pingan.db import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, description FROM incident WHERE description LIKE :m"),
            {"m": f"%{MARK}-%"},
        ).all()
    engine.dispose()
    # every API and Open311 report carries its own tag: a tag on two incidents is a duplicate
    tags = Counter(
        word for _id, description in rows for word in description.split() if word.startswith(MARK)
    )
    return {
        "acknowledged": len(ACKED),
        "lost": len(ACKED - {r[0] for r in rows}),
        "stored_tagged": len(rows),
        "duplicated": sum(n - 1 for n in tags.values() if n > 1),
    }


def server_errors(procs: Any) -> dict[str, int]:
    """Error lines in the server processes' logs, by kind (read before they are removed)."""
    kinds = Counter()
    for log in sorted(procs.root.glob("*.log")):
        for line in log.read_text(errors="replace").splitlines():
            if "database is locked" in line:
                kinds["database is locked"] += 1
            elif "QueuePool limit" in line:
                kinds["QueuePool timeout"] += 1
            elif "unexpected error" in line or line.startswith("Traceback"):
                kinds[f"{log.stem}: {line[-120:]}"] += 1
    return dict(kinds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every rate")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    UnitUser.fixed_count = max(1, round(500 * args.scale))
    ReportUser.fixed_count = max(1, round(20 * args.scale))
    BoardUser.fixed_count = max(1, round(40 * args.scale))
    root = Path(tempfile.mkdtemp(prefix="pingan-night-"))
    load_before = os.getloadavg()
    procs, (pg, redis_cm), base = setup(args.backend, root)
    result: dict[str, Any] = {}
    try:
        env = Environment(
            user_classes=[UnitUser, ReportUser, BoardUser, PlanUser], events=events, host=base
        )
        runner = env.create_local_runner()
        total = sum(u.fixed_count for u in (UnitUser, ReportUser, BoardUser, PlanUser))
        runner.start(total, spawn_rate=100)
        gevent.spawn_later(args.minutes * 60, runner.quit)
        runner.greenlet.join()
        gevent.sleep(3)  # the boards read the last changes
        stats = {
            name: {
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "rps": round(entry.num_requests / (args.minutes * 60), 2),
                "p50_ms": entry.get_response_time_percentile(0.5),
                "p99_ms": entry.get_response_time_percentile(0.99),
            }
            for (name, _method), entry in sorted(env.stats.entries.items())
        }
        result = {
            "backend": args.backend,
            "minutes": args.minutes,
            "scale": args.scale,
            "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in os.getloadavg()],
            "requests": stats,
            "event_delay_s": {
                "n": len(DELAYS),
                "p50": _pct(DELAYS, 0.5),
                "p99": _pct(DELAYS, 0.99),
            },
            "job_queue_wait_s": {"n": len(QUEUE_WAITS), "max": _pct(QUEUE_WAITS, 1.0)},
            "plans": CTX.get("plans", []),
            "writes": count_after(CTX["url"]),
            "server_errors": server_errors(procs),
        }
    finally:
        procs.stop()
        if redis_cm is not None:
            redis_cm.__exit__(None, None, None)
        if pg is not None:
            pg.stop()
    text_out = json.dumps(result, ensure_ascii=False, indent=1)
    print(text_out)
    if args.out:
        args.out.write_text(text_out)


if __name__ == "__main__":
    main()
