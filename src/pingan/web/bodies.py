"""Request bodies capped and inputs checked in the ASGI layer, before any route reads them.

Each request's body is read up to its route's cap and no further: 64 KB for JSON and
forms, the photo limit plus the multipart envelope for routes that take a file, and a
named cap for the few JSON routes that take more (:data:`LARGER_BODIES`). A
``Content-Length`` over the cap, or a body that streams past it, answers 413 without
the rest being read. The buffered body is then handed to the route unchanged.

Text may not carry NUL characters (PostgreSQL refuses them in text columns, SQLite
keeps them and every reader then trips over them): the path, the query string, JSON
strings (keys and values) and form fields with one are answered 422 naming the field,
on both backends alike.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from fastapi import params
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pingan.web.errors import problem
from pingan.web.photos import MAX_PHOTO_BYTES

#: Cap of a JSON or form body (bytes).
JSON_LIMIT_BYTES = 64 * 1024
#: Cap of a body on a route that takes a file: the photo limit and room for the envelope
#: and the form's other fields.
UPLOAD_LIMIT_BYTES = MAX_PHOTO_BYTES + 64 * 1024


class BodyTooLarge(Exception):
    """The body is longer than its route's cap."""


class NonFiniteNumber(Exception):
    """A JSON body holds NaN, Infinity or a number too large for a float."""


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise NonFiniteNumber(text)
    return value


def _no_constant(text: str) -> float:
    raise NonFiniteNumber(text)


class NulCharacter(Exception):
    """A text input holds a NUL character; ``field`` names it."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


#: JSON routes that take more than :data:`JSON_LIMIT_BYTES`, by "METHOD /path", with why.
LARGER_BODIES: dict[str, int] = {
    # a batch of up to 5,000 unit positions (about 100 bytes each)
    "POST /api/v1/units/positions": 1024 * 1024,
    # a station's boundary polygon as GeoJSON
    "POST /api/v1/jurisdictions": 2 * 1024 * 1024,
}


@dataclass(frozen=True)
class RouteLimit:
    """A route whose body cap is not the JSON one: its full path pattern, methods and cap."""

    label: str
    pattern: re.Pattern[str]
    methods: frozenset[str]
    limit_bytes: int


def route_limits(app: Any) -> list[RouteLimit]:
    """The routes of ``app`` with their own cap: those that take a file (a ``File`` or
    ``UploadFile`` parameter) and those in :data:`LARGER_BODIES`."""
    found = []
    for context in iter_route_contexts(getattr(app, "routes", ())):
        route = context.original_route
        if not isinstance(route, APIRoute) or context.path is None:
            continue
        pattern, _format, _convertors = compile_path(context.path)
        for method in sorted(context.methods or ()):
            label = f"{method} {context.path}"
            if any(isinstance(p.field_info, params.File) for p in route.dependant.body_params):
                limit = UPLOAD_LIMIT_BYTES
            elif label in LARGER_BODIES:
                limit = LARGER_BODIES[label]
            else:
                continue
            found.append(RouteLimit(label, pattern, frozenset({method}), limit))
    return found


def limit_for(scope: Scope, limits: list[RouteLimit]) -> int:
    """The body cap of the route ``scope`` goes to."""
    path = scope.get("path", "")
    for route in limits:
        if scope.get("method") in route.methods and route.pattern.match(path):
            return route.limit_bytes
    return JSON_LIMIT_BYTES


def _strings(document: Any) -> Iterator[tuple[str, str]]:
    """Every string in a decoded JSON document (keys too), with where it sits; without
    recursion, so that a deeply nested document cannot exhaust the stack."""
    stack: list[tuple[Any, str]] = [(document, "body")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, str):
            yield where, value
        elif isinstance(value, dict):
            for key, item in value.items():
                yield f"{where}.{key}", str(key)
                stack.append((item, f"{where}.{key}"))
        elif isinstance(value, list):
            stack.extend((item, f"{where}.{index}") for index, item in enumerate(value))


def check_no_nul(scope: Scope, content_type: str, body: bytes) -> None:
    """Raise :class:`NulCharacter` for a NUL in the path, the query or the body's text."""
    if "\x00" in scope.get("path", ""):
        raise NulCharacter("path")
    query = scope.get("query_string", b"").decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True):
        if "\x00" in name or "\x00" in value:
            raise NulCharacter(f"query.{name.replace(chr(0), '')}")
    if not body:
        return
    if content_type.startswith("application/x-www-form-urlencoded"):
        for name, value in parse_qsl(body.decode("latin-1"), keep_blank_values=True):
            if "\x00" in name or "\x00" in value:
                raise NulCharacter(f"body.{name.replace(chr(0), '')}")
    elif "json" in content_type:
        try:
            document = json.loads(body, parse_float=_finite, parse_constant=_no_constant)
        except (ValueError, RecursionError):
            return  # the route refuses JSON it cannot read (400 or 422)
        for where, text in _strings(document):
            if "\x00" in text:
                raise NulCharacter(where.replace("\x00", ""))


async def _check_multipart(scope: Scope, body: bytes) -> None:
    """The text fields of a multipart form (files are bytes and may hold anything)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        form = await Request(scope, replay).form()
    except Exception:
        return
    try:
        for name, value in form.multi_items():
            if "\x00" in name or (not isinstance(value, UploadFile) and "\x00" in value):
                raise NulCharacter(f"body.{name.replace(chr(0), '')}")
    finally:
        await form.close()


def _declared_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", ()):
        if key == b"content-length":
            text = value.decode("latin-1").strip()
            if not (text.isascii() and text.isdigit()):  # not '²', which int() refuses
                raise ValueError(text)
            return int(text)
    return None


class BodyLimitMiddleware:
    """Cap each request body at its route's limit and refuse NUL characters in text."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._limits: list[RouteLimit] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._limits is None:  # the routes are complete by the first request
            self._limits = route_limits(scope.get("app"))
        limit = limit_for(scope, self._limits)
        try:
            declared = _declared_length(scope)
        except ValueError:
            await problem(400, "Bad request", "the Content-Length header is not a number")(
                scope, receive, send
            )
            return
        if declared is not None and declared > limit:
            await _too_large(limit)(scope, receive, send)
            return
        try:
            body, more = await _read_body(receive, limit)
        except BodyTooLarge:
            await _too_large(limit)(scope, receive, send)
            return
        content_type = ""
        for key, value in scope.get("headers", ()):
            if key == b"content-type":
                content_type = value.decode("latin-1").lower()
        try:
            check_no_nul(scope, content_type, body)
            if content_type.startswith("multipart/form-data"):
                await _check_multipart(scope, body)
        except NonFiniteNumber as exc:
            await problem(
                422,
                "Invalid input",
                f"body: {str(exc)[:20]} is not a finite number (NaN and Infinity are refused)",
                field="body",
            )(scope, receive, send)
            return
        except NulCharacter as exc:
            await problem(
                422,
                "Invalid input",
                f"{exc.field}: text may not contain NUL characters",
                field=exc.field,
            )(scope, receive, send)
            return
        await self.app(scope, _replay(body, more, receive), send)


async def _read_body(receive: Receive, limit: int) -> tuple[bytes, Message | None]:
    """The body, read up to ``limit`` bytes; a message other than the body is returned
    with it so that it can be handed on (a disconnect while reading)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), message
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
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


def _too_large(limit: int) -> Any:
    response = problem(
        413,
        "Content too large",
        f"the request body is larger than this route takes ({limit} bytes at most)",
        field="body",
    )
    response.headers["Connection"] = "close"
    return response
