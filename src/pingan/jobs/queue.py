"""The transport: Huey's storage carries job ids from the submitter to a worker.

Without ``PINGAN_REDIS_URL`` it is Huey's SQLite storage in ``<data_dir>/jobs-queue.sqlite3``
(one machine: the embedded worker thread and any ``pingan worker`` process there share it);
with it, Huey's Redis storage (a blocking pop; workers on any machine). A message is only a
wake-up: the job row decides whether it still needs running (:mod:`pingan.jobs.lease`), so a
lost or duplicated message costs a reaper tick or nothing.
"""

from __future__ import annotations

from typing import Protocol

from huey.storage import RedisStorage, SqliteStorage

from pingan.config import Settings

QUEUE_NAME = "pingan-jobs"


class Transport(Protocol):
    def enqueue(self, data: bytes, priority: int | None = None) -> None: ...
    def dequeue(self) -> bytes | None: ...
    def queue_size(self) -> int: ...


def open_queue(settings: Settings) -> Transport:
    """The queue for ``settings`` (Redis when configured, else the SQLite file)."""
    if settings.redis_url:
        storage: Transport = RedisStorage(
            QUEUE_NAME, blocking=True, read_timeout=1, url=settings.redis_url
        )
        return storage
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    local: Transport = SqliteStorage(
        QUEUE_NAME, filename=str(settings.data_dir / "jobs-queue.sqlite3")
    )
    return local


def send(queue: Transport, job_id: int) -> None:
    queue.enqueue(str(job_id).encode())


def receive(queue: Transport) -> int | None:
    """The next job id, or ``None`` when the queue is empty (Redis waits up to a second)."""
    data = queue.dequeue()
    if data is None:
        return None
    return int(data.decode() if isinstance(data, bytes) else data)
