"""A live pingan for the browser tests: the demo loaded into a real SQLite file, served by
uvicorn in a subprocess on a free port beside its job worker (see ``serve_demo``).

Never ``playwright install``: the tests launch ``/usr/bin/chromium``. Without it they
skip, except in CI (``CI=true``), where a missing Chromium fails the run.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DEMO_PASSWORD = "browser-test-demo-password"


@dataclass(frozen=True)
class LiveServer:
    url: str
    data_dir: Path
    password: str

    def token(self, username: str) -> dict[str, str]:
        response = httpx.post(
            f"{self.url}/api/v1/auth/token",
            json={"username": username, "password": self.password},
            timeout=30,
        )
        response.raise_for_status()
        return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"the browser tests need Chromium in CI: {message}")
    pytest.skip(message)


@contextlib.contextmanager
def serve_demo(data_dir: Path) -> Iterator[LiveServer]:
    """Load the demo into ``data_dir`` and serve it (web process and job worker) until exit."""
    require_chromium()
    env = {
        **os.environ,
        "PINGAN_DATA_DIR": str(data_dir),
        "PINGAN_DEMO_MODE": "1",
        "PINGAN_SECURE_COOKIES": "0",
        "PINGAN_DEMO_PASSWORD": DEMO_PASSWORD,
        "PINGAN_DATABASE_URL": "",
    }
    pingan = Path(sys.executable).with_name("pingan")
    subprocess.run(
        [str(pingan), "demo", "--no-serve"],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    port = _free_port()
    log = (data_dir / "server.log").open("wb")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "pingan.web.main:build",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-server-header",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    # the job worker a deployment runs beside the web process (plan solves are jobs)
    worker_log = (data_dir / "worker.log").open("wb")
    worker = subprocess.Popen(
        [str(pingan), "worker"], env=env, stdout=worker_log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                log.close()
                pytest.fail("pingan did not start: " + (data_dir / "server.log").read_text())
            time.sleep(0.2)
        yield LiveServer(url, data_dir, DEMO_PASSWORD)
    finally:
        for process in (server, worker):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
        worker_log.close()
