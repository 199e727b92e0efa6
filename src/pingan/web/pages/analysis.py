"""The analyst's page: hot-spot forecast map, crime series, camera canvass, statistics and
the campaign report.

The statistics table is rendered here from :func:`pingan.analytics.stats.incident_stats`
(counts by type or station with 环比 and 同比 and the exact Poisson test's verdict); the
forecast map, the series and the canvass are filled by ``static/js/analysis.js`` from the
analytics API (``/api/v1/analytics/...``), and the report is downloaded from
``/api/v1/analytics/report.pdf`` with a progress indication. Figures drawn from the demo's
simulated history say "simulated data".
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from pingan.config import Settings
from pingan.db import utcnow
from pingan.principal import Principal
from pingan.web import i18n
from pingan.web.pages import labels
from pingan.web.pages.common import (
    PagePrincipalDep,
    SessionDep,
    SettingsDep,
    can,
    city_choice,
    login_redirect,
    may_see_analysis,
    render,
)
from pingan.web.pages.comparisons import comparison_view

router = APIRouter(include_in_schema=False)

#: Default span of the statistics and the report: the last four complete weeks.
DEFAULT_DAYS = 28
#: Longest span the page computes statistics for.
MAX_DAYS = 366
#: Incident types a series search offers, most useful first.
SERIES_TYPES: tuple[str, ...] = (
    "theft.ebike",
    "theft.bicycle",
    "theft.burglary",
    "theft.phone",
    "theft.vehicle",
    "robbery",
)
TABS: tuple[str, ...] = ("forecast", "series", "canvass", "stats", "report")


def default_span(settings: Settings) -> tuple[date, date]:
    """The last :data:`DEFAULT_DAYS` complete local days (yesterday inclusive)."""
    today = utcnow().astimezone(ZoneInfo(settings.time_zone)).date()
    last = today - timedelta(days=1)
    return last - timedelta(days=DEFAULT_DAYS - 1), last


def _group_name(group: dict[str, Any], group_by: str, language: str) -> str:
    if group_by == "type":
        translated = labels.type_label(group["key"])
        if translated != group["key"]:
            return translated
    return str(group["name_zh"] if language == "zh-CN" else group["name_en"])


def stats_view(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    *,
    start: date,
    end: date,
    group_by: str,
    city: str | None,
    language: str,
) -> dict[str, Any]:
    """The statistics table: per group, counts of the three periods and both comparisons."""
    from pingan.analytics import stats as analytics

    body = analytics.incident_stats(
        db_session, settings, principal, start=start, end=end, group_by=group_by, city=city
    )
    rows = [
        {
            "key": g["key"],
            "name": _group_name(g, group_by, language),
            "count": g["count"],
            "previous": g["previous"],
            "last_year": g["last_year"],
            "vs_previous": comparison_view(g["period_over_period"]),
            "vs_last_year": comparison_view(g["year_over_year"]),
        }
        for g in body["groups"]
    ]
    total = body["total"]
    return {
        "rows": rows,
        "total": {
            "count": total["count"],
            "previous": total["previous"],
            "last_year": total["last_year"],
            "vs_previous": comparison_view(total["period_over_period"]),
            "vs_last_year": comparison_view(total["year_over_year"]),
        },
        "periods": body["periods"],
        "simulated": bool(body["simulated"]),
    }


def _forecasts(db_session: Session, principal: Principal, city: str | None) -> list[dict[str, Any]]:
    from pingan.analytics import forecasts as analytics

    return [
        {
            "id": f["id"],
            "model": f["model"],
            "horizon_h": f["horizon_h"],
            "starts_at": f["starts_at"].isoformat(),
            "ends_at": f["ends_at"].isoformat(),
            "cell_m": f["cell_m"],
            "n_events": f["n_events"],
            "n_cells": f["n_cells"],
            "simulated": f["simulated"],
        }
        for f in analytics.list_forecasts(db_session, principal, city, limit=20)
    ]


@router.get("/analysis", response_class=HTMLResponse, response_model=None)
def analysis(
    request: Request,
    db_session: SessionDep,
    settings: SettingsDep,
    principal: PagePrincipalDep,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
    group_by: Annotated[str, Query(pattern="^(type|station)$")] = "type",
    tab: Annotated[str, Query(pattern="^(forecast|series|canvass|stats|report)$")] = "forecast",
) -> HTMLResponse | RedirectResponse:
    if principal is None:
        return login_redirect(request)
    if not may_see_analysis(principal):
        return render(
            request,
            "forbidden.html",
            {},
            principal=principal,
            settings=settings,
            status_code=403,
            page="analysis",
        )
    language = i18n.pick_language(
        principal.language, request.cookies.get(i18n.LANG_COOKIE), settings.default_language
    )
    i18n.set_current(language)
    first, last = default_span(settings)
    start = start or first
    end = end or last
    if end < start:
        start, end = end, start
    start = max(start, end - timedelta(days=MAX_DAYS - 1))
    city = city_choice(db_session, request.query_params.get("city"), principal)
    city_name = city["name"] if city else None
    context: dict[str, Any] = {
        "city": city,
        "tab": tab,
        "tabs": TABS,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "group_by": group_by,
        "stats": stats_view(
            db_session,
            settings,
            principal,
            start=start,
            end=end,
            group_by=group_by,
            city=city_name,
            language=language,
        ),
        "forecasts": _forecasts(db_session, principal, city_name),
        "series_types": [(t, labels.type_label(t)) for t in SERIES_TYPES],
        "can": {
            "forecast": can(principal, "analytics", "write"),
            "series": can(principal, "series", "write"),
            "canvass_read": can(principal, "canvass", "read"),
            "canvass": can(principal, "canvass", "write"),
        },
    }
    return render(
        request, "analysis.html", context, principal=principal, settings=settings, page="analysis"
    )
