"""Routes of the incidents API (``/api/v1``) and of Open311 GeoReport v2 (``/open311/v2``)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Header, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session, sessionmaker
from starlette.responses import Response

from pingan.antifraud import demand
from pingan.bounds import MAX_LIST_ITEMS, Count, Id
from pingan.community import groups as community_groups
from pingan.config import Settings
from pingan.errors import InvalidInput, PinganError, RateLimited, Unauthenticated
from pingan.incidents import chat, imports, intake, lifecycle, open311, privacy, reads, rows, writer
from pingan.incidents.models import Status
from pingan.incidents.schemas import (
    ChangesRead,
    ChatMessageIn,
    ChatMessageRead,
    ImportResult,
    IncidentPage,
    IncidentRead,
    MergeIn,
    NoteIn,
    NoteRead,
    PublicNoteIn,
    ReportCreate,
    ReportRead,
    ReportStatus,
    SplitIn,
    TransitionIn,
)
from pingan.ratelimit import RateLimiter
from pingan.web.deps import (
    ChatWriter,
    Credentials,
    IncidentReader,
    IncidentWriter,
    ReportReader,
    SessionDep,
    SettingsDep,
    audited_read,
    authenticate_credentials,
    request_credentials,
)
from pingan.web.ratelimit import limiter_of

router = APIRouter(prefix="/api/v1", tags=["incidents"])


@router.post("/reports", status_code=201, response_model=IncidentRead)
async def create_report(
    request: Request,
    body: ReportCreate,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> Response:
    """File a report. With an ``Idempotency-Key``, a retry returns the first answer.

    Intake is the hot path: one trip to the thread pool authenticates, files the report
    and waits for its (group) commit (:mod:`pingan.incidents.writer`). No synchronous
    dependencies (each would be one more trip to the thread pool).
    """
    credentials = await request_credentials(request)
    if credentials is None:
        raise Unauthenticated("log in first (bearer token or session cookie)")
    settings: Settings = request.app.state.settings
    factory = request.app.state.session_factory
    result = await writer.run_blocking(
        file_api_report, factory, credentials, settings, body, idempotency_key
    )
    headers = {"Idempotent-Replayed": "true"} if result.replayed else None
    return JSONResponse(result.body, status_code=201, headers=headers)


def file_api_report(
    factory: sessionmaker[Session],
    credentials: Credentials,
    settings: Settings,
    body: ReportCreate,
    idempotency_key: str | None,
) -> intake.CreateResult:
    with writer.snapshot_scope(factory) as db_session:
        caller = authenticate_credentials(db_session, credentials)
        return intake.create_report(
            db_session, settings, caller, body, idempotency_key=idempotency_key
        )


@router.get("/reports", response_model=list[IncidentRead])
@audited_read
def list_own_reports(caller: ReportReader, db_session: SessionDep) -> list[dict[str, Any]]:
    """The caller's own reports."""
    return reads.list_own_reports(db_session, caller)


@router.get("/reports/{public_token}", response_model=ReportStatus)
def report_status(public_token: str, db_session: SessionDep) -> dict[str, Any]:
    """The citizen status page of a report (the token is its capability)."""
    return reads.report_status(db_session, public_token)


@router.get("/incidents", response_model=IncidentPage)
@audited_read
def list_incidents(
    caller: IncidentReader,
    db_session: SessionDep,
    status: Annotated[list[Status] | None, Query(max_length=MAX_LIST_ITEMS)] = None,
    type: Annotated[str | None, Query(max_length=32)] = None,
    since: str | None = None,
    jurisdiction: Annotated[str | None, Query(max_length=64)] = None,
    draft: bool | None = None,
    offset: Annotated[Count, Query()] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    occurred_from: Annotated[str | None, Query(max_length=40)] = None,
    occurred_to: Annotated[str | None, Query(max_length=40)] = None,
    counted: bool | None = None,
) -> dict[str, Any]:
    return reads.list_incidents(
        db_session,
        caller,
        status=status or (),
        incident_type=type,
        since=since,
        jurisdiction_code=jurisdiction,
        is_draft=draft,
        offset=offset,
        limit=limit,
        occurred_from=occurred_from,
        occurred_to=occurred_to,
        counted=counted,
    )


@router.get("/incidents/changes", response_model=ChangesRead)
@audited_read
def incident_changes(
    caller: IncidentReader, db_session: SessionDep, cursor: str | None = None
) -> dict[str, Any]:
    """Incidents changed after ``cursor`` (start without one to get the current cursor)."""
    items, next_cursor = reads.changes_since(db_session, caller, cursor)
    return {"items": items, "cursor": next_cursor}


