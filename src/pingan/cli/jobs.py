"""``pingan worker`` and ``pingan jobs list|show|cancel``; the job kinds a worker runs.

:data:`HANDLERS` maps each job kind to the domain function that runs it (the campaigns'
daily brief adds its kind here once it lands). ``pingan serve`` / ``pingan demo`` start one
worker thread (:func:`start_jobs`) unless ``PINGAN_JOBS_EMBEDDED=false``; ``pingan worker``
runs one in its own process and, on SIGTERM or Ctrl-C, puts a running job back on the
queue at its next progress step (or lets it finish) before exiting.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Mapping
from types import FrameType
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from pingan.cli.core import console, progress_bar, session_factory
from pingan.config import Settings, get_settings
from pingan.db import unit_of_work
from pingan.jobs import service as jobs
from pingan.jobs.models import FINISHED, JobStatus
from pingan.jobs.worker import Handler, Worker, start_embedded
from pingan.principal import Principal

app = typer.Typer(help="Background jobs: list, show, cancel.", no_args_is_help=True)


def _handlers() -> Mapping[str, Handler]:
    from pingan.campaigns import documents
    from pingan.patrol import jobs as plan_jobs

    return {
        plan_jobs.KIND: plan_jobs.solve_plan,
        documents.KIND_BRIEF: documents.write_document,
        documents.KIND_REPORT: documents.write_document,
    }


def load_principal(db_session: Session, user_id: int | None) -> Principal | None:
    """The starter's principal with the grants they hold now (``None``: the operator)."""
    if user_id is None:
        return None
    from pingan.auth import service as auth
    from pingan.auth.models import User
    from pingan.errors import Forbidden

    user = db_session.get(User, user_id)
    if user is None or not user.is_active:
        raise Forbidden("the account that started this job is no longer active")
    return auth.principal_for(db_session, user)


def make_worker(settings: Settings) -> Worker:
    return Worker(settings, _handlers(), load_principal)


def start_jobs(settings: Settings) -> tuple[Worker, threading.Thread] | None:
    """The embedded worker thread of ``serve`` / ``demo`` (``None`` when turned off)."""
    if not settings.jobs_embedded:
        return None
    return start_embedded(settings, _handlers(), load_principal)


def worker() -> None:
    """Run a job worker in this process until SIGTERM / Ctrl-C."""
    settings = get_settings()
    settings.check_safe()
    if settings.log_json:
        from pingan.logs import use_json_logs

        use_json_logs()
    running = make_worker(settings)

    def _stop(signum: int, _frame: FrameType | None) -> None:
        running.stopping.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    console.print(f"job worker on {'Redis' if settings.redis_url else 'the local queue'}")
    running.run()


def health() -> None:
    """Check the database, its migrations and the job queue (as ``GET /readyz``); exit 1
    when one fails."""
    from pingan.db import make_engine
    from pingan.jobs.health import readiness

    settings = get_settings()
    checks = readiness(make_engine(settings.effective_database_url), settings)
    table = Table("check", "ok", "detail")
    for name, check in checks.items():
        table.add_row(name, "yes" if check["ok"] else "NO", check["detail"])
    console.print(table)
    if not all(c["ok"] for c in checks.values()):
        raise typer.Exit(1)


def register(root: typer.Typer) -> None:
    root.command("worker")(worker)
    root.command("health")(health)
    root.add_typer(app, name="jobs")


def wait_for(settings: Settings, job_id: int, *, quiet: bool = False) -> dict[str, Any]:
    """Follow a job to its end (a Rich progress bar unless ``quiet``); its last state."""
    factory = session_factory(settings)

    def read() -> dict[str, Any]:
        with unit_of_work(factory) as db_session:
            return jobs.job_json(jobs.get(db_session, None, job_id))

    state = read()
    if quiet:
        while state["status"] not in FINISHED:
            time.sleep(0.5)
            state = read()
        return state
    with progress_bar() as bar:
        task = bar.add_task(f"job {job_id}", total=1.0)
        while state["status"] not in FINISHED:
            bar.update(task, completed=state["progress"], description=state["message"])
            time.sleep(0.5)
            state = read()
        bar.update(task, completed=state["progress"], description=state["status"])
    return state


@app.command("list")
def jobs_list(
    status: Annotated[JobStatus | None, typer.Option(help="Only jobs in this status.")] = None,
) -> None:
    """The newest jobs (at most 100)."""
    settings = get_settings()
    table = Table("id", "kind", "status", "progress", "message", "started by", "result")
    with unit_of_work(session_factory(settings)) as db_session:
        for job in jobs.list_jobs(db_session, None, status=status):
            table.add_row(
                str(job.id),
                job.kind,
                job.status.value,
                f"{job.progress:.0%}",
                job.message,
                job.started_by,
                job.result_url or job.error or "",
            )
    console.print(table)


@app.command("show")
def jobs_show(job_id: int) -> None:
    """One job, as JSON."""
    import json

    settings = get_settings()
    with unit_of_work(session_factory(settings)) as db_session:
        body = jobs.job_json(jobs.get(db_session, None, job_id))
    print(json.dumps(body, default=str, ensure_ascii=False, indent=2))


@app.command("cancel")
def jobs_cancel(job_id: int) -> None:
    """Cancel a queued job, or ask a running one to stop."""
    settings = get_settings()
    with unit_of_work(session_factory(settings)) as db_session:
        job = jobs.cancel(db_session, None, job_id)
        console.print(f"job {job.id}: {job.status.value} (cancel requested)")
