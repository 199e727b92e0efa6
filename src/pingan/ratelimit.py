"""Rate limits that hold across workers: the ``limits`` library over pingan's database or Redis.

A limit is written as ``limits`` notation, several separated by ``;``: ``"20/minute;200/hour"``
allows 20 hits in each fixed minute *and* 200 in each fixed hour. Counters live where every
worker sees them:

- in Redis (``limits``' own :class:`~limits.storage.RedisStorage`) when
  ``PINGAN_REDIS_URL`` is set;
- else in the table ``rate_limit_counter`` of pingan's database
  (:class:`DatabaseStorage`, a ``limits`` storage registered as ``pingan-db://``). A hit is
  one atomic statement on SQLite and PostgreSQL alike::

      INSERT INTO rate_limit_counter (key, count, expires_at) VALUES (:key, :n, :now + :window)
      ON CONFLICT (key) DO UPDATE SET
          count = CASE WHEN expires_at <= :now THEN :n ELSE count + :n END,
          expires_at = CASE WHEN expires_at <= :now THEN :now + :window ELSE expires_at END
      RETURNING count

  so that two workers hitting one key at once count two.

Identifiers (addresses, usernames, keys) are stored only as keyed BLAKE2b digests.

On SQLite a hit is a write transaction of its own: call the limiter before the request's
session writes (or after it commits), never while that session holds the write lock.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from limits import RateLimitItem, parse_many
from limits.errors import ConfigurationError
from limits.storage import RedisStorage, Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import Double, Integer, String, Table, bindparam, case, delete, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from pingan.db import SQLITE_BEGIN, Base
from pingan.errors import ConfigError, RateLimited

#: Every this many hits, a worker deletes counters whose window ended (keeps the table small).
PURGE_EVERY = 500


class RateLimitCounter(Base):
    """One fixed-window counter: ``count`` hits until ``expires_at`` (seconds since the epoch)."""

    __tablename__ = "rate_limit_counter"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[float] = mapped_column(Double, index=True)


_TABLE = cast(Table, RateLimitCounter.__table__)


def _upsert(dialect: str) -> Any:
    from sqlalchemy.dialects import postgresql, sqlite

    insert: Callable[[Table], postgresql.Insert | sqlite.Insert]
    if dialect == "postgresql":
        insert = postgresql.insert
    elif dialect == "sqlite":
        insert = sqlite.insert
    else:  # pragma: no cover - pingan runs on these two
        raise ConfigError(f"rate limits in the database need SQLite or PostgreSQL, not {dialect}")
    statement = insert(_TABLE).values(
        key=bindparam("key"), count=bindparam("amount"), expires_at=bindparam("fresh_expiry")
    )
    ended = _TABLE.c.expires_at <= bindparam("now")
    return statement.on_conflict_do_update(
        index_elements=[_TABLE.c.key],
        set_={
            "count": case(
                (ended, statement.excluded.count), else_=_TABLE.c.count + statement.excluded.count
            ),
            "expires_at": case((ended, statement.excluded.expires_at), else_=_TABLE.c.expires_at),
        },
    ).returning(_TABLE.c.count)


_GET = select(_TABLE.c.count, _TABLE.c.expires_at).where(
    _TABLE.c.key == bindparam("key"), _TABLE.c.expires_at > bindparam("now")
)


class DatabaseStorage(Storage):
    """A ``limits`` storage over pingan's database, for the fixed-window strategy.

    Build it with an engine: ``DatabaseStorage(engine=engine)`` or
    ``storage_from_string("pingan-db://", engine=engine)``.
    """

    STORAGE_SCHEME = ["pingan-db"]  # noqa: RUF012  (limits' registry reads this class attribute)

    def __init__(
        self,
        uri: str | None = None,
        wrap_exceptions: bool = False,
        *,
        engine: Engine,
        **options: Any,
    ) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.engine = engine
        self._upsert = _upsert(engine.dialect.name)
        self._hits = 0
        self._hits_lock = threading.Lock()

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return SQLAlchemyError

    def _read(self, key: str) -> tuple[int, float] | None:
        reader = self.engine.connect().execution_options(**{SQLITE_BEGIN: "DEFERRED"})
        with reader as conn:
            row = conn.execute(_GET, {"key": key, "now": time.time()}).first()
        return None if row is None else (int(row[0]), float(row[1]))

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with self._hits_lock:
            self._hits += 1
            purge = self._hits % PURGE_EVERY == 0
        with self.engine.begin() as conn:
            count = conn.execute(
                self._upsert,
                {"key": key, "amount": amount, "fresh_expiry": now + expiry, "now": now},
            ).scalar_one()
            if purge:
                conn.execute(delete(_TABLE).where(_TABLE.c.expires_at <= now))
        return int(count)

    def get(self, key: str) -> int:
        row = self._read(key)
        return 0 if row is None else row[0]

    def get_expiry(self, key: str) -> float:
        row = self._read(key)
        return time.time() if row is None else row[1]

    def check(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with self.engine.begin() as conn:
            return conn.execute(delete(_TABLE)).rowcount

    def clear(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(_TABLE).where(_TABLE.c.key == key))


def parse_limits(notation: str) -> tuple[RateLimitItem, ...]:
    """``"20/minute;200/hour"`` as ``limits`` items; an empty string means no limit."""
    if not notation.strip():
        return ()
    try:
        return tuple(parse_many(notation))
    except ValueError:
        raise ConfigError(
            f"{notation!r} is not a rate limit; write e.g. '10/minute' or '5/minute;50/hour'"
        ) from None


@dataclass(frozen=True)
class Window:
    """Where a key stands against its limits: hits left before the tightest limit is
    reached, and seconds until the exhausted limits (if any) let it through again."""

    remaining: int
    retry_after_s: int

    @property
    def exhausted(self) -> bool:
        return self.remaining <= 0


class RateLimiter:
    """Fixed-window limits (``limits``' :class:`~limits.strategies.FixedWindowRateLimiter`)
    over one storage, with keys hashed under ``key_secret``.

    Each method takes the limits as notation, a ``scope`` naming what is limited
    (``"login-addr"``, ``"open311-key"`` …) and the identifiers within the scope.
    """

    def __init__(self, storage: Storage, key_secret: str) -> None:
        self.storage = storage
        self._strategy = FixedWindowRateLimiter(storage)
        self._key = hashlib.sha256(key_secret.encode()).digest()

    def _ids(self, scope: str, identifiers: Sequence[str]) -> tuple[str, ...]:
        digests = tuple(
            hashlib.blake2b(str(part).encode(), key=self._key, digest_size=16).hexdigest()
            for part in identifiers
        )
        return (scope, *digests)

    def _retry_after(self, items: Sequence[RateLimitItem], ids: tuple[str, ...]) -> int:
        now = time.time()
        resets = [self._strategy.get_window_stats(item, *ids).reset_time for item in items]
        return max(1, math.ceil(max(resets) - now)) if resets else 1

    def hit(self, notation: str, scope: str, *identifiers: str, reason: str) -> None:
        """Count one hit against every limit in ``notation``.

        Raises
        ------
        RateLimited
            One of the limits is used up; ``reason`` becomes the message.
        """
        items = parse_limits(notation)
        ids = self._ids(scope, identifiers)
        refused = [item for item in items if not self._strategy.hit(item, *ids)]
        if refused:
            raise RateLimited(reason, retry_after_s=self._retry_after(refused, ids))

    def count(self, notation: str, scope: str, *identifiers: str) -> None:
        """Count one hit, whatever the outcome (failures that a later :meth:`window` reads)."""
        items = parse_limits(notation)
        ids = self._ids(scope, identifiers)
        for item in items:
            self._strategy.hit(item, *ids)

    def window(self, notation: str, scope: str, *identifiers: str) -> Window:
        """Where the key stands, without counting a hit (reads only)."""
        items = parse_limits(notation)
        if not items:
            return Window(remaining=2**31, retry_after_s=0)
        ids = self._ids(scope, identifiers)
        stats = [(item, self._strategy.get_window_stats(item, *ids)) for item in items]
        remaining = min(stat.remaining for _item, stat in stats)
        exhausted = [item for item, stat in stats if stat.remaining <= 0]
        retry = self._retry_after(exhausted, ids) if exhausted else 0
        return Window(remaining=remaining, retry_after_s=retry)

    def clear(self, notation: str, scope: str, *identifiers: str) -> None:
        ids = self._ids(scope, identifiers)
        for item in parse_limits(notation):
            self._strategy.clear(item, *ids)


def make_limiter(redis_url: str, engine: Engine, key_secret: str) -> RateLimiter:
    """Redis when ``redis_url`` is set, else the database behind ``engine``."""
    storage: Storage
    if redis_url:
        try:
            built = storage_from_string(redis_url)
        except ConfigurationError as exc:
            raise ConfigError(f"PINGAN_REDIS_URL: {exc} (install pingan[redis])") from None
        if not isinstance(built, RedisStorage):
            raise ConfigError("PINGAN_REDIS_URL must be a redis:// or rediss:// URL")
        storage = built
    else:
        storage = DatabaseStorage(engine=engine)
    return RateLimiter(storage, key_secret)
