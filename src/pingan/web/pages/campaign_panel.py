"""The campaign panel at the top of the chief's dashboard: progress against each target
of the caller's current campaign (:func:`pingan.campaigns.progress.progress`), and the
stations ranked by targets at risk, then each figure rolled up over the campaign's
jurisdictions. Values are shown as the closing report shows them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from pingan.campaigns import creation
from pingan.campaigns.closing import show
from pingan.campaigns.progress import VERDICT_WORDS, progress
from pingan.config import Settings
from pingan.db import utcnow
from pingan.principal import Principal


def campaign_panel(
    db_session: Session, settings: Settings, principal: Principal, language: str
) -> dict[str, Any] | None:
    """The panel's rows, or ``None`` when the caller has no campaign to read."""
    today = utcnow().astimezone(ZoneInfo(settings.time_zone)).date()
    campaign = creation.current_campaign(db_session, principal, today)
    if campaign is None:
        return None
    found = progress(db_session, settings, campaign, today - timedelta(days=1))
    lang = "zh-CN" if language == "zh-CN" else "en"
    rows = [_row(row, lang) for row in found["targets"]]
    rolled = [_row(row, lang) for row in found["rollup"]]
    return {
        "id": campaign.id,
        "name": campaign.name,
        "starts_on": campaign.starts_on.isoformat(),
        "ends_on": campaign.ends_on.isoformat(),
        "simulated": found["simulated"],
        "rows": rows,
        "rollup": rolled,
        "stations": found["stations"],
    }


def _row(row: dict[str, Any], lang: str) -> dict[str, Any]:
    """A target (or roll-up) row as the panel shows it."""
    unit = "" if row.get("kind") == "total" else "%"
    band = row["interval"]
    projection = row["projection"] or {}
    station = (
        ", ".join(row["jurisdictions"])
        if "jurisdictions" in row
        else row["jurisdiction_name_zh" if lang == "zh-CN" else "jurisdiction_name_en"]
    )
    return {
        "station": station,
        "figure": row.get("name_zh" if lang == "zh-CN" else "name_en", row["figure"]),
        "target": f"{row['direction']} {show(row['target'], unit)}",
        "value": show(row["value"], unit),
        "interval": "–"
        if not band or band[1] is None
        else f"{show(band[0], unit)} – {show(band[1], unit)}",
        "projection": show(projection.get("value"), unit),
        "verdict": VERDICT_WORDS[lang][row["verdict"]],
        "verdict_key": row["verdict"] or "none",
        "link": row.get("query"),
    }
