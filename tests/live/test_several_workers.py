"""Several workers on PostgreSQL and Redis: two web worker processes and one job worker
(``pingan serve`` ×2, ``pingan worker``) run the citizen → dispatcher → chief flow and a
plan solve; concurrent posts of one Idempotency-Key to both workers make one incident; the
audit chain verifies after the concurrent writes."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import httpx
import pytest
from test_live_push import login

from pingan.config import Settings
from support.cluster import processes, redis_server, station_points


def _ok(response: httpx.Response, status: int = 200) -> dict:  # type: ignore[type-arg]
    assert response.status_code == status, response.text
    return response.json()  # type: ignore[no-any-return]


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_two_web_workers_and_a_job_worker(settings: Settings) -> None:
    in_a, _in_b = station_points(settings)
    with ExitStack() as stack:
        redis_url = stack.enter_context(redis_server())
        procs = stack.enter_context(processes(settings, redis_url))
        web = [procs.web("web1"), procs.web("web2")]
        procs.job_worker()
        citizen = login(web[0], settings, "citizen")
        desk = login(web[1], settings, "dispatcher_a")
        chief = login(web[0], settings, "chief_a")

        # the same report with one key, eight times at once, to both workers
        body = {
            "description": "幸福路菜市场门口有人打架 有人受伤了",
            "lat": in_a[0],
            "lon": in_a[1],
        }
        keyed = {**citizen, "Idempotency-Key": "night-0001"}

        def post(n: int) -> httpx.Response:
            return httpx.post(f"{web[n % 2]}/api/v1/reports", json=body, headers=keyed, timeout=60)

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(post, range(8)))
        assert all(a.status_code in (200, 201) for a in answers), [a.text for a in answers]
        assert len({a.json()["id"] for a in answers}) == 1, procs.logs()
        incident_id = answers[0].json()["id"]

        # the dispatcher (worker 2) sends a unit of station A; the chief (worker 1) closes
        unit = _ok(
            httpx.post(
                f"{web[0]}/api/v1/units",
                json={
                    "callsign": "A-11",
                    "kind": "patrol_car",
                    "station_code": "station-a",
                    "city": "helsinki",
                    "post_lat": in_a[0],
                    "post_lon": in_a[1],
                },
                headers=chief,
                timeout=60,
            ),
            201,
        )
        url = f"{web[1]}/api/v1/incidents/{incident_id}"
        ranked = _ok(httpx.get(f"{url}/recommendation", headers=desk, timeout=60))
        assert unit["id"] in {r["unit_id"] for r in ranked["units"]}
        made = _ok(
            httpx.post(
                f"{url}/dispatch", json={"unit_ids": [unit["id"]]}, headers=desk, timeout=60
            ),
            201,
        )
        assignment = made[0]["id"]
        _ok(httpx.post(f"{web[0]}/api/v1/assignments/{assignment}/arrived", headers=desk))
        _ok(httpx.post(f"{web[1]}/api/v1/assignments/{assignment}/cleared", headers=desk))
        for status in ("closed",):  # clearing the last unit resolved it
            step = httpx.post(
                f"{web[0]}/api/v1/incidents/{incident_id}/transition",
                json={"status": status},
                headers=chief,
                timeout=60,
            )
            assert step.status_code == 200, step.text
        figures = _ok(httpx.get(f"{web[1]}/api/v1/dispatch/figures", headers=chief, timeout=60))
        assert figures

        # a plan solve: 202 from one worker, solved by the job worker, read from the other
        started = httpx.post(
            f"{web[0]}/api/v1/plans",
            json={
                "city": "helsinki",
                "station_code": "station-a",
                "groups": 2,
                "shift": "20:00-02:00",
                "time_limit_s": 5,
            },
            headers=chief,
            timeout=60,
        )
        assert started.status_code == 202, started.text
        job_url = f"{web[1]}{started.headers['location']}"
        for _ in range(900):
            state = _ok(httpx.get(job_url, headers=chief, timeout=60))
            if state["status"] in ("done", "failed", "cancelled"):
                break
            time.sleep(0.2)
        assert state["status"] == "done", (state, procs.logs())
        _ok(httpx.get(f"{web[0]}{state['result_url']}", headers=chief, timeout=60))

        auditor = login(web[1], settings, "auditor")
        chain = _ok(httpx.get(f"{web[1]}/api/v1/audit/verify", headers=auditor, timeout=120))
        assert chain["ok"], chain
