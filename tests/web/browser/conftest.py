"""A live pingan for the browser tests: the demo loaded into a real SQLite file, served by
uvicorn in a subprocess on a free port, and Debian's Chromium driven by Playwright.

Never ``playwright install``: the tests launch ``/usr/bin/chromium``. Without it they
skip, except in CI (``CI=true``), where a missing Chromium fails the run.
"""

from __future__ import annotations

import os
import socket
import sqlite3
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
REPO = Path(__file__).resolve().parents[3]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
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


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"the browser tests need Chromium in CI: {message}")
    pytest.skip(message)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    _require_chromium()
    data_dir = tmp_path_factory.mktemp("browser-var")
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


@pytest.fixture(autouse=True)
def accounts_back_in_chinese(live_server: LiveServer) -> Iterator[None]:
    """The server is shared by every browser test and an account's language choice is
    stored on it: a test that switches an officer to English must not leave the next
    test's page in English."""
    yield
    with sqlite3.connect(live_server.data_dir / "pingan.sqlite3", timeout=60) as conn:
        conn.execute("UPDATE user_account SET language = NULL WHERE language IS NOT NULL")


@pytest.fixture(scope="session")
def browser(live_server: LiveServer) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
