"""schemathesis over the whole OpenAPI description: no generated request may end in a 5xx.

One app over one SQLite copy of the seeded test database serves every operation, called
with the bearer token of an admin, a station chief and the auditor (between them they pass
the permission checks of every route) and an Open311 API key. Each operation gets a few
generated cases per role, valid and invalid (bounded so that the run stays within a few
minutes on two cores); the pass mark is that none of them is answered with a server error.
"""

from __future__ import annotations

import hashlib
import secrets
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from sqlalchemy import select

from pingan.auth.models import AccessToken, TokenKind, User
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory, unit_of_work, utcnow
from pingan.web.app import create_app
from support.credentials import TEST_DEMO_PASSWORD

#: Generated cases per operation, role and mode (about 90 operations).
EXAMPLES_PER_OPERATION = 5
#: The callers: the admin reaches users and the tree, a station chief its station's
#: dispatch, plans, cameras and analyses (the admin gets 403 there), the auditor the audit.
ROLES = ("admin", "chief_a", "auditor")
#: Values fixed instead of generated, each with its reason.
FIXED: dict[str, dict[str, Any]] = {
    # the client chooses how long the event stream stays open (up to an hour); the run
    # must not wait for it
    "GET /api/v1/stream": {"query": {"max_s": 0.5}},
}


@pytest.fixture(scope="module")
def fuzz_settings(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path, shared_data_dir: Path
) -> Settings:
    folder = tmp_path_factory.mktemp("fuzz")
    database = folder / "pingan.sqlite3"
    shutil.copyfile(sqlite_template, database)
    data_dir = folder / "var"
    data_dir.mkdir()
    (data_dir / "cities").symlink_to(shared_data_dir / "cities", target_is_directory=True)
    return Settings(
        database_url=f"sqlite:///{database}",
        data_dir=data_dir,
        secret_key="test-secret-key-0123456789",
        demo_password=TEST_DEMO_PASSWORD,
        audit_key="fuzz-audit-key-0123456789abcdefghijklmnop",
        secure_cookies=False,
        demo_mode=False,
    )


@pytest.fixture(scope="module")
def fuzz_app(fuzz_settings: Settings) -> Iterator[Any]:
    app = create_app(fuzz_settings)
    yield app
    app.state.engine.dispose()


def _token(settings: Settings, username: str) -> str:
    """A fresh bearer token for ``username``, written as the login would write it (argon2
    would take most of a second; the login itself is tested in tests/auth)."""
    token = secrets.token_urlsafe(32)
    engine = make_engine(settings.effective_database_url)
    with unit_of_work(make_session_factory(engine)) as session:
        user = session.scalar(select(User).where(User.username == username))
        assert user is not None
        session.add(
            AccessToken(
                user_id=user.id,
                token_hash=hashlib.sha256(token.encode("ascii")).hexdigest(),
                kind=TokenKind.api,
                expires_at=utcnow() + timedelta(hours=1),
            )
        )
    engine.dispose()
    return token


def _open311_key(settings: Settings) -> str:
    """An Open311 API key of station A, sent with every call (the Open311 routes read it)."""
    from pingan.incidents import open311

    engine = make_engine(settings.effective_database_url)
    with unit_of_work(make_session_factory(engine)) as session:
        key, _row = open311.create_key(session, "fuzz-app", "station-a")
    engine.dispose()
    return key


def _operations(app: Any) -> list[Any]:
    """Every operation of the app's whole OpenAPI description (read from the app: outside
    demo mode the document is not served unless enabled), called in-process over ASGI."""
    loaded = schemathesis.openapi.from_dict(app.openapi())
    loaded.app = app
    return [result.ok() for result in loaded.get_all_operations()]


def _server_errors(
    operation: Any, mode: Any, settings_: Settings, username: str, api_key: str
) -> list[str]:
    """The 5xx answers to a few generated cases of ``operation`` (none is the pass mark).

    A new token each time: an earlier operation may have logged the last one out.
    """
    found: list[str] = []
    headers = {"Authorization": f"Bearer {_token(settings_, username)}", "X-API-Key": api_key}
    strategy = operation.as_strategy(generation_mode=mode, **FIXED.get(operation.label, {}))

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        # the first message read loads the text model: a slow answer on a busy machine is no
        # server error, so the read waits longer than schemathesis' 10 s (a hang still fails)
        response = case.call(headers=headers, timeout=120)
        if response.status_code >= 500:
            found.append(
                f"{case.method} {case.formatted_path} {mode.name} as {username}: "
                f"{response.status_code} "
                f"query={case.query!r} body={str(case.body)[:200]!r}"
            )

    try:
        run()
    except Unsatisfiable:
        # nothing to make invalid (an operation without parameters or body)
        assert mode is GenerationMode.NEGATIVE, operation.label
    return found


def test_no_generated_request_is_a_server_error(fuzz_settings: Settings, fuzz_app: Any) -> None:
    operations = _operations(fuzz_app)
    described = sum(len(methods) for methods in fuzz_app.openapi()["paths"].values())
    assert len(operations) == described > 80
    errors: list[str] = []
    api_key = _open311_key(fuzz_settings)
    for operation in operations:
        for username in ROLES:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                errors += _server_errors(operation, mode, fuzz_settings, username, api_key)
    assert errors == []
