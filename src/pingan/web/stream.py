"""Live updates for the pages: ``GET /api/v1/stream`` (server-sent events).

Each open stream reads the incidents changed since its cursor
(:func:`pingan.incidents.reads.changes_since`) and the units whose ``(updated_at, id)``
passed its mark, when the worker's bell (:mod:`pingan.live.bell`) rings: on PostgreSQL a
``LISTEN`` (or Redis pub/sub with ``PINGAN_REDIS_URL``) fed by every commit that changed an
incident or unit; on SQLite a timer once a second (the embedded fallback). A burst of
rings is read at most every :data:`MIN_GAP_S`. Stamps are taken in commit order
(:mod:`pingan.live.order`), so the cursor never skips a late commit. Every event carries
the combined cursor as its ``id``; a browser that reconnects sends it back as
``Last-Event-ID`` and gets every later change once, from any worker.

Events: ``hello`` (the starting cursor), ``incident`` (an IncidentRead body),
``unit`` (a UnitRead body, with ``mutual_aid``: the unit's active assignment to another
station's incident, or null, so its home station's board sees it at once); a comment line
every 15 s keeps proxies from closing the connection. A stream ends after ``max_s``
seconds (the browser reconnects and is authenticated again), or at once when the session
behind it was revoked.

The streams of one caller share their reads (:mod:`pingan.live.shared`): a read that
started after the ring, from a cursor at or before a stream's own, serves that stream too
(:meth:`Batch.after` keeps what lies past its cursor), so a caller's boards on several
screens cost the worker one read, and the audit chain one entry, per change.
"""

from __future__ import annotations

import asyncio
import json
import time
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from pingan.auth import service as auth
from pingan.config import Settings
from pingan.db import unit_of_work
from pingan.errors import InvalidInput, PinganError
from pingan.incidents import reads
from pingan.live import bell as live_bell
from pingan.live.shared import SharedReads
from pingan.principal import Principal
from pingan.web.deps import IncidentReader, request_credentials

router = APIRouter(prefix="/api/v1", tags=["stream"])

POLL_INTERVAL_S = 1.0
#: pushed streams: read at most this often, and at least every HEARTBEAT_S (a lost notice).
#: Each read of changes with personal data appends to the audit chain; at 0.1 s, 40 boards
#: of a district's night read 400 times a second and queued the writers behind the chain's
#: head (bench/RESULTS.md, issue 18); half a second keeps a change's delay well under 2 s.
MIN_GAP_S = 0.5
HEARTBEAT_S = 15.0
REAUTH_EVERY_S = 30.0


@dataclass(frozen=True)
class Cursor:
    """Where a stream stands: the incidents' cursor and the units' ``(updated_at, id)``."""

    incidents: str
    unit_micros: int
    unit_id: int

    def encode(self) -> str:
        return f"{self.incidents}~{self.unit_micros}.{self.unit_id}"

    @classmethod
    def decode(cls, text: str) -> Cursor:
        incidents, sep, units = text.partition("~")
        micros, dot, unit_id = units.partition(".")
        ascii_digits = all(n.isascii() and n.isdigit() for n in (micros, unit_id))
        if not sep or not dot or not ascii_digits:  # '²' is a digit that int() refuses
            raise InvalidInput("Last-Event-ID is not a stream cursor", field="Last-Event-ID")
        return cls(incidents, int(micros), int(unit_id))


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _micros(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1_000_000)


Key = tuple[int, int]


@dataclass(frozen=True)
class Batch:
    """A read's changes with their positions, and the cursor after them."""

    incidents: list[dict[str, Any]]
    units: list[dict[str, Any]]
    cursor: Cursor
    incident_keys: list[Key] = field(default_factory=list)
    unit_keys: list[Key] = field(default_factory=list)
    #: the incidents stopped at the read's limit: more may follow its cursor
    truncated: bool = False

    def after(self, cursor: Cursor) -> Batch | None:
        """What of this read lies after ``cursor`` (a read that started at or before it),
        or None when the read stopped at its limit before reaching ``cursor``."""
        mine_incidents, mine_units = _positions(cursor)
        if self.truncated and mine_incidents > reads.cursor_key(self.cursor.incidents):
            return None
        incidents = [
            b for b, k in zip(self.incidents, self.incident_keys, strict=True) if k > mine_incidents
        ]
        units = [b for b, k in zip(self.units, self.unit_keys, strict=True) if k > mine_units]
        ahead = _positions(self.cursor)
        return Batch(
            incidents,
            units,
            Cursor(
                max(self.cursor.incidents, cursor.incidents, key=reads.cursor_key),
                *max(ahead[1], mine_units),
            ),
        )


