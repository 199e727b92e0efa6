"""One handler maps the error family to RFC 9457 problem details.

No stack trace, SQL or personal data reaches a response: unexpected errors answer
a bare 500 with a request-independent message and are logged without the
request body.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from pingan.errors import PinganError, RateLimited

log = logging.getLogger("pingan.web")
PROBLEM = "application/problem+json"


def problem(status: int, title: str, detail: str, **extra: object) -> JSONResponse:
    body: dict[str, object] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def _field_name(loc: tuple[object, ...] | list[object]) -> str:
    return ".".join(str(part) for part in loc)


def pingan_error_response(exc: PinganError) -> JSONResponse:
    """The problem response for an error of the pingan family (also used by the lean
    intake path of :mod:`pingan.web.lean_intake`, which runs outside the handlers)."""
    extra: dict[str, object] = {}
    if exc.field:
        extra["field"] = exc.field
    response = problem(exc.status, exc.title, exc.message, **extra)
    if exc.status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, RateLimited):
        response.headers["Retry-After"] = str(exc.retry_after_s)
    return response


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(PinganError)
    async def _pingan_error(request: Request, exc: PinganError) -> JSONResponse:
        return pingan_error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": _field_name(err.get("loc", ())), "reason": err.get("msg", "invalid")}
            for err in exc.errors()
        ]
        first = errors[0] if errors else {"field": "", "reason": "invalid"}
        return problem(
            422,
            "Invalid input",
            f"{first['field']}: {first['reason']}",
            field=first["field"],
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(exc.status_code, str(exc.detail), str(exc.detail))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error(
            "unexpected error on %s %s: %s", request.method, request.url.path, type(exc).__name__
        )
        return problem(500, "Internal error", "an unexpected error occurred; it has been logged")
