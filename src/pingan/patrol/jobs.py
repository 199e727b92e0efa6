"""Plan solves as background jobs (kind ``plan.solve``, see :mod:`pingan.jobs`).

:func:`submit_plan` checks the request and the caller's right now, and queues it;
:func:`solve_plan` is the handler a worker runs: it drafts the plan on a read-only session
(SQLite's write lock is not held through a solve), then stores it in one short write.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from pingan.config import Settings
from pingan.db import unit_of_work
from pingan.jobs import service as jobs
from pingan.jobs.models import Job
from pingan.jobs.worker import JobContext
from pingan.patrol import planning
from pingan.patrol.schemas import PlanCreate
from pingan.principal import Principal

KIND = "plan.solve"

#: Each stage of :func:`pingan.patrol.planning.draft_plan` as a share of the whole job.
STAGES: dict[str, tuple[float, float]] = {
    "demand": (0.0, 0.15),
    "stationing": (0.15, 0.7),
    "routes": (0.7, 0.85),
    "beats": (0.85, 0.95),
}


def submit_plan(
    db_session: Session,
    settings: Settings,
    principal: Principal | None,
    request: PlanCreate,
    *,
    actor: str = "cli",
) -> Job:
    """Queue a plan solve (bad requests and missing rights are refused here, at once)."""
    jurisdiction = planning.authorise(db_session, settings, principal, request)
    return jobs.submit(
        db_session,
        settings,
        principal,
        kind=KIND,
        params=request.model_dump(mode="json"),
        jurisdiction=jurisdiction,
        actor=actor,
    )


def solve_plan(context: JobContext) -> str:
    """Solve and store the plan; the plan's URL."""
    request = PlanCreate.model_validate(context.params)

    def progress(stage: str, fraction: float) -> None:
        low, high = STAGES.get(stage, (0.0, 0.95))
        context.progress(low + (high - low) * fraction, stage)

    with unit_of_work(context.read_factory) as db_session:
        principal = context.principal(db_session)
        draft = planning.draft_plan(
            db_session, context.settings, principal, request, progress=progress
        )
    context.progress(0.95, "storing")
    with unit_of_work(context.factory) as db_session:
        principal = context.principal(db_session)
        plan = planning.store_plan(db_session, draft, principal, actor=context.started_by)
        plan_id = plan.id
    return f"/api/v1/plans/{plan_id}"
