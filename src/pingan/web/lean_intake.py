"""A lean path for the hot intake route ``POST /api/v1/reports``, in front of the router.

Intake is the one route that must take hundreds of reports a second on one worker; on it,
FastAPI's own work (matching the path against every route, solving the endpoint's
parameters, reading the JSON body and validating it a second time, serialising the answer
with the standard library) cost about as much CPU as filing the report. This plain ASGI
middleware answers the *ordinary* request itself:

- ``POST /api/v1/reports`` with a JSON body, a bearer token and at most one
  ``Idempotency-Key``;
- the body validated in one pass from its bytes (``ReportCreate.model_validate_json``,
  pydantic-core), the answer serialised by pydantic-core;
- the report filed by the very same function as the FastAPI route
  (:func:`pingan.web.api.incidents.file_api_report`: authentication, jurisdiction, the
  Idempotency-Key, the group-commit writer), so the stored rows, the audit chain and the
  answer are the same; errors of the pingan family answer the same problem document
  (:func:`pingan.web.errors.pingan_error_response`).

Anything else — another content type, a session cookie (CSRF), no credentials, a body that
does not validate, several ``Idempotency-Key`` headers — goes on, body and all, to the
normal route, which gives its usual answer (401, 422 with the field named, …). The
middleware sits inside the body limit and the security headers (it is added first), so a
body is capped, refused with a NUL, and answered with the same headers on both paths.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import to_json
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pingan.errors import PinganError
from pingan.incidents import writer
from pingan.incidents.schemas import ReportCreate
from pingan.web.api.incidents import file_api_report
from pingan.web.deps import Credentials
from pingan.web.errors import pingan_error_response

PATH = "/api/v1/reports"


@dataclass(frozen=True)
class _Route:
    """What the request log reads of a matched route: its path template."""

    path: str


_ROUTE = _Route(PATH)


def _request_fields(scope: Scope) -> tuple[str | None, str | None] | None:
    """(bearer token, Idempotency-Key) of a request the lean path takes, else None."""
    token: str | None = None
    key: str | None = None
    json_body = False
    keys = 0
    for name, value in scope["headers"]:
        if name == b"content-type":
            json_body = value.split(b";", 1)[0].strip().lower() == b"application/json"
        elif name == b"authorization":
            scheme, _, rest = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and rest.strip():
                token = rest.strip()
        elif name == b"idempotency-key":
            keys += 1
            key = value.decode("latin-1")
    if not json_body or token is None or keys > 1:
        return None
    return token, key


async def _read_body(receive: Receive) -> tuple[bytes, Message | None]:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), message
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), None


def _replay(body: bytes, pending: Message | None, receive: Receive) -> Receive:
    given = False

    async def replay() -> Message:
        nonlocal given, pending
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        if pending is not None:
            message, pending = pending, None
            return message
        return await receive()

    return replay


async def _send_json(send: Send, status: int, content: bytes, extra: list[Any]) -> None:
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(content)).encode("latin-1")),
        *extra,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": content})


class LeanIntakeMiddleware:
    """Answer ordinary ``POST /api/v1/reports`` requests without the router (see module)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != PATH:
            await self.app(scope, receive, send)
            return
        fields = _request_fields(scope)
        if fields is None:
            await self.app(scope, receive, send)
            return
        body, pending = await _read_body(receive)
        try:
            report = ReportCreate.model_validate_json(body) if pending is None else None
        except ValidationError:
            report = None
        if report is None:  # the normal route answers (422 with the field named, …)
            await self.app(scope, _replay(body, pending, receive), send)
            return
        token, key = fields
        assert token is not None
        scope["route"] = _ROUTE  # the request's log line and metric name the route, as routed
        state = scope["app"].state
        client = scope.get("client")
        credentials = Credentials(
            token=token,
            from_cookie=False,
            csrf_sent=None,
            method="POST",
            client_addr=client[0] if client else "",
        )
        try:
            result = await writer.run_blocking(
                file_api_report, state.session_factory, credentials, state.settings, report, key
            )
        except PinganError as exc:
            await pingan_error_response(exc)(scope, _replay(b"", None, receive), send)
            return
        extra = [(b"idempotent-replayed", b"true")] if result.replayed else []
        await _send_json(send, 201, to_json(result.body), extra)
