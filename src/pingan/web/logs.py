"""Structured logs: one JSON object a line, each with the request id, never personal data.

:class:`RequestIdMiddleware` gives every request an id (a client's ``X-Request-ID`` when it
is a plain token, else a new one), echoes it in the response and logs one line per request
with the method, the route's *template* (``/api/v1/jobs/{job_id}``, never the filled-in
path, whose segments may be tokens), the status and the duration; no query string, no
body, no header values. :class:`JsonFormatter` writes a record's message and only the
extra fields named in :data:`FIELDS` (ids, kinds, counts, durations), so a caller cannot
leak a report's text through ``extra=``. ``pingan serve`` and ``pingan worker`` install it
(:func:`use_json_logs`); a log message must itself carry no personal data (the masking
function is for pages and exports, not logs).
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pingan.web import metrics

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
log = logging.getLogger("pingan.request")

#: Extra fields a log line may carry.
FIELDS = ("method", "route", "status", "ms", "job_id", "kind", "seconds", "worker")
_TOKEN = re.compile(r"[A-Za-z0-9._-]{1,64}")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        body: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        rid = request_id.get()
        if rid:
            body["request_id"] = rid
        for name in FIELDS:
            if name in record.__dict__:
                body[name] = record.__dict__[name]
        if record.exc_info and record.exc_info[0] is not None:
            body["error"] = record.exc_info[0].__name__  # the type only: values may be data
        return json.dumps(body, ensure_ascii=False, default=str)


def use_json_logs(level: int = logging.INFO) -> None:
    """Every log line of this process as JSON on stderr."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # uvicorn's access line holds the raw path; the request line below replaces it
    logging.getLogger("uvicorn.access").disabled = True


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
