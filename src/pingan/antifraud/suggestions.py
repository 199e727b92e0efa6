"""Next week's stall sites: the ``k`` places that best cover where fraud victims are and
where this month's outreach has not reached (:func:`pingan.algo.outreach.suggest_sites`,
on the maximal covering model patrol planning uses).

Demand, over the last :data:`DEMAND_DAYS` days of the station's subtree:

- each placed fraud incident (type ``fraud``, not a draft, not rejected nor a duplicate)
  weighs 1 at its point;
- each red or orange warning tied to a placed incident (lifted from a report, or filed as
  "already lost") weighs :data:`WARNING_WEIGHT` more at that point: someone there is being
  targeted now.

Demand within the walk of this month's stalls counts 0. Candidate sites are the city's
public places of :data:`SITE_KINDS` inside the station's boundary and one street node per
:data:`STREET_CELL_M` square of it (named by the nearest street and place).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from pingan.algo import outreach as outreach_algo
from pingan.algo.routing import snap
from pingan.antifraud import reach
from pingan.antifraud.models import FraudWarning, Tier
from pingan.city import service as cities
from pingan.config import Settings
from pingan.db import utcnow
from pingan.errors import InvalidInput
from pingan.incidents.models import Incident
from pingan.jurisdictions.models import Jurisdiction
from pingan.principal import Principal

#: How far back fraud incidents and warnings count as demand.
DEMAND_DAYS = 365
#: Extra weight of a red or orange warning at its incident's point.
WARNING_WEIGHT = 0.5
#: Public places where a stall or talk can stand, and the ledger's venue for each.
SITE_KINDS: dict[str, str] = {
    "marketplace": "night_market",
    "mall": "square",
    "school": "school",
    "cinema": "square",
    "hospital": "community",
    "bank": "other",
}
#: One candidate street node per square of this side (metres) of the station's area.
STREET_CELL_M = 200.0
#: Most sites one request may ask for.
MAX_K = 20
#: Budget of the coverage solver per request (seconds).
SOLVE_LIMIT_S = 10.0
EXCLUDED_STATUSES = ("rejected", "duplicate")


@dataclass(frozen=True)
class _Demand:
    lat: npt.NDArray[np.float64]
    lon: npt.NDArray[np.float64]
    weight: npt.NDArray[np.float64]
    #: Per point: 1 for an incident, 0 for a warning's extra weight.
    is_incident: npt.NDArray[np.bool_]


@dataclass(frozen=True)
class _Site:
    node: int
    lat: float
    lon: float
    name: str
    kind: str
    source: str  # "place" or "street"
    venue: str


def _demand(db_session: Session, node: Jurisdiction, city: str) -> _Demand:
    since = utcnow() - timedelta(days=DEMAND_DAYS)
    placed = (
        Incident.city == city,
        Incident.lat.is_not(None),
        Incident.lon.is_not(None),
        Incident.is_draft.is_(False),
        Incident.status.not_in(EXCLUDED_STATUSES),
    )
    incidents = db_session.execute(
        select(Incident.lat, Incident.lon)
        .join(Jurisdiction, Jurisdiction.id == Incident.jurisdiction_id)
        .where(
            *placed,
            Incident.type == "fraud",
            Incident.received_at >= since,
            Jurisdiction.path.startswith(node.path, autoescape=True),
        )
    ).all()
    warned = db_session.execute(
        select(Incident.lat, Incident.lon)
        .join(
            FraudWarning,
            or_(
                FraudWarning.source_incident_id == Incident.id,
                FraudWarning.incident_id == Incident.id,
            ),
        )
        .join(Jurisdiction, Jurisdiction.id == FraudWarning.jurisdiction_id)
        .where(
            *placed,
            FraudWarning.tier.in_([Tier.red, Tier.orange]),
            FraudWarning.created_at >= since,
            Jurisdiction.path.startswith(node.path, autoescape=True),
        )
    ).all()
    rows = [(la, lo, 1.0, True) for la, lo in incidents]
    rows += [(la, lo, WARNING_WEIGHT, False) for la, lo in warned]
    return _Demand(
        np.array([r[0] for r in rows], dtype=np.float64),
        np.array([r[1] for r in rows], dtype=np.float64),
        np.array([r[2] for r in rows], dtype=np.float64),
        np.array([r[3] for r in rows], dtype=bool),
    )


def _place_sites(db_session: Session, ground: reach.StationGround) -> list[_Site]:
    places = cities.places(db_session, ground.city, list(SITE_KINDS))
    if not places:
        return []
    lat = np.array([p.lat for p in places])
    lon = np.array([p.lon for p in places])
    snapped = snap(ground.graph, lat, lon)
    sites = []
    for i, place in enumerate(places):
        node = int(snapped.node[i])
        if snapped.distance_m[i] > reach.MAX_SNAP_M or not ground.area[node]:
            continue
        name = place.name_zh or place.name or place.name_en or place.kind
        sites.append(
            _Site(node, place.lat, place.lon, name, place.kind, "place", SITE_KINDS[place.kind])
        )
    return sites


def _street_sites(ground: reach.StationGround, walk_s: float, speed_ms: float) -> list[_Site]:
    """One street node per square cell of the area: the node nearest the cell's centre.

    Cells are :data:`STREET_CELL_M` wide, or half the walk where that is shorter, so that
    every street lies within reach of some candidate. Names come later (chosen sites only).
    """
    graph = ground.graph
    side = min(STREET_CELL_M, max(walk_s * speed_ms / 2, 20.0))
    nodes = np.flatnonzero(ground.area)
    col, row = np.floor(graph.x[nodes] / side), np.floor(graph.y[nodes] / side)
    off = np.hypot(graph.x[nodes] - (col + 0.5) * side, graph.y[nodes] - (row + 0.5) * side)
    order = np.lexsort((off, row, col))
    keys = np.column_stack([col[order], row[order]])
    first = np.concatenate([[True], np.any(keys[1:] != keys[:-1], axis=1)])
    return [
        _Site(int(n), float(graph.lat[n]), float(graph.lon[n]), "", "street", "street", "other")
        for n in nodes[order[first]].tolist()
    ]


def _named(settings: Settings, ground: reach.StationGround, site: _Site) -> _Site:
    if site.name:
        return site
    name = cities.get_gazetteer(settings, ground.city).reverse(site.lat, site.lon, "zh")
    return replace(site, name=name or f"{site.lat:.5f}, {site.lon:.5f}")


def _nearest_stall_m(ground: reach.StationGround, stalls: npt.NDArray[np.int64], node: int) -> Any:
    if stalls.size == 0:
        return None
    graph = ground.graph
    return round(
        float(np.hypot(graph.x[stalls] - graph.x[node], graph.y[stalls] - graph.y[node]).min()), 1
    )


def _site_json(
    rank: int,
    site: _Site,
    covered: float,
    incidents: int,
    warnings: int,
    nearest_m: float | None,
    walk_s: float,
) -> dict[str, Any]:
    minutes = round(walk_s / 60)
    return {
        "rank": rank,
        "lat": round(site.lat, 6),
        "lon": round(site.lon, 6),
        "name": site.name,
        "kind": site.kind,
        "source": site.source,
        "venue": site.venue,
        "demand_covered": round(covered, 3),
        "incidents": incidents,
        "warnings": warnings,
        "nearest_stall_m": nearest_m,
        "why": {
            "zh": f"步行{minutes}分钟内有{incidents}起诈骗案、{warnings}条预警，"
            "本月的宣传摊点尚未覆盖",
            "en": f"{incidents} fraud incidents and {warnings} warnings within a {minutes}-minute "
            "walk that this month's stalls have not reached",
        },
    }


def suggest_sites(
    db_session: Session,
    settings: Settings,
    principal: Principal | None,
    *,
    jurisdiction_code: str | None = None,
    k: int = 5,
    walk_s: float | None = None,
) -> dict[str, Any]:
    """Up to ``k`` sites for next week's stalls, best first, each with its point, name, the
    demand it covers and why (module docstring)."""
    node = reach.station_for(db_session, principal, jurisdiction_code)
    if not 1 <= k <= MAX_K:
        raise InvalidInput(f"k must be between 1 and {MAX_K}", field="k")
    walk = reach.checked_walk(settings, walk_s)
    label, start, end = reach.month_window(settings, None)
    ground = reach.station_ground(db_session, settings, node)
    graph = ground.graph
    stalls = reach.stall_nodes(graph, reach.placed_events(db_session, node, start, end))
    stall_times = outreach_algo.walk_times(graph, stalls, walk)
    demand = _demand(db_session, node, ground.city.name)
    speed_ms = reach.walk_speed_ms(settings)
    sites = _place_sites(db_session, ground) + _street_sites(ground, walk, speed_ms)
    if demand.weight.size:
        snapped = snap(graph, demand.lat, demand.lon)
        near = snapped.distance_m <= reach.MAX_SNAP_M
        demand_nodes = snapped.node[near]
        weight, is_incident = demand.weight[near], demand.is_incident[near]
    else:
        demand_nodes = np.zeros(0, dtype=np.int64)
        weight, is_incident = demand.weight, demand.is_incident
    chosen = outreach_algo.suggest_sites(
        graph,
        demand_nodes,
        weight,
        np.array([s.node for s in sites], dtype=np.int64),
        stall_times,
        k,
        walk,
        time_limit_s=SOLVE_LIMIT_S,
    )
    suggestions = []
    for rank, (j, covered, points) in enumerate(
        zip(chosen.sites, chosen.covered_weight, chosen.covered_demand, strict=True), start=1
    ):
        incidents = int(is_incident[points].sum())
        site = _named(settings, ground, sites[j])
        nearest = _nearest_stall_m(ground, stalls, site.node)
        warnings = int(points.size - incidents)
        suggestions.append(_site_json(rank, site, covered, incidents, warnings, nearest, walk))
    return {
        "jurisdiction_code": node.code,
        "city": ground.city.name,
        "month": label,
        "walk_s": walk,
        "k": k,
        "stalls": int(stalls.size),
        "candidates": len(sites),
        "demand_total": round(chosen.total_weight, 3),
        "demand_reached": round(chosen.total_weight - chosen.open_weight, 3),
        "demand_open": round(chosen.open_weight, 3),
        "suggestions": suggestions,
    }
