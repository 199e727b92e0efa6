"""The one incident writer: a few Core statements per batch, and group commit on SQLite.

Every new incident row goes through :func:`insert_incidents` (columns from
:mod:`pingan.incidents.rows`); every new report through :func:`write` (API, Open311, the
web form, the CSV import, chat), which uses :func:`write_reports` in the caller's
transaction or, on a SQLite snapshot, the group-commit writer.

Intake (``POST /api/v1/reports``, Open311 ``POST requests.json``) happens in two halves.

1. **In the request** (:func:`pingan.incidents.intake.create_report`): authenticate, look
   up the Idempotency-Key (a replay answers at once), check and extract the text, place
   the point, and build a :class:`PendingReport` — plain column values, no ORM objects,
   nothing written. On SQLite the request reads through a *snapshot*
   (:func:`use_snapshot`: ``BEGIN DEFERRED`` in WAL mode), which neither waits for nor
   blocks the writer, and ends it (returning its pooled connection) before it waits for
   the commit. The route does all of this in one trip to a thread (:func:`run_blocking`).
2. **The write** (:func:`write_reports`): for a batch of pending reports, in one
   transaction: one ``SELECT`` of the batch's idempotency keys, one multi-row
   ``INSERT … RETURNING`` each for incidents and reports, one for stolen items, the
   audit rows chained with one head lock (:func:`pingan.audit.service.record_many`),
   and one ``INSERT`` of the idempotency records with their answers.

**Group commit (SQLite).** One :class:`GroupCommitWriter` thread per engine and process
takes the pending reports that requests hand it, writes everything waiting (up to
:data:`MAX_BATCH`) in one ``BEGIN IMMEDIATE`` transaction and commits once: one fsync
(``synchronous=FULL`` stays) for the whole batch instead of one per report. There is no
timer: while one batch's fsync runs, the next batch gathers, so a lone request waits for
nothing but its own commit. Each request blocks until *its* batch has committed and only
then answers, so an acknowledged report is durable; a failed commit fails (5xx) every
report of that batch, none of which was acknowledged, and a batch that raises is retried
one report per transaction so that one bad report cannot fail the others. The writer
keeps one connection of its own while it runs (waiting requests can never starve it of
one) and ends after :data:`IDLE_EXIT_S` without work.

**Idempotency.** The writer holds SQLite's write lock while it checks the keys, so the
check sees every committed key, from this process or any other. Within a batch the first
report with a (caller, key) is written; a later one with the same body gets the first one's
answer (``replayed``), one with another body gets :class:`~pingan.errors.InvalidInput`
(422) — exactly what two requests in a row would get.

**PostgreSQL** and any session that already holds SQLite's write lock (the CLI, tests, a
request that wrote something first) take the per-request path: :func:`write_reports` runs
for one report inside the caller's transaction, which the request commits as before. A
concurrent request with the same key on PostgreSQL meets the unique constraint on
(caller, key); the savepoint is rolled back and the check repeated, which then finds the
winner's answer (:func:`pingan.incidents.intake.create_report`).

Timestamps ``created_at``/``updated_at`` are taken by the writer while it holds the lock,
so on SQLite they grow in commit order and the (updated_at, id) cursor of
:func:`pingan.incidents.reads.changes_since` never skips a report.
"""

from __future__ import annotations

import asyncio
import json
import queue
import threading
import weakref
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, Engine, Table, bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from pingan.audit import service as audit
from pingan.db import SQLITE_BEGIN, unit_of_work, utcnow
from pingan.errors import InvalidInput, PinganError
from pingan.incidents import privacy
from pingan.incidents.models import IdempotencyRecord, Incident, IncidentReport, StolenItem
from pingan.incidents.rows import IdempotencyClaim, PendingReport, Written, incident_read
from pingan.live import order as live_order

T = TypeVar("T")

