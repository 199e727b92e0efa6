"""Commit-ordered stamps and change notices for incidents and units (see the package).

:func:`install` hooks every ORM session once; the Core incident writer calls
:func:`take` itself. Both are no-ops on SQLite. After a commit that changed an incident or
a unit, the notice goes out: ``NOTIFY`` (sent by PostgreSQL at commit, in commit order)
and, when :func:`use_redis` configured one, a Redis ``PUBLISH``.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from sqlalchemy import Connection, event, text
from sqlalchemy.orm import Session

from pingan.db import utcnow

CHANNEL = "pingan_live"
LIVE_TABLES = frozenset({"incident", "unit"})
_LOCKED = "pingan.live.locked"
_HEAD_LOCK = text("SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE")
_BOOT_LOCK = text("SELECT pg_advisory_xact_lock(7461626)")  # only before the first audit row
_NOTIFY = text(f"SELECT pg_notify('{CHANNEL}', :payload)")

log = logging.getLogger(__name__)
_installed = threading.Lock()
_state: dict[str, Any] = {"installed": False, "redis": None}


def take(connection: Connection) -> bool:
    """Lock the event order for this transaction and queue its notice (PostgreSQL only).

    Returns whether the lock was taken; it is held until the transaction ends, so every
    ``updated_at`` stamped after this call is later than any stamp already committed.
    """
    if connection.dialect.name != "postgresql":
        return False
    if connection.execute(_HEAD_LOCK).first() is None:
        connection.execute(_BOOT_LOCK)
    connection.execute(_NOTIFY, {"payload": str(utcnow().timestamp())})
    return True


def _live_changes(session: Session) -> list[Any]:
    changed = [o for o in session.new if getattr(o, "__tablename__", None) in LIVE_TABLES]
    changed += [
        o
        for o in session.dirty
        if getattr(o, "__tablename__", None) in LIVE_TABLES and session.is_modified(o)
    ]
    return changed


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    changed = _live_changes(session)
    if not changed:
        return
    if not session.info.get(_LOCKED):
        if session.get_bind().dialect.name != "postgresql":
            session.info[_LOCKED] = "sqlite"
            return
        take(session.connection())
        session.info[_LOCKED] = "postgresql"
    if session.info[_LOCKED] == "postgresql":
        now = utcnow()  # stamped under the lock: commit order
        for obj in changed:
            if obj not in session.new or getattr(obj, "updated_at", None) is not None:
                obj.updated_at = now


def mark_written(session: Session) -> None:
    """Note that this session's transaction wrote live rows through Core (a notice follows)."""
    session.info.setdefault(_LOCKED, session.get_bind().dialect.name)


def _after_commit(session: Session) -> None:
    if session.info.pop(_LOCKED, None) and _state["redis"] is not None:
        try:
            _state["redis"].publish(CHANNEL, str(utcnow().timestamp()))
        except Exception as exc:  # the stream still wakes on its safety timer
            log.warning("live: redis publish failed: %s", type(exc).__name__)


def _after_rollback(session: Session) -> None:
    session.info.pop(_LOCKED, None)


def use_redis(url: str) -> None:
    """Publish change notices to Redis too (the web workers then listen there)."""
    if not url:
        _state["redis"] = None
        return
    import redis

    _state["redis"] = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def install() -> None:
    """Hook every ORM session (once per process)."""
    with _installed:
        if _state["installed"]:
            return
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
        _state["installed"] = True
