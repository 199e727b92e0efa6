"""The station chief's dashboard: response figures against the same period last year.

Figures come from :func:`pingan.dispatch.service.figures` (the service behind
``GET /api/v1/dispatch/figures``); "the same period last year" is the same span
364 days earlier, so that weekdays line up. Charts are inline SVG built on the
server (:mod:`pingan.web.charts`); the map (``static/js/dashboard.js``) shows the
units and their 1/3/5-minute reach now.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from pingan.auth.principal import Principal
from pingan.config import Settings
from pingan.db import utcnow
from pingan.web import charts, i18n
from pingan.web.pages import labels
from pingan.web.pages.common import (
    PagePrincipalDep,
    SessionDep,
    SettingsDep,
    city_choice,
    login_redirect,
    may_see_dashboard,
    render,
)

router = APIRouter(include_in_schema=False)

PERIODS_DAYS = (7, 30, 90)
LAST_YEAR = timedelta(days=364)
TIER_COLOURS = ("#2da44e", "#d4a72c", "#e8731c")
THIS_COLOUR, LAST_COLOUR = "#2f81f7", "#9aa6b2"


def duration_text(seconds: float | None) -> str:
    """ "3 min 05 s" / "45 s" in the current language; "–" when unknown."""
    if seconds is None:
        return "–"
    whole = round(seconds)
    if whole < 60:
        return i18n.gettext_("%(s)s s") % {"s": whole}
    return i18n.gettext_("%(m)s min %(s)s s") % {"m": whole // 60, "s": f"{whole % 60:02d}"}


def _figures(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    group_by: str,
    start: datetime,
    end: datetime,
) -> dict[str, Any]:
    from pingan.dispatch import service as dispatch

    return dispatch.figures(
        db_session, settings, principal, group_by=group_by, start=start, end=end
    )


def _delta(now: float | None, before: float | None) -> dict[str, Any] | None:
    if now is None or before is None:
        return None
    if before == 0:
        return None
    change = (now - before) / before * 100
    return {"text": f"{change:+.0f}%", "direction": "up" if change > 0 else "down"}


def _buckets(start: datetime, end: datetime, days: int) -> list[tuple[datetime, datetime]]:
    step = timedelta(days=1 if days <= 14 else 7)
    edges: list[tuple[datetime, datetime]] = []
    cursor = end
    while cursor > start:
        edges.append((max(start, cursor - step), cursor))
        cursor -= step
    return list(reversed(edges))


def dashboard_context(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    days: int,
    language: str,
) -> dict[str, Any]:
    _ = i18n.gettext_
    end = utcnow()
    start = end - timedelta(days=days)
    now_station = _figures(db_session, settings, principal, "station", start, end)
    before = _figures(
        db_session, settings, principal, "station", start - LAST_YEAR, end - LAST_YEAR
    )
    by_shift = _figures(db_session, settings, principal, "shift", start, end)
    by_type = _figures(db_session, settings, principal, "type", start, end)
    by_type_before = _figures(
        db_session, settings, principal, "type", start - LAST_YEAR, end - LAST_YEAR
    )
    tiers_s = [int(t) for t in now_station["tiers_s"]]
    tier_names = [_("within %(min)s min") % {"min": round(t / 60)} for t in tiers_s]
    overall, overall_before = now_station["overall"], before["overall"]

    kpis: list[dict[str, Any]] = [
        {
            "key": "count",
            "label": _("Incidents with a police response"),
            "value": str(overall["count"]),
            "before": _("same period last year: %(n)s") % {"n": overall_before["count"]},
            "delta": _delta(overall["count"], overall_before["count"]),
        }
    ]
    for tier, name in zip(tiers_s, tier_names, strict=True):
        share = overall["share_within"].get(str(tier))
        share_before = overall_before["share_within"].get(str(tier))
        kpis.append(
            {
                "key": f"within-{tier}",
                "label": _("Reached %(tier)s") % {"tier": name},
                "value": "–" if share is None else f"{share * 100:.0f}%",
                "before": _("last year: %(v)s")
                % {"v": "–" if share_before is None else f"{share_before * 100:.0f}%"},
                "delta": None,
            }
        )
    kpis.append(
        {
            "key": "median",
            "label": _("Median response"),
            "value": duration_text(overall["median_s"]),
            "before": _("last year: %(v)s") % {"v": duration_text(overall_before["median_s"])},
            "delta": None,
        }
    )
    kpis.append(
        {
            "key": "p90",
            "label": _("90th-percentile response"),
            "value": duration_text(overall["p90_s"]),
            "before": _("last year: %(v)s") % {"v": duration_text(overall_before["p90_s"])},
            "delta": None,
        }
    )

    buckets = _buckets(start, end, days)
    this_counts: list[float | None] = []
    last_counts: list[float | None] = []
    names: list[str] = []
    locale = "zh_CN" if language == "zh-CN" else "en_GB"
    from babel.dates import format_date

    for bucket_start, bucket_end in buckets:
        this_counts.append(
            _figures(db_session, settings, principal, "station", bucket_start, bucket_end)[
                "overall"
            ]["count"]
        )
        last_counts.append(
            _figures(
                db_session,
                settings,
                principal,
                "station",
                bucket_start - LAST_YEAR,
                bucket_end - LAST_YEAR,
            )["overall"]["count"]
        )
        names.append(format_date(bucket_start.date(), "MMMd", locale=locale))
    trend = charts.grouped_bars(
        _("Incidents with a police response, this year and the same period last year"),
        names,
        [
            charts.Series(_("This year"), this_counts, THIS_COLOUR),
            charts.Series(_("Last year"), last_counts, LAST_COLOUR),
        ],
    )
    station_rows = [
        (
            g["group"],
            [g["share_within"].get(str(t)) for t in tiers_s],
        )
        for g in now_station["groups"]
    ] or [(_("All stations"), [overall["share_within"].get(str(t)) for t in tiers_s])]
    compliance = charts.share_bars(
        _("Share of incidents reached within each tier, by station"),
        station_rows,
        tier_names,
        list(TIER_COLOURS[: len(tiers_s)]),
    )
    shift_names = {"day": _("Day shift (08–20)"), "night": _("Night shift (20–08)")}
    shifts = list(by_shift["groups"])
    shift_chart = charts.grouped_bars(
        _("Median and 90th-percentile response by shift, in minutes"),
        [shift_names.get(g["group"], g["group"]) for g in shifts],
        [
            charts.Series(
                _("Median"),
                [None if g["median_s"] is None else g["median_s"] / 60 for g in shifts],
                THIS_COLOUR,
            ),
            charts.Series(
                _("90th percentile"),
                [None if g["p90_s"] is None else g["p90_s"] / 60 for g in shifts],
                "#8957e5",
            ),
        ],
        value_format="{:.1f}",
        width=440,
        height=220,
    )
    before_by_type = {g["group"]: g for g in by_type_before["groups"]}
    type_rows = [
        {
            "type": labels.type_label(g["group"]),
            "count": g["count"],
            "before": before_by_type.get(g["group"], {}).get("count", 0),
            "delta": _delta(g["count"], before_by_type.get(g["group"], {}).get("count", 0)),
            "median": duration_text(g["median_s"]),
            "p90": duration_text(g["p90_s"]),
            "within": [
                "–" if g["share_within"].get(str(t)) is None else f"{g['share_within'][str(t)]:.0%}"
                for t in tiers_s
            ],
        }
        for g in sorted(by_type["groups"], key=lambda g: -g["count"])
    ]
    return {
        "days": days,
        "periods": PERIODS_DAYS,
        "kpis": kpis,
        "trend_chart": trend,
        "compliance_chart": compliance,
        "shift_chart": shift_chart,
        "type_rows": type_rows,
        "tier_names": tier_names,
        "missing": overall["missing"],
    }


@router.get("/dashboard", response_class=HTMLResponse, response_model=None)
def dashboard(
    request: Request,
    db_session: SessionDep,
    settings: SettingsDep,
    principal: PagePrincipalDep,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
) -> HTMLResponse | RedirectResponse:
    if principal is None:
        return login_redirect(request)
    if not may_see_dashboard(principal):
        return render(
            request,
            "forbidden.html",
            {},
            principal=principal,
            settings=settings,
            status_code=403,
            page="dashboard",
        )
    language = i18n.pick_language(
        principal.language, request.cookies.get(i18n.LANG_COOKIE), settings.default_language
    )
    i18n.set_current(language)
    context = dashboard_context(db_session, settings, principal, days, language)
    context["city"] = city_choice(db_session, request.query_params.get("city"), principal)
    return render(
        request, "dashboard.html", context, principal=principal, settings=settings, page="dashboard"
    )
