"""Real processes for the multi-worker tests: a Redis server, pingan web workers, a job worker.

Each is started here as a child process on a free 127.0.0.1 port and stopped at the end;
the web workers are ``pingan serve`` processes (one uvicorn worker each, on their own
port, so a test can talk to each worker in turn), the job worker is ``pingan worker``.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from pingan.config import Settings

PINGAN = str(Path(sys.executable).parent / "pingan")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_port(port: int, process: subprocess.Popen[bytes], what: str, log: Path) -> None:
    for _ in range(3000):  # a loaded machine imports slowly
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited: {log.read_text(errors='replace')[-2000:]}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not open port {port}")


@contextmanager
def redis_server() -> Iterator[str]:
    """A real ``redis-server`` (Debian's) on a free port, no persistence; its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server not found (apt-get install redis-server)")
    port = free_port()
    root = Path(tempfile.mkdtemp(prefix="pingan-redis-"))
    log = root / "redis.log"
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    command += ["--appendonly", "no", "--dir", str(root), "--logfile", str(log)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_port(port, process, "redis-server", log)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


def environment(settings: Settings, redis_url: str = "") -> dict[str, str]:
    """The environment a pingan process needs to run over the test's settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PINGAN_")}
    env.update(
        PINGAN_DATABASE_URL=settings.database_url,
        PINGAN_DATA_DIR=str(settings.data_dir),
        PINGAN_SECRET_KEY=settings.secret_key,
        PINGAN_DEMO_PASSWORD=settings.demo_password,
        PINGAN_AUDIT_KEY=settings.audit_key,
        PINGAN_SECURE_COOKIES="false",
        # the test database holds the demo accounts: serving it needs demo mode
        PINGAN_DEMO_MODE="1",
        PINGAN_REDIS_URL=redis_url,
        PINGAN_JOBS_EMBEDDED="false",
        PINGAN_REPORT_RATE_LIMIT="",
        PINGAN_OPEN311_RATE_LIMIT="",
        PINGAN_LOGIN_RATE_LIMIT="",
        PINGAN_TOKEN_RATE_LIMIT="",
    )
    return env


class Processes:
    """Child processes started for one test, stopped (TERM, then KILL) at its end."""

    def __init__(self, settings: Settings, redis_url: str = "") -> None:
        self.env = environment(settings, redis_url)
        self.root = Path(tempfile.mkdtemp(prefix="pingan-procs-"))
        self.children: list[subprocess.Popen[bytes]] = []

    def _start(self, name: str, args: list[str]) -> tuple[subprocess.Popen[bytes], Path]:
        log = self.root / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [PINGAN, *args], env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        self.children.append(process)
        return process, log

    def web(self, name: str, workers: int = 1) -> str:
        """Start ``pingan serve`` on a free port; its base URL once it answers."""
        port = free_port()
        process, log = self._start(
            name, ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
        )
        _wait_port(port, process, name, log)
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                    return base
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{name} never answered: {log.read_text(errors='replace')[-2000:]}")

    def job_worker(self, name: str = "worker") -> subprocess.Popen[bytes]:
        process, _log = self._start(name, ["worker"])
        return process

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
            for p in sorted(self.root.glob("*.log"))
        )

    def stop(self) -> None:
        for process in self.children:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.children:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def processes(settings: Settings, redis_url: str = "") -> Iterator[Processes]:
    started = Processes(settings, redis_url)
    try:
        yield started
    finally:
        started.stop()


def station_points(settings: Settings) -> tuple[tuple[float, float], tuple[float, float]]:
    """A (lat, lon) inside station A (the east half of Helsinki's box) and one inside B."""
    from pingan.city import service as cities
    from pingan.db import make_engine, make_session_factory, unit_of_work

    engine = make_engine(settings.effective_database_url)
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            city = cities.get_city(session, "helsinki")
            lat = (city.min_lat + city.max_lat) / 2
            width = city.max_lon - city.min_lon
            return (lat, city.min_lon + 0.7 * width), (lat, city.min_lon + 0.3 * width)
    finally:
        engine.dispose()
