"""The intake write path (pingan.incidents.writer): batch writes with idempotency inside a
batch, group commit on SQLite (concurrent twins, batching while the write lock is held, one
bad report not failing its batch), the audit chain across batches, and the prepared
boundary cache."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import pytest
from incidents_helpers import EAST, IN_A, IN_B, WEST, Env
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import IntegrityError

from pingan.audit import keys
from pingan.audit import service as audit
from pingan.auth import service as auth
from pingan.auth.models import User
from pingan.db import make_engine, make_session_factory, unit_of_work, utcnow
from pingan.errors import InvalidInput
from pingan.incidents import placement, privacy, reads, rows
from pingan.incidents.models import Channel, Incident
from pingan.incidents.writer import GroupCommitWriter, write_reports
from pingan.jurisdictions import service as jurisdictions

THEFT = "我的电动车昨晚在小区楼下被偷了，绿色雅迪"


@pytest.fixture
def engine(env: Env) -> Iterator[Engine]:
    # keyed like the app's engine, so that its audit rows verify
    engine = keys.keyed(
        make_engine(env.settings.effective_database_url), keys.load_key(env.settings)
    )
    yield engine
    engine.dispose()


def _pending(
    env: Env,
    engine: Engine,
    text_: str,
    *,
    key: str | None = None,
    digest: str = "body-1",
    jurisdiction_id: int | None = None,
) -> rows.PendingReport:
    """A citizen's report prepared as the API would (point in station A)."""
    with unit_of_work(make_session_factory(engine)) as session:
        user = session.scalar(select(User).where(User.username == "citizen"))
        assert user is not None
        principal = auth.principal_for(session, user)
        data = placement.ReportInput(
            text=text_,
            channel=Channel.api,
            received_at=utcnow(),
            lat=IN_A[0],
            lon=IN_A[1],
            reporter_user_id=user.id,
        )
        fallback = placement.default_jurisdiction(principal, "report", "create")
        placed = placement.prepare(session, env.settings, data, fallback, geocode=lambda _: None)
        claim = rows.IdempotencyClaim(f"user:{user.id}", key, digest) if key else None
        pending = rows.pending_report(placed, principal=principal, claim=claim)
    if jurisdiction_id is not None:
        pending.incident["jurisdiction_id"] = jurisdiction_id
    return pending


def _chain_ok(engine: Engine) -> bool:
    with unit_of_work(make_session_factory(engine)) as session:
        return audit.verify_chain(session, keys.key_of(session.connection())).ok


def test_a_batch_settles_twin_keys_like_requests_in_a_row(env: Env, engine: Engine) -> None:
    first = _pending(env, engine, THEFT, key="k1", digest="body-1")
    twin = _pending(env, engine, THEFT, key="k1", digest="body-1")
    other_body = _pending(env, engine, "手机被偷了", key="k1", digest="body-2")
    no_key = _pending(env, engine, "有人在楼下打架")
    with engine.connect() as connection, connection.begin():
        outcomes = write_reports(connection, [first, twin, other_body, no_key])
    written, replayed, refused, plain = outcomes
    assert isinstance(written, rows.Written)
    assert not written.replayed
    assert written.answer["jurisdiction_code"] == "station-a"
    assert written.answer["items"][0]["brand"] == "雅迪"
    assert written.answer["report_count"] == 1
    assert isinstance(replayed, rows.Written)
    assert replayed.replayed
    assert replayed.incident_id == written.incident_id
    assert replayed.answer == written.answer
    assert isinstance(refused, InvalidInput)
    assert "different body" in refused.message
    assert isinstance(plain, rows.Written)
    assert plain.incident_id != written.incident_id
    counts = env.counts()
    assert counts["incident"] == 2
    assert counts["incident_report"] == 2
    assert counts["idempotency_record"] == 1
    assert _chain_ok(engine)

    # the next batch finds the stored key: same body → the first answer, nothing new
    again = _pending(env, engine, THEFT, key="k1", digest="body-1")
    with engine.connect() as connection, connection.begin():
        [outcome] = write_reports(connection, [again])
    assert isinstance(outcome, rows.Written)
    assert outcome.replayed
    assert outcome.answer == written.answer
    assert env.counts()["incident"] == 2


