"""The monthly inspection round of a fire officer: which sites are due, and the order and
days to visit them within their opening hours, by the car or e-bike network.

This service selects the sites and builds the instance; the model and its solution are
the pure core :func:`pingan.algo.rounds.plan_round` (a VRPTW on OR-Tools). Due sites are
those of the inspector's stations whose check (防火检查) falls due by the month's end, and
every site holding an open or overdue hazard; priorities: 2 for an overdue hazard, 1 for
an open one, 0 otherwise (higher priorities come on earlier days).

The inspector works 09:00-18:00 on weekdays and 18:00-02:00 on Thursdays and Fridays, so
that venues open only at night can be visited. Opening hours ``HH:MM-HH:MM`` may pass
midnight; ``24h`` is open all day; a site with none is taken as open 09:00-18:00.
"""

from __future__ import annotations

import calendar
import json
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from shapely.geometry import shape
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from pingan.algo import routing
from pingan.algo.rounds import (
    DAY_S,
    ROUND_MODES,
    RoundPlan,
    month_shifts,
    plan_round,
    round_time_matrix,
)
from pingan.city import service as cities
from pingan.city.models import City
from pingan.config import Settings
from pingan.errors import InvalidInput, NotFound
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction
from pingan.ledgers import checklists
from pingan.ledgers.hazards import is_overdue
from pingan.ledgers.models import Hazard, HazardStatus, Inspection, InspectionKind, Site
from pingan.policy import Role
from pingan.principal import Principal

#: Time on site, seconds.
SERVICE_S = 30 * 60
DAY_SHIFT_S = (9 * 3600.0, 18 * 3600.0)
EVENING_SHIFT_S = (18 * 3600.0, 26 * 3600.0)
EVENING_WEEKDAYS = (3, 4)
#: Most sites one round plans.
MAX_SITES = 400


def opening_windows(hours: str) -> list[list[tuple[float, float]]]:
    """Per weekday (0 = Monday) the windows of ``HH:MM-HH:MM`` / ``24h`` / empty."""
    text = hours.strip()
    if text == "24h":
        window = (0.0, float(DAY_S))
    elif not text:
        window = DAY_SHIFT_S
    else:
        start, _, end = text.partition("-")
        open_s = int(start[:2]) * 3600 + int(start[3:5]) * 60
        close_s = int(end[:2]) * 3600 + int(end[3:5]) * 60
        if close_s <= open_s:
            close_s += DAY_S
        window = (float(open_s), float(close_s))
    return [[window] for _ in range(7)]


def parse_month(text: str) -> date:
    try:
        first = datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise InvalidInput(f"{text!r} is not a month (YYYY-MM)", field="month") from None
    if not 2000 <= first.year <= 2100:
        raise InvalidInput("the month must lie between 2000 and 2100", field="month")
    return first


def inspector_stations(
    db_session: Session, principal: Principal, inspector: Principal
) -> list[Jurisdiction]:
    """The stations where ``inspector`` is a fire officer that the caller may read (404 else)."""
    paths = [g for g in inspector.grants if g.role is Role.fire_officer]
    visible = [g for g in paths if principal.can("ledger", "read", g.jurisdiction_path)]
    if not visible:
        raise NotFound(f"no inspector {inspector.username!r}")
    return [jurisdictions.get(db_session, g.jurisdiction_id) for g in visible]


def due_sites(
    db_session: Session,
    settings: Settings,
    stations: list[Jurisdiction],
    first: date,
    now: datetime,
) -> list[dict[str, Any]]:
    """The sites due in the month, with their priority and due day; hazards first."""
    last_day = date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])
    clause = [Jurisdiction.path.startswith(n.path, autoescape=True) for n in stations]
    rows = db_session.execute(
        select(Site)
        .join(Jurisdiction, Jurisdiction.id == Site.jurisdiction_id)
        .where(or_(*clause), Site.lat.is_not(None))
        .order_by(Site.code)
    ).scalars()
    sites = list(rows)
    ids = [s.id for s in sites]
    last = dict(
        db_session.execute(
            select(Inspection.site_id, func.max(Inspection.at))
            .where(Inspection.kind != InspectionKind.patrol, Inspection.site_id.in_(ids))
            .group_by(Inspection.site_id)
        ).all()
    )
    priority: dict[int, int] = {}
    for hazard in db_session.scalars(
        select(Hazard).where(Hazard.site_id.in_(ids), Hazard.status != HazardStatus.closed)
    ):
        level = 2 if is_overdue(hazard, now) else 1
        priority[hazard.site_id] = max(priority.get(hazard.site_id, 0), level)
    zone = ZoneInfo(settings.time_zone)
    due: list[dict[str, Any]] = []
    for site in sites:
        every = checklists.frequencies(settings, site.category, site.key_unit)
        previous = last.get(site.id)
        due_on = (
            previous.astimezone(zone).date() + timedelta(days=every.check_days)
            if previous
            else first
        )
        if due_on > last_day and site.id not in priority:
            continue
        due.append(
            {
                "site": site,
                "priority": priority.get(site.id, 0),
                "due_day": (min(due_on, last_day) - first).days,
            }
        )
    due.sort(key=lambda d: (-d["priority"], d["due_day"], d["site"].code))
    return due[:MAX_SITES]


