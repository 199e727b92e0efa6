"""How many requests hold a database session at once, and how many threads serve them.

A request's session keeps its connection from its first query to its commit, across
several trips to the thread pool (the caller's authentication, the route, the commit) and
the waits between them. Left unbounded, more requests than connections could each hold one
while they waited for a thread, and every thread could be blocked waiting for a connection:
all of them stalled until the pool's timeout and then failed with a 500 ("QueuePool limit …
timed out"; issue 18's load test on PostgreSQL).

So a web process admits at most ``Settings.db_pool_size`` requests holding a session (the
others wait here, on the event loop, in arrival order, without a thread nor a connection),
and its default thread pool (anyio's, which runs sync routes and dependencies and
``run_in_threadpool``) has as many threads. The engine's pool keeps that many connections
and opens as many again while busy (:func:`pingan.db.make_engine`): one for each admitted
session plus one for each thread's own short unit of work (the live stream's reads, the
recommendation, the lean intake), so a thread does not wait for a connection. The live
streams read on a few threads of their own (:meth:`SessionGate.stream_limiter`).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import anyio.to_thread

#: Threads of a process for the live streams' reads, out of ``db_pool_size`` (at least 2).
STREAM_SHARE = 4


class SessionGate:
    """At most ``size`` holders at once in each event loop; the rest wait their turn.

    One semaphore per running loop (a server has one; a test client may run a loop per
    request). The first admission in a loop also sizes that loop's default thread pool.
    """

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("a session gate admits at least one request")
        self.size = size
        self._gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]
        self._gates = weakref.WeakKeyDictionary()
        self._stream_limiters: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, anyio.CapacityLimiter
        ] = weakref.WeakKeyDictionary()

    def _gate(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        gate = self._gates.get(loop)
        if gate is None:
            gate = self._gates[loop] = asyncio.Semaphore(self.size)
            anyio.to_thread.current_default_thread_limiter().total_tokens = self.size
        return gate

    def stream_limiter(self) -> anyio.CapacityLimiter:
        """The threads the live streams read on, apart from the request threads.

        A stream's read may wait for the audit chain's head (it audits personal data) while
        a request that holds the head waits for a thread to serialise its answer; on the
        shared pool, 40 boards' reads took every thread and both waited (issue 18)."""
        loop = asyncio.get_running_loop()
        limiter = self._stream_limiters.get(loop)
        if limiter is None:
            limiter = anyio.CapacityLimiter(max(2, self.size // STREAM_SHARE))
            self._stream_limiters[loop] = limiter
        return limiter

    @asynccontextmanager
    async def admit(self) -> AsyncIterator[None]:
        """Hold one of the ``size`` places until the block ends."""
        async with self._gate():
            yield