#: Most reports written in one transaction.
MAX_BATCH = 256
#: A request gives up waiting for its commit after this long (seconds). It answers 5xx;
#: a retry with the same Idempotency-Key then finds the report if it was committed.
WAIT_S = 120.0
#: A writer thread with nothing to do for this long (seconds) ends; the next report
#: starts a new one.
IDLE_EXIT_S = 2.0


def _replay(row: Any, claim: IdempotencyClaim) -> Written | PinganError:
    if row.body_sha256 != claim.body_sha256:
        return InvalidInput(
            "this Idempotency-Key was already used with a different body",
            field="Idempotency-Key",
        )
    answer = json.loads(row.response)
    return Written(row.incident_id or 0, answer.get("public_token") or "", answer, True)


# statements built once (building one costs more than running it)
_records = cast(Table, IdempotencyRecord.__table__)
_incidents = cast(Table, Incident.__table__)
_reports = cast(Table, IncidentReport.__table__)
_FIND_KEYS = select(
    _records.c.caller,
    _records.c.key,
    _records.c.body_sha256,
    _records.c.incident_id,
    _records.c.response,
).where(
    _records.c.caller.in_(bindparam("callers", expanding=True)),
    _records.c.key.in_(bindparam("keys", expanding=True)),
)
_INSERT_RECORDS = insert(_records)
_INSERT_INCIDENTS = insert(_incidents).returning(_incidents.c.id, sort_by_parameter_order=True)
_BULK_INSERT_INCIDENTS = insert(_incidents)
_INSERT_REPORTS = insert(_reports).returning(_reports.c.id, sort_by_parameter_order=True)
_INSERT_ITEMS = insert(cast(Table, StolenItem.__table__))
#: Rows per statement of a bulk :func:`insert_incidents` (the simulated history).
BULK_BATCH = 2000


def insert_incidents(
    connection: Connection,
    rows: Sequence[dict[str, Any]],
    stamps: Sequence[datetime] | None = None,
    *,
    bulk: bool = False,
) -> list[int]:
    """Insert new incidents; return their ids in the rows' order. The only incident insert.

    ``rows`` come from :func:`pingan.incidents.rows.incident_columns`; ``stamps`` are
    their ``created_at`` = ``updated_at`` (by default one time for all). ``bulk`` uses a
    plain ``executemany`` per :data:`BULK_BATCH` rows (several times faster than
    ``RETURNING`` for thousands of rows) and finds the ids by the unique public tokens.
    """
    if stamps is None:
        now = utcnow()
        stamps = [now] * len(rows)
    stamped = [
        row | {"created_at": stamp, "updated_at": stamp}
        for row, stamp in zip(rows, stamps, strict=True)
    ]
    if not bulk:
        return list(connection.execute(_INSERT_INCIDENTS, stamped).scalars()) if rows else []
    by_token: dict[str, int] = {}
    for start in range(0, len(stamped), BULK_BATCH):
        chunk = stamped[start : start + BULK_BATCH]
        connection.execute(_BULK_INSERT_INCIDENTS, chunk)
        tokens = [row["public_token"] for row in chunk]
        found = connection.execute(
            select(_incidents.c.id, _incidents.c.public_token).where(
                _incidents.c.public_token.in_(tokens)
            )
        )
        by_token.update((token, incident_id) for incident_id, token in found)
    return [by_token[row["public_token"]] for row in stamped]


def _insert_reports(
    connection: Connection,
    incident_ids: Sequence[int],
    reports: Sequence[dict[str, Any]],
    items: Sequence[Sequence[dict[str, Any]]],
) -> list[int]:
    """Insert reports (one per incident id) with their stolen items; return the report ids."""
    report_ids = list(
        connection.execute(
            _INSERT_REPORTS,
            [
                report | {"incident_id": incident_id}
                for report, incident_id in zip(reports, incident_ids, strict=True)
            ],
        ).scalars()
    )
    item_rows = [
        item | {"incident_id": incident_id, "report_id": report_id}
        for its, incident_id, report_id in zip(items, incident_ids, report_ids, strict=True)
        for item in its
    ]
    if item_rows:
        connection.execute(_INSERT_ITEMS, item_rows)
    return report_ids


