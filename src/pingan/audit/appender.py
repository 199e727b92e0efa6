"""Group commit for audit rows that many readers write at once (PostgreSQL).

Every append to the chain locks its head row until the appending transaction commits
(:func:`pingan.audit.service.record_many`), so appends are serialised. A live board that
reads changes holding personal data appends a ``personal_data.read`` row on every read: with
dozens of boards, each read's own transaction waited for the head, and every writer queued
behind them (issue 18's district-night load test).

:meth:`ChainAppender.append` hands the rows to one thread per engine, which appends all the
rows waiting at that moment in one transaction (one head lock, one commit) and then
releases their callers. The caller waits for that commit, so a read is audited before it is
shown, as with an append in its own transaction. On SQLite only a caller in a read
(deferred) transaction may use it: one holding the database's write lock would wait for
the appender, which waits for that lock; such a caller appends in its own session.
"""

from __future__ import annotations

import queue
import threading
import weakref
from collections.abc import Sequence
from concurrent.futures import Future

from sqlalchemy import Engine

from pingan.audit.service import AuditEntry, record_many
from pingan.db import SQLITE_BEGIN

#: Rows appended in one transaction at most.
MAX_BATCH = 2_000
#: The thread ends after this long without work (a new append starts it again).
IDLE_EXIT_S = 5.0
#: A caller gives up after this long (the appender is stuck: the database is down).
WAIT_S = 60.0

_Item = tuple[Sequence[AuditEntry], "Future[None]"]


class ChainAppender:
    """One thread appending the rows of many callers, a transaction per batch."""

    def __init__(self, engine: Engine) -> None:
        self._engine = weakref.ref(engine)
        self._queue: queue.SimpleQueue[_Item] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        #: rows per committed batch (for the benchmark and the tests)
        self.batch_sizes: list[int] = []

    def append(self, entries: Sequence[AuditEntry]) -> None:
        """Append ``entries`` to the chain; return once they are committed."""
        if not entries:
            return
        future: Future[None] = Future()
        self._queue.put((entries, future))
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="pingan-audit-appender", daemon=True
                )
                self._thread.start()
        future.result(timeout=WAIT_S)

    def _run(self) -> None:
        while True:
            try:
                first = self._queue.get(timeout=IDLE_EXIT_S)
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():
                        self._thread = None
                        return
                continue
            batch = [first]
            rows = len(first[0])
            while rows < MAX_BATCH:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                batch.append(item)
                rows += len(item[0])
            self._commit(batch)

    def _commit(self, batch: list[_Item]) -> None:
        engine = self._engine()
        try:
            if engine is None:
                raise RuntimeError("the database engine of this audit appender is gone")
            # its own write transaction, even on a read-only engine (SQLite: IMMEDIATE)
            with (
                engine.connect().execution_options(**{SQLITE_BEGIN: "IMMEDIATE"}) as connection,
                connection.begin(),
            ):
                record_many(connection, [entry for entries, _ in batch for entry in entries])
        except Exception as exc:
            for _, future in batch:
                future.set_exception(exc)
            return
        self.batch_sizes.append(sum(len(entries) for entries, _ in batch))
        for _, future in batch:
            future.set_result(None)


_appenders: weakref.WeakKeyDictionary[Engine, ChainAppender] = weakref.WeakKeyDictionary()
_appenders_lock = threading.Lock()


def appender_for(engine: Engine) -> ChainAppender:
    """The appender of ``engine`` in this process (made on first use). Pass the engine the
    sessions use (keyed by :func:`pingan.audit.keys.keyed`): its rows carry that key."""
    with _appenders_lock:
        found = _appenders.get(engine)
        if found is None:
            found = _appenders[engine] = ChainAppender(engine)
        return found