def _positions(cursor: Cursor) -> tuple[Key, Key]:
    return reads.cursor_key(cursor.incidents), (cursor.unit_micros, cursor.unit_id)


def covers(start: Cursor, cursor: Cursor) -> bool:
    """A read from ``start`` holds every change after ``cursor``."""
    first, mine = _positions(start), _positions(cursor)
    return first[0] <= mine[0] and first[1] <= mine[1]


def poll(
    db_session: Session, settings: Settings, principal: Principal, cursor: Cursor | None
) -> Batch:
    """The changes the caller may see after ``cursor`` (without one: none, and the cursor
    of the latest visible change, or the epoch when nothing is visible yet)."""
    unit_items: list[dict[str, Any]] = []
    unit_keys: list[Key] = []
    mark = (cursor.unit_micros, cursor.unit_id) if cursor else (0, 0)
    if principal.matching_grants("unit", "read"):
        from pingan.units import service as units

        # after the first read, only the units changed since the mark (less a millisecond:
        # the mark's microseconds went through a float); the exact cut is the key below
        since = None if cursor is None else _EPOCH + timedelta(microseconds=mark[0] - 1000)
        rows = units.list_units(db_session, principal, changed_since=since)
        keyed = sorted(
            ((_micros(r.unit.updated_at), r.unit.id), r) for r in rows if r.unit.updated_at
        )
        if cursor is None:
            # no unit yet: every unit that appears is a change (a mark of "now" would differ
            # between the caller's streams and keep them from sharing their reads)
            mark = keyed[-1][0] if keyed else (0, 0)
        else:
            changed = [(key, r) for key, r in keyed if key > mark]
            unit_items = [units.unit_json(r, settings) for _key, r in changed]
            unit_keys = [key for key, _r in changed]
            if unit_items:
                from pingan.dispatch import mutual_aid

                helping = {
                    aid["unit_id"]: aid
                    for aid in mutual_aid.mutual_aid_of_units(
                        db_session, principal, [r.unit.id for _key, r in changed]
                    )
                }
                for (_key, row), item in zip(changed, unit_items, strict=True):
                    item["mutual_aid"] = helping.get(row.unit.id)
            if changed:
                mark = changed[-1][0]
    # the incidents last: reading personal data appends to the audit chain, which locks its
    # head until this read commits, so nothing else may run between the two
    changes = reads.keyed_changes_since(db_session, principal, cursor.incidents if cursor else None)
    return Batch(
        changes.items,
        unit_items,
        Cursor(changes.cursor, mark[0], mark[1]),
        changes.keys,
        unit_keys,
        changes.truncated,
    )


def _event(name: str, data: Any, event_id: str | None = None) -> str:
    lines = [f"event: {name}"]
    if event_id is not None:
        lines.append(f"id: {event_id}")
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    lines.append(f"data: {payload}")
    return "\n".join(lines) + "\n\n"


def _with_session(request: Request, work: Callable[[Session], Any]) -> Any:
    # a read session (on SQLite it takes no write lock): its reads of personal data are
    # audited through the process's appender, committed before the events are sent
    with unit_of_work(request.app.state.read_session_factory) as session:
        return work(session)


async def _in_stream_thread(request: Request, work: Callable[[Session], Any]) -> Any:
    """``work`` on a session, on the streams' own threads (pingan.web.capacity)."""
    limiter = request.app.state.session_gate.stream_limiter()
    return await anyio.to_thread.run_sync(partial(_with_session, request, work), limiter=limiter)


def _still_valid(db_session: Session, *, token: str) -> None:
    auth.authenticate(db_session, token)


def shared_reads_of(request: Request) -> SharedReads[Batch, Cursor]:
    """The worker's reads shared between its streams (one per event loop, as the bell)."""
    state = request.app.state
    found: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, SharedReads[Batch, Cursor]] | None
    found = getattr(state, "shared_reads", None)
    if found is None:
        found = state.shared_reads = weakref.WeakKeyDictionary()
    return found.setdefault(asyncio.get_running_loop(), SharedReads(covers))


