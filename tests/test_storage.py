"""Migrations and connection settings on SQLite and a real PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from pingan.db import make_engine
from pingan.migrations import heads
from pingan.migrations.models import import_all_models


def test_one_head() -> None:
    assert len(heads()) == 1


def test_migrations_take_empty_database_to_head_matching_models(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        assert {
            "jurisdiction",
            "user_account",
            "role_grant",
            "access_token",
            "audit_event",
        } <= tables
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        assert version == heads()[0]
        diff = compare_metadata(MigrationContext.configure(conn), import_all_models())
    engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


def test_sqlite_connection_settings(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    engine.dispose()


def test_sqlite_writes_take_begin_immediate(tmp_path) -> None:
    """A second writer waits for the first instead of failing on a lock upgrade."""
    import sqlite3

    path = tmp_path / "w.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    with engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1").all()  # opens BEGIN IMMEDIATE
        other = sqlite3.connect(path, timeout=0.05, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()
    engine.dispose()


def test_upgrade_takes_a_brand_new_database_to_head(tmp_path, request) -> None:
    """Not a template copy: an empty file (and, below, an empty PostgreSQL database)."""
    from pingan.migrations import upgrade

    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        assert (
            conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == heads()[0]
        )
    engine.dispose()


def test_upgrade_takes_an_empty_postgres_database_to_head(postgres_admin_url: str) -> None:
    from sqlalchemy import create_engine

    from pingan.migrations import upgrade

    admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS pingan_empty"))
        conn.execute(text("CREATE DATABASE pingan_empty"))
    admin.dispose()
    url = postgres_admin_url.rsplit("/", 1)[0] + "/pingan_empty"
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        assert (
            conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == heads()[0]
        )
        assert "audit_event" in inspect(conn).get_table_names()
    engine.dispose()
