"""One read for the open streams of one caller that wake on the same ring.

A dispatcher keeps a board open on each of several screens; a station's duty room shows
the same board on a wall and on desks. When the bell rings, every one of those streams
reads the changes after its cursor as the same caller. :class:`SharedReads` makes one read
and hands it to each stream it serves: one query, and one entry in the audit chain for a
read of personal data (the caller read it once; the screens it went to are theirs),
instead of one per screen.

A read serves a stream when

- it is the same caller's (the key);
- it started at or after the moment the stream needs (the bell's ring that woke it), so
  it sees the commit behind that ring;
- it starts at or before the stream's cursor (``covers(read's start, stream's cursor)``),
  so it holds every change the stream has not seen; the stream keeps what lies after its
  own cursor (the caller does that).

A stream that finds no such read starts one from its own cursor, which later streams then
share. Streams of one caller that share a read end at the same cursor, so a board that
fell behind (it reconnected, or read between two commits) joins the others after one read
of its own. A stream whose caller left keeps no read from finishing for the rest; a failed
read is handed to no one else.
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
P = TypeVar("P")

#: How long a finished read stays on offer to streams that wake late.
KEEP_S = 2.0
#: Reads kept on offer per caller (streams at cursors far apart start their own).
PER_KEY = 8


@dataclass
class _Read(Generic[T, P]):
    started: float
    start: P
    task: asyncio.Task[T]


class SharedReads(Generic[T, P]):
    """Reads by key (the caller), each shared with the streams it covers (module docstring).

    Parameters
    ----------
    covers
        ``covers(start, cursor)``: a read from ``start`` holds every change after ``cursor``.
    keep_s
        How long a finished read stays on offer.
    """

    def __init__(self, covers: Callable[[P, P], bool], keep_s: float = KEEP_S) -> None:
        self._covers = covers
        self._reads: dict[Hashable, list[_Read[T, P]]] = {}
        self._keep_s = keep_s
        self.started = 0
        """Reads started (the others were shared); for tests and benchmarks."""

    async def read(
        self,
        key: Hashable,
        needed_since: float,
        cursor: P,
        start: Callable[[P], Awaitable[T]],
    ) -> T:
        """The answer of a read for ``key`` that started at or after ``needed_since``
        (``time.monotonic()``) from a position that covers ``cursor``; without one,
        ``start(cursor)`` is started now and offered to the streams that come next."""
        reads = self._reads.setdefault(key, [])
        for found in reversed(reads):
            if (
                found.started >= needed_since
                and not _failed(found.task)
                and self._covers(found.start, cursor)
            ):
                break
        else:
            found = _Read(time.monotonic(), cursor, asyncio.ensure_future(start(cursor)))
            reads.append(found)
            del reads[:-PER_KEY]
            self.started += 1
            found.task.add_done_callback(partial(self._forget_later, key, found))
        return await asyncio.shield(found.task)

    def _forget_later(self, key: Hashable, read: _Read[T, P], _task: object) -> None:
        if not read.task.cancelled():
            read.task.exception()  # heard here when every stream that wanted it has left

        def forget() -> None:
            reads = self._reads.get(key)
            if reads is not None and read in reads:
                reads.remove(read)
                if not reads:
                    del self._reads[key]

        asyncio.get_running_loop().call_later(self._keep_s, forget)

    def __len__(self) -> int:
        return sum(len(r) for r in self._reads.values())


def _failed(task: asyncio.Task[T]) -> bool:
    return task.done() and (task.cancelled() or task.exception() is not None)
