"""The brief's last section, what to watch today: the top cells of the newest stored
forecast of each campaign jurisdiction (:func:`pingan.analytics.forecasts.forecast_geojson`)
and its open crime series (:func:`pingan.analytics.series.list_series`: candidates and
confirmed, not rejected). The forecast's cells are as the forecast stored them; it is
not re-cut to the focus hours."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from pingan.analytics import forecasts
from pingan.analytics import series as crime_series
from pingan.analytics.models import SeriesStatus
from pingan.campaigns import figures
from pingan.campaigns.brief_text import TEXT
from pingan.campaigns.models import Campaign, FocusPlace
from pingan.campaigns.records import records_link
from pingan.campaigns.visibility import places_of
from pingan.config import Settings
from pingan.jurisdictions.models import Jurisdiction
from pingan.patrol import reads as patrol
from pingan.patrol.models import PlanStatus
from pingan.policy import Role
from pingan.principal import Grant, Principal

TOP_CELLS = 3
SERIES_LIMIT = 3
STATUS_WORDS = {
    "zh-CN": {"candidate": "待研判", "confirmed": "已确认"},
    "en": {"candidate": "candidate", "confirmed": "confirmed"},
}


def _reader(node: Jurisdiction) -> Principal:
    grants = tuple(Grant(r, node.id, node.path) for r in (Role.admin, Role.station_chief))
    return Principal(user_id=0, username="campaign", grants=grants, client_addr="campaign")


def _forecast_over(
    db_session: Any, node: Jurisdiction
) -> tuple[dict[str, Any], Jurisdiction] | None:
    """The newest forecast made for ``node`` or a jurisdiction above it (a city's forecast
    covers its stations), with the jurisdiction it was made for."""
    ids = [int(part) for part in node.path.strip("/").split("/") if part]
    for ancestor_id in reversed(ids):
        ancestor = db_session.get(Jurisdiction, ancestor_id)
        if ancestor is None:
            continue
        found = [
            f
            for f in forecasts.list_forecasts(db_session, _reader(ancestor), limit=20)
            if f["jurisdiction_code"] == ancestor.code
        ]
        if found:
            return found[0], ancestor
    return None


def watch_lines(
    db_session: Any, settings: Settings, nodes: list[Jurisdiction], lang: str
) -> list[tuple[str, str | None]]:
    """Lines of the top forecast cells and the open series, with their links."""
    words = TEXT[lang]
    zone = ZoneInfo(settings.time_zone)
    lines: list[tuple[str, str | None]] = []
    shown: set[int] = set()
    for node in nodes:
        reader = _reader(node)
        where = node.name_zh if lang == "zh-CN" else node.name_en
        newest = _forecast_over(db_session, node)
        if newest and newest[0]["id"] not in shown:
            shown.add(newest[0]["id"])
            made_for = newest[1].name_zh if lang == "zh-CN" else newest[1].name_en
            found = forecasts.forecast_geojson(
                db_session, _reader(newest[1]), newest[0]["id"], top=TOP_CELLS
            )
            starts = newest[0]["starts_at"].astimezone(zone).strftime("%Y-%m-%d %H:%M")
            for feature in found["features"]:
                cell = feature["properties"]
                lines.append(
                    (
                        words["forecast_line"].format(
                            where=made_for,
                            starts=starts,
                            hours=f"{newest[0]['horizon_h']:g}",
                            rank=cell["rank"],
                            lat=cell["lat"],
                            lon=cell["lon"],
                            share=f"{cell['share']:.0%}",
                        ),
                        f"/api/v1/analytics/forecasts/{newest[0]['id']}",
                    )
                )
        found_series = [
            s
            for s in crime_series.list_series(db_session, settings, reader)
            if s["status"] != SeriesStatus.rejected
        ]
        for body in found_series[:SERIES_LIMIT]:
            lines.append(
                (
                    words["series_line"].format(
                        where=where,
                        name=body["name"] or f"#{body['id']}",
                        status=STATUS_WORDS[lang].get(str(body["status"]), str(body["status"])),
                        n=len(body["members"]),
                    ),
                    f"/api/v1/analytics/series/{body['id']}",
                )
            )
    return lines


def plan_lines(
    db_session: Any, nodes: list[Jurisdiction], lang: str
) -> list[tuple[str, str | None]]:
    """The patrol plans in force in each jurisdiction, with the visibility they achieve at
    the hotspots (:func:`pingan.patrol.reads.plan_json`)."""
    words = TEXT[lang]
    lines: list[tuple[str, str | None]] = []
    for node in nodes:
        where = node.name_zh if lang == "zh-CN" else node.name_en
        for plan in patrol.list_plans(db_session, _reader(node), status=PlanStatus.active, limit=3):
            body = patrol.plan_json(db_session, plan)
            share = body["visibility_share"]
            lines.append(
                (
                    words["plan_line"].format(
                        where=where,
                        name=body["name"],
                        shift=body["shift"],
                        groups=body["groups"],
                        share="–" if share is None else f"{share:.0%}",
                    ),
                    f"/api/v1/plans/{body['id']}",
                )
            )
    return lines


def focus_lines(
    db_session: Any,
    settings: Settings,
    campaign: Campaign,
    nodes: list[Jurisdiction],
    day: dt.date,
    lang: str,
) -> list[tuple[str, str | None]]:
    """The police visibility achieved at each jurisdiction's focus places in the focus hours
    of ``day`` (:func:`pingan.campaigns.figures.focus_visibility`), linked to its windows;
    nothing where no unit reported a position."""
    words = TEXT[lang]
    every = list(
        db_session.scalars(
            select(FocusPlace).where(FocusPlace.campaign_id == campaign.id).order_by(FocusPlace.id)
        )
    )
    lines: list[tuple[str, str | None]] = []
    for node in nodes:
        places = places_of(db_session, node, nodes, every)
        if not places:
            continue
        plans = patrol.list_plans(db_session, _reader(node), status=PlanStatus.active, limit=10)
        found = figures.focus_visibility(db_session, settings, places, day, day, plans=plans)
        if found["value"] is None:
            continue
        detail = found["detail"]
        lines.append(
            (
                words["focus_line"].format(
                    where=node.name_zh if lang == "zh-CN" else node.name_en,
                    places=len(places),
                    share=f"{found['value']:.0%}",
                    seen=f"{detail['seen_hours']:g}",
                    hours=f"{detail['hours']:g}",
                )
                + (
                    ""
                    if detail["planned_share"] is None
                    else words["focus_planned"].format(planned=f"{detail['planned_share']:.0%}")
                ),
                records_link(campaign, "visibility", node.code, day, day),
            )
        )
    return lines
