"""Intake throughput: POST /api/v1/reports with Idempotency-Keys on SQLite, one uvicorn worker.

The script makes a fresh SQLite database (migrated, demo accounts), starts uvicorn with one
worker in a subprocess (reports go through the group-commit writer of
:mod:`pingan.incidents.writer`), drives it from another process with wrk (a Lua script gives every
request its own Idempotency-Key and writes the key into the text too), then checks in the
database that every acknowledged report is stored exactly once. It then re-sends a sample
of keys with the same bodies (each must answer the first result and store nothing) and
measures, in this process, where the time of one report goes (extraction, the whole
service call with its commit) to compare with the HTTP figure. The server's CPU time per
acknowledged report and the machine's load average are printed too: on a shared machine
the rate depends on the load, the CPU time much less.

Run: ``.venv/bin/python bench/intake.py [--seconds 20] [--connections 16]``
(needs ``wrk``: ``apt-get install -y wrk``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from pingan.cli.core import session_factory
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from pingan.demo import seed_accounts
from pingan.incidents.models import IdempotencyRecord, Incident, IncidentReport
from pingan.migrations import upgrade

PASSWORD = "bench-password-123"
TEXT = "我的电动车在楼下被偷了 黑色雅迪 编号"

LUA = r"""
local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  token = args[1]
  acked = 0
  errors = 0
end

function request()
  counter = counter + 1
  local key = string.format("w%d-%d", id, counter)
  local body = '{"description":"TEXT' .. key .. '"}'
  return wrk.format("POST", "/api/v1/reports", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
    ["Idempotency-Key"] = key,
  }, body)
end

function response(status, headers, body)
  if status == 201 then acked = acked + 1 else errors = errors + 1 end
end

