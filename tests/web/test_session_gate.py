"""More concurrent requests than database connections: they wait their turn, none fails.

A request holds its session's connection between its trips to the thread pool (the caller's
authentication, the route, the commit). When more requests held connections than the pool
had, the threads that wanted one blocked on the pool while the holders waited for a thread:
every one stalled until the pool's timeout, then failed ("QueuePool limit … timed out",
a 500), which is how the district's night load test failed on PostgreSQL (issue 18).
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlalchemy import text

from pingan.config import Settings
from pingan.db import make_engine
from pingan.web.app import create_app
from support.app import seeded_client, token_for

#: Concurrent requests, far more than the pool's connections and than its threads.
REQUESTS = 120


def test_more_requests_than_connections_all_answer(settings: Settings) -> None:
    small = settings.model_copy(update={"db_pool_size": 2})
    app = create_app(small)
    dispatcher = token_for(seeded_client(small), small, "dispatcher_a")
    chief = token_for(seeded_client(small), small, "chief_a")
    unit = seeded_client(small).post(
        "/api/v1/units",
        json={
            "callsign": "G01",
            "kind": "patrol_car",
            "station_code": "station-a",
            "city": "helsinki",
        },
        headers=chief,
    )
    assert unit.status_code == 201, unit.text
    unit_id = unit.json()["id"]

    async def run() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://test", timeout=600
        ) as client:
            reads = [client.get("/api/v1/units", headers=dispatcher) for _ in range(REQUESTS // 2)]
            writes = [
                client.post(
                    f"/api/v1/units/{unit_id}/position",
                    json={"lat": 60.17, "lon": 24.94},
                    headers=dispatcher,
                )
                for _ in range(REQUESTS // 2)
            ]
            return list(await asyncio.gather(*reads, *writes))

    # on a thread of its own: a session-wide browser (Playwright's sync API) may already run
    # an event loop on this one
    with ThreadPoolExecutor(max_workers=1) as pool:
        answers = pool.submit(asyncio.run, run()).result()
    failed = [(a.status_code, a.text[:200]) for a in answers if a.status_code >= 300]
    assert failed == []
    assert len(answers) == REQUESTS
    # every acknowledged position is stored, once
    engine = make_engine(small.effective_database_url)
    with engine.connect() as conn:
        stored = conn.execute(
            text("SELECT count(*) FROM position_report WHERE unit_id = :u"), {"u": unit_id}
        ).scalar_one()
    engine.dispose()
    assert stored == REQUESTS // 2