@router.get("/incidents/{incident_id}", response_model=IncidentRead)
@audited_read
def get_incident(incident_id: Id, caller: IncidentReader, db_session: SessionDep) -> Any:
    return reads.get_incident(db_session, caller, incident_id)


@router.get("/incidents/{incident_id}/reports", response_model=list[ReportRead])
@audited_read
def list_reports(incident_id: Id, caller: IncidentReader, db_session: SessionDep) -> Any:
    return reads.list_reports_of(db_session, caller, incident_id)


@router.get("/incidents/{incident_id}/notes", response_model=list[NoteRead])
@audited_read
def list_notes(incident_id: Id, caller: IncidentReader, db_session: SessionDep) -> Any:
    """The incident's notes (personal data masked unless the caller may see it)."""
    return reads.list_notes(db_session, caller, incident_id)


@router.post("/incidents/{incident_id}/transition", response_model=IncidentRead)
def transition(
    incident_id: Id, body: TransitionIn, caller: IncidentWriter, db_session: SessionDep
) -> Any:
    lifecycle.transition(
        db_session, caller, incident_id, body.status, body.note, public_note=body.public_note
    )
    return reads.get_incident(db_session, caller, incident_id)


@router.put("/incidents/{incident_id}/public-note", response_model=IncidentRead)
def set_public_note(
    incident_id: Id, body: PublicNoteIn, caller: IncidentWriter, db_session: SessionDep
) -> Any:
    """Set the status note the public sees (Open311 ``status_notes``); never an internal note."""
    lifecycle.set_public_note(db_session, caller, incident_id, body.text)
    return reads.get_incident(db_session, caller, incident_id)


@router.post("/incidents/{incident_id}/notes", status_code=201, response_model=NoteRead)
def add_note(incident_id: Id, body: NoteIn, caller: IncidentWriter, db_session: SessionDep) -> Any:
    note = lifecycle.add_note(db_session, caller, incident_id, body.text)
    return reads.note_json(note, privacy.EVERYTHING)  # the author's own words


@router.post("/incidents/{incident_id}/merge", response_model=IncidentRead)
def merge(incident_id: Id, body: MergeIn, caller: IncidentWriter, db_session: SessionDep) -> Any:
    target = lifecycle.merge(db_session, caller, incident_id, body.other_ids, body.note)
    return reads.get_incident(db_session, caller, target.id)


@router.post("/incidents/{incident_id}/split", status_code=201, response_model=IncidentRead)
def split(incident_id: Id, body: SplitIn, caller: IncidentWriter, db_session: SessionDep) -> Any:
    new = lifecycle.split(db_session, caller, incident_id, body.report_ids, body.note)
    return reads.get_incident(db_session, caller, new.id)


@router.post("/chat/messages", status_code=201, response_model=ChatMessageRead)
def post_chat_message(
    body: ChatMessageIn, caller: ChatWriter, db_session: SessionDep, settings: SettingsDep
) -> Any:
    outcome = chat.post_chat_message(
        db_session,
        settings,
        caller,
        group=body.group,
        sender=body.sender,
        sent_at=body.sent_at,
        text=body.text,
        jurisdiction_code=body.jurisdiction_code,
        from_police=community_groups.is_police_sender(db_session, body.group, body.sender),
    )
    # the group registry (community) sits above the intake: the link is made here
    community_groups.link_messages(db_session, [outcome.message.id])
    answer = chat.chat_message_json(outcome)
    # a question about a scam counts as the desk's demand; answered only when confident
    answer["reply"] = demand.answer_chat(db_session, settings, outcome.message)
    return answer


@router.post("/chat/import", status_code=201, response_model=ImportResult)
async def import_chat(
    caller: ChatWriter,
    db_session: SessionDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File()],
    group: Annotated[str, Form(max_length=200)] = "",
    jurisdiction_code: Annotated[str | None, Form(max_length=64)] = None,
) -> Any:
    """Upload a chat export (``2026-07-03 21:14 张三: 我的电动车被偷了`` lines)."""
    raw = await file.read()
    before = community_groups.last_message_id(db_session)
    asked_before = demand.last_chat_message_id(db_session)
    result = imports.import_chat(
        db_session, settings, caller, raw, group=group, jurisdiction_code=jurisdiction_code
    )
    community_groups.link_messages_after(db_session, before, group)
    # the export's questions about scams count as the desk's demand (history: no replies)
    demand.count_imported_chat(db_session, asked_before, group)
    return result