def answer_body(pending: PendingReport, incident_id: int, stamp: datetime) -> dict[str, Any]:
    """The :class:`~pingan.incidents.schemas.IncidentRead` body its reporter gets (own data
    unmasked, with token)."""
    return incident_read(
        pending.incident | {"id": incident_id, "updated_at": stamp},
        pending.items,
        report_count=1,
        jurisdiction_code=pending.jurisdiction_code,
        sight=privacy.EVERYTHING,
        show_token=True,
        type_uncertain=bool(pending.incident["is_draft"])
        and bool(json.loads(pending.report.get("extraction") or "{}").get("type_uncertain")),
    )


def _digest_of(pending: PendingReport) -> str | None:
    return pending.claim.body_sha256 if pending.claim is not None else None


@dataclass
class _Triage:
    """A batch sorted by its keys: answered at once, twins of an earlier report, fresh."""

    outcomes: list[Written | PinganError | None]
    twins: list[tuple[int, int]]  # (index, index of the first report with its key)
    fresh: list[int]


def _triage(connection: Connection, batch: Sequence[PendingReport]) -> _Triage:
    triage = _Triage([None] * len(batch), [], [])
    claims = [p.claim for p in batch if p.claim is not None]
    stored: dict[tuple[str, str], Any] = {}
    if claims:
        callers, keys = sorted({c.caller for c in claims}), sorted({c.key for c in claims})
        found = connection.execute(_FIND_KEYS, {"callers": callers, "keys": keys})
        stored = {(row.caller, row.key): row for row in found}
    first_of: dict[tuple[str, str], int] = {}
    for index, pending in enumerate(batch):
        claim = pending.claim
        if claim is not None:
            pair = (claim.caller, claim.key)
            if pair in stored:
                triage.outcomes[index] = _replay(stored[pair], claim)
                continue
            if pair in first_of:
                triage.twins.append((index, first_of[pair]))
                continue
            first_of[pair] = index
        triage.fresh.append(index)
    return triage


def _insert_fresh(connection: Connection, batch: Sequence[PendingReport]) -> list[Written]:
    """Write new reports: incidents, reports, items, audit rows, idempotency records."""
    stamps = [utcnow() for _ in batch]
    incident_ids = insert_incidents(connection, [p.incident for p in batch], stamps)
    report_ids = _insert_reports(
        connection, incident_ids, [p.report for p in batch], [p.items for p in batch]
    )
    audit.record_many(
        connection,
        [
            replace(pending.audit, object_id=str(incident_id))
            for pending, incident_id in zip(batch, incident_ids, strict=True)
        ],
    )
    written: list[Written] = []
    record_rows = []
    for pending, incident_id, report_id, stamp in zip(
        batch, incident_ids, report_ids, stamps, strict=True
    ):
        answer = answer_body(pending, incident_id, stamp)
        token = pending.incident["public_token"]
        written.append(Written(incident_id, token, answer, False, report_id))
        if pending.claim is not None:
            record_rows.append(
                {
                    "caller": pending.claim.caller,
                    "key": pending.claim.key,
                    "body_sha256": pending.claim.body_sha256,
                    "incident_id": incident_id,
                    "response": json.dumps(answer, ensure_ascii=False),
                    "created_at": stamp,
                }
            )
    if record_rows:
        connection.execute(_INSERT_RECORDS, record_rows)
    return written


def _twin_outcome(
    winner: Written | PinganError | None, twin: PendingReport, first: PendingReport
) -> Written | PinganError | None:
    if isinstance(winner, PinganError) or winner is None:
        return winner
    if _digest_of(twin) != _digest_of(first):
        return InvalidInput(
            "this Idempotency-Key was already used with a different body",
            field="Idempotency-Key",
        )
    return replace(winner, replayed=True)


