"""Readiness: the database answers, its schema is at the migrations' head, and the job
queue is reachable. ``GET /readyz`` (:mod:`pingan.web.ops`) and ``pingan health`` run these
same checks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

import pingan
from pingan.config import Settings
from pingan.jobs.service import queue_for

#: The migration scripts, read as files (this layer does not import pingan.migrations).
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
