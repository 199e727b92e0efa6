"""One listener per web worker that wakes the open live streams (see the package).

A :class:`Bell` counts rings; a stream remembers the count it last saw and waits for a
higher one (or its timeout). The listener task is started on first use: ``LISTEN`` on a
dedicated psycopg connection (PostgreSQL), or a Redis subscription when a Redis URL is
given; with neither (SQLite) nothing rings and the streams poll on their timeout. A lost
listener connection is retried every few seconds; meanwhile the streams fall back to
their timeout, so nothing is missed, only later.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field

from sqlalchemy import Engine

from pingan.live.order import CHANNEL

log = logging.getLogger(__name__)
RETRY_S = 3.0


@dataclass
class Bell:
    """Rings counted; waiters wake on the next ring."""

    mode: str
    rings: int = 0
    #: ``time.monotonic()`` of the last ring: a read started after it sees the commit.
    rung_at: float = 0.0
    _event: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None

    def ring(self) -> None:
        self.rings += 1
        self.rung_at = time.monotonic()
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seen: int, timeout: float) -> int:
        """Wait until a ring after ``seen`` or ``timeout`` seconds; return the count now."""
        if self.rings == seen:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._event.wait(), timeout)
        return self.rings


def libpq_url(engine: Engine) -> str:
    """The engine's URL as psycopg's ``connect`` takes it (no SQLAlchemy driver name)."""
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


async def _listen_postgres(bell: Bell, url: str) -> None:
    import psycopg

    while True:
        try:
            async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
                await conn.execute(f"LISTEN {CHANNEL}")
                bell.ring()  # anything committed while we were away: look now
                async for _notice in conn.notifies():
                    bell.ring()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("live: LISTEN lost (%s), retrying", type(exc).__name__)
        await asyncio.sleep(RETRY_S)


async def _listen_redis(bell: Bell, url: str) -> None:
    import redis.asyncio as aioredis

    while True:
        try:
            client = aioredis.Redis.from_url(url)
            async with client.pubsub() as pubsub:
                await pubsub.subscribe(CHANNEL)
                bell.ring()
                async for message in pubsub.listen():
                    if message.get("type") == "message":
                        bell.ring()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("live: Redis subscription lost (%s), retrying", type(exc).__name__)
        await asyncio.sleep(RETRY_S)


def start(engine: Engine, redis_url: str) -> Bell:
    """Make the worker's bell and start its listener (call from inside the event loop)."""
    if engine.dialect.name != "postgresql":
        return Bell("poll")
    if redis_url:
        bell = Bell("redis")
        bell.task = asyncio.get_running_loop().create_task(_listen_redis(bell, redis_url))
    else:
        bell = Bell("notify")
        listener = _listen_postgres(bell, libpq_url(engine))
        bell.task = asyncio.get_running_loop().create_task(listener)
    return bell
