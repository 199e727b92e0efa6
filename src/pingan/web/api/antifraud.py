"""The anti-fraud desk's API: screening a described situation, and the warnings (预警)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from pingan.antifraud import (
    cases,
    consultation,
    demand,
    export,
    figures,
    intake,
    lifecycle,
    outreach,
    reach,
    reads,
    referrals,
    screening,
    suggestions,
)
from pingan.antifraud.schemas import (
    CaseRead,
    CaseWrite,
    ConsultationCreate,
    ConsultationRead,
    ContactCreate,
    DemandRead,
    FraudFigureRow,
    OutcomeCreate,
    OutreachCreate,
    OutreachFigureRow,
    OutreachReachRead,
    OutreachRead,
    ReferralImportResult,
    ScreeningRead,
    ScreenRequest,
    SiteSuggestionsRead,
    WarningCreate,
    WarningQueue,
    WarningRead,
)
from pingan.bounds import Id
from pingan.incidents.imports import parse_mapping
from pingan.ratelimit import RateLimiter
from pingan.web.deps import (
    AntifraudScreener,
    CaseReader,
    CaseWriter,
    OptionalPrincipalDep,
    OutreachReader,
    OutreachWriter,
    SessionDep,
    SettingsDep,
    WarningReader,
    WarningWriter,
    audited_read,
    client_addr,
)

router = APIRouter(prefix="/api/v1/antifraud", tags=["antifraud"])


@router.post("/screen", response_model=ScreeningRead)
def screen(body: ScreenRequest, caller: AntifraudScreener) -> dict[str, Any]:
    """Whether the situation is fraud, its type, the signs with their words, the risk tier
    and the advice to give now. Nothing is stored."""
    return screening.screening_json(screening.screen(body.text))


@router.post("/warnings", response_model=WarningRead, status_code=201)
def create_warning(
    body: WarningCreate, caller: WarningWriter, db_session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    warning = intake.create_warning(db_session, settings, caller, body)
    return reads.get_warning(db_session, caller, warning.id)


@router.post("/warnings/import", status_code=201, response_model=ReferralImportResult)
async def import_referrals(
    caller: WarningWriter,
    db_session: SessionDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File()],
    mapping: Annotated[str, Form(max_length=4000)],
    jurisdiction_code: Annotated[str | None, Form(max_length=64)] = None,
) -> dict[str, Any]:
    """Referrals from banks or the 96110 centre (CSV, columns mapped as
    ``target_phone=电话,tier=等级``): one warning per row, all or nothing."""
    raw = await file.read()
    return referrals.import_referrals(
        db_session,
        settings,
        caller,
        raw,
        parse_mapping(mapping),
        jurisdiction_code=jurisdiction_code,
    )


@router.post("/warnings/from-report/{incident_id}", response_model=WarningRead, status_code=201)
def warning_from_report(
    incident_id: Id, caller: WarningWriter, db_session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    """Lift a fraud report (any intake channel) of the caller's stations into a warning."""
    warning = intake.warning_from_report(db_session, settings, caller, incident_id)
    return reads.get_warning(db_session, caller, warning.id)


@router.get("/warnings", response_model=WarningQueue)
@audited_read
def list_warnings(
    caller: WarningReader, db_session: SessionDep, closed: bool = False
) -> dict[str, Any]:
    """The queue: open warnings (``closed=true``: the closed ones), overdue first."""
    return reads.list_queue(db_session, caller, closed=closed)


@router.get("/warnings/{warning_id}", response_model=WarningRead)
@audited_read
def get_warning(warning_id: Id, caller: WarningReader, db_session: SessionDep) -> dict[str, Any]:
    return reads.get_warning(db_session, caller, warning_id)


@router.post("/warnings/{warning_id}/assign", response_model=WarningRead)
def assign_warning(warning_id: Id, caller: WarningWriter, db_session: SessionDep) -> dict[str, Any]:
    """The caller takes the warning."""
    lifecycle.assign(db_session, caller, warning_id)
    return reads.get_warning(db_session, caller, warning_id)


@router.post("/warnings/{warning_id}/contacts", response_model=WarningRead)
def add_contact(
    warning_id: Id, body: ContactCreate, caller: WarningWriter, db_session: SessionDep
) -> dict[str, Any]:
    lifecycle.record_contact(db_session, caller, warning_id, body)
    return reads.get_warning(db_session, caller, warning_id)


