"""Dependencies shared by every router: the session, the caller, the policy check.

``SessionDep`` gives one session per request, committed when the route returns
and rolled back when it raises. ``Authorize("incident", "read")`` is the one
deny-by-default gate, used by the routers through the aliases at the end
(``caller: IncidentReader``): it authenticates the caller (bearer token, or cookie
session with CSRF protection on unsafe methods) and refuses roles the policy does not
name; record-level checks go through :meth:`Principal.check`, which answers 404.
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import contextmanager_in_threadpool
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from pingan.auth import service as auth
from pingan.config import Settings
from pingan.db import unit_of_work
from pingan.errors import Forbidden, Unauthenticated
from pingan.principal import Principal

SESSION_COOKIE = "pingan_session"
CSRF_COOKIE = "pingan_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


#: The attribute :func:`audited_read` sets on a route's endpoint.
_WRITES_MARK = "__pingan_writes__"


def audited_read(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a GET route that writes (an audit row for a read of personal data)."""
    setattr(endpoint, _WRITES_MARK, True)
    return endpoint


def _writes(request: Request) -> bool:
    if request.method not in SAFE_METHODS:
        return True
    endpoint = getattr(request.scope.get("route"), "endpoint", None)
    return bool(getattr(endpoint, _WRITES_MARK, False))


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One session per request. On SQLite, requests that write (unsafe methods and GET
    routes marked :func:`audited_read`) open their transaction with ``BEGIN IMMEDIATE``;
    plain reads use a deferred ``BEGIN`` and never hold the write lock, so a long read
    (live reach, a report) does not stall intake.

    At most ``Settings.db_pool_size`` requests of a process hold a session at once; the
    others wait for their turn before they take a connection (pingan.web.capacity)."""
    state = request.app.state
    factory = state.session_factory if _writes(request) else state.read_session_factory
    # Failures that were recorded on purpose (failed logins, audit of denials) are
    # committed by the route before it raises; everything else rolls back. The unit of
    # work's blocking enter and exit run in the thread pool, as for a sync dependency.
    async with (
        state.session_gate.admit(),
        contextmanager_in_threadpool(unit_of_work(factory)) as session,
    ):
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def client_addr(request: Request) -> str:
    return request.client.host if request.client else ""


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


async def _csrf_value(request: Request) -> str | None:
    value = request.headers.get(CSRF_HEADER)
    if value:
        return value
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        field = form.get("csrf_token")
        return field if isinstance(field, str) else None
    return None


@dataclass(frozen=True)
class Credentials:
    """What a request presents: a token (bearer or session cookie) and, for a cookie on an
    unsafe method, the CSRF token it sent."""

    token: str
    from_cookie: bool
    csrf_sent: str | None
    method: str
    client_addr: str


async def request_credentials(request: Request) -> Credentials | None:
    """The request's credentials, or None when it presents none (no database work)."""
    token = _bearer(request)
    from_cookie = False
    if token is None:
        token = request.cookies.get(SESSION_COOKIE)
        from_cookie = token is not None
    if not token:
        return None
    unsafe = from_cookie and request.method not in SAFE_METHODS
    return Credentials(
        token=token,
        from_cookie=from_cookie,
        csrf_sent=await _csrf_value(request) if unsafe else None,
        method=request.method,
        client_addr=client_addr(request),
    )


def authenticate_credentials(db_session: Session, credentials: Credentials) -> Principal:
    """The caller behind ``credentials`` (blocking: call it from the thread pool).

    Raises
    ------
    Unauthenticated
        The token is invalid, expired or revoked.
    Forbidden
        A session cookie on an unsafe method without the matching CSRF token.
    """
    principal, row = auth.authenticate(
        db_session, credentials.token, client_addr=credentials.client_addr
    )
    if credentials.from_cookie and credentials.method not in SAFE_METHODS:
        sent = credentials.csrf_sent
        if not sent or not row.csrf_token or not hmac.compare_digest(sent, row.csrf_token):
            raise Forbidden("missing or wrong CSRF token")
    return principal


async def optional_principal(request: Request, db_session: SessionDep) -> Principal | None:
    credentials = await request_credentials(request)
    if credentials is None:
        return None
    # The database call runs in the thread pool: a blocking wait for SQLite's write lock
    # on the event loop would stall every other request, including the one holding it.
    return await run_in_threadpool(authenticate_credentials, db_session, credentials)


async def current_principal(
    principal: Annotated[Principal | None, Depends(optional_principal)],
) -> Principal:
    if principal is None:
        raise Unauthenticated("log in first (bearer token or session cookie)")
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]
OptionalPrincipalDep = Annotated[Principal | None, Depends(optional_principal)]


class Authorize:
    """Deny unless the caller holds a role the policy allows for (resource, action)."""

    def __init__(self, resource: str, action: str) -> None:
        self.resource = resource
        self.action = action

    async def __call__(self, principal: PrincipalDep) -> Principal:
        principal.require(self.resource, self.action)
        return principal


def allowed(resource: str, action: str) -> Any:
    """The dependency marker of :class:`Authorize`, for an ``Annotated`` alias below."""
    return Depends(Authorize(resource, action))


# One alias per gate the routers use: ``caller: IncidentReader`` lets in a caller whose
# roles the policy allows to read incidents (somewhere; records are checked one by one).
AntifraudScreener = Annotated[Principal, allowed("antifraud", "screen")]
AuditReader = Annotated[Principal, allowed("audit", "read")]
CaseReader = Annotated[Principal, allowed("case", "read")]
CaseWriter = Annotated[Principal, allowed("case", "write")]
ChatWriter = Annotated[Principal, allowed("chat", "write")]
CityReader = Annotated[Principal, allowed("city", "read")]
IncidentReader = Annotated[Principal, allowed("incident", "read")]
IncidentWriter = Annotated[Principal, allowed("incident", "write")]
JurisdictionReader = Annotated[Principal, allowed("jurisdiction", "read")]
JurisdictionWriter = Annotated[Principal, allowed("jurisdiction", "write")]
PlanReader = Annotated[Principal, allowed("plan", "read")]
PlanWriter = Annotated[Principal, allowed("plan", "write")]
OutreachReader = Annotated[Principal, allowed("outreach", "read")]
OutreachWriter = Annotated[Principal, allowed("outreach", "write")]
ReportReader = Annotated[Principal, allowed("report", "read")]
UserReader = Annotated[Principal, allowed("user", "read")]
UserWriter = Annotated[Principal, allowed("user", "write")]
WarningReader = Annotated[Principal, allowed("warning", "read")]
WarningWriter = Annotated[Principal, allowed("warning", "write")]
