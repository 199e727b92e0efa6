"""ASGI factory for uvicorn (``uvicorn --factory pingan.web.main:build``).

Every server starts here (``pingan serve`` runs it in each worker), so this is where a
server refuses to start on a database that still has the demo accounts.
"""

import threading

from fastapi import FastAPI

from pingan.algo import text
from pingan.auth.demo_guard import check_no_demo_accounts
from pingan.config import Settings, get_settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from pingan.web.app import create_app


def refuse_demo_database(settings: Settings) -> None:
    """Outside demo mode, raise :class:`pingan.errors.ConfigError` when the database still
    has demo accounts with the demo password (:func:`pingan.auth.demo_guard.demo_accounts_left`)."""
    if settings.demo_mode:
        return
    if not settings.database_url and not settings.sqlite_path.exists():
        return  # no database yet, so no accounts
    engine = make_engine(settings.effective_database_url)
    try:
        with unit_of_work(make_session_factory(engine, read_only=True)) as db_session:
            check_no_demo_accounts(db_session, settings)
    finally:
        engine.dispose()


def build() -> FastAPI:
    settings = get_settings()
    settings.check_safe()
    refuse_demo_database(settings)
    # the text reader loads beside the start-up, so the first report does not wait for it
    threading.Thread(target=text.warm_up, name="text-warm-up", daemon=True).start()
    return create_app(settings)
