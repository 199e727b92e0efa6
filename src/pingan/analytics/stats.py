"""Incident statistics: counts by type or station against the period before (环比) and the
same period last year (同比), with the exact Poisson test's verdict
(:func:`pingan.algo.stats.compare_counts`), and incidents per local day."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import Session

from pingan.algo import stats as st
from pingan.analytics.history import counted, label, local_midnight, occurred_at
from pingan.city import service as cities
from pingan.config import Settings
from pingan.errors import InvalidInput
from pingan.incidents.models import Incident
from pingan.incidents.open311 import SERVICE_NAMES
from pingan.jurisdictions.models import Jurisdiction, Level
from pingan.principal import Principal

GROUPINGS = ("type", "station")


def _station_keys(db_session: Session) -> dict[int, tuple[str, str, str]]:
    """Jurisdiction id → (code, 中文名, English name) of the station it lies in (itself when it
    is above station level)."""
    nodes = {j.id: j for j in db_session.scalars(select(Jurisdiction))}
    out: dict[int, tuple[str, str, str]] = {}
    for node in nodes.values():
        station = node
        for part in node.path.strip("/").split("/"):
            candidate = nodes.get(int(part)) if part else None
            if candidate is not None and candidate.level is Level.station:
                station = candidate
                break
        out[node.id] = (station.code, station.name_zh, station.name_en)
    return out


def _grouped_counts(
    db_session: Session,
    visible: ColumnElement[bool],
    start: dt.datetime,
    end: dt.datetime,
    city: str | None,
) -> tuple[list[tuple[int, str, int]], int]:
    occurred = occurred_at()
    query = (
        select(Incident.jurisdiction_id, Incident.type, func.count(Incident.id))
        .join(Jurisdiction, Jurisdiction.id == Incident.jurisdiction_id)
        .where(visible, counted(), occurred >= start, occurred < end)
        .group_by(Incident.jurisdiction_id, Incident.type)
    )
    simulated_query = (
        select(func.count(Incident.id))
        .join(Jurisdiction, Jurisdiction.id == Incident.jurisdiction_id)
        .where(visible, counted(), occurred >= start, occurred < end, Incident.simulated.is_(True))
    )
    if city:
        query = query.where(Incident.city == city)
        simulated_query = simulated_query.where(Incident.city == city)
    rows = [(int(a), str(b), int(c)) for a, b, c in db_session.execute(query).all()]
    return rows, int(db_session.scalar(simulated_query) or 0)


def _comparison_json(c: st.RateComparison) -> dict[str, Any]:
    def num(v: float) -> float | None:
        return None if math.isnan(v) or math.isinf(v) else round(v, 6)

    return {
        "before": c.before,
        "after": c.after,
        "change": num(c.change),
        "rate_ratio": num(c.rate_ratio),
        "ci_low": num(c.ci_low),
        "ci_high": num(c.ci_high),
        "p_value": round(c.p_value, 6),
        "significant": c.significant,
        "verdict": c.verdict,
    }


STATS_FIRST_DAY = dt.date(1970, 1, 1)
STATS_LAST_DAY = dt.date(2100, 12, 31)
STATS_MAX_SPAN_DAYS = 3660


def check_stats_range(start: dt.date, end: dt.date) -> None:
    """Require ``1970-01-01 <= start <= end <= 2100-12-31`` and at most
    :data:`STATS_MAX_SPAN_DAYS` days from ``start`` to ``end`` (so the period before and the
    same period last year stay valid dates and a request counts a bounded number of days)."""
    if not STATS_FIRST_DAY <= start <= STATS_LAST_DAY:
        raise InvalidInput(f"from must be within {STATS_FIRST_DAY}…{STATS_LAST_DAY}", field="from")
    if not STATS_FIRST_DAY <= end <= STATS_LAST_DAY:
        raise InvalidInput(f"to must be within {STATS_FIRST_DAY}…{STATS_LAST_DAY}", field="to")
    if end < start:
        raise InvalidInput("to is before from", field="to")
    if (end - start).days > STATS_MAX_SPAN_DAYS:
        raise InvalidInput(f"from … to spans more than {STATS_MAX_SPAN_DAYS} days", field="to")


def incident_stats(
    db_session: Session,
    settings: Settings,
    principal: Principal | None,
    *,
    start: dt.date,
    end: dt.date,
    group_by: str = "type",
    city: str | None = None,
    alpha: float = 0.05,
) -> dict[str, Any]:
    """Counts of ``start`` … ``end`` (local days, inclusive) by type or station, against the
    period just before (环比) and the same period last year (同比), each with the exact
    Poisson test's verdict (:func:`pingan.algo.stats.compare_counts`; exposures in days).
    ``principal=None`` (the command line) counts every incident."""
    if group_by not in GROUPINGS:
        raise InvalidInput(f"group_by must be one of {', '.join(GROUPINGS)}", field="group_by")
    check_stats_range(start, end)
    if principal is not None:
        principal.require("analytics", "read")
        visible = principal.visible_clause("analytics", "read", Jurisdiction.path)
    else:
        visible = true()
    city_name = cities.get_city(db_session, city).name if city else None
    stop = end + dt.timedelta(days=1)
    periods = {
        "current": (start, stop),
        "previous": st.previous_period(start, stop),
        "last_year": st.same_period_last_year(start, stop),
    }
    stations = _station_keys(db_session) if group_by == "station" else {}
    counts: dict[str, dict[str, int]] = {}
    totals: dict[str, int] = {}
    names: dict[str, tuple[str, str]] = {}
    simulated = 0
    for period, (lo, hi) in periods.items():
        rows, n_sim = _grouped_counts(
            db_session,
            visible,
            local_midnight(lo, settings.time_zone),
            local_midnight(hi, settings.time_zone),
            city_name,
        )
        simulated += n_sim
        per: dict[str, int] = {}
        for jurisdiction_id, incident_type, n in rows:
            if group_by == "type":
                key = incident_type
                zh, en, _group = SERVICE_NAMES.get(key, (key, key, ""))
                names[key] = (zh, en)
            else:
                code, zh, en = stations.get(jurisdiction_id, ("?", "?", "?"))
                key = code
                names[key] = (zh, en)
            per[key] = per.get(key, 0) + n
        counts[period] = per
        totals[period] = sum(per.values())
    days = {p: float((hi - lo).days) for p, (lo, hi) in periods.items()}

    def compare(before: str, now: int, earlier: int) -> dict[str, Any]:
        return _comparison_json(
            st.compare_counts(earlier, now, days[before], days["current"], alpha=alpha)
        )

    keys = sorted(
        set().union(*(set(c) for c in counts.values())),
        key=lambda k: (-counts["current"].get(k, 0), k),
    )
    groups = [
        {
            "key": key,
            "name_zh": names[key][0],
            "name_en": names[key][1],
            "count": counts["current"].get(key, 0),
            "previous": counts["previous"].get(key, 0),
            "last_year": counts["last_year"].get(key, 0),
            "period_over_period": compare(
                "previous", counts["current"].get(key, 0), counts["previous"].get(key, 0)
            ),
            "year_over_year": compare(
                "last_year", counts["current"].get(key, 0), counts["last_year"].get(key, 0)
            ),
        }
        for key in keys
    ]
    return {
        "from": start,
        "to": end,
        "group_by": group_by,
        "city": city_name,
        "periods": {
            p: {"from": lo, "to": hi - dt.timedelta(days=1)} for p, (lo, hi) in periods.items()
        },
        "total": {
            "count": totals["current"],
            "previous": totals["previous"],
            "last_year": totals["last_year"],
            "period_over_period": compare("previous", totals["current"], totals["previous"]),
            "year_over_year": compare("last_year", totals["current"], totals["last_year"]),
        },
        "groups": groups,
        "simulated": simulated > 0,
        "label": label(simulated > 0),
    }


def daily_counts(
    db_session: Session,
    settings: Settings,
    principal: Principal | None,
    *,
    start: dt.date,
    end: dt.date,
    city: str | None = None,
) -> dict[dt.date, int]:
    """Incidents per local day of ``start`` … ``end`` (inclusive; zero days included)."""
    visible = (
        principal.visible_clause("analytics", "read", Jurisdiction.path)
        if principal is not None
        else true()
    )
    history_start = local_midnight(start, settings.time_zone)
    history_end = local_midnight(end + dt.timedelta(days=1), settings.time_zone)
    occurred = occurred_at()
    query = (
        select(occurred)
        .join(Jurisdiction, Jurisdiction.id == Incident.jurisdiction_id)
        .where(visible, counted(), occurred >= history_start, occurred < history_end)
    )
    if city:
        query = query.where(Incident.city == city.lower())
    zone = ZoneInfo(settings.time_zone)
    out = {start + dt.timedelta(days=k): 0 for k in range((end - start).days + 1)}
    for (when,) in db_session.execute(query).all():
        day = when.astimezone(zone).date()
        if day in out:
            out[day] += 1
    return out
