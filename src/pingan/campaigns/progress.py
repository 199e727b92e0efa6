"""Progress against each target of a campaign, per jurisdiction and rolled up.

For each target: the figure to date (the campaign's first day to ``as_of``, at most its
last day), its interval where it is an estimate, a projection to the campaign's end with
its interval (:func:`pingan.algo.campaign_stats.project_count` for totals; a rate, share
or change is carried as it stands, interval and all), and the verdict
(:func:`pingan.algo.campaign_stats.verdict`): on track, at risk, off track; once the
campaign has ended, met or missed. Stations are ranked by how many targets are at risk.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.algo import campaign_stats as cs
from pingan.campaigns.creation import campaign_json, jurisdictions_of
from pingan.campaigns.figures import measure
from pingan.campaigns.models import Campaign, CampaignTarget
from pingan.config import Settings

VERDICT_WORDS = {
    "zh-CN": {
        "on_track": "进度正常",
        "at_risk": "存在风险",
        "off_track": "明显滞后",
        "met": "已完成",
        "missed": "未完成",
        None: "无法判断",
    },
    "en": {
        "on_track": "on track",
        "at_risk": "at risk",
        "off_track": "off track",
        "met": "met",
        "missed": "missed",
        None: "cannot tell",
    },
}


def measured_span(campaign: Campaign, as_of: dt.date) -> tuple[dt.date, dt.date] | None:
    """The campaign's days with data up to ``as_of`` (inclusive), or ``None`` before it."""
    last = min(as_of, campaign.ends_on)
    if last < campaign.starts_on:
        return None
    return campaign.starts_on, last


def _project(figure: dict[str, Any], elapsed: int, total: int) -> dict[str, Any]:
    value = figure["value"]
    if value is None:
        return {"value": None, "interval": None, "reason": "no value to date"}
    if figure["kind"] == "total":
        return {
            "value": round(value * total / elapsed, 1),
            "interval": None,
            "reason": "carried at the rate so far; hours are no Poisson count, no interval",
        }
    band = figure["interval"]
    return {
        "value": value,
        "interval": band,
        "reason": None if band else figure["interval_reason"],
    }


def _judge(projection: dict[str, Any], direction: str, target: float, ended: bool) -> str | None:
    value = projection["value"]
    if value is None:
        return None
    if ended:
        return "met" if cs.meets(value, direction, target) else "missed"
    band = projection["interval"]
    interval = None
    if band is not None:
        low = band[0] if band[0] is not None else float("-inf")
        high = band[1] if band[1] is not None else float("inf")
        interval = cs.Interval(low, high)
    return cs.verdict(value, interval, direction, target)


def progress(
    db_session: Session, settings: Settings, campaign: Campaign, as_of: dt.date
) -> dict[str, Any]:
    """Every target's value to date, interval, projection and verdict; stations ranked."""
    nodes = {j.id: j for j in jurisdictions_of(db_session, campaign)}
    span = measured_span(campaign, as_of)
    total_days = (campaign.ends_on - campaign.starts_on).days + 1
    ended = as_of >= campaign.ends_on
    rows: list[dict[str, Any]] = []
    targets = db_session.scalars(
        select(CampaignTarget)
        .where(CampaignTarget.campaign_id == campaign.id)
        .order_by(CampaignTarget.id)
    )
    for target in targets:
        node = nodes[target.jurisdiction_id]
        row: dict[str, Any] = {
            "target_id": target.id,
            "jurisdiction": node.code,
            "jurisdiction_name_zh": node.name_zh,
            "jurisdiction_name_en": node.name_en,
            "figure": target.figure,
            "direction": target.direction,
            "target": target.value,
        }
        if span is None:
            row.update(
                value=None,
                interval=None,
                interval_reason="the campaign has not started",
                projection=None,
                verdict=None,
                simulated=False,
                query=None,
            )
            rows.append(row)
            continue
        figure = measure(db_session, settings, node, target.figure, *span)
        elapsed = (span[1] - span[0]).days + 1
        projection = _project(figure, elapsed, total_days)
        row.update(
            name_zh=figure["name_zh"],
            name_en=figure["name_en"],
            kind=figure["kind"],
            value=figure["value"],
            interval=figure["interval"],
            interval_reason=None if figure["interval"] else figure["interval_reason"],
            projection=projection,
            verdict=_judge(projection, target.direction, target.value, ended),
            simulated=figure["simulated"],
            query=figure["query"],
            detail=figure["detail"],
        )
        rows.append(row)
    return {
        "campaign": campaign_json(db_session, campaign),
        "as_of": as_of,
        "measured": None if span is None else {"from": span[0], "to": span[1]},
        "ended": ended,
        "targets": rows,
        "stations": rank_stations(rows),
        "simulated": any(r["simulated"] for r in rows) or campaign.simulated,
    }


def rank_stations(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Jurisdictions by targets at risk (then off track / missed), most first."""
    tally: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        tally[row["jurisdiction"]][str(row["verdict"])] += 1
    ranked = [
        {
            "jurisdiction": code,
            "at_risk": counts.get("at_risk", 0),
            "off_track": counts.get("off_track", 0) + counts.get("missed", 0),
            "targets": sum(counts.values()),
        }
        for code, counts in tally.items()
    ]
    return sorted(ranked, key=lambda r: (-r["at_risk"], -r["off_track"], r["jurisdiction"]))
