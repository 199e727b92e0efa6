"""Shared fixtures: a migrated database on SQLite and on a real PostgreSQL.

``db_url`` is parametrised over both backends. Each backend is migrated once per
session into a template; each test gets a fresh copy (a file copy on SQLite,
``CREATE DATABASE … TEMPLATE`` on PostgreSQL). Under ``CI=true`` a missing
PostgreSQL fails the run instead of skipping.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).parent))

from pingan.config import Settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from pingan.demo import seed_accounts
from pingan.migrations import upgrade
from support.credentials import TEST_AUDIT_KEY, TEST_DEMO_PASSWORD
from support.postgres import PostgresServer

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
TEST_DATA = Path(__file__).parent / "data"
_counter = itertools.count()


@pytest.fixture(autouse=True)
def _audit_key_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """CLI commands read settings from the environment: give them the audit key."""
    monkeypatch.setenv("PINGAN_AUDIT_KEY", TEST_AUDIT_KEY)


def _seed(url: str, data_dir: Path) -> None:
    """Migrate; add the demo tree, one account per role, and the Helsinki city with the two
    demo stations' areas. Argon2 hashing and the OSM import are slow, so this happens once per
    backend (the city's arrays go to a session-wide data folder shared read-only by tests)."""
    from pingan.audit import keys
    from pingan.city import service as cities
    from pingan.demo import station_halves
    from pingan.jurisdictions import service as jurisdictions

    upgrade(url)
    settings = Settings(
        demo_password=TEST_DEMO_PASSWORD, data_dir=data_dir, audit_key=TEST_AUDIT_KEY
    )
    engine = keys.keyed(make_engine(url), keys.load_key(settings))
    with unit_of_work(make_session_factory(engine)) as session:
        seed_accounts(session, settings, lambda *_: None)
        city = cities.import_city(
            session,
            settings,
            DATA / "osm" / "Helsinki.osm.pbf",
            "helsinki",
            jurisdiction_code="demo-sub",
        ).city
        east, west = station_halves(city)
        jurisdictions.set_boundary(session, jurisdictions.get_by_code(session, "station-a"), east)
        jurisdictions.set_boundary(session, jurisdictions.get_by_code(session, "station-b"), west)
    engine.dispose()


@pytest.fixture(scope="session")
def shared_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Data folder holding the template cities' arrays (read-only for tests)."""
    return tmp_path_factory.mktemp("shared-data")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory, shared_data_dir: Path) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    _seed(f"sqlite:///{path}", shared_data_dir)
    return path


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    existing = os.environ.get("PINGAN_TEST_POSTGRES_URL")
    if existing:
        yield existing
        return
    try:
        server = PostgresServer()
        url = server.start()
    except Exception as exc:  # binaries missing or the server would not start
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL is required in CI but could not start: {exc}")
        pytest.skip(f"PostgreSQL not available: {exc}")
    try:
        yield url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_template(postgres_admin_url: str, shared_data_dir: Path) -> str:
    engine = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS pingan_template"))
        conn.execute(text("CREATE DATABASE pingan_template"))
    engine.dispose()
    template_url = postgres_admin_url.rsplit("/", 1)[0] + "/pingan_template"
    _seed(template_url, shared_data_dir)
    return "pingan_template"


def _fresh_postgres(admin_url: str, template: str) -> str:
    name = f"pingan_test_{os.getpid()}_{next(_counter)}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {template}"))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A freshly migrated database holding the demo tree and accounts, on each backend."""
    if request.param == "sqlite":
        target = tmp_path / "pingan.sqlite3"
        shutil.copyfile(sqlite_template, target)
        return f"sqlite:///{target}"
    admin_url = request.getfixturevalue("postgres_admin_url")
    template = request.getfixturevalue("postgres_template")
    return _fresh_postgres(admin_url, template)


@pytest.fixture
def settings(db_url: str, tmp_path: Path, shared_data_dir: Path) -> Settings:
    """Settings for one test: its own database and data folder, whose ``cities`` folder
    links to the shared, already imported template cities."""
    data_dir = tmp_path / "var"
    data_dir.mkdir()
    (data_dir / "cities").symlink_to(shared_data_dir / "cities", target_is_directory=True)
    return Settings(
        database_url=db_url,
        data_dir=data_dir,
        secret_key="test-secret-key-0123456789",
        demo_password=TEST_DEMO_PASSWORD,
        audit_key=TEST_AUDIT_KEY,
        secure_cookies=False,
        demo_mode=False,
    )
