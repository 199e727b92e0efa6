"""The streams of one caller share their reads: a caller's boards on several screens cost
the worker one read and the audit chain one entry per change, and each board still gets
every change once (a real PostgreSQL woken by ``LISTEN/NOTIFY``, a real worker process)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter

import httpx
import pytest
from sqlalchemy import func, select
from sse_client import read_events
from test_live_push import login

from pingan.audit.models import AuditEvent
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from pingan.live.shared import SharedReads
from support.cluster import processes, station_points

BOARDS = 5
PHONE = "13912345678"


def _at_or_before(start: int, cursor: int) -> bool:
    return start <= cursor


def test_a_read_is_shared_with_the_streams_it_covers_and_a_fresher_need_starts_one() -> None:
    async def scenario() -> tuple[list[int], int, int, int, list[int]]:
        shared: SharedReads[int, int] = SharedReads(_at_or_before)
        release = asyncio.Event()
        starts: list[int] = []

        async def slow_read(start: int) -> int:
            starts.append(start)
            await release.wait()
            return start

        def wanting(cursor: int) -> asyncio.Future[int]:
            return asyncio.ensure_future(shared.read("chief", 0.0, cursor, slow_read))

        # the first stream reads from 10; those at 10 and ahead of it share its read
        waiting = [wanting(10), wanting(10), wanting(12), wanting(15)]
        await asyncio.sleep(0)
        waiting[0].cancel()  # a caller who left: the read goes on for the others
        behind = wanting(7)  # behind the read's start: it would miss 8..10, so its own
        await asyncio.sleep(0)
        release.set()
        answers = [await w for w in waiting[1:]]
        own = await behind
        # a ring after the read began needs a fresher one
        fresher = await shared.read("chief", time.monotonic() + 1e9, 10, slow_read)
        other_caller = await shared.read("dispatcher", 0.0, 10, slow_read)
        return answers, own, fresher, other_caller, starts

    answers, own, fresher, other_caller, starts = asyncio.run(scenario())
    assert answers == [10, 10, 10]  # all three from the read that started at 10
    assert own == 7
    assert (fresher, other_caller) == (10, 10)
    assert starts == [10, 7, 10, 10]  # four reads for six streams


def test_a_failed_read_is_not_handed_to_the_next_stream() -> None:
    async def scenario() -> tuple[str, int]:
        shared: SharedReads[int, int] = SharedReads(_at_or_before)
        attempts = 0

        async def flaky(start: int) -> int:
            nonlocal attempts
            attempts += 1
            if attempts == 1:
                raise ConnectionError("database went away")
            return attempts

        try:
            await shared.read("k", 0.0, 5, flaky)
            first = "answered"
        except ConnectionError as exc:
            first = str(exc)
        return first, await shared.read("k", 0.0, 5, flaky)

    assert asyncio.run(scenario()) == ("database went away", 2)


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_one_callers_boards_get_each_change_once_from_one_audited_read(
    settings: Settings,
) -> None:
    in_a, _in_b = station_points(settings)
    with processes(settings) as procs:
        web = procs.web("web")
        citizen = login(web, settings, "citizen")
        chief = login(web, settings, "chief_a")  # sees personal data of station A: audited

        ready = threading.Barrier(BOARDS + 1)
        seen: list[list[int]] = [[] for _ in range(BOARDS)]

        def board(n: int) -> None:
            with httpx.Client() as client:
                events = read_events(client, f"{web}/api/v1/stream", chief, None, 6)
                for event in events:
                    if event.name == "hello":
                        print("HELLO", n, event.id)
                        ready.wait(60)
                    elif event.name == "incident":
                        seen[n].append(event.data["id"])

        threads = [threading.Thread(target=board, args=(n,)) for n in range(BOARDS)]
        for t in threads:
            t.start()
        ready.wait(60)
        body = {"description": f"东街电动车被偷了，我电话{PHONE}", "lat": in_a[0], "lon": in_a[1]}
        posted = httpx.post(f"{web}/api/v1/reports", json=body, headers=citizen, timeout=60)
        assert posted.status_code == 201, posted.text
        incident_id = posted.json()["id"]
        for t in threads:
            t.join(60)
        assert [Counter(s)[incident_id] for s in seen] == [1] * BOARDS, procs.logs()

    engine = make_engine(settings.effective_database_url)
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            audited = session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "personal_data.read")
                .where(AuditEvent.object_type == "incident")
                .where(AuditEvent.object_id == str(incident_id))
                .where(AuditEvent.actor == "chief_a")
            )
    finally:
        engine.dispose()
    # every board woke on the same ring; one read (two if one board woke a beat late)
    assert 1 <= (audited or 0) < BOARDS
