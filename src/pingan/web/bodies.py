"""Request bodies capped and inputs checked in the ASGI layer, before any route reads them.

Each request's body is read up to its route's cap and no further: 64 KB for JSON and
forms, the photo limit plus the multipart envelope for routes that take a file. A
``Content-Length`` over the cap, or a body that streams past it, answers 413 without
the rest being read. The buffered body is then handed to the route unchanged.

Text may not carry NUL characters (PostgreSQL refuses them in text columns, SQLite
keeps them and every reader then trips over them): the path, the query string, JSON
strings (keys and values) and form fields with one are answered 422 naming the field,
on both backends alike.
"""

from __future__ import annotations

import json
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


class NulCharacter(Exception):
    """A text input holds a NUL character; ``field`` names it."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


@dataclass(frozen=True)
class UploadRoute:
    """A route that takes a file: its full path pattern and methods."""

    pattern: re.Pattern[str]
    methods: frozenset[str]


def upload_routes(app: Any) -> list[UploadRoute]:
    """The routes of ``app`` that take a file (a ``File``/``UploadFile`` parameter)."""
    found = []
    for context in iter_route_contexts(getattr(app, "routes", ())):
        route = context.original_route
        if not isinstance(route, APIRoute) or context.path is None:
            continue
        if any(isinstance(p.field_info, params.File) for p in route.dependant.body_params):
            pattern, _format, _convertors = compile_path(context.path)
            found.append(UploadRoute(pattern, frozenset(context.methods or ())))
    return found


def limit_for(scope: Scope, uploads: list[UploadRoute]) -> int:
    """The body cap of the route ``scope`` goes to."""
    path = scope.get("path", "")
    for route in uploads:
        if scope.get("method") in route.methods and route.pattern.match(path):
            return UPLOAD_LIMIT_BYTES
    return JSON_LIMIT_BYTES


def _strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """Every string in a decoded JSON document (keys too), with where it sits."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield f"{where}.{key}", str(key)
            yield from _strings(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{where}.{index}")


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
            document = json.loads(body)
        except ValueError:
            return  # the route answers 422 for JSON it cannot read
        for where, text in _strings(document, "body"):
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
            if not text.isdigit():
                raise ValueError(text)
            return int(text)
    return None


class BodyLimitMiddleware:
    """Cap each request body at its route's limit and refuse NUL characters in text."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._uploads: list[UploadRoute] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._uploads is None:  # the routes are complete by the first request
            self._uploads = upload_routes(scope.get("app"))
        limit = limit_for(scope, self._uploads)
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
