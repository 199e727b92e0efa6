"""The ``limits`` storage over pingan's database (SQLite and PostgreSQL), and Redis."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from limits.storage import storage_from_string
from sqlalchemy import func, select

from pingan.config import Settings
from pingan.db import make_engine
from pingan.errors import ConfigError, RateLimited
from pingan.ratelimit import DatabaseStorage, RateLimitCounter, RateLimiter, make_limiter


@pytest.fixture
def storage(db_url: str) -> Iterator[DatabaseStorage]:
    engine = make_engine(db_url)
    built = storage_from_string("pingan-db://", engine=engine)  # the registered scheme
    assert isinstance(built, DatabaseStorage)
    yield built
    engine.dispose()


def test_increments_are_atomic_across_threads(storage: DatabaseStorage) -> None:
    """Eight threads (each its own connection, as workers would be) add 25 hits each."""
    results: list[int] = []
    lock = threading.Lock()

    def hit() -> None:
        for _ in range(25):
            value = storage.incr("LIMITER/shared", 3600)
            with lock:
                results.append(value)

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert storage.get("LIMITER/shared") == 200
    # every hit saw a different count: none was lost or counted twice
    assert sorted(results) == list(range(1, 201))


def test_a_window_that_ended_starts_again(storage: DatabaseStorage) -> None:
    assert storage.incr("LIMITER/k", 0, amount=5) == 5  # a window that ends at once
    assert storage.get("LIMITER/k") == 0
    assert storage.incr("LIMITER/k", 3600) == 1  # a fresh window, not 6
    assert storage.incr("LIMITER/k", 3600, amount=2) == 3
    storage.clear("LIMITER/k")
    assert storage.get("LIMITER/k") == 0
    assert storage.check()


def test_ended_windows_are_purged(storage: DatabaseStorage, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("pingan.ratelimit.PURGE_EVERY", 3)
    storage.incr("LIMITER/old-1", 0)
    storage.incr("LIMITER/old-2", 0)
    storage.incr("LIMITER/live", 3600)  # the third hit purges
    with storage.engine.connect() as conn:
        keys = set(conn.scalars(select(RateLimitCounter.key)))
        assert keys == {"LIMITER/live"}
        assert conn.scalar(select(func.count()).select_from(RateLimitCounter)) == 1


def test_the_limiter_refuses_past_the_tightest_limit_and_hashes_identifiers(
    storage: DatabaseStorage,
) -> None:
    limiter = RateLimiter(storage, "a-secret-for-keys")
    for _ in range(2):
        limiter.hit("2/minute;10/hour", "scope", "203.0.113.7", reason="slow down")
    with pytest.raises(RateLimited, match="slow down") as refused:
        limiter.hit("2/minute;10/hour", "scope", "203.0.113.7", reason="slow down")
    assert 1 <= refused.value.retry_after_s <= 60
    limiter.hit("2/minute;10/hour", "scope", "203.0.113.8", reason="slow down")  # another key
    with storage.engine.connect() as conn:
        keys = list(conn.scalars(select(RateLimitCounter.key)))
    assert len(keys) == 4  # two limits for each of two addresses
    assert not any("203.0.113" in key for key in keys)


def test_settings_refuse_a_limit_that_is_not_one() -> None:
    with pytest.raises(ValueError, match="not a rate limit"):
        Settings(report_rate_limit="twenty a minute")
    assert Settings(report_rate_limit="").report_rate_limit == ""  # off


def test_a_redis_url_needs_a_redis_scheme(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with pytest.raises(ConfigError, match="PINGAN_REDIS_URL"):
        make_limiter("memory://", engine, "secret")
    engine.dispose()


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A private redis-server on a free port, for this test only."""
    pytest.importorskip("redis")
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            threading.Event().wait(0.05)
    client.close()
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_limits_in_redis_when_configured(redis_url: str, tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    first = make_limiter(redis_url, engine, "secret")
    second = make_limiter(redis_url, engine, "secret")  # another worker
    assert type(first.storage).__name__ == "RedisStorage"
    first.hit("3/minute", "open311-key", "k", reason="slow down")
    second.hit("3/minute", "open311-key", "k", reason="slow down")
    first.hit("3/minute", "open311-key", "k", reason="slow down")
    with pytest.raises(RateLimited):
        second.hit("3/minute", "open311-key", "k", reason="slow down")
    engine.dispose()
