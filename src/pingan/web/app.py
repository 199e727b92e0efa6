"""The FastAPI application: ``create_app(settings)`` wires storage, routers, pages."""

from __future__ import annotations

import importlib
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from pingan import __version__
from pingan.audit import keys as audit_keys
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory
from pingan.ratelimit import make_limiter
from pingan.web import api_docs
from pingan.web.access_log import install_log_redaction
from pingan.web.bodies import BodyLimitMiddleware
from pingan.web.errors import install_error_handlers
from pingan.web.security import SecurityHeadersMiddleware

#: Routers mounted on the app, as "module:attribute". Each capability adds its own.
ROUTERS: tuple[str, ...] = (
    "pingan.auth.api:router",
    "pingan.auth.api:users_router",
    "pingan.jurisdictions.api:router",
    "pingan.audit.api:router",
    "pingan.city.api:router",
    "pingan.web.pages:router",
    "pingan.web.api.incidents:router",
    "pingan.web.api.incidents:open311_router",
    "pingan.units.api:router",
    "pingan.dispatch.api:router",
    "pingan.patrol.api:router",
    "pingan.analytics.api:router",
)

STATIC_DIR = Path(__file__).parent / "static"


def create_app(settings: Settings) -> FastAPI:
    """Build the app for ``settings``; refuses unsafe settings outside demo mode."""
    settings.check_safe()
    # audit rows written through this engine are keyed (pingan.audit.keys)
    engine = audit_keys.keyed(
        make_engine(settings.effective_database_url), audit_keys.load_key(settings)
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
    # rate-limit counters shared by all workers: Redis when configured, else this database
    app.state.limiter = make_limiter(settings.redis_url, engine, settings.secret_key)
    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware)  # inner: the headers reach its 413 and 422 too
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.secure_cookies)
    for target in ROUTERS:
        module_name, _, attribute = target.partition(":")
        app.include_router(getattr(importlib.import_module(module_name), attribute))
    app.include_router(api_docs.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    install_log_redaction()  # no API keys or report tokens in the access log

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}  # no version: it tells an attacker which flaws to try

    return app
