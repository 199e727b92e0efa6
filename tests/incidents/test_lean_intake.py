"""The lean intake path (pingan.web.lean_intake) against the FastAPI route it stands in
front of: the same answers, the same stored rows and idempotency, the same errors; and
anything out of the ordinary handed on to the route with its body intact."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from incidents_helpers import IN_A, IN_B, Env
from starlette.types import Receive, Scope, Send

from pingan.web.app import create_app
from pingan.web.lean_intake import LeanIntakeMiddleware

THEFT = "我的电动车昨晚在小区楼下被偷了，绿色雅迪"
#: fields that differ between two reports filed one after the other
VARYING = {"id", "public_token", "received_at", "created_at", "updated_at"}


@pytest.fixture
def route_client(env: Env) -> Iterator[TestClient]:
    """The same app over the same database without the lean path (the reference)."""
    app = create_app(env.settings)
    app.user_middleware = [m for m in app.user_middleware if m.cls is not LeanIntakeMiddleware]
    with TestClient(app) as client:
        yield client


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _stable(body: dict[str, Any]) -> dict[str, Any]:
    """The body without the fields that vary; an interval cut at the moment of receipt
    (昨晚 read between midnight and morning ends "now") ends at "received"."""
    out = {k: v for k, v in body.items() if k not in VARYING}
    for bound in ("occurred_start", "occurred_end"):
        if out.get(bound) is not None and _moment(out[bound]) == _moment(body["received_at"]):
            out[bound] = "received"
    return out


def _post(client: TestClient, headers: dict[str, str], body: Any, key: str | None) -> Any:
    extra = {"Idempotency-Key": key} if key else {}
    return client.post("/api/v1/reports", json=body, headers={**headers, **extra})


def test_the_lean_answer_equals_the_routes(env: Env, route_client: TestClient) -> None:
    citizen = env.headers("citizen")
    bodies = [
        {"description": THEFT, "lat": IN_A[0], "lon": IN_A[1]},
        {"description": THEFT, "lat": IN_B[0], "lon": IN_B[1], "place_text": "小区楼下"},
        {"description": "手机被偷了", "occurred_start": "2024-05-01T08:00:00+08:00"},
        {"description": "有人在公园打架", "items": [{"kind": "phone", "brand": "华为"}]},
    ]
    for n, body in enumerate(bodies):
        lean = _post(env.client, citizen, body, f"lean-{n}")
        route = _post(route_client, citizen, body, f"route-{n}")
        assert lean.status_code == route.status_code == 201, (lean.text, route.text)
        assert lean.headers["content-type"] == route.headers["content-type"]
        assert _stable(lean.json()) == _stable(route.json())
        # each path replays the other's stored answer exactly
        again = _post(env.client, citizen, body, f"route-{n}")
        assert again.status_code == 201
        assert again.headers["Idempotent-Replayed"] == "true"
        assert again.json() == route.json()
        again = _post(route_client, citizen, body, f"lean-{n}")
        assert again.json() == lean.json()
    counts = env.counts()
    assert counts["incident"] == counts["idempotency_record"] == 2 * len(bodies)


def test_errors_are_the_routes(env: Env, route_client: TestClient) -> None:
    citizen = env.headers("citizen")
    body = {"description": THEFT, "lat": IN_A[0], "lon": IN_A[1]}
    assert _post(env.client, citizen, body, "k").status_code == 201
    cases: list[tuple[dict[str, str], Any, str | None]] = [
        (citizen, {**body, "description": "手机被偷了"}, "k"),  # key reused, other body
        ({}, body, "k2"),  # no credentials
        ({"Authorization": "Bearer not-a-token"}, body, "k3"),
        (citizen, {"description": THEFT, "lat": 95}, "k4"),  # out of range
        (citizen, {"lat": 1}, "k5"),  # no description
        (citizen, [1, 2], "k6"),
        (citizen, {"description": THEFT, "type": "no.such.type"}, "k7"),
        (citizen, body, " "),  # blank key
        (env.headers("officer_a"), body, "k8"),  # another role, its own grants
    ]
    for headers, sent, key in cases:
        lean = _post(env.client, headers, sent, key)
        route = _post(route_client, headers, sent, key)
        assert lean.status_code == route.status_code, (sent, lean.text, route.text)
        assert lean.json() == route.json() or lean.status_code == 201
        assert lean.headers.get("www-authenticate") == route.headers.get("www-authenticate")


def _probe(app: Any) -> tuple[Any, list[bytes]]:
    """The lean middleware over a stand-in for the router that records what reaches it."""
    reached: list[bytes] = []

    async def router(scope: Scope, receive: Receive, send: Send) -> None:
        message = await receive()
        reached.append(message.get("body", b""))
        await send({"type": "http.response.start", "status": 418, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    lean = LeanIntakeMiddleware(router)

    async def outer(scope: Scope, receive: Receive, send: Send) -> None:
        await lean({**scope, "app": app}, receive, send)

    return outer, reached


def test_ordinary_requests_skip_the_router_others_reach_it(env: Env) -> None:
    app = env.client.app
    probe, reached = _probe(app)
    citizen = env.headers("citizen")

    async def run() -> list[int]:
        transport = httpx.ASGITransport(app=probe)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            sent = [
                client.post(
                    "/api/v1/reports", json={"description": THEFT}, headers=citizen
                ),  # ordinary: answered by the lean path
                client.post("/api/v1/reports", json={"lat": 1}, headers=citizen),
                client.post("/api/v1/reports", json={"description": THEFT}),
                client.post(
                    "/api/v1/reports",
                    content=b"description=x",
                    headers={**citizen, "Content-Type": "application/x-www-form-urlencoded"},
                ),
                client.post("/api/v1/reports/", json={"description": THEFT}, headers=citizen),
                client.get("/api/v1/reports", headers=citizen),
            ]
            return [r.status_code for r in await asyncio.gather(*sent)]

    statuses = asyncio.run(run())
    assert statuses == [201, 418, 418, 418, 418, 418]
    assert b'{"lat":1}' in reached
    assert b"description=x" in reached
