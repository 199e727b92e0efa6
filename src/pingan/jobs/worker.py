"""The worker: takes job ids off the queue, claims each job's lease, runs its handler.

A handler is a plain function of a :class:`JobContext` returning the result's URL; it
reports progress through :meth:`JobContext.progress`, which is also where it stops: when
the job was cancelled, when this worker is shutting down (the job goes back on the queue,
not counted as a run) or when its lease was lost. A heartbeat thread renews the lease every
third of ``job_lease_s`` and stores the progress. Every worker also reaps lapsed leases
(:func:`pingan.jobs.lease.reap`), so a job whose worker was killed runs again elsewhere.

``pingan serve`` / ``pingan demo`` run one worker in a thread (:func:`start_embedded`);
``pingan worker`` runs one in its own process.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from pingan.audit import keys as audit_keys
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory
from pingan.errors import PinganError
from pingan.jobs import lease
from pingan.jobs.models import Job, JobStatus
from pingan.jobs.queue import Transport, open_queue, receive
from pingan.principal import Principal

log = logging.getLogger("pingan.jobs")

#: Builds the principal of the user who started a job (``None``: the operator).
PrincipalLoader = Callable[[Session, int | None], Principal | None]


class JobStopped(Exception):
    """Raised in a handler by :meth:`JobContext.progress` to stop the job."""

    def __init__(self, why: lease.Beat | str) -> None:
        super().__init__(str(why))
        self.why = why


@dataclass
class _Run:
    progress: float = 0.0
    message: str = "started"
    beat: lease.Beat = lease.Beat.held
    done: threading.Event = field(default_factory=threading.Event)


@dataclass
class JobContext:
    """What a handler gets: the job's parameters, storage, and the progress callback."""

    job_id: int
    kind: str
    params: dict[str, Any]
    jurisdiction_id: int
    started_by: str
    started_by_user_id: int | None
    settings: Settings
    factory: Callable[[], Session]
    read_factory: Callable[[], Session]
    load_principal: PrincipalLoader
    stopping: threading.Event
    run: _Run

    def principal(self, db_session: Session) -> Principal | None:
        """The starter's principal, with the rights they hold now."""
        return self.load_principal(db_session, self.started_by_user_id)

    def progress(self, fraction: float, message: str) -> None:
        """Record progress; raise :class:`JobStopped` when the job must stop here."""
        self.run.progress = min(max(fraction, 0.0), 1.0)
        self.run.message = message
        if self.run.beat is not lease.Beat.held:
            raise JobStopped(self.run.beat)
        if self.stopping.is_set():
            raise JobStopped("shutdown")


Handler = Callable[[JobContext], str | None]


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


class Worker:
    """One worker loop (a thread or a process runs :meth:`run`)."""

    def __init__(
        self,
        settings: Settings,
        handlers: Mapping[str, Handler],
        load_principal: PrincipalLoader,
        *,
        queue: Transport | None = None,
    ) -> None:
        self.settings = settings
        self.handlers = handlers
        self.load_principal = load_principal
        engine = audit_keys.keyed(
            make_engine(settings.effective_database_url), audit_keys.load_key(settings)
        )
        self.factory = make_session_factory(engine)
        self.read_factory = make_session_factory(engine, read_only=True)
        self.queue = queue or open_queue(settings)
        self.stopping = threading.Event()
        self.name = ""
        self.busy_with: int | None = None

    def run(self, *, idle_s: float = 0.5) -> None:
        """Take and run jobs until :attr:`stopping` is set."""
        self.name = worker_name()
        log.info("job worker started", extra={"worker": self.name})
        reaped_at = 0.0
        while not self.stopping.is_set():
            if time.monotonic() - reaped_at > self.settings.job_lease_s / 3:
                for again in lease.reap(self.factory, self.queue, self.settings.job_lease_s):
                    log.info("job queued again", extra={"job_id": again})
                reaped_at = time.monotonic()
            received = receive(self.queue)
            if received is None:
                if not self.settings.redis_url:  # Redis already waited in its blocking pop
                    self.stopping.wait(idle_s)
                continue
            self.run_one(received)
        log.info("job worker stopped", extra={"worker": self.name})

    def run_one(self, job_id: int) -> JobStatus | None:
        """Claim and run one job; its end status, or ``None`` when it was not ours."""
        name = self.name or worker_name()
        job = lease.claim(self.factory, job_id, name)
        if job is None:
            return None
        self.busy_with = job_id
        run = _Run()
        beating = threading.Thread(
            target=self._beat, args=(job_id, name, run), name=f"job-{job_id}-heartbeat"
        )
        beating.start()
        started = time.monotonic()
        try:
            return self._execute(job, name, run)
        finally:
            run.done.set()
            beating.join()
            self.busy_with = None
            log.info(
                "job ended",
                extra={"job_id": job_id, "kind": job.kind, "seconds": time.monotonic() - started},
            )

    def _context(self, job: Job, run: _Run) -> JobContext:
        return JobContext(
            job_id=job.id,
            kind=job.kind,
            params=dict(job.params),
            jurisdiction_id=job.jurisdiction_id,
            started_by=job.started_by,
            started_by_user_id=job.started_by_user_id,
            settings=self.settings,
            factory=self.factory,
            read_factory=self.read_factory,
            load_principal=self.load_principal,
            stopping=self.stopping,
            run=run,
        )

    def _execute(self, job: Job, name: str, run: _Run) -> JobStatus | None:
        handler = self.handlers.get(job.kind)
        end, message, error, url = JobStatus.failed, "failed", None, None
        try:
            if handler is None:
                raise PinganError(f"no worker here runs jobs of kind {job.kind!r}")
            url = handler(self._context(job, run))
            end, message = JobStatus.done, "done"
        except JobStopped as stopped:
            if stopped.why == "shutdown":
                lease.give_back(self.factory, self.queue, job.id, name)
                return JobStatus.queued
            if stopped.why is lease.Beat.lost:
                return None
            end, message = JobStatus.cancelled, "cancelled"
        except PinganError as failure:
            error = str(failure)
        except Exception as failure:  # the job fails, the worker goes on
            log.exception("job failed", extra={"job_id": job.id, "kind": job.kind})
            error = f"internal error ({type(failure).__name__}); see the worker's log"
        lease.finish(self.factory, job.id, name, end, message=message, result_url=url, error=error)
        return end

    def _beat(self, job_id: int, name: str, run: _Run) -> None:
        every = max(self.settings.job_lease_s / 3, 0.05)
        while not run.done.wait(every):
            try:
                run.beat = lease.heartbeat(self.factory, job_id, name, run.progress, run.message)
            except Exception:  # a missed beat is retried; the lease covers two more
                log.exception("heartbeat failed", extra={"job_id": job_id})


def start_embedded(
    settings: Settings, handlers: Mapping[str, Handler], load_principal: PrincipalLoader
) -> tuple[Worker, threading.Thread]:
    """Run a worker in a daemon thread of this process; stop it with ``worker.stopping``."""
    worker = Worker(settings, handlers, load_principal)
    thread = threading.Thread(target=worker.run, name="pingan-job-worker", daemon=True)
    thread.start()
    return worker, thread