def _depot(stations: list[Jurisdiction], sites: list[Site]) -> tuple[float, float]:
    """The first station's area centre, else the sites' mean point."""
    for node in stations:
        if node.boundary:
            centre = shape(json.loads(node.boundary)).centroid
            return float(centre.y), float(centre.x)
    return float(np.mean([s.lat for s in sites])), float(np.mean([s.lon for s in sites]))


def _city(db_session: Session, stations: list[Jurisdiction], point: tuple[float, float]) -> City:
    for city in cities.list_cities(db_session):
        if city.min_lat <= point[0] <= city.max_lat and city.min_lon <= point[1] <= city.max_lon:
            return city
    raise NotFound(f"no city map covers {stations[0].code}")


def plan_month(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    *,
    inspector: Principal,
    month: str,
    mode: str = "car",
    now: datetime,
    time_limit_s: float = 5.0,
) -> dict[str, Any]:
    """The round of ``inspector`` for ``month`` (``YYYY-MM``), as the API answers it."""
    principal.require("ledger", "read")
    if mode not in ROUND_MODES:
        raise InvalidInput("mode is car or ebike", field="mode")
    first = parse_month(month)
    stations = inspector_stations(db_session, principal, inspector)
    due = due_sites(db_session, settings, stations, first, now)
    zone = ZoneInfo(settings.time_zone)
    start = datetime(first.year, first.month, 1, tzinfo=zone)
    answer: dict[str, Any] = {
        "inspector": inspector.username,
        "month": first.strftime("%Y-%m"),
        "mode": mode,
        "due": len(due),
        "days": [],
        "unplaced": [],
        "travel_s": 0,
    }
    if not due:
        return answer
    sites = [d["site"] for d in due]
    depot = _depot(stations, sites)
    city = _city(db_session, stations, depot)
    graph = cities.load_graph(settings, city, mode)
    lat = np.array([depot[0], *[s.lat for s in sites]])
    lon = np.array([depot[1], *[s.lon for s in sites]])
    nodes = routing.snap(graph, lat, lon).node
    n_days = calendar.monthrange(first.year, first.month)[1]
    shifts = month_shifts(
        n_days,
        first.weekday(),
        day_window_s=DAY_SHIFT_S,
        evening_window_s=EVENING_SHIFT_S,
        evening_weekdays=EVENING_WEEKDAYS,
    )
    plan = plan_round(
        round_time_matrix(graph, nodes),
        SERVICE_S,
        [opening_windows(s.opening_hours) for s in sites],
        shifts,
        first_weekday=first.weekday(),
        priority=[d["priority"] for d in due],
        due_day=[d["due_day"] for d in due],
        solver_time_limit_s=time_limit_s,
    )
    return answer | _plan_json(plan, due, start, depot)


def _site_json(entry: dict[str, Any]) -> dict[str, Any]:
    site: Site = entry["site"]
    return {
        "site_id": site.id,
        "code": site.code,
        "name": site.name,
        "category": site.category,
        "lat": site.lat,
        "lon": site.lon,
        "opening_hours": site.opening_hours,
        "priority": entry["priority"],
    }


def _plan_json(
    plan: RoundPlan, due: list[dict[str, Any]], start: datetime, depot: tuple[float, float]
) -> dict[str, Any]:
    def at(seconds: int) -> str:
        return (start + timedelta(seconds=seconds)).isoformat()

    days = [
        {
            "date": (start + timedelta(days=route.day)).date().isoformat(),
            "leave_at": at(route.leave_s),
            "return_at": at(route.return_s),
            "travel_s": route.travel_s,
            "visits": [
                _site_json(due[v.site])
                | {"arrive_at": at(v.arrival_s), "start_at": at(v.start_s),
                   "end_at": at(v.end_s), "in_window": v.in_window}
                for v in route.visits
            ],
        }
        for route in plan.days
        if route.visits
    ]  # fmt: skip
    return {
        "method": plan.method,
        "status": plan.status,
        "travel_s": plan.travel_s,
        "visited": plan.visited,
        "violations": plan.violations,
        "depot": {"lat": depot[0], "lon": depot[1]},
        "days": days,
        "unplaced": [
            _site_json(due[u.site]) | {"reason": u.reason, "detail": u.detail}
            for u in plan.unplaced
        ],
    }
