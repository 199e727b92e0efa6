"""Campaigns' API (专项行动): create one, its daily brief, its progress, its closing report."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Response
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict

from pingan.bounds import Id
from pingan.campaigns import brief as briefs
from pingan.campaigns import closing, creation, documents, records, render
from pingan.campaigns.progress import progress
from pingan.campaigns.schemas import CampaignCreate
from pingan.db import utcnow
from pingan.errors import InvalidInput
from pingan.jobs import service as jobs
from pingan.principal import Principal
from pingan.web.deps import SessionDep, SettingsDep, allowed

router = APIRouter(prefix="/api/v1/campaigns", tags=["campaigns"])

CampaignReader = Annotated[Principal, allowed("campaign", "read")]
CampaignWriter = Annotated[Principal, allowed("campaign", "write")]
Lang = Annotated[Literal["zh-CN", "en"], Query()]
Format = Annotated[Literal["text", "html", "pdf", "json"], Query()]
Day = Annotated[dt.date, Query(ge=dt.date(2000, 1, 1), le=dt.date(2100, 12, 31))]
DocumentForm = Annotated[documents.Form, Query()]


class BriefJobIn(BaseModel):
    """The brief to write as a job: its day and language."""

    model_config = ConfigDict(extra="forbid")
    date: dt.date
    lang: Literal["zh-CN", "en"] = "zh-CN"


class ReportJobIn(BaseModel):
    """The closing report to write as a job: its language."""

    model_config = ConfigDict(extra="forbid")
    lang: Literal["zh-CN", "en"] = "zh-CN"


RecordKind = Literal[
    "shifts", "stalls", "rooms", "inspections", "hazards", "drills", "checkins", "visibility"
]


@router.post("", status_code=201)
def create(caller: CampaignWriter, db_session: SessionDep, body: CampaignCreate) -> dict[str, Any]:
    campaign = creation.create_campaign(db_session, caller, body)
    return creation.campaign_json(db_session, campaign)


@router.get("")
def list_campaigns(caller: CampaignReader, db_session: SessionDep) -> list[dict[str, Any]]:
    return [
        creation.campaign_json(db_session, c)
        for c in creation.visible_campaigns(db_session, caller)
    ]


@router.get("/{campaign_id}/brief")
def brief(
    caller: CampaignReader,
    db_session: SessionDep,
    settings: SettingsDep,
    campaign_id: Id,
    date: Day,
    lang: Lang = "zh-CN",
    format: Format = "json",
) -> Any:
    campaign = creation.get_campaign(db_session, caller, campaign_id)
    document = briefs.brief(db_session, settings, campaign, date, lang)
    return _answer(document, format, lang, None)


def _answer(document: dict[str, Any], fmt: str, lang: str, chart: dict[str, Any] | None) -> Any:
    if fmt == "text":
        return Response(briefs.as_text(document), media_type="text/plain; charset=utf-8")
    if fmt == "html":
        return Response(render.as_html(document, lang), media_type="text/html; charset=utf-8")
    if fmt == "pdf":
        return Response(render.as_pdf(document, chart), media_type="application/pdf")
    return {k: v for k, v in document.items() if k != "progress"}


@router.get("/{campaign_id}/progress")
def campaign_progress(
    caller: CampaignReader,
    db_session: SessionDep,
    settings: SettingsDep,
    campaign_id: Id,
    as_of: Day | None = None,
) -> dict[str, Any]:
    campaign = creation.get_campaign(db_session, caller, campaign_id)
    today = utcnow().astimezone(ZoneInfo(settings.time_zone)).date()
    return progress(db_session, settings, campaign, as_of or today - dt.timedelta(days=1))


@router.get("/{campaign_id}/report")
def report(
    caller: CampaignReader,
    db_session: SessionDep,
    settings: SettingsDep,
    campaign_id: Id,
    lang: Lang = "zh-CN",
    format: Format = "json",
) -> Any:
    campaign = creation.get_campaign(db_session, caller, campaign_id)
    today = utcnow().astimezone(ZoneInfo(settings.time_zone)).date()
    document = closing.report(
        db_session, settings, campaign, min(campaign.ends_on, today - dt.timedelta(days=1)), lang
    )
    return _answer(document, format, lang, closing.report_chart(document, lang))


@router.get("/{campaign_id}/records/{kind}")
def campaign_records(
    caller: CampaignReader,
    db_session: SessionDep,
    settings: SettingsDep,
    campaign_id: Id,
    kind: RecordKind,
    jurisdiction: Annotated[str, Query(min_length=1, max_length=64)],
    first: Annotated[
        dt.date | None, Query(alias="from", ge=dt.date(2000, 1, 1), le=dt.date(2100, 12, 31))
    ] = None,
    to: Day | None = None,
    limit: Annotated[int, Query(ge=0, le=records.MAX_ROWS)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    """The records behind one figure of the closing report (or the focus-place visibility
    of progress): every row's figures, and a page of the rows."""
    campaign = creation.get_campaign(db_session, caller, campaign_id)
    return records.campaign_records(
        db_session,
        settings,
        caller,
        campaign,
        kind,
        jurisdiction,
        first,
        to,
        limit=limit,
        offset=offset,
    )


def _queued(job: Any, response: Response) -> dict[str, Any]:
    response.headers["Location"] = f"/api/v1/jobs/{job.id}"
    return jobs.job_json(job)


@router.post("/{campaign_id}/brief", status_code=202)
def brief_job(
    caller: CampaignWriter,
    db_session: SessionDep,
    settings: SettingsDep,
    campaign_id: Id,
    body: BriefJobIn,
    response: Response,
) -> dict[str, Any]:
    """Write the brief of a day (text, HTML, PDF) as a job: 202 with the job (``Location``);
    its ``result_url`` serves the document when done."""
    if not dt.date(2000, 1, 1) <= body.date <= dt.date(2100, 12, 31):
        raise InvalidInput("the date must lie between the years 2000 and 2100", field="date")
    job = documents.submit_document(
        db_session, settings, caller, campaign_id, kind=documents.KIND_BRIEF, day=body.date,
        lang=body.lang, actor=caller.username,
    )  # fmt: skip
    return _queued(job, response)


@router.post("/{campaign_id}/report", status_code=202)
def report_job(
    caller: CampaignWriter,
    db_session: SessionDep,
    settings: SettingsDep,
    campaign_id: Id,
    body: ReportJobIn,
    response: Response,
) -> dict[str, Any]:
    """Write the closing report (text, HTML, PDF with its chart) as a job: 202 with the job."""
    job = documents.submit_document(
        db_session, settings, caller, campaign_id, kind=documents.KIND_REPORT, lang=body.lang,
        actor=caller.username,
    )  # fmt: skip
    return _queued(job, response)


@router.get("/{campaign_id}/documents/{job_id}", response_class=FileResponse)
def document(
    caller: CampaignReader,
    db_session: SessionDep,
    settings: SettingsDep,
    campaign_id: Id,
    job_id: Id,
    format: DocumentForm = "pdf",
) -> FileResponse:
    """A document a job wrote (404 for another station's; 409 while it is being written)."""
    path, media = documents.document_file(db_session, settings, caller, campaign_id, job_id, format)
    return FileResponse(path, media_type=media)
