"""The lease: a worker claims a queued job, renews its heartbeat while it runs, and ends it.

Every step is one short transaction guarded by a compare-and-set on the row (status and the
worker holding it), so two workers that received the same id never both run it, and a
worker whose lease lapsed cannot overwrite what the reaper decided. :func:`reap` queues
again a running job whose heartbeat is older than the lease (its worker died: ``kill -9``,
a lost machine) and fails it after ``max_attempts`` runs; it also re-sends a queued job
whose message was lost.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pingan.db import unit_of_work, utcnow
from pingan.jobs.models import Job, JobStatus
from pingan.jobs.queue import Transport, send

Factory = Callable[[], Session]


class Beat(enum.Enum):
    """What a heartbeat found."""

    held = "held"
    cancel = "cancel"
    lost = "lost"


def claim(factory: Factory, job_id: int, worker: str) -> Job | None:
    """Take the queued job for ``worker``; ``None`` when it is not queued (any more)."""
    with unit_of_work(factory) as db_session:
        now = utcnow()
        done = db_session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == JobStatus.queued)
            .values(
                status=JobStatus.running,
                worker=worker,
                attempts=Job.attempts + 1,
                started_at=now,
                heartbeat_at=now,
                message="started",
            )
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            return None
        return db_session.get(Job, job_id)


def heartbeat(factory: Factory, job_id: int, worker: str, progress: float, message: str) -> Beat:
    """Renew the lease and store the progress; say whether to go on."""
    with unit_of_work(factory) as db_session:
        done = db_session.execute(
            update(Job)
            .where(Job.id == job_id, Job.worker == worker, Job.status == JobStatus.running)
            .values(heartbeat_at=utcnow(), progress=progress, message=message[:200])
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            return Beat.lost
        wanted = db_session.scalar(select(Job.cancel_requested).where(Job.id == job_id))
        return Beat.cancel if wanted else Beat.held


def finish(
    factory: Factory,
    job_id: int,
    worker: str,
    status: JobStatus,
    *,
    message: str,
    result_url: str | None = None,
    error: str | None = None,
) -> bool:
    """End the job held by ``worker``; ``False`` when it no longer holds it."""
    with unit_of_work(factory) as db_session:
        values: dict[str, object] = {
            "status": status,
            "message": message[:200],
            "result_url": result_url,
            "error": error,
            "finished_at": utcnow(),
            "worker": None,
        }
        if status is JobStatus.done:
            values["progress"] = 1.0
        done = db_session.execute(
            update(Job)
            .where(Job.id == job_id, Job.worker == worker, Job.status == JobStatus.running)
            .values(**values)
        )
        return bool(done.rowcount == 1)  # type: ignore[attr-defined]


def give_back(factory: Factory, queue: Transport, job_id: int, worker: str) -> bool:
    """Put the job back on the queue (a worker shutting down); the run is not counted."""
    with unit_of_work(factory) as db_session:
        done = db_session.execute(
            update(Job)
            .where(Job.id == job_id, Job.worker == worker, Job.status == JobStatus.running)
            .values(
                status=JobStatus.queued,
                worker=None,
                attempts=Job.attempts - 1,
                enqueued_at=utcnow(),
                message="queued again: its worker shut down",
            )
        )
        back = bool(done.rowcount == 1)  # type: ignore[attr-defined]
    if back:
        send(queue, job_id)
    return back


def reap(factory: Factory, queue: Transport, lease_s: float) -> list[int]:
    """Queue again (or fail) the jobs whose lease lapsed; re-send stale queued ones.
    Returns the ids sent to the queue."""
    cutoff = utcnow() - timedelta(seconds=lease_s)
    sent: list[int] = []
    with unit_of_work(factory) as db_session:
        lapsed = db_session.execute(
            select(Job.id, Job.attempts, Job.max_attempts).where(
                Job.status == JobStatus.running, Job.heartbeat_at < cutoff
            )
        ).all()
        for job_id, attempts, max_attempts in lapsed:
            again = attempts < max_attempts
            values: dict[str, object] = (
                {
                    "status": JobStatus.queued,
                    "enqueued_at": utcnow(),
                    "message": "queued again: its worker was lost",
                }
                if again
                else {
                    "status": JobStatus.failed,
                    "finished_at": utcnow(),
                    "message": "failed",
                    "error": f"its worker was lost {attempts} times"
                    f" (no heartbeat for {lease_s:g} s)",
                }
            )
            done = db_session.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == JobStatus.running, Job.heartbeat_at < cutoff)
                .values(worker=None, **values)
            )
            if again and done.rowcount == 1:  # type: ignore[attr-defined]
                sent.append(job_id)
        stale = db_session.scalars(
            select(Job.id).where(Job.status == JobStatus.queued, Job.enqueued_at < cutoff)
        ).all()
        for job_id in stale:
            db_session.execute(update(Job).where(Job.id == job_id).values(enqueued_at=utcnow()))
            sent.append(job_id)
    for job_id in sent:
        send(queue, job_id)
    return sent
