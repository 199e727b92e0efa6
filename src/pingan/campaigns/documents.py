"""A campaign's daily brief and closing report as background jobs (see :mod:`pingan.jobs`).

A PDF with its charts takes seconds to draw, so the documents a chief files (the brief of a
day, the closing report) are written by a job: :func:`submit_document` checks the caller's
right at once and queues the job in a jurisdiction of the campaign the caller may write
campaigns in; :func:`write_document` is the handler a worker runs. It reads on a read-only
session and writes the text, HTML and PDF forms under ``data_dir/campaign_documents/<job
id>/``; the job's result is the address that serves them
(``/api/v1/campaigns/{id}/documents/{job id}?format=pdf|html|text``), read with the
job's own rights. The morning scheduler (:mod:`pingan.campaigns.schedule`) queues the
day's briefs the same way, as the operator.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.campaigns import brief as briefs
from pingan.campaigns import closing, creation, render
from pingan.campaigns.models import Campaign, CampaignJurisdiction
from pingan.config import Settings
from pingan.db import unit_of_work, utcnow
from pingan.errors import Conflict, Forbidden, InvalidInput, NotFound
from pingan.jobs import service as jobs
from pingan.jobs.models import Job, JobStatus
from pingan.jobs.worker import JobContext
from pingan.jurisdictions.models import Jurisdiction
from pingan.principal import Principal

KIND_BRIEF = "campaign.brief"
KIND_REPORT = "campaign.report"
KINDS = (KIND_BRIEF, KIND_REPORT)
#: The forms each document is written in: query value → (file name, media type).
FORMS: dict[str, tuple[str, str]] = {
    "pdf": ("document.pdf", "application/pdf"),
    "html": ("document.html", "text/html; charset=utf-8"),
    "text": ("document.txt", "text/plain; charset=utf-8"),
}
Form = Literal["pdf", "html", "text"]


def documents_dir(settings: Settings) -> Path:
    return settings.data_dir / "campaign_documents"


def _covered(db_session: Session, campaign: Campaign) -> list[Jurisdiction]:
    return list(
        db_session.scalars(
            select(Jurisdiction)
            .join(CampaignJurisdiction, CampaignJurisdiction.jurisdiction_id == Jurisdiction.id)
            .where(CampaignJurisdiction.campaign_id == campaign.id)
            .order_by(Jurisdiction.path)
        )
    )


def submit_document(
    db_session: Session,
    settings: Settings,
    principal: Principal | None,
    campaign_id: int,
    *,
    kind: str,
    day: dt.date | None = None,
    lang: str = "zh-CN",
    actor: str = "cli",
) -> Job:
    """Queue the brief of ``day`` (kind :data:`KIND_BRIEF`) or the closing report; bad
    requests and missing rights are refused here, at once."""
    if kind not in KINDS:
        raise InvalidInput(f"no campaign document {kind!r}", field="kind")
    if kind == KIND_BRIEF and day is None:
        raise InvalidInput("a brief is of one day: give its date", field="date")
    if lang not in ("zh-CN", "en"):
        raise InvalidInput("the language is zh-CN or en", field="lang")
    if principal is None:
        campaign = db_session.get(Campaign, campaign_id)
        if campaign is None:
            raise NotFound("no such campaign", field="campaign")
    else:
        campaign = creation.get_campaign(db_session, principal, campaign_id)
    covered = _covered(db_session, campaign)
    if principal is not None:
        covered = [j for j in covered if principal.can("campaign", "write", j.path)]
    if not covered:
        raise Forbidden("you may not file this campaign's documents")
    params = {
        "campaign_id": campaign.id,
        "day": day.isoformat() if kind == KIND_BRIEF and day is not None else None,
        "lang": lang,
    }
    return jobs.submit(
        db_session, settings, principal, kind=kind, params=params, jurisdiction=covered[0],
        actor=actor,
    )  # fmt: skip


def write_document(context: JobContext) -> str:
    """Write the document's three forms; the address that serves them."""
    campaign_id = int(context.params["campaign_id"])
    lang = str(context.params.get("lang") or "zh-CN")
    settings = context.settings
    context.progress(0.05, "reading the figures")
    with unit_of_work(context.read_factory) as db_session:
        campaign = db_session.get(Campaign, campaign_id)
        if campaign is None:
            raise NotFound("the campaign is gone", field="campaign")
        if context.kind == KIND_BRIEF:
            day = dt.date.fromisoformat(str(context.params["day"]))
            document = briefs.brief(db_session, settings, campaign, day, lang)
            chart = None
        else:
            today = utcnow().astimezone(ZoneInfo(settings.time_zone)).date()
            as_of = min(campaign.ends_on, today - dt.timedelta(days=1))
            document = closing.report(db_session, settings, campaign, as_of, lang)
            chart = closing.report_chart(document, lang)
    context.progress(0.5, "writing the text and the page")
    folder = documents_dir(settings) / str(context.job_id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / FORMS["text"][0]).write_text(briefs.as_text(document), encoding="utf-8")
    (folder / FORMS["html"][0]).write_text(render.as_html(document, lang), encoding="utf-8")
    context.progress(0.6, "drawing the PDF")
    pdf = render.as_pdf(document, chart)
    partial = folder / (FORMS["pdf"][0] + ".part")
    partial.write_bytes(pdf)
    partial.replace(folder / FORMS["pdf"][0])  # a reader never sees half a file
    return f"/api/v1/campaigns/{campaign_id}/documents/{context.job_id}"


def document_file(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    campaign_id: int,
    job_id: int,
    form: str,
) -> tuple[Path, str]:
    """The file of a finished document job and its media type (the job read with the
    caller's rights: another station's document is 404)."""
    job = jobs.get(db_session, principal, job_id)
    if job.kind not in KINDS or int(job.params.get("campaign_id", 0)) != campaign_id:
        raise NotFound("no such document", field="job")
    if job.status is not JobStatus.done:
        raise Conflict(f"the document is not written yet (job {job.status.value})")
    name, media = FORMS[form]
    path = documents_dir(settings) / str(job.id) / name
    if not path.is_file():
        raise NotFound("the document's file is gone", field="job")
    return path, media