def bell_of(request: Request) -> live_bell.Bell:
    """The worker's bell, its listener started on first use (one per event loop: a
    worker has one; a test client makes one per request)."""
    state = request.app.state
    bells: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, live_bell.Bell] | None
    bells = getattr(state, "live_bells", None)
    if bells is None:
        bells = state.live_bells = weakref.WeakKeyDictionary()
    loop = asyncio.get_running_loop()
    found = bells.get(loop)
    if found is None:
        found = live_bell.start(state.engine, state.settings.redis_url)
        bells[loop] = found
    return found


async def _shared_read(
    request: Request,
    shared: SharedReads[Batch, Cursor],
    principal: Principal,
    cursor: Cursor,
    needed_since: float,
) -> Batch:
    """The changes after ``cursor``: from a read the caller's other streams share when one
    covers it (pingan.live.shared), else from a read of this stream's own."""
    settings: Settings = request.app.state.settings

    def own(start: Cursor) -> Awaitable[Batch]:
        step = partial(poll, settings=settings, principal=principal, cursor=start)
        return _in_stream_thread(request, step)

    shared_batch = await shared.read(principal, needed_since, cursor, own)
    mine = shared_batch.after(cursor)
    return mine if mine is not None else await own(cursor)


async def _events(
    request: Request, principal: Principal, cursor: Cursor | None, max_s: float
) -> AsyncIterator[str]:
    settings: Settings = request.app.state.settings
    started = last_beat = last_auth = time.monotonic()
    yield f"retry: {int(POLL_INTERVAL_S * 2000)}\n\n"
    if cursor is None:
        first = partial(poll, settings=settings, principal=principal, cursor=None)
        batch = await _in_stream_thread(request, first)
        cursor = batch.cursor
        yield _event("hello", {"cursor": cursor.encode()}, cursor.encode())
    # Re-check the caller's token (bearer or session cookie) every REAUTH_EVERY_S, so a
    # revoked or expired token ends the stream.
    credentials = await request_credentials(request)
    token = credentials.token if credentials is not None else None
    bell = bell_of(request)
    shared = shared_reads_of(request)
    pushed = bell.mode != "poll"
    seen = bell.rings
    needed_since = time.monotonic()
    while time.monotonic() - started < max_s:
        if await request.is_disconnected():
            return
        now = time.monotonic()
        if token and now - last_auth >= REAUTH_EVERY_S:
            last_auth = now
            try:
                await _in_stream_thread(request, partial(_still_valid, token=token))
            except PinganError:
                yield _event("bye", {"reason": "session ended"})
                return
        seen = bell.rings
        batch = await _shared_read(request, shared, principal, cursor, needed_since)
        cursor = batch.cursor
        event_id = cursor.encode()
        for item in batch.incidents:
            yield _event("incident", item, event_id)
        for unit in batch.units:
            yield _event("unit", unit, event_id)
        if now - last_beat >= HEARTBEAT_S:
            last_beat = now
            yield ": keep-alive\n\n"
        if pushed:
            await asyncio.sleep(MIN_GAP_S)
            left = max(0.0, max_s - (time.monotonic() - started))
            rings = await bell.wait(seen, min(HEARTBEAT_S, left))
            # a read that started after the ring that woke this stream sees its commit
            needed_since = bell.rung_at if rings > seen else time.monotonic()
        else:
            await asyncio.sleep(POLL_INTERVAL_S)
            # polled: a read at most half an interval old will do (the next poll follows)
            needed_since = time.monotonic() - POLL_INTERVAL_S / 2


@router.get("/stream", response_class=StreamingResponse)
async def stream(
    request: Request,
    caller: IncidentReader,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID", max_length=200)] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    max_s: Annotated[float, Query(ge=0.5, le=3600)] = 300,
) -> StreamingResponse:
    """Server-sent events: incidents and units as they change (see the module docstring)."""
    start_text = last_event_id or cursor
    start = Cursor.decode(start_text) if start_text else None
    return StreamingResponse(
        _events(request, caller, start, max_s),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
