"""The station chief's dashboard: incidents and response figures against last year.

Reported incidents (all of them, whether or not a unit went) come from
:func:`pingan.analytics.stats.incident_stats`: the last N complete local days against
the same days a calendar year earlier (同比), with the exact Poisson test's verdict; it
counts without reading any incident's personal data. Response figures come from
:func:`pingan.dispatch.figures.figures` (the service behind
``GET /api/v1/dispatch/figures``), the last N days up to now against the same span 364
days earlier, so that weekdays line up. Figures drawn from the demo's simulated history are
labelled "simulated data". Charts are inline SVG built on the server
(:mod:`pingan.web.charts`); the map (``static/js/dashboard.js``) shows the active patrol
plan (posts, loops, beats) and the units on duty now.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from pingan.config import Settings
from pingan.db import utcnow
from pingan.principal import Principal
from pingan.web import charts, i18n
from pingan.web.pages import labels
from pingan.web.pages.campaign_panel import campaign_panel
from pingan.web.pages.common import (
    PagePrincipalDep,
    SessionDep,
    SettingsDep,
    can,
    city_choice,
    login_redirect,
    may_see_dashboard,
    render,
)
from pingan.web.pages.comparisons import comparison_view

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
    from pingan.dispatch import figures as dispatch

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


def _reported(
    db_session: Session, settings: Settings, principal: Principal, first: date, last: date
) -> dict[str, Any]:
    from pingan.analytics import stats as analytics

    return analytics.incident_stats(
        db_session, settings, principal, start=first, end=last, group_by="type"
    )


def _daily(
    db_session: Session, settings: Settings, principal: Principal, first: date, last: date
) -> list[int]:
    from pingan.analytics import stats as analytics

    days = analytics.daily_counts(db_session, settings, principal, start=first, end=last)
    return [days[d] for d in sorted(days)]


def _weekly(values: list[int], days: int) -> list[int]:
    """Daily counts summed into weeks ending on the last day (the first may be shorter)."""
    if days <= 14:
        return values
    out: list[int] = []
    stop = len(values)
    while stop > 0:
        out.append(sum(values[max(0, stop - 7) : stop]))
        stop -= 7
    return list(reversed(out))


def _bucket_starts(first: date, days: int) -> list[date]:
    if days <= 14:
        return [first + timedelta(days=k) for k in range(days)]
    starts: list[date] = []
    stop = days
    while stop > 0:
        starts.append(first + timedelta(days=max(0, stop - 7)))
        stop -= 7
    return list(reversed(starts))


def active_plan(
    db_session: Session, principal: Principal, city: dict[str, Any] | None
) -> dict[str, Any] | None:
    """The newest active patrol plan of the map's city the caller may read, for the map."""
    if city is None or not can(principal, "plan", "read"):
        return None
    from pingan.patrol import reads as patrol

    plan = patrol.active_plan(db_session, principal, city["name"])
    if plan is None:
        return None
    detail = patrol.plan_detail(db_session, plan)
    history = detail["demand_sources"].get("history") or {}
    forecast = detail["demand_sources"].get("forecast") or {}
    simulated = bool(history.get("simulated")) or "simulated" in str(forecast.get("label", ""))
    coverage = detail["coverage"]
    return {
        "id": detail["id"],
        "name": detail["name"],
        "shift": detail["shift"],
        "groups": detail["groups"],
        "station_code": detail["station_code"],
        "coverage": [
            {"tier_s": int(float(t)), "share": f"{coverage[t]:.0%}"}
            for t in sorted(coverage, key=float)
        ],
        "visibility": None
        if detail["visibility_share"] is None
        else f"{detail['visibility_share']:.0%}",
        "simulated": simulated,
    }


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
    tiers_s = [int(t) for t in now_station["tiers_s"]]
    tier_names = [_("within %(min)s min") % {"min": round(t / 60)} for t in tiers_s]
    overall, overall_before = now_station["overall"], before["overall"]

    # reported incidents: the last `days` complete local days, against the same days a
    # calendar year earlier (同比), with the exact Poisson test
    today = end.astimezone(ZoneInfo(settings.time_zone)).date()
    last_day = today - timedelta(days=1)
    first_day = last_day - timedelta(days=days - 1)
    reported = _reported(db_session, settings, principal, first_day, last_day)
    total = reported["total"]
    year_over_year = comparison_view(total["year_over_year"])
    locale = "zh_CN" if language == "zh-CN" else "en_GB"
    from babel.dates import format_date

    def day_text(day: date, pattern: str = "MMMd") -> str:
        return str(format_date(day, pattern, locale=locale))

    kpis: list[dict[str, Any]] = [
        {
            "key": "count",
            "label": _("Reported incidents"),
            "value": str(total["count"]),
            "before": _("same period last year: %(n)s") % {"n": total["last_year"]},
            "delta": None
            if year_over_year["direction"] == "flat" and year_over_year["change"] == "–"
            else {"text": year_over_year["change"], "direction": year_over_year["direction"]},
            "verdict": year_over_year["verdict"],
        },
        {
            "key": "responded",
            "label": _("With a police response"),
            "value": str(overall["count"]),
            "before": _("same period last year: %(n)s") % {"n": overall_before["count"]},
            "delta": _delta(overall["count"], overall_before["count"]),
        },
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

    last_year = reported["periods"]["last_year"]
    this_counts = _weekly(_daily(db_session, settings, principal, first_day, last_day), days)
    last_counts = _weekly(
        _daily(db_session, settings, principal, last_year["from"], last_year["to"]), days
    )
    names = [day_text(d) for d in _bucket_starts(first_day, days)]
    trend = charts.grouped_bars(
        _("Reported incidents, this year and the same period last year"),
        names,
        [
            charts.Series(_("This year"), list(this_counts), THIS_COLOUR),
            charts.Series(_("Last year"), list(last_counts), LAST_COLOUR),
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
    responded_by_type = {g["group"]: g for g in by_type["groups"]}
    reported_by_type = {g["key"]: g for g in reported["groups"]}
    order = sorted(
        set(responded_by_type) | set(reported_by_type),
        key=lambda k: (-reported_by_type.get(k, {}).get("count", 0), k),
    )
    type_rows = []
    for key in order:
        counted = reported_by_type.get(key)
        responded = responded_by_type.get(key)
        type_rows.append(
            {
                "type": labels.type_label(key),
                "count": counted["count"] if counted else 0,
                "before": counted["last_year"] if counted else 0,
                "year_over_year": comparison_view(counted["year_over_year"]) if counted else None,
                "responded": responded["count"] if responded else 0,
                "median": duration_text(responded["median_s"] if responded else None),
                "p90": duration_text(responded["p90_s"] if responded else None),
                "within": [
                    "–"
                    if not responded or responded["share_within"].get(str(t)) is None
                    else f"{responded['share_within'][str(t)]:.0%}"
                    for t in tiers_s
                ],
            }
        )
    simulated = bool(reported["simulated"]) or bool(now_station.get("simulated_incidents"))
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
        "simulated": simulated,
        "reported_span": {
            "from": day_text(first_day, "medium"),
            "to": day_text(last_day, "medium"),
            "last_from": day_text(last_year["from"], "medium"),
            "last_to": day_text(last_year["to"], "medium"),
        },
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
    context["plan"] = active_plan(db_session, principal, context["city"])
    context["campaign"] = campaign_panel(db_session, settings, principal, language)
    return render(
        request, "dashboard.html", context, principal=principal, settings=settings, page="dashboard"
    )
