"""Storage: engine, session factory, declarative base, common column types.

SQLite (the default) runs in WAL mode with foreign keys on, a busy timeout,
``synchronous=FULL`` and every transaction opened with ``BEGIN IMMEDIATE``
so that two writers never deadlock on a lock upgrade (a read-only snapshot may ask for
``BEGIN DEFERRED`` through the :data:`SQLITE_BEGIN` execution option). PostgreSQL is reached
through psycopg 3 (``postgresql+psycopg://``). Nothing is built at import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no zone; PostgreSQL's ``timestamptz`` does. Naive input is refused,
    so a local time can never be stored as if it were UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


#: Connections a PostgreSQL pool keeps when the caller does not say (the default of
#: ``Settings.db_pool_size``; servers pass their setting).
POOL_SIZE = 16


def make_engine(url: str, *, echo: bool = False, pool_size: int = POOL_SIZE) -> Engine:
    """Build an engine with pingan's connection settings for SQLite or PostgreSQL.

    On PostgreSQL the pool keeps ``pool_size`` connections and opens up to as many again
    while busy; a checkout waits up to 30 s for a free one. The web app admits at most
    ``pool_size`` requests holding a session and runs at most ``pool_size`` threads
    (:mod:`pingan.web.capacity`), so its threads never wait on a pool that its parked
    requests have emptied.
    """
    url = normalise_url(url)
    if url.startswith("sqlite"):
        # Keep as many connections as the thread pool has threads (anyio: 40): a pool
        # smaller than the number of concurrent requests closes its overflow connections
        # on return, and reopening one (with its PRAGMAs) costs more than a request.
        file_db = make_url(url).database not in (None, "", ":memory:")
        pool_args = {"pool_size": 40, "max_overflow": 20} if file_db else {}
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": 30},
            **pool_args,
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(
        url,
        echo=echo,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_timeout=30,
    )


#: Execution option choosing how a SQLite transaction begins: ``"IMMEDIATE"`` (the default:
#: the write lock is taken at once) or ``"DEFERRED"`` for a read-only snapshot that never
#: waits for nor blocks a writer (WAL). A deferred transaction must not write: its lock
#: upgrade can fail at once with ``SQLITE_BUSY``. See :mod:`pingan.incidents.writer`.
SQLITE_BEGIN = "sqlite_begin"


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, issue BEGIN (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(SQLITE_BEGIN, "IMMEDIATE")
        if mode not in ("IMMEDIATE", "DEFERRED"):
            raise ValueError(f"{SQLITE_BEGIN} must be IMMEDIATE or DEFERRED, not {mode!r}")
        connection.exec_driver_sql(f"BEGIN {mode}")


def make_session_factory(engine: Engine, *, read_only: bool = False) -> sessionmaker[Session]:
    """Sessions on ``engine``. ``read_only`` sessions begin a deferred transaction on
    SQLite: they never take nor wait for the write lock, and must not write."""
    if not read_only:
        return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)
    bind = engine.execution_options(**{SQLITE_BEGIN: "DEFERRED"})
    factory = sessionmaker(bind=bind, expire_on_commit=False, autoflush=True)
    event.listen(factory, "before_flush", _refuse_writes)
    return factory


def _refuse_writes(session: Session, _context: Any, _instances: Any) -> None:
    """A read-only session that is about to write is a bug in the caller: say so plainly
    instead of letting SQLite fail later with a lock error."""
    if session.new or session.dirty or session.deleted:
        raise RuntimeError(
            "a read-only session tried to write; mark the GET route with "
            "audited_read (the web layer's deps) or use a write session"
        )


@contextmanager
def unit_of_work(factory: Callable[[], Session]) -> Iterator[Session]:
    """One unit of work on a session from ``factory``: commit on success, roll back on any
    error, close always.

    This is the one place that commits and rolls back a whole transaction: the CLI
    commands, the demo steps, the live feed and the request dependency
    (``get_session`` in the web layer's deps) all go through it. Services only ``flush()``.
    """
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
