"""The API's own documentation: the OpenAPI document and Swagger UI, served from pingan.

In demo mode both are open to everyone (the README's tour starts at ``/api/docs``).
Outside demo mode they exist only with ``PINGAN_API_DOCS=1``, and then only for a caller
holding the admin role (bearer token or session cookie); anyone else gets 404, as if
there were no such page. ReDoc is not served.

Swagger UI comes from the npm package ``swagger-ui-dist`` (``make web-assets`` copies it to
``static/vendor/swagger-ui``), never from a CDN. The page has no inline script, so that
the Content-Security-Policy's ``script-src 'self'`` holds: ``static/js/api-docs.js``
starts Swagger UI with the document's address from a ``data-`` attribute.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.concurrency import run_in_threadpool

from pingan.config import Settings
from pingan.errors import NotFound, PinganError
from pingan.policy import Role
from pingan.principal import Principal
from pingan.web.deps import SessionDep, authenticate_credentials, request_credentials

DOCS_URL = "/api/docs"
OPENAPI_URL = "/api/openapi.json"
SWAGGER_DIR = "/static/vendor/swagger-ui"

DOCS_PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pingan 平安 – API</title>
<link rel="icon" href="/static/favicon.svg">
<link rel="stylesheet" href="{SWAGGER_DIR}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{OPENAPI_URL}"></div>
<script src="{SWAGGER_DIR}/swagger-ui-bundle.js"></script>
<script src="/static/js/api-docs.js"></script>
</body>
</html>
"""


def docs_open_to(settings: Settings, principal: Principal | None) -> bool:
    """Whether ``principal`` (None: anonymous) may read the API docs under ``settings``."""
    if settings.demo_mode:
        return True
    return settings.api_docs and principal is not None and Role.admin in principal.roles


async def require_docs_access(request: Request, db_session: SessionDep) -> None:
    """Let the caller see the API docs, or answer 404 (never 401 or 403: outside demo
    mode the docs do not admit to existing)."""
    settings: Settings = request.app.state.settings
    if docs_open_to(settings, None):
        return
    principal = None
    credentials = await request_credentials(request) if settings.api_docs else None
    if credentials is not None:
        try:
            principal = await run_in_threadpool(authenticate_credentials, db_session, credentials)
        except PinganError:
            principal = None
    if not docs_open_to(settings, principal):
        raise NotFound("no such page")


router = APIRouter(include_in_schema=False, dependencies=[Depends(require_docs_access)])


@router.get(OPENAPI_URL)
def openapi_document(request: Request) -> JSONResponse:
    document: dict[str, Any] = request.app.openapi()
    return JSONResponse(document)


@router.get(DOCS_URL, response_class=HTMLResponse)
def swagger_ui() -> HTMLResponse:
    return HTMLResponse(DOCS_PAGE)