def test_the_stored_answer_matches_what_a_read_returns(env: Env, engine: Engine) -> None:
    pending = _pending(env, engine, THEFT, key="k2")
    with engine.connect() as connection, connection.begin():
        [written] = write_reports(connection, [pending])
    assert isinstance(written, rows.Written)
    response = env.client.get(f"/api/v1/reports/{written.public_token}")
    assert response.status_code == 200
    assert response.json()["type"] == written.answer["type"] == "theft.ebike"
    with unit_of_work(make_session_factory(engine)) as session:
        incident = session.get(Incident, written.incident_id)
        assert incident is not None
        stored = reads.incident_json(session, incident, sight=privacy.EVERYTHING, show_token=True)
    # the same instants (the answer keeps the offset the extraction gave, +08:00)
    assert _instants(stored) == _instants(written.answer)


def _instants(body: dict[str, Any]) -> dict[str, Any]:
    times = ("occurred_start", "occurred_end", "received_at", "updated_at")
    return body | {
        name: datetime.fromisoformat(body[name]) if body[name] else None for name in times
    }


def test_concurrent_twin_keys_through_http_store_one_incident(env: Env) -> None:
    headers = {**env.headers("citizen"), "Idempotency-Key": "twin"}
    body = {"description": THEFT, "lat": IN_A[0], "lon": IN_A[1]}
    other = {**body, "description": "手机被偷了"}

    def send(index: int) -> tuple[int, Any]:
        response = env.client.post(
            "/api/v1/reports", json=other if index % 4 == 3 else body, headers=headers
        )
        return response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(send, range(16)))
    created = [a for status, a in answers if status == 201]
    refused = [a for status, a in answers if status == 422]
    # the other body is refused unless it came first (then the first body is refused)
    assert len(created) + len(refused) == 16
    assert len({a["id"] for a in created}) == 1
    assert all("different body" in a["detail"] for a in refused)
    assert sorted([len(created), len(refused)]) == [4, 12]
    assert env.counts()["incident"] == 1
    assert env.counts()["idempotency_record"] == 1


def _hold_write_lock(engine: Engine) -> Callable[[], None]:
    """Take SQLite's write lock from another connection; return its release."""
    connection = engine.connect()
    raw = connection.connection.dbapi_connection
    assert raw is not None
    raw.execute("BEGIN IMMEDIATE")

    def release() -> None:
        raw.execute("ROLLBACK")
        connection.close()

    return release


def _wait_until(condition: Callable[[], bool]) -> None:
    for _ in range(2000):
        if condition():
            return
        time.sleep(0.005)
    raise AssertionError("condition not reached")


Outcome = rows.Written | BaseException


def _submit_all(
    writer: GroupCommitWriter, batch: list[rows.PendingReport]
) -> tuple[list[Outcome], list[threading.Thread]]:
    """Submit each report from its own thread; the outcomes fill in as they commit."""
    outcomes: list[Outcome] = []
    lock = threading.Lock()

    def submit(pending: rows.PendingReport) -> None:
        try:
            outcome: Outcome = writer.submit(pending)
        except BaseException as exc:
            outcome = exc
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=submit, args=(p,)) for p in batch]
    for thread in threads:
        thread.start()
    return outcomes, threads


@pytest.fixture
def sqlite_engine(env: Env, engine: Engine) -> Engine:
    if engine.dialect.name != "sqlite":
        pytest.skip("group commit is the SQLite path")
    return engine


