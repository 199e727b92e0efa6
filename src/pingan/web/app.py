"""The FastAPI application: ``create_app(settings)`` wires storage, routers, pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from pingan import __version__
from pingan.audit import keys as audit_keys
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory
from pingan.live import order as live_order
from pingan.logs import use_json_logs
from pingan.ratelimit import make_limiter
from pingan.web import api_docs, ops, pages
from pingan.web.access_log import install_log_redaction
from pingan.web.api import analytics as analytics_api
from pingan.web.api import antifraud as antifraud_api
from pingan.web.api import audit as audit_api
from pingan.web.api import auth as auth_api
from pingan.web.api import campaigns as campaigns_api
from pingan.web.api import city as city_api
from pingan.web.api import community as community_api
from pingan.web.api import community_groups as community_groups_api
from pingan.web.api import connectors as connectors_api
from pingan.web.api import dispatch as dispatch_api
from pingan.web.api import incidents as incidents_api
from pingan.web.api import jobs as jobs_api
from pingan.web.api import jurisdictions as jurisdictions_api
from pingan.web.api import ledgers as ledgers_api
from pingan.web.api import patrol as patrol_api
from pingan.web.api import units as units_api
from pingan.web.bodies import BodyLimitMiddleware
from pingan.web.capacity import SessionGate
from pingan.web.errors import install_error_handlers
from pingan.web.lean_intake import LeanIntakeMiddleware
from pingan.web.logs import RequestIdMiddleware
from pingan.web.security import SecurityHeadersMiddleware

#: Routers mounted on the app, in this order. Each capability adds its own.
ROUTERS: tuple[APIRouter, ...] = (
    auth_api.router,
    auth_api.users_router,
    jurisdictions_api.router,
    audit_api.router,
    city_api.router,
    pages.router,
    incidents_api.router,
    incidents_api.open311_router,
    units_api.router,
    dispatch_api.router,
    patrol_api.router,
    analytics_api.router,
    antifraud_api.router,
    community_api.router,
    community_groups_api.router,
    connectors_api.router,
    ledgers_api.router,
    jobs_api.router,
    campaigns_api.router,
)

STATIC_DIR = Path(__file__).parent / "static"


def create_app(settings: Settings) -> FastAPI:
    """Build the app for ``settings``; refuses unsafe settings outside demo mode."""
    settings.check_safe()
    # audit rows written through this engine are keyed (pingan.audit.keys)
    engine = audit_keys.keyed(
        make_engine(settings.effective_database_url, pool_size=settings.db_pool_size),
        audit_keys.load_key(settings),
    )
    app = FastAPI(
        title="pingan 平安",
        version=__version__,
        description="Public-safety operations for a police district and its community.",
        # served by pingan.web.api_docs: admin-only outside demo mode, no ReDoc, no CDN
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.read_session_factory = make_session_factory(engine, read_only=True)
    # requests holding a session at once, and the thread pool, sized to the connections
    app.state.session_gate = SessionGate(settings.db_pool_size)
    # rate-limit counters shared by all workers: Redis when configured, else this database
    app.state.limiter = make_limiter(settings.redis_url, engine, settings.secret_key)
    # live events: commit-ordered stamps and change notices (pingan.live)
    live_order.install()
    live_order.use_redis(settings.redis_url)
    install_error_handlers(app)
    app.add_middleware(LeanIntakeMiddleware)  # innermost: POST /api/v1/reports, lean path
    app.add_middleware(BodyLimitMiddleware)  # inner: the headers reach its 413 and 422 too
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.secure_cookies)
    app.add_middleware(RequestIdMiddleware)  # outermost: request id, one log line, latency
    for router in ROUTERS:
        app.include_router(router)
    app.include_router(api_docs.router)
    app.include_router(ops.router)  # /readyz, /metrics
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    install_log_redaction()  # no API keys or report tokens in the access log
    if settings.log_json:  # after uvicorn configured logging, in each worker process
        use_json_logs()

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}  # no version: it tells an attacker which flaws to try

    return app
