"""Liveness, readiness and metrics.

``/healthz`` (in :mod:`pingan.web.app`) says the process answers. ``/readyz`` answers 200
only when the database answers, its schema is at the migrations' head and the job queue is
reachable (503 with each check otherwise); ``pingan health`` runs the same checks.
``/metrics`` is Prometheus' text format (:mod:`pingan.web.metrics`): serve it to the
monitoring network only (the deploy notes bind the app to 127.0.0.1 behind the proxy).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from pingan.jobs.health import readiness
from pingan.web import metrics

router = APIRouter(include_in_schema=False)


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
