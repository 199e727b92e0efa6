"""A plan solve's worker killed mid-solve (``kill -9``): the job is queued again once its
lease lapses and a new worker process finishes it; SIGTERM gives it back at once.

Real ``pingan worker`` processes, on SQLite and PostgreSQL (the local Huey queue) and on
SQLite with a real Redis server (started here on a unix socket) as the queue.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from patrol_history import FIRST_DAY, add_history
from sqlalchemy import func, select

from pingan.audit import keys
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from pingan.jobs.models import Job, JobStatus
from pingan.patrol import jobs as plan_jobs
from pingan.patrol.models import Plan
from pingan.patrol.schemas import PlanCreate
from support.credentials import TEST_AUDIT_KEY

pytestmark = pytest.mark.slow

LEASE_S = 2.0
PINGAN = Path(sys.executable).parent / "pingan"


def _env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PINGAN_DATABASE_URL=settings.database_url,
        PINGAN_DATA_DIR=str(settings.data_dir),
        PINGAN_SECRET_KEY=settings.secret_key,
        PINGAN_DEMO_PASSWORD=settings.demo_password,
        PINGAN_AUDIT_KEY=TEST_AUDIT_KEY,
        PINGAN_JOB_LEASE_S=str(LEASE_S),
        PINGAN_REDIS_URL=settings.redis_url,
    )
    return env


@contextlib.contextmanager
def _worker(settings: Settings) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen([str(PINGAN), "worker"], env=_env(settings))
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=120)


def _submit(settings: Settings) -> int:
    engine = keys.keyed(make_engine(settings.database_url), keys.load_key(settings))
    request = PlanCreate(
        city="helsinki",
        station_code="station-a",
        # big enough that the solve lasts seconds, not the 0.8 s of a three-group plan: the
        # run must be caught between its claim and its end
        groups=25,
        shift="20:00-02:00",
        mode="foot",
        backup=True,
        hotspots_per_group=4,
        history_from=FIRST_DAY,
        time_limit_s=10,
    )
    with unit_of_work(make_session_factory(engine)) as db_session:
        return plan_jobs.submit_plan(db_session, settings, None, request).id


def _job(settings: Settings, job_id: int) -> Job:
    with unit_of_work(make_session_factory(make_engine(settings.database_url))) as db_session:
        job = db_session.get(Job, job_id)
        assert job is not None
        return job


def _plans(settings: Settings) -> int:
    with unit_of_work(make_session_factory(make_engine(settings.database_url))) as db_session:
        return int(db_session.scalar(select(func.count()).select_from(Plan)) or 0)


def _until(settings: Settings, job_id: int, ok, polls: int = 1500, sleep_s: float = 0.1) -> Job:  # type: ignore[no-untyped-def]
    for _ in range(polls):
        job = _job(settings, job_id)
        if ok(job):
            return job
        time.sleep(sleep_s)
    raise AssertionError(f"job {job_id} never got there: {job.status} {job.message}")


def _kill_mid_solve_and_recover(settings: Settings) -> None:
    add_history(settings, "helsinki", "station-a", 600)
    job_id = _submit(settings)
    with _worker(settings) as first:
        # killed mid-job: claimed (running, one attempt), not yet done
        _until(settings, job_id, lambda j: j.status is JobStatus.running, sleep_s=0.02)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=60)
    killed = _job(settings, job_id)
    assert killed.status is JobStatus.running  # nobody has told the database yet
    assert killed.attempts == 1
    assert _plans(settings) == 0
    with _worker(settings):
        done = _until(settings, job_id, lambda j: j.status in (JobStatus.done, JobStatus.failed))
    assert done.status is JobStatus.done, done.error
    assert done.attempts == 2  # the lapsed lease was reaped and the job ran again
    assert done.result_url is not None
    assert done.result_url.startswith("/api/v1/plans/")
    assert _plans(settings) == 1  # the killed run stored nothing


def test_killed_worker_job_runs_again(settings: Settings) -> None:
    _kill_mid_solve_and_recover(settings)


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    socket = tmp_path / "redis.sock"
    process = subprocess.Popen(
        [server, "--port", "0", "--unixsocket", str(socket), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            if socket.exists():
                break
            time.sleep(0.05)
        yield f"unix://{socket}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_killed_worker_job_runs_again_on_redis(settings: Settings, redis_url: str) -> None:
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("Redis as the queue is exercised once, with SQLite as the database")
    _kill_mid_solve_and_recover(settings.model_copy(update={"redis_url": redis_url}))


def test_sigterm_gives_the_job_back(settings: Settings) -> None:
    """A worker asked to stop (systemd's SIGTERM) gives its job back at the next step, not
    counted as a run, or finishes it; it never leaves it running."""
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("graceful shutdown is the same code on both databases")
    add_history(settings, "helsinki", "station-a", 600)
    job_id = _submit(settings)
    with _worker(settings) as worker:
        _until(settings, job_id, lambda j: j.status is JobStatus.running, sleep_s=0.02)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=120) == 0
    after = _job(settings, job_id)
    assert (after.status, after.attempts) in ((JobStatus.queued, 0), (JobStatus.done, 1))