@router.post("/incidents/import", status_code=201, response_model=ImportResult)
async def import_csv(
    caller: IncidentWriter,
    db_session: SessionDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File()],
    mapping: Annotated[str, Form(max_length=4000)],
    partial: Annotated[bool, Form()] = False,
) -> Any:
    """Import hotline (110) records from CSV with a column mapping (field=column,...)."""
    raw = await file.read()
    return imports.import_csv(
        db_session, settings, caller, raw, imports.parse_mapping(mapping), partial=partial
    )


# --------------------------------------------------------------------------- Open311

_OPEN311_STATUS = {401: 403, 422: 400}


def open311_error(status: int, description: str) -> JSONResponse:
    """An Open311 error body: a JSON array of ``{"code", "description"}``."""
    return JSONResponse([{"code": status, "description": description}], status_code=status)


class Open311Route(APIRoute):
    """Answers every error of an Open311 route in the GeoReport v2 error format."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except PinganError as exc:
                status = _OPEN311_STATUS.get(exc.status, exc.status)
                where = f"{exc.field}: " if exc.field and exc.field not in exc.message else ""
                response = open311_error(status, f"{where}{exc.message}")
                if isinstance(exc, RateLimited):
                    response.headers["Retry-After"] = str(exc.retry_after_s)
                return response
            except RequestValidationError as exc:
                first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid"}
                field = ".".join(str(p) for p in first.get("loc", ()))
                return open311_error(400, f"{field}: {first.get('msg', 'invalid')}")

        return route


open311_router = APIRouter(prefix="/open311/v2", tags=["open311"], route_class=Open311Route)


@open311_router.get("/discovery.json")
def discovery(request: Request) -> Any:
    return open311.discovery(str(request.base_url))


@open311_router.get("/services.json")
def services() -> Any:
    return open311.services()


@open311_router.get("/services/{service_code}.json")
def service_definition(service_code: str) -> Any:
    return open311.service_definition(service_code)


@open311_router.post("/requests.json", status_code=201)
async def post_request(request: Request) -> Any:
    """Create a service request (form-encoded body; the key in the ``X-API-Key`` header or
    the body's ``api_key``)."""
    settings: Settings = request.app.state.settings
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("application/x-www-form-urlencoded"):
        raise InvalidInput(
            "send the request form-encoded (application/x-www-form-urlencoded)", field="body"
        )
    form = open311.parse_form(await request.body())
    header_key = request.headers.get(open311.KEY_HEADER)
    # the database work and the wait for the commit run in the thread pool
    written = await writer.run_blocking(
        _file_open311_request,
        request.app.state.session_factory,
        settings,
        form,
        header_key,
        limiter_of(request),
    )
    return [
        {
            "service_request_id": str(written.incident_id),
            "token": written.public_token,
            "service_notice": "",
            "account_id": None,
        }
    ]


def _file_open311_request(
    factory: sessionmaker[Session],
    settings: Settings,
    form: dict[str, str],
    header_key: str | None,
    limiter: RateLimiter,
) -> rows.Written:
    # counted per API key before the session starts (on SQLite a counter is its own write)
    key = open311.given_key(header_key, form.get("api_key"))
    limiter.hit(
        settings.open311_rate_limit,
        "open311-key",
        key or "",
        reason="too many requests with this API key; try again later",
    )
    with writer.snapshot_scope(factory) as db_session:
        return open311.create_request(db_session, settings, form, header_key=header_key)


#: The API key as a header (kept out of access logs, unlike the ``api_key`` parameter).
KeyHeader = Annotated[str | None, Header(alias=open311.KEY_HEADER)]


@open311_router.get("/requests.json")
def get_requests(
    db_session: SessionDep,
    x_api_key: KeyHeader = None,
    api_key: str | None = None,
    service_request_id: str | None = None,
    service_code: str | None = None,
    start_date: str | None = None,
    end_date: str | None = None,
    status: str | None = None,
) -> Any:
    return open311.list_requests(
        db_session,
        open311.given_key(x_api_key, api_key),
        service_request_id=service_request_id,
        service_code=service_code,
        start_date=start_date,
        end_date=end_date,
        status=status,
    )


@open311_router.get("/requests/{request_id}.json")
def get_request(
    request_id: str, db_session: SessionDep, x_api_key: KeyHeader = None, api_key: str | None = None
) -> Any:
    return [open311.get_request(db_session, open311.given_key(x_api_key, api_key), request_id)]


@open311_router.get("/tokens/{token}.json")
def get_token(token: str, db_session: SessionDep) -> Any:
    return [open311.resolve_token(db_session, token)]
