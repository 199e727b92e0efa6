"""Background jobs in tests: a real worker thread, and following a job over HTTP."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any

from fastapi.testclient import TestClient

from pingan.cli.jobs import start_jobs
from pingan.config import Settings
from pingan.jobs.worker import Worker

FINISHED = ("done", "failed", "cancelled")


@contextlib.contextmanager
def job_worker(settings: Settings) -> Iterator[Worker]:
    """The embedded worker (as ``pingan serve`` starts it) for the test's duration."""
    started = start_jobs(settings)
    assert started is not None
    worker, thread = started
    try:
        yield worker
    finally:
        worker.stopping.set()
        thread.join()


def follow(client: TestClient, headers: dict[str, str], url: str, *, polls: int = 600) -> Any:
    """Poll the job at ``url`` until it ends (at most ``polls`` polls); its last state."""
    for _ in range(polls):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        state = response.json()
        if state["status"] in FINISHED:
            return state
        time.sleep(0.2)
    raise AssertionError(f"job {url} did not end: {state}")


def make_plan(
    client: TestClient, settings: Settings, headers: dict[str, str], body: dict[str, Any]
) -> Any:
    """POST a plan (202 + the job), run it on a real worker, return the plan's detail."""
    response = client.post("/api/v1/plans", headers=headers, json=body)
    assert response.status_code == 202, response.text
    location = response.headers["location"]
    assert location == f"/api/v1/jobs/{response.json()['id']}"
    with job_worker(settings):
        state = follow(client, headers, location)
    assert state["status"] == "done", state
    assert state["progress"] == 1.0
    plan = client.get(state["result_url"], headers=headers)
    assert plan.status_code == 200, plan.text
    return plan.json()
