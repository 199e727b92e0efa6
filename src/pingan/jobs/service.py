"""Start, read, list and cancel jobs: authorised like the requests that start them, audited.

A job of kind ``plan.solve`` is read by whoever may read plans of its jurisdiction (or
started it), cancelled by whoever may write them; :data:`KIND_RESOURCE` names the resource
of each kind. The job's id reaches the queue only once the submitting transaction commits,
so a worker never looks for a row it cannot see yet.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import event, or_, select
from sqlalchemy.orm import Session

from pingan.audit import service as audit
from pingan.config import Settings
from pingan.db import utcnow
from pingan.errors import Conflict, InvalidInput, NotFound
from pingan.jobs.models import FINISHED, Job, JobStatus
from pingan.jobs.queue import Transport, open_queue, send
from pingan.jurisdictions.models import Jurisdiction
from pingan.principal import Principal

#: The policy resource each kind of job acts on (read: see it; write: start or cancel it).
KIND_RESOURCE: dict[str, str] = {
    "plan.solve": "plan",
    "plan.compare": "plan",
    "campaign.brief": "campaign",
    "campaign.report": "campaign",
}

#: At most this many jobs in a list.
LIST_LIMIT = 100


@cache
def _queue(redis_url: str, data_dir: str) -> Transport:
    return open_queue(Settings(redis_url=redis_url, data_dir=Path(data_dir)))


def queue_for(settings: Settings) -> Transport:
    """One transport per (Redis URL, data folder) in this process."""
    return _queue(settings.redis_url, str(settings.data_dir))


def resource_of(kind: str) -> str:
    try:
        return KIND_RESOURCE[kind]
    except KeyError:
        raise InvalidInput(f"no job kind {kind!r}", field="kind") from None


def submit(
    db_session: Session,
    settings: Settings,
    principal: Principal | None,
    *,
    kind: str,
    params: dict[str, Any],
    jurisdiction: Jurisdiction,
    actor: str = "cli",
) -> Job:
    """Queue a job of ``kind`` in ``jurisdiction`` (the caller has checked the request;
    this checks the write right again) and audit it; sent to the queue on commit."""
    resource = resource_of(kind)
    if principal is not None:
        principal.check(resource, "write", jurisdiction.path)
    job = Job(
        kind=kind,
        params=params,
        started_by_user_id=principal.user_id if principal else None,
        started_by=principal.username if principal else actor,
        jurisdiction_id=jurisdiction.id,
        status=JobStatus.queued,
        max_attempts=settings.job_max_attempts,
        progress=0.0,
        message="queued",
        attempts=0,
        cancel_requested=False,
    )
    db_session.add(job)
    db_session.flush()
    audit.record(
        db_session,
        action="job.start",
        object_type="job",
        object_id=job.id,
        principal=principal,
        actor=None if principal else actor,
        jurisdiction_id=jurisdiction.id,
    )
    queue = queue_for(settings)
    job_id = job.id

    def _send(_session: Session) -> None:
        send(queue, job_id)

    event.listen(db_session, "after_commit", _send, once=True)
    return job


def _path(db_session: Session, job: Job) -> str:
    jurisdiction = db_session.get(Jurisdiction, job.jurisdiction_id)
    return jurisdiction.path if jurisdiction else ""


def _may(db_session: Session, principal: Principal | None, job: Job, action: str) -> bool:
    if principal is None:
        return True
    if job.started_by_user_id == principal.user_id:
        return True
    return principal.can(resource_of(job.kind), action, _path(db_session, job))


def get(db_session: Session, principal: Principal | None, job_id: int) -> Job:
    """The job, if the caller may see it (else :class:`NotFound`, never 403)."""
    job = db_session.get(Job, job_id)
    if job is None or not _may(db_session, principal, job, "read"):
        raise NotFound("no such job")
    return job


def list_jobs(
    db_session: Session, principal: Principal | None, *, status: JobStatus | None = None
) -> list[Job]:
    """The newest jobs (at most :data:`LIST_LIMIT`) the caller may see."""
    query = select(Job).order_by(Job.id.desc())
    if status is not None:
        query = query.where(Job.status == status)
    if principal is not None:  # the caller's own jobs and those under their grants
        query = query.join(Jurisdiction, Jurisdiction.id == Job.jurisdiction_id).where(
            or_(
                Job.started_by_user_id == principal.user_id,
                *(Jurisdiction.path.startswith(g.jurisdiction_path) for g in principal.grants),
            )
        )
    found: list[Job] = []
    for job in db_session.scalars(query.limit(LIST_LIMIT * 4)):
        if _may(db_session, principal, job, "read"):  # the kind's resource, per role
            found.append(job)
    return found[:LIST_LIMIT]


def cancel(
    db_session: Session, principal: Principal | None, job_id: int, *, actor: str = "cli"
) -> Job:
    """Cancel a queued job at once; ask a running one to stop (its worker ends it as
    cancelled at its next progress step). A finished job cannot be cancelled."""
    job = get(db_session, principal, job_id)
    if not _may(db_session, principal, job, "write"):
        raise NotFound("no such job")
    if job.status in FINISHED:
        raise Conflict(f"job {job.id} is already {job.status.value}")
    job.cancel_requested = True
    if job.status is JobStatus.queued:
        job.status = JobStatus.cancelled
        job.finished_at = utcnow()
        job.message = "cancelled"
    db_session.flush()
    audit.record(
        db_session,
        action="job.cancel",
        object_type="job",
        object_id=job.id,
        principal=principal,
        actor=None if principal else actor,
        jurisdiction_id=job.jurisdiction_id,
    )
    return job


def job_json(job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "kind": job.kind,
        "status": job.status.value,
        "progress": job.progress,
        "message": job.message,
        "result_url": job.result_url,
        "error": job.error,
        "started_by": job.started_by,
        "jurisdiction_id": job.jurisdiction_id,
        "attempts": job.attempts,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "url": f"/api/v1/jobs/{job.id}",
    }
