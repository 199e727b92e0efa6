"""The request's log line and id (the JSON format itself: :mod:`pingan.logs`).

:class:`RequestIdMiddleware` gives every request an id (a client's ``X-Request-ID`` when it
is a plain token, else a new one), echoes it in the response and logs one line per request
with the method, the route's *template* (``/api/v1/jobs/{job_id}``, never the filled-in
path, whose segments may be tokens), the status and the duration; no query string, no
body, no header values.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pingan.logs import request_id
from pingan.web import metrics

log = logging.getLogger("pingan.request")
_TOKEN = re.compile(r"[A-Za-z0-9._-]{1,64}")


class RequestIdMiddleware:
    """Request id, one log line and the latency metric per HTTP request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        rid = given if _TOKEN.fullmatch(given) else uuid.uuid4().hex
        token = request_id.set(rid)
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or "(unmatched)"
            metrics.observe_request(scope["method"], route, status, seconds)
            log.info(
                "request",
                extra={
                    "method": scope["method"],
                    "route": route,
                    "status": status,
                    "ms": round(seconds * 1000, 1),
                },
            )
            request_id.reset(token)
