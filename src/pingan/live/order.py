"""Commit-ordered stamps and change notices for incidents and units (see the package).

:func:`install` hooks every ORM session once: after each flush it notes the incidents and
units the transaction wrote; the Core incident writer notes its own through
:func:`mark_written`. Just before the commit, on PostgreSQL, the transaction takes the
event order's lock (a transaction-level advisory lock, one for incidents, one for units,
always in that order and always last, so it can wait for nothing but another commit's last
step), stamps ``updated_at`` of the rows it noted (and ``created_at`` of those it created,
so a new row's two stamps stay equal), and queues a ``NOTIFY`` that PostgreSQL
sends at commit, in commit order. The lock is held only for the commit itself, so a
reader's ``(updated_at, id)`` cursor never skips a row committed later with an earlier
stamp, at the cost of serialising commits, not whole transactions. After the commit, a
Redis ``PUBLISH`` follows when :func:`use_redis` configured one. SQLite needs none of this:
``BEGIN IMMEDIATE`` already serialises its writers, whose stamps follow commit order.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, event, text
from sqlalchemy.orm import Session

from pingan.db import utcnow

CHANNEL = "pingan_live"
LIVE_TABLES = ("incident", "unit")  # the lock order
_TOUCHED = "pingan.live.touched"
_CREATED = "pingan.live.created"
_WITH_CREATED_AT = frozenset({"incident"})  # a unit row has no creation stamp
_LOCK = {"incident": 7461626, "unit": 7461627}

log = logging.getLogger(__name__)
_installed = threading.Lock()
_state: dict[str, Any] = {"installed": False, "redis": None}


def _touched(session: Session) -> dict[str, set[int]]:
    found: dict[str, set[int]] = session.info.setdefault(_TOUCHED, {})
    return found


def _created(session: Session) -> dict[str, set[int]]:
    found: dict[str, set[int]] = session.info.setdefault(_CREATED, {})
    return found


def mark_written(
    session: Session, table: str, ids: Iterable[int], *, created: bool = False
) -> None:
    """Note rows of a live table this session's transaction wrote (``created``: inserted)
    through Core."""
    ids = list(ids)
    _touched(session).setdefault(table, set()).update(ids)
    if created and table in _WITH_CREATED_AT:
        _created(session).setdefault(table, set()).update(ids)


def stamp(
    connection: Connection,
    touched: dict[str, set[int]],
    created: dict[str, set[int]] | None = None,
) -> bool:
    """Take the event order's locks and stamp the touched rows, and the creation time of
    the ``created`` ones (PostgreSQL only).

    One statement does it all (the locks in their order, the stamp read after them, the
    updates, the notice), so the locks are held for this round trip and the commit's, not
    for one per step: every commit of a changed unit waits for the one before it, and on a
    busy machine each round trip costs a scheduling delay (issue 18's load test)."""
    if connection.dialect.name != "postgresql" or not any(touched.values()):
        return False
    tables = [table for table in LIVE_TABLES if touched.get(table)]
    parts: list[str] = []
    previous = ""
    for table in tables:  # each lock's CTE reads the one before it: taken in this order
        source = f" FROM {previous}" if previous else ""
        parts.append(f"lock_{table} AS (SELECT pg_advisory_xact_lock({_LOCK[table]}){source})")
        previous = f"lock_{table}"
    parts.append(f"stamp AS (SELECT clock_timestamp() AS at FROM {previous})")  # after them
    params: dict[str, Any] = {}
    for table in tables:
        params[f"ids_{table}"] = sorted(touched[table])
        assignments = "updated_at = stamp.at"
        new = sorted((created or {}).get(table, ()))
        if new and table in _WITH_CREATED_AT:
            params[f"new_{table}"] = new
            assignments += (
                f", created_at = CASE WHEN {table}.id = ANY(:new_{table}) "
                f"THEN stamp.at ELSE {table}.created_at END"
            )
        parts.append(
            f"set_{table} AS (UPDATE {table} SET {assignments} FROM stamp "
            f"WHERE {table}.id = ANY(:ids_{table}))"
        )
    statement = (
        "WITH "
        + ", ".join(parts)
        + f" SELECT pg_notify('{CHANNEL}', extract(epoch FROM stamp.at)::text) FROM stamp"
    )
    connection.execute(text(statement), params)
    return True


def _after_flush(session: Session, _context: Any) -> None:
    for obj in (*session.new, *session.dirty):
        table = str(getattr(obj, "__tablename__", ""))
        known = table in _LOCK and getattr(obj, "id", None) is not None
        if known and obj in session.new:
            mark_written(session, table, [obj.id], created=True)
        elif known and session.is_modified(obj):
            mark_written(session, table, [obj.id])


def _before_commit(session: Session) -> None:
    touched = session.info.get(_TOUCHED)
    if touched and session.in_transaction():
        stamp(session.connection(), touched, session.info.get(_CREATED))


def _after_commit(session: Session) -> None:
    touched = session.info.pop(_TOUCHED, None)
    session.info.pop(_CREATED, None)
    if touched and any(touched.values()) and _state["redis"] is not None:
        try:
            _state["redis"].publish(CHANNEL, str(utcnow().timestamp()))
        except Exception as exc:  # the stream still wakes on its safety timer
            log.warning("live: redis publish failed: %s", type(exc).__name__)


def _after_rollback(session: Session) -> None:
    session.info.pop(_TOUCHED, None)
    session.info.pop(_CREATED, None)


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
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
        _state["installed"] = True
