"""Liveness, readiness and metrics.

``/healthz`` (in :mod:`pingan.web.app`) says the process answers. ``/readyz`` answers 200
only when the database answers, its schema is at the migrations' head and the job queue is
reachable (503 with each check otherwise); ``pingan health`` runs the same checks.
``/metrics`` is Prometheus' text format (:mod:`pingan.web.metrics`): serve it to the
monitoring network only (the deploy notes bind the app to 127.0.0.1 behind the proxy).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import Engine, text

import pingan
from pingan.config import Settings
from pingan.jobs.service import queue_for
from pingan.web import metrics

router = APIRouter(include_in_schema=False)

#: The migration scripts, read as files (the web layer does not import pingan.migrations).
SCRIPTS = Path(pingan.__file__).parent / "migrations"


def heads() -> list[str]:
    return list(ScriptDirectory(str(SCRIPTS)).get_heads())


def readiness(engine: Engine, settings: Settings) -> dict[str, dict[str, Any]]:
    """Each check's outcome: ``{"ok": bool, "detail": str}``."""
    checks: dict[str, dict[str, Any]] = {}
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        checks["database"] = {"ok": True, "detail": engine.dialect.name}
        have, want = sorted(r[0] for r in current), sorted(heads())
        checks["migrations"] = {
            "ok": have == want,
            "detail": f"at {','.join(have) or 'none'}, head {','.join(want)}",
        }
    except Exception as failure:  # the check reports it; readiness must not raise
        checks["database"] = {"ok": False, "detail": type(failure).__name__}
        checks["migrations"] = {"ok": False, "detail": "database unreachable"}
    try:
        size = queue_for(settings).queue_size()
        where = "redis" if settings.redis_url else "local"
        checks["queue"] = {"ok": True, "detail": f"{where}, {size} waiting"}
    except Exception as failure:
        checks["queue"] = {"ok": False, "detail": type(failure).__name__}
    return checks


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    checks = readiness(request.app.state.engine, request.app.state.settings)
    ready = all(c["ok"] for c in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status_code=200 if ready else 503,
    )


@router.get("/metrics")
def metrics_text(request: Request) -> Response:
    body = metrics.exposition(request.app.state.read_session_factory)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
