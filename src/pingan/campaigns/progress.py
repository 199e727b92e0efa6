"""Progress against each target of a campaign, per jurisdiction and rolled up.

For each target: the figure to date (the campaign's first day to ``as_of``, at most its
last day), its interval where it is an estimate, a projection to the campaign's end with
its interval (:func:`pingan.algo.campaign_stats.project_count` for totals; a rate, share
or change is carried as it stands, interval and all), and the verdict
(:func:`pingan.algo.campaign_stats.verdict`): on track, at risk, off track; once the
campaign has ended, met or missed. Stations are ranked by how many targets are at risk.
Each figure with targets is also rolled up over the campaign's jurisdictions
(:mod:`pingan.campaigns.rollup`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.campaigns.creation import campaign_json, jurisdictions_of
from pingan.campaigns.figures import measure
from pingan.campaigns.models import Campaign, CampaignTarget, FocusPlace
from pingan.campaigns.records import records_link
from pingan.campaigns.rollup import rollup
from pingan.campaigns.verdicts import VERDICT_WORDS, judge, project
from pingan.campaigns.visibility import places_of
from pingan.config import Settings

__all__ = ["VERDICT_WORDS", "measured_span", "progress", "rank_stations"]


def measured_span(campaign: Campaign, as_of: dt.date) -> tuple[dt.date, dt.date] | None:
    """The campaign's days with data up to ``as_of`` (inclusive), or ``None`` before it."""
    last = min(as_of, campaign.ends_on)
    if last < campaign.starts_on:
        return None
    return campaign.starts_on, last


def progress(
    db_session: Session, settings: Settings, campaign: Campaign, as_of: dt.date
) -> dict[str, Any]:
    """Every target's value to date, interval, projection and verdict; stations ranked."""
    nodes = {j.id: j for j in jurisdictions_of(db_session, campaign)}
    span = measured_span(campaign, as_of)
    total_days = (campaign.ends_on - campaign.starts_on).days + 1
    ended = as_of >= campaign.ends_on
    elapsed = 0 if span is None else (span[1] - span[0]).days + 1
    places = list(
        db_session.scalars(
            select(FocusPlace).where(FocusPlace.campaign_id == campaign.id).order_by(FocusPlace.id)
        )
    )
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
        figure = measure(
            db_session,
            settings,
            node,
            target.figure,
            *span,
            places=places_of(db_session, node, list(nodes.values()), places),
        )
        if target.figure == "focus_visibility":
            figure["query"] = records_link(campaign, "visibility", node.code, *span)
        projection = project(figure, elapsed, total_days)
        row.update(
            name_zh=figure["name_zh"],
            name_en=figure["name_en"],
            kind=figure["kind"],
            value=figure["value"],
            interval=figure["interval"],
            interval_reason=None if figure["interval"] else figure["interval_reason"],
            projection=projection,
            verdict=judge(projection, target.direction, target.value, ended),
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
        "rollup": [] if span is None else rollup(rows, elapsed, total_days, ended),
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