def write_reports(
    connection: Connection, batch: Sequence[PendingReport]
) -> list[Written | PinganError]:
    """Write a batch of pending reports in the connection's transaction (no commit).

    Returns one outcome per report, in order: :class:`Written`, or the
    :class:`~pingan.errors.PinganError` that report answers with (a key reused with
    another body). The caller must hold the write lock (SQLite ``BEGIN IMMEDIATE``) for
    the key check to be final; on PostgreSQL a concurrent twin raises ``IntegrityError``
    at the idempotency insert.
    """
    triage = _triage(connection, batch)
    outcomes = triage.outcomes
    if triage.fresh:
        written = _insert_fresh(connection, [batch[i] for i in triage.fresh])
        for index, one in zip(triage.fresh, written, strict=True):
            outcomes[index] = one
    for index, first in triage.twins:
        outcomes[index] = _twin_outcome(outcomes[first], batch[index], batch[first])
    return cast(list[Written | PinganError], outcomes)  # every report has its outcome now


def write(db_session: Session, batch: Sequence[PendingReport]) -> list[Written]:
    """Store pending reports, each as a new incident: the one way a report becomes one.

    Through the group-commit writer when the session is a SQLite snapshot
    (:func:`use_snapshot`), else in the session's transaction (a concurrent twin key on
    PostgreSQL is re-checked after its winner).

    Raises
    ------
    PinganError
        A report's own answer (a key reused with another body).
    """
    writer = group_commit_writer(db_session)
    if writer is not None:
        # end the read snapshot first: its pooled connection must not sit idle while the
        # request waits (the pool would run dry under load and starve the writer)
        db_session.rollback()
        return [writer.submit(pending) for pending in batch]
    db_session.flush()
    retry = any(pending.claim is not None for pending in batch)
    try:
        with db_session.begin_nested():
            outcomes = write_reports(db_session.connection(), batch)
    except IntegrityError:
        # a concurrent request with this key committed first; the check now sees it
        if not retry:
            raise
        with db_session.begin_nested():
            outcomes = write_reports(db_session.connection(), batch)
    written: list[Written] = []
    for outcome in outcomes:
        if isinstance(outcome, PinganError):
            raise outcome
        written.append(outcome)
    # stamped again at commit, in commit order (PostgreSQL; pingan.live.order)
    live_order.mark_written(
        db_session, "incident", [w.incident_id for w in written if not w.replayed], created=True
    )
    return written


def add_report(
    db_session: Session,
    incident_id: int,
    report: dict[str, Any],
    items: Sequence[dict[str, Any]],
) -> int:
    """Store one more report (and its items) of an existing incident; return its id."""
    db_session.flush()
    return _insert_reports(db_session.connection(), [incident_id], [report], [items])[0]


# --------------------------------------------------------------------------- requests

#: Threads that run intake requests' blocking work (reads, extraction, the wait for the
#: commit). A plain executor hands work over through a C queue; anyio's thread pool
#: (``run_in_threadpool``) costs several times more event-loop time per call.
REQUEST_THREADS = 32
_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


async def run_blocking(function: Callable[..., T], /, *args: Any) -> T:
    """Run ``function(*args)`` on the intake threads and await its result."""
    global _executor
    if _executor is None:
        with _executor_lock:
            if _executor is None:
                _executor = ThreadPoolExecutor(REQUEST_THREADS, thread_name_prefix="pingan-intake")
    return await asyncio.get_running_loop().run_in_executor(_executor, function, *args)


# --------------------------------------------------------------------------- snapshots


def use_snapshot(db_session: Session) -> Session:
    """Open the session's transaction as a read-only snapshot on SQLite (``BEGIN DEFERRED``).

    Call it before the session's first query. Such a session must not write; its reports
    go through :func:`group_commit_writer`.
    """
    bind = db_session.get_bind()
    if bind.dialect.name == "sqlite" and not db_session.in_transaction():
        db_session.connection(execution_options={SQLITE_BEGIN: "DEFERRED"})
    return db_session


