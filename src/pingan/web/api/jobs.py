"""Background jobs over HTTP: read one, list the caller's reach, cancel.

A job is seen by whoever started it and whoever may read its kind's resource (plans for a
plan solve) in its jurisdiction; cancelled by the starter or whoever may write there.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from pingan.bounds import Id
from pingan.jobs import service as jobs
from pingan.jobs.models import JobStatus
from pingan.web.deps import PrincipalDep, SessionDep

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])


@router.get("")
def list_jobs(
    caller: PrincipalDep, db_session: SessionDep, status: JobStatus | None = None
) -> list[dict[str, Any]]:
    """The newest jobs the caller may see (at most 100)."""
    return [jobs.job_json(j) for j in jobs.list_jobs(db_session, caller, status=status)]


@router.get("/{job_id}")
def get_job(job_id: Id, caller: PrincipalDep, db_session: SessionDep) -> dict[str, Any]:
    """Status, progress (0..1 and a message), the result's URL when done, the error if failed."""
    return jobs.job_json(jobs.get(db_session, caller, job_id))


@router.post("/{job_id}/cancel")
def cancel_job(job_id: Id, caller: PrincipalDep, db_session: SessionDep) -> dict[str, Any]:
    """Cancel a queued job, or ask a running one to stop at its next step."""
    return jobs.job_json(jobs.cancel(db_session, caller, job_id))
