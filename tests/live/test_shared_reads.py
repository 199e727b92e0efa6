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


def test_streams_at_one_cursor_share_a_read_and_a_fresher_need_starts_one() -> None:
    async def scenario() -> tuple[list[int], int, int]:
        shared: SharedReads[int] = SharedReads()
        release = asyncio.Event()
        reads = 0

        async def slow_read() -> int:
            nonlocal reads
            reads += 1
            await release.wait()
            return reads

        needed = 0.0
        waiting = [asyncio.ensure_future(shared.read("k", needed, slow_read)) for _ in range(4)]
        await asyncio.sleep(0)
        waiting[0].cancel()  # a caller who left: the read goes on for the others
        release.set()
        answers = [await w for w in waiting[1:]]
        # later needs: the finished read is too old for a ring after it began
        fresher = await shared.read("k", time.monotonic() + 1e9, slow_read)
        other_key = await shared.read("other", needed, slow_read)
        return answers, fresher, other_key

    answers, fresher, other_key = asyncio.run(scenario())
    assert answers == [1, 1, 1]
    assert (fresher, other_key) == (2, 3)


def test_a_failed_read_is_not_handed_to_the_next_stream() -> None:
    async def scenario() -> tuple[str, int]:
        shared: SharedReads[int] = SharedReads()
        attempts = 0

        async def flaky() -> int:
            nonlocal attempts
            attempts += 1
            if attempts == 1:
                raise ConnectionError("database went away")
            return attempts

        try:
            await shared.read("k", 0.0, flaky)
            first = "answered"
        except ConnectionError as exc:
            first = str(exc)
        return first, await shared.read("k", 0.0, flaky)

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