@contextmanager
def snapshot_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A request's unit of work on a snapshot session (:func:`use_snapshot`): committed on
    success (on PostgreSQL that commits the report; on SQLite the writer already has),
    rolled back on any error."""
    with unit_of_work(lambda: use_snapshot(factory())) as db_session:
        yield db_session


def group_commit_writer(db_session: Session) -> GroupCommitWriter | None:
    """The writer to hand this session's reports to, or None to write them in the session.

    Only a SQLite session opened by :func:`use_snapshot` that has written nothing hands
    its reports over; any other writes in its own transaction.
    """
    if db_session.get_bind().dialect.name != "sqlite" or not db_session.in_transaction():
        return None
    if db_session.new or db_session.dirty or db_session.deleted:
        return None
    connection = db_session.connection()
    if connection.get_execution_options().get(SQLITE_BEGIN) != "DEFERRED":
        return None
    return writer_for(connection.engine)


# --------------------------------------------------------------------------- group commit


class GroupCommitWriter:
    """One thread that writes the pending reports of many requests and commits them together.

    See the module docstring for the guarantees. :meth:`submit` blocks until the report's
    batch has committed (or failed).
    """

    def __init__(self, engine: Engine, *, max_batch: int = MAX_BATCH) -> None:
        self._engine = weakref.ref(engine)
        self.max_batch = max_batch
        self._queue: queue.SimpleQueue[tuple[PendingReport, Future[Written]]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        #: Sizes of the last batches committed (tests and the benchmark read it).
        self.batch_sizes: deque[int] = deque(maxlen=10_000)

    def submit(self, pending: PendingReport) -> Written:
        """Write one report with the next batch; return once it is committed.

        Raises
        ------
        PinganError
            The report's own answer (a key reused with another body).
        Exception
            The batch could not be committed; the report was not acknowledged.
        """
        future: Future[Written] = Future()
        self._queue.put((pending, future))
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="pingan-intake-writer", daemon=True
                )
                self._thread.start()
        return future.result(timeout=WAIT_S)

    def _run(self) -> None:
        connection: Connection | None = None
        try:
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
                while len(batch) < self.max_batch:
                    try:
                        batch.append(self._queue.get_nowait())
                    except queue.Empty:
                        break
                # the writer keeps one connection while it runs: waiting requests never
                # leave it without one
                engine = self._engine()
                if connection is None and engine is not None:
                    try:
                        connection = engine.connect().execution_options(
                            **{SQLITE_BEGIN: "IMMEDIATE"}
                        )
                    except Exception as exc:
                        self._fail(batch, exc)
                        continue
                if connection is None:
                    self._fail(batch, RuntimeError("the database engine of this writer is gone"))
                    continue
                if not self._commit(connection, batch):
                    connection.close()  # start afresh after an error
                    connection = None
        finally:
            if connection is not None:
                connection.close()

    @staticmethod
    def _fail(batch: list[tuple[PendingReport, Future[Written]]], exc: BaseException) -> None:
        for _, future in batch:
            future.set_exception(exc)

    def _commit(
        self, connection: Connection, batch: list[tuple[PendingReport, Future[Written]]]
    ) -> bool:
        """Write and commit one batch; False when the connection hit an error."""
        try:
            with connection.begin():
                outcomes = write_reports(connection, [pending for pending, _ in batch])
        except Exception as exc:
            if len(batch) == 1:
                self._fail(batch, exc)
                return False
            # one bad report must not fail the others: one transaction each
            healthy = True
            for one in batch:
                healthy = self._commit(connection, [one]) and healthy
            return healthy
        self.batch_sizes.append(len(batch))
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, PinganError):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)
        return True


_writers: weakref.WeakKeyDictionary[Engine, GroupCommitWriter] = weakref.WeakKeyDictionary()
_writers_lock = threading.Lock()


def writer_for(engine: Engine) -> GroupCommitWriter:
    """The group-commit writer of ``engine`` in this process (made on first use)."""
    with _writers_lock:
        writer = _writers.get(engine)
        if writer is None:
            writer = _writers[engine] = GroupCommitWriter(engine)
        return writer