function done(summary, latency, requests)
  local a, e = 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("acked")
    e = e + t:get("errors")
  end
  io.write(string.format("ACKED %d ERRORS %d\n", a, e))
  io.write(string.format("P50_MS %.2f P99_MS %.2f\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
""".replace("TEXT", TEXT)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not start")


def db_counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with unit_of_work(make_session_factory(engine)) as session:
        result = {
            "incidents": session.scalar(select(func.count(Incident.id))) or 0,
            "reports": session.scalar(select(func.count(IncidentReport.id))) or 0,
            "keys": session.scalar(select(func.count(IdempotencyRecord.id))) or 0,
            "distinct_texts": session.scalar(
                select(func.count(func.distinct(Incident.description)))
            )
            or 0,
            "keys_with_incident": session.scalar(
                select(func.count(func.distinct(IdempotencyRecord.incident_id)))
            )
            or 0,
        }
    engine.dispose()
    return result


def stored_keys(url: str, limit: int) -> list[str]:
    engine = make_engine(url)
    with unit_of_work(make_session_factory(engine)) as session:
        texts = session.scalars(
            select(Incident.description)
            .where(Incident.description.startswith(TEXT + "w"))
            .order_by(Incident.id)
            .limit(limit)
        ).all()
    engine.dispose()
    return [t[len(TEXT) :] for t in texts]


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds used so far by a process (Linux ``/proc``), all threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fsync_cost_ms(directory: Path, n: int = 200) -> dict[str, float]:
    """Cost of one tiny SQLite WAL commit on this disk, synchronous=FULL vs NORMAL."""
    import sqlite3

    result = {}
    for mode in ("FULL", "NORMAL"):
        path = directory / f"fsync_{mode}.sqlite3"
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={mode}")
        conn.execute("CREATE TABLE t (x INTEGER)")
        start = time.perf_counter()
        for k in range(n):
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO t VALUES (?)", (k,))
            conn.execute("COMMIT")
        result[f"sqlite_commit_{mode.lower()}_ms"] = (time.perf_counter() - start) / n * 1000
        conn.close()
    return result


def profile_summary(raw: Path, top: int = 15) -> dict[str, Any]:
    """Top entries of a py-spy ``--format raw`` profile (collapsed stacks with counts).

    ``self``: share of samples whose innermost frame is the function; ``area``: share of
    samples by the innermost frame that belongs to a group (pingan's own code counts only
    where it runs itself, not what it calls)."""
    groups = [
        ("text extraction", "pingan/algo/text"),
        ("json", "json/"),
        ("sqlalchemy + sqlite", "sqlalchemy/"),
        ("pydantic", "pydantic"),
        ("auth", "pingan/auth"),
        ("pingan other", "pingan/"),
        ("uvicorn / starlette / fastapi / asyncio", "uvicorn|starlette|fastapi|asyncio|anyio"),
    ]
    own: dict[str, int] = {}
    area: dict[str, int] = {}
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = stack.split(";")
        leaf = re.sub(r"\s*\(.*?([^/]+/[^/]+\.py):\d+\)", r" (\1)", frames[-1])
        own[leaf] = own.get(leaf, 0) + count
        name = next(
            (label for f in reversed(frames) for label, pattern in groups if re.search(pattern, f)),
            "other",
        )
        area[name] = area.get(name, 0) + count
    total = max(total, 1)
    return {
        "samples": total,
        "self_top": [
            [k, round(100 * v / total, 1)]
            for k, v in sorted(own.items(), key=lambda kv: -kv[1])[:top]
        ],
        "areas_pct": {
            k: round(100 * v / total, 1) for k, v in sorted(area.items(), key=lambda kv: -kv[1])
        },
    }


def in_process(settings: Settings, n: int = 300) -> dict[str, float]:
    """Per-report time inside one process: extraction alone, and the service call + commit
    (a write session: the per-request path, one commit per report, no group commit)."""
    from zoneinfo import ZoneInfo

    from pingan.algo.text import extract_report
    from pingan.auth import service as auth
    from pingan.auth.models import User
    from pingan.incidents import intake
    from pingan.incidents.schemas import ReportCreate

    at = datetime.now(ZoneInfo("Asia/Shanghai"))
    extract_report(TEXT + "warm", at)
    start = time.perf_counter()
    for k in range(n):
        extract_report(f"{TEXT}x{k}", at)
    extract_ms = (time.perf_counter() - start) / n * 1000
    factory = session_factory(settings)  # audit rows keyed, as the CLI writes them
    with unit_of_work(factory) as session:
        user = session.scalar(select(User).where(User.username == "citizen"))
        assert user is not None
        principal = auth.principal_for(session, user)
    start = time.perf_counter()
    for k in range(n):
        with unit_of_work(factory) as session:
            intake.create_report(
                session,
                settings,
                principal,
                ReportCreate(description=f"{TEXT}p{k}"),
                idempotency_key=f"p{k}",
            )
    service_ms = (time.perf_counter() - start) / n * 1000
    bind = factory.kw["bind"]
    bind.dispose()
    return {"extract_ms": extract_ms, "service_commit_ms": service_ms}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--replays", type=int, default=200)
    parser.add_argument(
        "--variants",
        default="lean,route",
        help="servers to measure one after the other: lean (the app as built) and route "
        "(the same app without pingan.web.lean_intake: the FastAPI route answers)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="sample the server with py-spy (--gil) during the run and print its top entries",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install -y wrk)")

    results = {}
    for variant in args.variants.split(","):
        results[variant] = run_variant(args, variant)
        print(json.dumps({variant: results[variant]}, indent=2, ensure_ascii=False), flush=True)
    if len(results) > 1:
        first, *others = results
        for other in others:
            ratio = results[first]["reports_per_s"] / max(results[other]["reports_per_s"], 1e-9)
            cpu = results[other]["server_cpu_ms_per_report"] / max(
                results[first]["server_cpu_ms_per_report"], 1e-9
            )
            print(f"{first} / {other}: rate {ratio:.2f}x, CPU per report {cpu:.2f}x fewer")
    failed = [v for v, r in results.items() if r.get("integrity_failed")]
    if failed:
        raise SystemExit(f"integrity check failed: {failed}")


def build_route_only() -> Any:
    """The app without the lean intake middleware (the reference: the FastAPI route)."""
    from pingan.web.lean_intake import LeanIntakeMiddleware
    from pingan.web.main import build

    app = build()
    app.user_middleware = [m for m in app.user_middleware if m.cls is not LeanIntakeMiddleware]
    return app


def run_variant(args: argparse.Namespace, variant: str) -> dict[str, Any]:
    """One server (``lean`` or ``route``), one wrk run, the integrity checks."""

    workdir = Path(tempfile.mkdtemp(prefix="pingan-intake-"))
    url = f"sqlite:///{workdir / 'pingan.sqlite3'}"
    settings = Settings(database_url=url, data_dir=workdir, demo_mode=True, demo_password=PASSWORD)
    upgrade(url)
    seeding = session_factory(settings)  # audit rows keyed, as the CLI writes them
    with unit_of_work(seeding) as session:
        seed_accounts(session, settings, lambda *_: None)
    seeding.kw["bind"].dispose()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PINGAN_DATABASE_URL": url,
        "PINGAN_DATA_DIR": str(workdir),
        "PINGAN_DEMO_MODE": "1",
        "PINGAN_DEMO_PASSWORD": PASSWORD,
        # the bearer-token route has no rate limit; Open311's (not driven here) is lifted
        "PINGAN_OPEN311_RATE_LIMIT": "",
        "PYTHONPATH": os.pathsep.join(
            [str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")]
        ),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "pingan.web.main:build" if variant == "lean" else "intake:build_route_only",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
    )
    try:
        wait_up(base)
        token = httpx.post(
            base + "/api/v1/auth/token", json={"username": "citizen", "password": PASSWORD}
        ).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        warm = httpx.post(
            base + "/api/v1/reports",
            json={"description": TEXT + "warm"},
            headers={**auth, "Idempotency-Key": "warm"},
            timeout=30,
        )
        assert warm.status_code == 201, warm.text
        before = db_counts(url)
        load_before = os.getloadavg()
        cpu_before = process_cpu_s(server.pid)
        script = workdir / "intake.lua"
        script.write_text(LUA, encoding="utf-8")
        spy = None
        if args.profile:
            spy = subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "py-spy"),
                    "record",
                    "--pid",
                    str(server.pid),
                    "--gil",
                    "--rate",
                    "200",
                    "--format",
                    "raw",
                    "--duration",
                    str(args.seconds),
                    "-o",
                    str(workdir / "profile.txt"),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        run = subprocess.run(
            [
                "wrk",
                "-t",
                str(args.threads),
                "-c",
                str(args.connections),
                "-d",
                f"{args.seconds}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                base + "/api/v1/reports",
                "--",
                token,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        cpu_used = process_cpu_s(server.pid) - cpu_before
        if spy is not None:
            spy.wait(timeout=60)
        load_after = os.getloadavg()
        out = run.stdout
        acked, errors = map(int, re.search(r"ACKED (\d+) ERRORS (\d+)", out).groups())  # type: ignore[union-attr]
        p50, p99 = map(float, re.search(r"P50_MS ([\d.]+) P99_MS ([\d.]+)", out).groups())  # type: ignore[union-attr]
        time.sleep(3)  # let requests cut off by wrk's deadline finish before counting
        after = db_counts(url)
        stored = after["incidents"] - before["incidents"]

        # replay a sample of stored keys with the same bodies: same answer, nothing new
        replay_ok = 0
        keys = stored_keys(url, args.replays)
        with httpx.Client(base_url=base, headers=auth, timeout=30) as client:
            for key in keys:
                body = json.dumps({"description": TEXT + key}, ensure_ascii=False)
                answer = client.post(
                    "/api/v1/reports",
                    content=body.encode("utf-8"),
                    headers={"Idempotency-Key": key, "Content-Type": "application/json"},
                )
                if answer.status_code == 201 and answer.headers.get("Idempotent-Replayed"):
                    replay_ok += 1
        final = db_counts(url)
    finally:
        server.terminate()
        server.wait(timeout=30)

    profile = (in_process(settings) if variant == "lean" else {}) | fsync_cost_ms(workdir)
    rate = acked / args.seconds
    result = {
        "variant": variant,
        "seconds": args.seconds,
        "connections": args.connections,
        "acknowledged": acked,
        "non_201": errors,
        "reports_per_s": round(rate, 1),
        "latency_p50_ms": p50,
        "latency_p99_ms": p99,
        "server_cpu_s": round(cpu_used, 2),
        "server_cpu_ms_per_report": round(1000 * cpu_used / max(acked, 1), 2),
        "load_avg_1min_before_after": [round(load_before[0], 1), round(load_after[0], 1)],
        "stored": stored,
        "stored_not_acknowledged": stored - acked,
        "every_incident_text_distinct": after["distinct_texts"] == after["incidents"],
        "keys_equal_incidents": after["keys"] == after["incidents"] == after["keys_with_incident"],
        "replayed_same_answer": f"{replay_ok}/{len(keys)}",
        "rows_after_replay_unchanged": final == after,
        **{k: round(v, 2) for k, v in profile.items()},
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if args.profile and (workdir / "profile.txt").exists():
        result["profile"] = profile_summary(workdir / "profile.txt")
    shutil.rmtree(workdir, ignore_errors=True)
    lost = acked - stored if acked > stored else 0
    result["lost"] = lost
    result["integrity_failed"] = bool(
        lost or not result["keys_equal_incidents"] or not result["rows_after_replay_unchanged"]
    )
    return result


if __name__ == "__main__":
    main()
