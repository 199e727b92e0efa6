"""Prometheus metrics (prometheus-client), served at ``/metrics``.

In this process: request latency by method, route template and status class. Read from the
database at each scrape (so they hold across web and worker processes): jobs by status
(queue depth) and the durations of recently finished jobs by kind. Counters other parts
increment: :data:`EVENTS_PUSHED` (live events written to a stream client) and
:data:`INTAKE_LAG` (seconds from a report's arrival to its commit).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, SummaryMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pingan.jobs.models import Job, JobStatus

REGISTRY = CollectorRegistry()

REQUEST_LATENCY = Histogram(
    "pingan_request_seconds",
    "HTTP request latency by route template",
    ["method", "route", "status"],
    registry=REGISTRY,
)
EVENTS_PUSHED = Counter(
    "pingan_events_pushed_total", "Live events written to stream clients", registry=REGISTRY
)
INTAKE_LAG = Histogram(
    "pingan_intake_lag_seconds", "From a report's arrival to its commit", registry=REGISTRY
)

#: Finished jobs summarised per scrape.
RECENT_JOBS = 1000


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    REQUEST_LATENCY.labels(method, route, f"{status // 100}xx").observe(seconds)


class JobCollector(Collector):
    """Queue depth and job durations, read from the job table at scrape time."""

    def __init__(self, factory: Callable[[], Session]) -> None:
        self.factory = factory

    def collect(self) -> Iterator[Any]:
        depth = GaugeMetricFamily("pingan_jobs", "Jobs by status", labels=["status"])
        durations = SummaryMetricFamily(
            "pingan_job_seconds", "Run time of recently finished jobs", labels=["kind"]
        )
        with self.factory() as db_session:
            counts = dict(
                db_session.execute(select(Job.status, func.count()).group_by(Job.status)).all()
            )
            finished = db_session.execute(
                select(Job.kind, Job.started_at, Job.finished_at)
                .where(Job.status == JobStatus.done)
                .order_by(Job.id.desc())
                .limit(RECENT_JOBS)
            ).all()
        for status in JobStatus:
            depth.add_metric([status.value], float(counts.get(status, 0)))
        per_kind: dict[str, list[float]] = {}
        for kind, started, ended in finished:
            if started and ended:
                per_kind.setdefault(kind, []).append((ended - started).total_seconds())
        for kind, seconds in per_kind.items():
            durations.add_metric([kind], len(seconds), sum(seconds))
        yield depth
        yield durations


def exposition(factory: Callable[[], Session]) -> bytes:
    """The text exposition of this process's metrics and the job table's."""
    registry = CollectorRegistry()
    registry.register(JobCollector(factory))
    return generate_latest(REGISTRY) + generate_latest(registry)