@router.post("/warnings/{warning_id}/outcome", response_model=WarningRead)
def set_outcome(
    warning_id: Id,
    body: OutcomeCreate,
    caller: WarningWriter,
    db_session: SessionDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    lifecycle.record_outcome(db_session, settings, caller, warning_id, body)
    return reads.get_warning(db_session, caller, warning_id)


async def consultation_limit(request: Request) -> None:
    """Count one consultation per client address (before the request's session writes: on
    SQLite a counter is a write of its own); past the limit, 429 with ``Retry-After``."""
    limiter: RateLimiter = request.app.state.limiter
    notation = request.app.state.settings.consultation_rate_limit
    await run_in_threadpool(
        limiter.hit,
        notation,
        "consultation-addr",
        client_addr(request),
        reason="too many questions from this address; try again later",
    )


@router.post(
    "/consultations",
    response_model=ConsultationRead,
    dependencies=[Depends(consultation_limit)],
)
def consult(
    body: ConsultationCreate,
    caller: OptionalPrincipalDep,
    db_session: SessionDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    """ "是不是诈骗？ / Is this a scam?" for anyone, logged in or not: the tier and the advice
    at once. Red: call 110 now, and the station's anti-fraud desk gets a red warning."""
    return consultation.consult(db_session, settings, caller, body)


#: How many weeks back the figures reach (1 … 2 years).
Weeks = Query(default=8, ge=1, le=104)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/figures", response_model=list[FraudFigureRow])
def weekly_figures(
    caller: WarningReader, db_session: SessionDep, settings: SettingsDep, weeks: int = Weeks
) -> list[dict[str, Any]]:
    """By station and week: warnings by tier, share contacted in time, median time to first
    contact, dissuaded share, amounts stopped and lost."""
    return figures.weekly_figures(db_session, settings, caller, weeks=weeks)


@router.get("/figures.xlsx", response_class=Response)
def weekly_figures_xlsx(
    caller: WarningReader, db_session: SessionDep, settings: SettingsDep, weeks: int = Weeks
) -> Response:
    """The same figures as an XLSX workbook (strings always text, never formulas)."""
    rows = figures.weekly_figures(db_session, settings, caller, weeks=weeks)
    return Response(
        export.figures_xlsx(rows),
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="antifraud-figures.xlsx"'},
    )


@router.get("/demand", response_model=DemandRead)
def question_demand(
    caller: WarningReader, db_session: SessionDep, settings: SettingsDep, weeks: int = Weeks
) -> dict[str, Any]:
    """Repeated questions as demand: consultations and group-chat questions per fraud type
    and week, and the most-asked scams with their counts."""
    return demand.weekly_demand(db_session, settings, caller, weeks=weeks)


@router.post("/outreach", response_model=OutreachRead, status_code=201)
def record_outreach(
    body: OutreachCreate, caller: OutreachWriter, db_session: SessionDep
) -> dict[str, Any]:
    """A stall or talk (反诈宣传) with its figures, in the station of its point."""
    return outreach.record_event(db_session, caller, body)


@router.get("/outreach", response_model=list[OutreachRead])
def list_outreach(
    caller: OutreachReader, db_session: SessionDep, weeks: int = Weeks
) -> list[dict[str, Any]]:
    """The ledger of the caller's stations, newest first."""
    return outreach.list_events(db_session, caller, weeks=weeks)


@router.get("/outreach/figures", response_model=list[OutreachFigureRow])
def outreach_figures(
    caller: OutreachReader, db_session: SessionDep, settings: SettingsDep, weeks: int = Weeks
) -> list[dict[str, Any]]:
    """Events, people reached, leaflets, app registrations and clues by station and week."""
    return outreach.weekly_outreach(db_session, settings, caller, weeks=weeks)


@router.get("/outreach/reach", response_model=OutreachReachRead)
def outreach_reach_layer(
    caller: OutreachReader,
    db_session: SessionDep,
    settings: SettingsDep,
    jurisdiction: Annotated[str | None, Query(max_length=64)] = None,
    month: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")] = None,
    walk_s: Annotated[float | None, Query(ge=30, le=3_600)] = None,
) -> dict[str, Any]:
    """The share of each zone's residents within a walk (foot network) of the station's
    stalls and talks of the month, as GeoJSON zones with totals."""
    return reach.outreach_reach(
        db_session, settings, caller, jurisdiction_code=jurisdiction, month=month, walk_s=walk_s
    )


@router.get("/outreach/suggestions", response_model=SiteSuggestionsRead)
def outreach_suggestions(
    caller: OutreachReader,
    db_session: SessionDep,
    settings: SettingsDep,
    jurisdiction: Annotated[str | None, Query(max_length=64)] = None,
    k: Annotated[int, Query(ge=1, le=suggestions.MAX_K)] = 5,
    walk_s: Annotated[float | None, Query(ge=30, le=3_600)] = None,
) -> dict[str, Any]:
    """Next week's stall sites: the k places covering the most fraud victims that this
    month's stalls have not reached."""
    return suggestions.suggest_sites(
        db_session, settings, caller, jurisdiction_code=jurisdiction, k=k, walk_s=walk_s
    )


#: A fraud type in a path (one of the ten MPS types; checked by the service).
FraudTypePath = Annotated[str, Path(max_length=40, pattern=r"^[a-z_]+$")]


@router.get("/cases", response_model=list[CaseRead])
def list_cases(caller: CaseReader, db_session: SessionDep) -> list[dict[str, Any]]:
    """The cases library: per fraud type a short case, its signs and what to say."""
    return cases.list_cases(db_session, caller)


@router.get("/cases/{fraud_type}", response_model=CaseRead)
def get_case(
    fraud_type: FraudTypePath, caller: CaseReader, db_session: SessionDep
) -> dict[str, Any]:
    return cases.get_case(db_session, caller, fraud_type)


@router.put("/cases/{fraud_type}", response_model=CaseRead)
def save_case(
    fraud_type: FraudTypePath, body: CaseWrite, caller: CaseWriter, db_session: SessionDep
) -> dict[str, Any]:
    """Write the case of a fraud type (zh and en), new or edited."""
    return cases.save_case(db_session, caller, fraud_type, body)
