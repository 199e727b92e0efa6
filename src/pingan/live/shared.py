"""One read for the open streams that would make the same read at the same time.

A dispatcher keeps a board open on each of several screens; a station's duty room shows
the same board on a wall and on desks. When the bell rings, every one of those streams
reads the changes after its cursor, as the same caller, from the same cursor (each took
its cursor from the same earlier read), and gets the same answer. :class:`SharedReads`
makes that read once in a worker and hands the answer to each stream: one query, and one
entry in the audit chain for a read of personal data (the caller read it once; the
screens it went to are theirs), instead of one per screen.

A read is shared only when it is fresh enough for the stream that wants it: it started at
or after the moment the stream needs (the bell's ring that woke it, so it sees the commit
behind that ring). A stream that finds no such read starts one, which the others then
share; a stream whose caller left keeps no read from finishing for the rest.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from functools import partial
from typing import Generic, TypeVar

__all__ = ["SharedReads"]

T = TypeVar("T")

#: How long a finished read stays on offer to streams that wake late.
KEEP_S = 2.0


@dataclass
class _Read(Generic[T]):
    started: float
    task: asyncio.Task[T]


class SharedReads(Generic[T]):
    """Reads by key (caller and cursor), each shared with whoever needs no fresher one."""

    def __init__(self, keep_s: float = KEEP_S) -> None:
        self._reads: dict[Hashable, _Read[T]] = {}
        self._keep_s = keep_s
        self.started = 0
        """Reads started (the rest were shared); for tests and benchmarks."""

    async def read(
        self, key: Hashable, needed_since: float, start: Callable[[], Awaitable[T]]
    ) -> T:
        """The answer of a read for ``key`` that started at or after ``needed_since``
        (``time.monotonic()``), started now by ``start`` when there is none."""
        found = self._reads.get(key)
        if found is None or found.started < needed_since or _failed(found.task):
            found = _Read(time.monotonic(), asyncio.ensure_future(start()))
            self._reads[key] = found
            self.started += 1
            found.task.add_done_callback(partial(self._forget_later, key, found))
        return await asyncio.shield(found.task)

    def _forget_later(self, key: Hashable, read: _Read[T], _task: object) -> None:
        if not read.task.cancelled():
            read.task.exception()  # heard here when every stream that wanted it has left

        def forget() -> None:
            if self._reads.get(key) is read:
                del self._reads[key]

        asyncio.get_running_loop().call_later(self._keep_s, forget)

    def __len__(self) -> int:
        return len(self._reads)


def _failed(task: asyncio.Task[T]) -> bool:
    return task.done() and (task.cancelled() or task.exception() is not None)
