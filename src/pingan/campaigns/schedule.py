"""The morning scheduler of ``pingan serve``: each morning at ``campaign_brief_hour`` it
queues the previous day's brief of every running campaign as a background job
(:mod:`pingan.campaigns.documents`, kind ``campaign.brief``, started by the operator); a
job worker (embedded in ``serve``, or ``pingan worker`` processes) writes them.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.campaigns import documents
from pingan.campaigns.models import Campaign
from pingan.config import Settings
from pingan.db import unit_of_work, utcnow

log = logging.getLogger("pingan.campaigns")


def briefs_due(factory: Callable[[], Session], settings: Settings, today: dt.date) -> list[int]:
    """Queue yesterday's brief of each campaign running yesterday; the jobs' ids."""
    day = today - dt.timedelta(days=1)
    with unit_of_work(factory) as db_session:
        ids = list(
            db_session.scalars(
                select(Campaign.id).where(Campaign.starts_on <= day, Campaign.ends_on >= day)
            )
        )
        queued = [
            documents.submit_document(
                db_session, settings, None, campaign_id, kind=documents.KIND_BRIEF, day=day,
                actor="scheduler",
            ).id
            for campaign_id in ids
        ]  # fmt: skip
    return queued


def start_brief_scheduler(
    make_factory: Callable[[Settings], Callable[[], Session]],
    settings: Settings,
    *,
    poll_s: float = 60.0,
) -> tuple[threading.Event, threading.Thread | None]:
    """A daemon thread that queues the briefs once a day at ``campaign_brief_hour`` (no
    thread, and no database opened, when it is unset)."""
    stop = threading.Event()
    hour = settings.campaign_brief_hour
    if hour is None:
        return stop, None
    factory = make_factory(settings)
    zone = ZoneInfo(settings.time_zone)

    def run() -> None:
        done: dt.date | None = None
        while not stop.wait(poll_s):
            now = utcnow().astimezone(zone)
            if now.hour < hour or done == now.date():
                continue
            try:
                queued = briefs_due(factory, settings, now.date())
                log.info("campaign briefs queued: %s", ", ".join(map(str, queued)) or "none")
            except Exception:  # try again at the next poll
                log.exception("campaign briefs failed")
                continue
            done = now.date()

    thread = threading.Thread(target=run, name="campaign-briefs", daemon=True)
    thread.start()
    return stop, thread