def test_reports_waiting_for_the_lock_are_committed_in_one_batch(
    env: Env, sqlite_engine: Engine
) -> None:
    writer = GroupCommitWriter(sqlite_engine)
    batch = [_pending(env, sqlite_engine, f"{THEFT} 第{i}辆", key=f"b{i}") for i in range(8)]
    release = _hold_write_lock(sqlite_engine)
    outcomes, threads = _submit_all(writer, batch[:1])
    # the writer took the first report and waits for the lock; the other seven queue up
    _wait_until(lambda: writer._queue.qsize() == 0 and writer._thread is not None)
    more, more_threads = _submit_all(writer, batch[1:])
    _wait_until(lambda: writer._queue.qsize() == 7)
    with sqlite_engine.connect().execution_options(sqlite_begin="DEFERRED") as reader:
        assert reader.execute(text("SELECT count(*) FROM incident")).scalar() == 0
    release()
    for thread in threads + more_threads:
        thread.join()
    outcomes += more
    written = [o for o in outcomes if isinstance(o, rows.Written)]
    assert len({o.incident_id for o in written}) == 8
    assert sorted(writer.batch_sizes) == [1, 7]
    assert env.counts()["incident"] == 8
    assert env.counts()["idempotency_record"] == 8
    assert _chain_ok(sqlite_engine)


def test_one_bad_report_does_not_fail_its_batch(env: Env, sqlite_engine: Engine) -> None:
    writer = GroupCommitWriter(sqlite_engine)
    first = _pending(env, sqlite_engine, THEFT, key="first")
    good = _pending(env, sqlite_engine, "手机被偷了", key="good")
    bad = _pending(env, sqlite_engine, "有人打架", key="bad", jurisdiction_id=987654)
    release = _hold_write_lock(sqlite_engine)
    outcomes, threads = _submit_all(writer, [first])
    _wait_until(lambda: writer._queue.qsize() == 0 and writer._thread is not None)
    more, more_threads = _submit_all(writer, [good, bad])
    _wait_until(lambda: writer._queue.qsize() == 2)
    release()
    for thread in threads + more_threads:
        thread.join()
    everything = outcomes + more
    errors = [o for o in everything if isinstance(o, BaseException)]
    assert len(errors) == 1
    assert isinstance(errors[0], IntegrityError)
    assert env.counts()["incident"] == 2
    assert env.counts()["idempotency_record"] == 2
    assert _chain_ok(sqlite_engine)


def test_the_api_answers_after_the_group_commit(env: Env, sqlite_engine: Engine) -> None:
    headers = env.headers("citizen")
    answers = []
    for index in range(3):
        response = env.client.post(
            "/api/v1/reports",
            json={"description": f"{THEFT} {index}", "lat": IN_B[0], "lon": IN_B[1]},
            headers={**headers, "Idempotency-Key": f"api-{index}"},
        )
        assert response.status_code == 201, response.text
        answers.append(response.json())
    # each answer was committed before it was sent: a new connection reads it
    with sqlite_engine.connect() as connection:
        stored = connection.execute(text("SELECT id FROM incident ORDER BY id")).scalars().all()
    assert stored == [a["id"] for a in answers]
    assert {a["jurisdiction_code"] for a in answers} == {"station-b"}


def test_a_changed_boundary_is_seen_at_once(env: Env, engine: Engine) -> None:
    with unit_of_work(make_session_factory(engine)) as session:
        station_a = jurisdictions.get_by_code(session, "station-a")
        assert jurisdictions.jurisdiction_for_point(session, *IN_A).code == "station-a"  # type: ignore[union-attr]
        assert jurisdictions.jurisdiction_for_point(session, *IN_B).code == "station-b"  # type: ignore[union-attr]
        # station A now covers the west half, station B the east half
        jurisdictions.set_boundary(session, station_a, WEST)
        station_b = jurisdictions.get_by_code(session, "station-b")
        jurisdictions.set_boundary(session, station_b, EAST)
        assert jurisdictions.jurisdiction_for_point(session, *IN_B).code == "station-a"  # type: ignore[union-attr]
        assert jurisdictions.jurisdiction_for_point(session, *IN_A).code == "station-b"  # type: ignore[union-attr]
    # and through the API (a new session, the same process cache)
    created = env.client.post(
        "/api/v1/reports",
        json={"description": THEFT, "lat": IN_A[0], "lon": IN_A[1]},
        headers=env.headers("citizen"),
    )
    assert created.status_code == 201, created.text
    assert created.json()["jurisdiction_code"] == "station-b"
