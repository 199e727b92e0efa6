"""Live events pushed: two web worker processes over a real PostgreSQL, woken by
``LISTEN/NOTIFY`` or by a real Redis; a reader that reconnects to either worker with
``Last-Event-ID`` gets every change in its jurisdiction once, and nothing outside it."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import httpx
import pytest
from sse_client import read_events

from pingan.config import Settings
from support.cluster import processes, redis_server, station_points

TEXTS = [
    "幸福路菜市场门口有人打架",
    "东街有电动车被偷了",
    "小区门口有人吵架 声音很大",
    "路口两车相撞",
]


def login(base: str, settings: Settings, username: str) -> dict[str, str]:
    body = {"username": username, "password": settings.demo_password}
    response = httpx.post(f"{base}/api/v1/auth/token", json=body, timeout=30)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def pushed_once(base: str, headers: dict[str, str], write: Callable[[], int]) -> bool:
    """Pushed, not polled: a pushed stream reads once on opening, then only when the bell
    rings (its safety read comes after 15 s, later than this stream's end), so a change
    made after its hello reaches this one connection only by the push."""
    written: list[int] = []
    with httpx.Client() as client:
        for event in read_events(client, f"{base}/api/v1/stream", headers, None, 8):
            if event.name == "hello":
                written.append(write())  # through the other worker
            elif event.name == "incident" and event.data["id"] == written[0]:
                return True
    return False


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
@pytest.mark.parametrize("bus", ["notify", "redis"])
def test_reconnecting_reader_gets_every_change_once(settings: Settings, bus: str) -> None:
    in_a_point, in_b_point = station_points(settings)
    with ExitStack() as stack:
        redis_url = stack.enter_context(redis_server()) if bus == "redis" else ""
        procs = stack.enter_context(processes(settings, redis_url))
        workers = [procs.web("web1"), procs.web("web2")]
        citizen = login(workers[0], settings, "citizen")
        chief = login(workers[1], settings, "chief_a")  # station A only

        seen: list[tuple[int, str]] = []
        hello = threading.Event()
        done = threading.Event()

        def reader() -> None:
            last_id: str | None = None
            turn = 0
            with httpx.Client() as client:
                while not done.is_set():
                    base = workers[turn % 2]  # each reconnection to the other worker
                    turn += 1
                    url = f"{base}/api/v1/stream"
                    for event in read_events(client, url, chief, last_id, 1.5):
                        if event.id:
                            last_id = event.id
                        if event.name == "hello":
                            hello.set()
                        elif event.name == "incident":
                            seen.append((event.data["id"], event.data["updated_at"]))

        thread = threading.Thread(target=reader)
        thread.start()
        assert hello.wait(60), procs.logs()

        def post(n: int) -> tuple[int, bool]:
            lat, lon = in_a_point if n % 3 else in_b_point
            body = {"description": TEXTS[n % 4], "lat": lat, "lon": lon}
            response = httpx.post(
                f"{workers[n % 2]}/api/v1/reports", json=body, headers=citizen, timeout=60
            )
            assert response.status_code == 201, response.text
            return response.json()["id"], bool(n % 3)

        with ThreadPoolExecutor(6) as pool:
            written = list(pool.map(post, range(90)))
        in_a = {incident_id for incident_id, mine in written if mine}
        in_b = {incident_id for incident_id, mine in written if not mine}
        for _ in range(600):  # the reader catches up (bounded by count, not by time)
            if in_a <= {incident_id for incident_id, _at in seen}:
                break
            done.wait(0.1)
        done.set()
        thread.join()

        assert pushed_once(workers[1], chief, lambda: post(1)[0]), procs.logs()

    ids = [incident_id for incident_id, _at in seen]
    assert set(ids) >= in_a, f"missed {sorted(in_a - set(ids))}"  # no gaps
    assert not set(ids) & in_b  # only the reader's jurisdiction
    twice = [key for key, count in Counter(seen).items() if count > 1]
    assert not twice, f"delivered twice: {twice}"  # no duplicates
