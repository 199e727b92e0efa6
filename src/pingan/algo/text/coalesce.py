"""One call for the items that arrive together: a leader–follower batch across threads.

The sentence encoder costs ≈ 2.9 ms for one message and ≈ 1.2 ms a message in a batch of
16 (bench/RESULTS.md, issue 19). A worker answers many reports at once on its thread pool,
each wanting one message encoded: :class:`Coalescer` lets them share a call.

How: a caller queues its item. When no call is running it becomes the *leader*: it takes
every queued item (at most ``max_batch``) and makes the call; the others wait, and find
their result when it returns. Items queued while a call runs go in the next one. A caller
alone never waits for company: the first call starts at once, so a quiet worker answers as
fast as before, and a busy one answers more messages for the same CPU.

The batch's results equal the items' own calls for a function that treats its items
independently (the encoder does, to float rounding: 1.3e-7 on a unit vector).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

__all__ = ["Coalescer"]

X = TypeVar("X")
Y = TypeVar("Y")


class _Slot(Generic[X, Y]):
    __slots__ = ("done", "error", "item", "result")

    def __init__(self, item: X) -> None:
        self.item = item
        self.done = False
        self.result: Y | None = None
        self.error: BaseException | None = None


class Coalescer(Generic[X, Y]):
    """Make ``work(items)`` once for the items that callers bring at the same time.

    Parameters
    ----------
    work
        Items → one result per item, in order.
    max_batch
        At most this many items in one call.

    Examples
    --------
    >>> double = Coalescer(lambda xs: [2 * x for x in xs])
    >>> double(21)
    42
    """

    def __init__(self, work: Callable[[list[X]], Sequence[Y]], *, max_batch: int = 32) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self._work = work
        self._max_batch = max_batch
        self._cond = threading.Condition()
        self._queue: list[_Slot[X, Y]] = []
        self._busy = False
        self.calls = 0
        """How many times ``work`` ran (for tests and benchmarks)."""

    @property
    def pending(self) -> int:
        """Items queued for the next call."""
        with self._cond:
            return len(self._queue)

    def __call__(self, item: X) -> Y:
        """Return ``work``'s result for ``item``, made alone or with the items queued beside it."""
        slot: _Slot[X, Y] = _Slot(item)
        batch: list[_Slot[X, Y]] = []
        with self._cond:
            self._queue.append(slot)
            while self._busy and not slot.done:
                self._cond.wait()
            if not slot.done:
                self._busy = True
                # the leader's own item and the oldest others, at most max_batch in all
                self._queue.remove(slot)
                batch = [slot, *self._queue[: self._max_batch - 1]]
                del self._queue[: self._max_batch - 1]
        if batch:
            self._lead(batch)
        if slot.error is not None:
            raise slot.error
        return slot.result  # type: ignore[return-value]

    def _lead(self, batch: list[_Slot[X, Y]]) -> None:
        try:
            results = self._work([s.item for s in batch])
            if len(results) != len(batch):
                raise RuntimeError(f"work gave {len(results)} results for {len(batch)} items")
            for s, r in zip(batch, results, strict=True):
                s.result = r
        except BaseException as exc:  # every waiter hears the failure, not only the leader
            for s in batch:
                s.error = exc
        finally:
            with self._cond:
                self.calls += 1
                for s in batch:
                    s.done = True
                self._busy = False
                self._cond.notify_all()
