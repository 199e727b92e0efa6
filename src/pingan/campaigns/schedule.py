"""The plain scheduler of ``pingan serve``: each morning at ``campaign_brief_hour`` it
writes the previous day's brief of every running campaign
(:func:`pingan.campaigns.closing.write_brief`) into ``data_dir/briefs``.

Until the job system runs them, this thread does; :func:`briefs_due` and
:func:`~pingan.campaigns.closing.write_brief` are plain functions a background job can
call as they are.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.campaigns.closing import write_brief
from pingan.campaigns.models import Campaign
from pingan.config import Settings
from pingan.db import unit_of_work, utcnow

log = logging.getLogger("pingan.campaigns")


def briefs_due(factory: Callable[[], Session], settings: Settings, today: dt.date) -> list[Path]:
    """Write yesterday's brief of each campaign running yesterday; the files written."""
    day = today - dt.timedelta(days=1)
    with unit_of_work(factory) as db_session:
        ids = list(
            db_session.scalars(
                select(Campaign.id).where(Campaign.starts_on <= day, Campaign.ends_on >= day)
            )
        )
    paths: list[Path] = []
    for campaign_id in ids:
        paths += write_brief(factory, settings, campaign_id, day, settings.data_dir / "briefs")
    return paths


def start_brief_scheduler(
    make_factory: Callable[[Settings], Callable[[], Session]],
    settings: Settings,
    *,
    poll_s: float = 60.0,
) -> tuple[threading.Event, threading.Thread | None]:
    """A daemon thread that writes the briefs once a day at ``campaign_brief_hour`` (no
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
                paths = briefs_due(factory, settings, now.date())
                log.info("campaign briefs written: %s", ", ".join(map(str, paths)) or "none")
            except Exception:  # try again at the next poll
                log.exception("campaign briefs failed")
                continue
            done = now.date()

    thread = threading.Thread(target=run, name="campaign-briefs", daemon=True)
    thread.start()
    return stop, thread
