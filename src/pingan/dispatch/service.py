"""Rapid response use cases: recommend by tier, dispatch, arrival, clearing, figures, reach.

Travel times are road times on each unit's own travel-mode network: one reverse
search from the incident per mode (``routing.times_to``) gives every unit's time
at once. The legs off the network (unit to its nearest node, incident's nearest
node to the incident) are walked at :data:`ACCESS_SPEED_MS`.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import shapely
from shapely.geometry import mapping, shape
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from pingan.algo import isochrones, routing, tiers
from pingan.audit import service as audit
from pingan.city import service as cities
from pingan.config import Settings
from pingan.db import utcnow
from pingan.dispatch.models import Assignment, AssignmentStatus
from pingan.errors import Conflict, InvalidInput, NotFound
from pingan.incidents import lifecycle, reads
from pingan.incidents.models import Incident, Status
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction
from pingan.principal import Principal
from pingan.units import service as units
from pingan.units.models import Unit, UnitStatus

#: Walking pace for the short legs between a point and its nearest network node (m/s).
ACCESS_SPEED_MS = 1.4
#: Units further than this by road are listed as out of reach (s); used by the demo's
#: simulated history. Recommendations search to :func:`search_limit_s` instead.
SEARCH_LIMIT_S = 1800.0


def search_limit_s(settings: Settings) -> float:
    """How far (s) a recommendation searches: twice the last tier (600 s for 1-3-5).

    Units beyond it are still listed, as out of reach (no time). Halving the search
    from 1800 s halves a recommendation's cost on a city-sized network.
    """
    return 2.0 * float(max(settings.tiers_s))


#: Who makes each tier count as met: tier 1 by posts and volunteers already on the spot,
#: tiers 2 and 3 by anyone (the 1-3-5 promise).
TIER_KINDS: tuple[frozenset[str] | None, ...] = (
    frozenset({"key_unit_post", "volunteer_team", "foot_patrol", "ebike_patrol"}),
    None,
    None,
)
KEY_VENUE_KINDS = ("bar", "pub", "nightclub", "karaoke", "marketplace", "internet_cafe")


def _incident_point(incident: Incident) -> tuple[str, float, float]:
    if incident.lat is None or incident.lon is None or not incident.city:
        raise Conflict(
            "the incident has no location on a city map yet; locate it first", field="location"
        )
    return incident.city, incident.lat, incident.lon


def travel_times(
    db_session: Session,
    settings: Settings,
    city_name: str,
    lat: float,
    lon: float,
    modes: Sequence[str],
    unit_lat: Sequence[float | None],
    unit_lon: Sequence[float | None],
) -> np.ndarray:
    """Road travel time (s) from each unit's position to the point on its mode's network.

    One reverse search from the point per mode present; units without a position get
    ``inf``.
    """
    city = cities.get_city(db_session, city_name)
    result = np.full(len(modes), np.inf)
    by_mode: dict[str, list[int]] = {}
    for index, mode in enumerate(modes):
        if unit_lat[index] is not None and unit_lon[index] is not None:
            by_mode.setdefault(mode, []).append(index)
    for mode, indices in by_mode.items():
        graph = cities.load_graph(settings, city, mode)
        target = routing.snap(graph, [lat], [lon])
        times = routing.times_to(graph, int(target.node[0]), cutoff_s=search_limit_s(settings))
        snapped = routing.snap(
            graph,
            np.array([unit_lat[i] for i in indices], dtype=np.float64),
            np.array([unit_lon[i] for i in indices], dtype=np.float64),
        )
        access = (snapped.distance_m + float(target.distance_m[0])) / ACCESS_SPEED_MS
        result[indices] = times[snapped.node] + access
    return result


def unit_travel_times(
    db_session: Session,
    settings: Settings,
    city_name: str,
    lat: float,
    lon: float,
    rows: Sequence[units.UnitRow],
) -> np.ndarray:
    """Road travel time (s) of each unit to the point, on its own mode's network."""
    return travel_times(
        db_session,
        settings,
        city_name,
        lat,
        lon,
        [r.unit.mode.value for r in rows],
        [r.unit.lat for r in rows],
        [r.unit.lon for r in rows],
    )


# ---------------------------------------------------------------- who may send which unit


def unit_reach(
    db_session: Session,
    principal: Principal,
    action: str,
    unit_station_path: str,
    incident_path: str,
) -> str | None:
    """May the caller send (``write``) or see recommended (``read``) a unit to an incident?

    ``"own"`` when one of the caller's ``dispatch`` grants holds the unit's home station;
    ``"mutual_aid"`` when a grant holds the incident and the jurisdiction tree grants that
    grant's role mutual aid between its station and the unit's
    (:func:`pingan.jurisdictions.service.mutual_aid_granted`: by default, the dispatchers
    of one sub-bureau's stations); ``None`` otherwise: the unit stays hidden, as on its reads.
    """
    if principal.can("dispatch", action, unit_station_path):
        return "own"
    for grant, _scope in principal.matching_grants("dispatch", action):
        if incident_path.startswith(grant.jurisdiction_path) and jurisdictions.mutual_aid_granted(
            db_session, grant.role.value, grant.jurisdiction_path, unit_station_path
        ):
            return "mutual_aid"
    return None


def is_mutual_aid(unit_station_path: str, incident_path: str) -> bool:
    """A unit helps another station when its home station does not hold the incident."""
    return not incident_path.startswith(unit_station_path)


def recommend(
    db_session: Session, settings: Settings, principal: Principal, incident_id: int
) -> dict[str, Any]:
    """The units the caller may send, of the incident's city, ranked by road time and grouped
    into the tiers. Units of another station (mutual aid) say so (``mutual_aid``); units
    outside the caller's stations and mutual-aid grants are not listed."""
    principal.require("dispatch", "read")
    incident = reads.load_incident(db_session, principal, incident_id, "read")
    city_name, lat, lon = _incident_point(incident)
    incident_path = jurisdictions.get_ref(db_session, incident.jurisdiction_id).path
    every = units.unit_briefs(db_session, city_name)
    reach = {
        path: unit_reach(db_session, principal, "read", path, incident_path)
        for path in {b.station_path for b in every}
    }
    briefs = [b for b in every if reach[b.station_path] is not None]
    now = utcnow()
    ages = [
        (now - b.last_seen_at).total_seconds()
        if b.last_seen_at is not None and b.lat is not None
        else math.nan
        for b in briefs
    ]
    eligible, reasons = tiers.unit_eligibility(
        [b.status for b in briefs], ages, settings.position_stale_s
    )
    times = travel_times(
        db_session,
        settings,
        city_name,
        lat,
        lon,
        [b.mode for b in briefs],
        [b.lat for b in briefs],
        [b.lon for b in briefs],
    )
    ranking = tiers.rank_units(
        times,
        [b.id for b in briefs],
        [b.kind for b in briefs],
        tiers_s=settings.tiers_s,
        eligible=eligible,
        reasons=reasons,
        tier_kinds=TIER_KINDS if len(settings.tiers_s) == 3 else None,
    )
    by_id: dict[Hashable, units.UnitBrief] = {b.id: b for b in briefs}

    def finite(value: float) -> float | None:
        return round(float(value), 1) if math.isfinite(value) else None

    return {
        "incident_id": incident.id,
        "tiers_s": list(ranking.tiers_s),
        "units": [
            {
                "unit_id": u.unit_id,
                "callsign": by_id[u.unit_id].callsign,
                "kind": u.kind,
                "mode": by_id[u.unit_id].mode,
                "station_code": by_id[u.unit_id].station_code,
                "mutual_aid": is_mutual_aid(by_id[u.unit_id].station_path, incident_path),
                "travel_time_s": finite(u.travel_time_s),
                "tier": u.tier,
                "rank": u.rank,
            }
            for u in ranking.ranked
        ],
        "by_tier": {
            str(int(t)): [u.unit_id for u in group]
            for t, group in zip(ranking.tiers_s, ranking.by_tier, strict=False)
        },
        "met": {str(int(t)): met for t, met in zip(ranking.tiers_s, ranking.met, strict=True)},
        "ineligible": [
            {
                "unit_id": u.unit_id,
                "callsign": by_id[u.unit_id].callsign,
                "station_code": by_id[u.unit_id].station_code,
                "mutual_aid": is_mutual_aid(by_id[u.unit_id].station_path, incident_path),
                "reason": u.reason,
                "travel_time_s": finite(u.travel_time_s),
            }
            for u in ranking.ineligible
        ],
    }


def _assignment_json(assignment: Assignment, callsign: str) -> dict[str, Any]:
    return {
        "id": assignment.id,
        "incident_id": assignment.incident_id,
        "unit_id": assignment.unit_id,
        "callsign": callsign,
        "mutual_aid": assignment.mutual_aid,
        "status": assignment.status,
        "assigned_at": assignment.assigned_at,
        "arrived_at": assignment.arrived_at,
        "cleared_at": assignment.cleared_at,
        "predicted_travel_s": assignment.predicted_travel_s,
        "predicted_tier": assignment.predicted_tier,
        "response_s": assignment.response_s,
    }


def dispatch(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    incident_id: int,
    unit_ids: list[int],
) -> list[dict[str, Any]]:
    """Send units to an incident: the units go en route, the incident becomes dispatched.

    Each unit must be the caller's own or one the jurisdiction tree lets the caller borrow
    (:func:`unit_reach`); any other unit is "no such unit" (404), as on its reads. A unit
    of another station is recorded as mutual aid and audited in its home station too.
    """
    principal.require("dispatch", "write")
    incident = reads.load_incident(db_session, principal, incident_id, "write")
    city_name, lat, lon = _incident_point(incident)
    incident_path = jurisdictions.get_ref(db_session, incident.jurisdiction_id).path
    if len(set(unit_ids)) != len(unit_ids):
        raise InvalidInput("a unit is listed twice", field="body.unit_ids")
    in_city = {r.unit.id: r for r in units.units_in_city(db_session, city_name)}
    rows = []
    for index, unit_id in enumerate(unit_ids):
        field = f"body.unit_ids.{index}"
        row = in_city.get(unit_id)
        if row is None:
            try:
                units.get_unit(db_session, principal, unit_id)
            except NotFound:
                raise NotFound("no such unit", field=field) from None
            raise InvalidInput(f"unit {unit_id} does not serve {city_name}", field=field)
        if unit_reach(db_session, principal, "write", row.station_path, incident_path) is None:
            raise NotFound("no such unit", field=field)
        if row.unit.status is not UnitStatus.available:
            raise Conflict(f"unit {row.unit.callsign} is {row.unit.status.value}", field=field)
        rows.append(row)
    if incident.status is Status.received:
        lifecycle.transition(
            db_session, principal, incident.id, Status.confirmed, "confirmed at dispatch"
        )
    if incident.status is Status.confirmed:
        lifecycle.transition(
            db_session,
            principal,
            incident.id,
            Status.dispatched,
            "dispatched "
            + ", ".join(
                r.unit.callsign
                + (
                    f" (mutual aid, {r.station_code})"
                    if is_mutual_aid(r.station_path, incident_path)
                    else ""
                )
                for r in rows
            ),
        )
    elif incident.status not in (Status.dispatched, Status.on_scene):
        raise Conflict(
            f"an incident that is {incident.status.value} cannot take units", field="status"
        )
    times = unit_travel_times(db_session, settings, city_name, lat, lon, rows)
    now = utcnow()
    made = []
    for row, time_s in zip(rows, times, strict=True):
        units.move_status(row.unit, UnitStatus.en_route)
        mutual_aid = is_mutual_aid(row.station_path, incident_path)
        assignment = Assignment(
            incident_id=incident.id,
            unit_id=row.unit.id,
            jurisdiction_id=incident.jurisdiction_id,
            mutual_aid=mutual_aid,
            status=AssignmentStatus.en_route,
            assigned_at=now,
            en_route_at=now,
            predicted_travel_s=float(time_s) if math.isfinite(time_s) else None,
            predicted_tier=tiers.tier_of(float(time_s), settings.tiers_s),
            updated_at=now,
        )
        db_session.add(assignment)
        db_session.flush()
        audit.record(
            db_session,
            action="dispatch.assign",
            object_type="assignment",
            object_id=assignment.id,
            principal=principal,
            jurisdiction_id=incident.jurisdiction_id,
        )
        if mutual_aid:  # the helping station's auditor sees it too
            audit.record(
                db_session,
                action="dispatch.mutual_aid",
                object_type="assignment",
                object_id=assignment.id,
                principal=principal,
                jurisdiction_id=row.unit.jurisdiction_id,
            )
        made.append(_assignment_json(assignment, row.unit.callsign))
    return made


def _load_assignment(
    db_session: Session, principal: Principal, assignment_id: int
) -> tuple[Assignment, Unit]:
    principal.require("dispatch", "write")
    row = db_session.execute(
        select(Assignment, Unit, Jurisdiction.path)
        .join(Unit, Unit.id == Assignment.unit_id)
        .join(Jurisdiction, Jurisdiction.id == Assignment.jurisdiction_id)
        .where(Assignment.id == assignment_id)
    ).first()
    if row is None:
        raise NotFound("no such assignment")
    principal.check("dispatch", "write", row[2])
    return row[0], row[1]


def arrived(db_session: Session, principal: Principal, assignment_id: int) -> dict[str, Any]:
    assignment, unit = _load_assignment(db_session, principal, assignment_id)
    if assignment.status is not AssignmentStatus.en_route:
        raise Conflict(f"the assignment is {assignment.status.value}, not en route", field="status")
    incident = reads.load_incident(db_session, principal, assignment.incident_id, "write")
    now = utcnow()
    assignment.status = AssignmentStatus.on_scene
    assignment.arrived_at = now
    assignment.response_s = round((now - incident.received_at).total_seconds(), 3)
    assignment.updated_at = now
    units.move_status(unit, UnitStatus.on_scene)
    if incident.status is Status.dispatched:
        lifecycle.transition(
            db_session, principal, incident.id, Status.on_scene, f"{unit.callsign} arrived"
        )
    db_session.flush()
    audit.record(
        db_session,
        action="dispatch.arrived",
        object_type="assignment",
        object_id=assignment.id,
        principal=principal,
        jurisdiction_id=assignment.jurisdiction_id,
    )
    return _assignment_json(assignment, unit.callsign)


def cleared(db_session: Session, principal: Principal, assignment_id: int) -> dict[str, Any]:
    """The unit leaves the scene and is available again; the last one out resolves the incident."""
    assignment, unit = _load_assignment(db_session, principal, assignment_id)
    if assignment.status not in (AssignmentStatus.en_route, AssignmentStatus.on_scene):
        raise Conflict(f"the assignment is already {assignment.status.value}", field="status")
    now = utcnow()
    assignment.status = (
        AssignmentStatus.cleared if assignment.arrived_at else AssignmentStatus.cancelled
    )
    assignment.cleared_at = now
    assignment.updated_at = now
    units.move_status(unit, UnitStatus.available)
    db_session.flush()
    active = db_session.scalar(
        select(Assignment.id).where(
            Assignment.incident_id == assignment.incident_id,
            Assignment.status.in_([AssignmentStatus.en_route, AssignmentStatus.on_scene]),
        )
    )
    incident = reads.load_incident(db_session, principal, assignment.incident_id, "write")
    if active is None and incident.status is Status.on_scene:
        lifecycle.transition(
            db_session, principal, incident.id, Status.resolved, f"cleared by {unit.callsign}"
        )
    audit.record(
        db_session,
        action="dispatch.cleared",
        object_type="assignment",
        object_id=assignment.id,
        principal=principal,
        jurisdiction_id=assignment.jurisdiction_id,
    )
    return _assignment_json(assignment, unit.callsign)


def assignments_of(
    db_session: Session, principal: Principal, incident_id: int
) -> list[dict[str, Any]]:
    principal.require("dispatch", "read")
    reads.load_incident(db_session, principal, incident_id, "read")
    rows = db_session.execute(
        select(Assignment, Unit.callsign)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(Assignment.incident_id == incident_id)
        .order_by(Assignment.id)
    ).all()
    return [_assignment_json(a, callsign) for a, callsign in rows]


def mutual_aid_of_units(
    db_session: Session, principal: Principal, unit_ids: Sequence[int] | None = None
) -> list[dict[str, Any]]:
    """Active mutual-aid assignments of the units the caller may read (their home station's
    view: which of its units help where), oldest first; only ``unit_ids`` when given.

    The helping station sees where its unit goes (the incident's type, point and station),
    not the incident's record, which stays its own station's.
    """
    principal.require("unit", "read")
    home = aliased(Jurisdiction)
    asking = aliased(Jurisdiction)
    query = (
        select(Assignment, Unit.callsign, Incident.type, Incident.lat, Incident.lon, asking.code)
        .join(Unit, Unit.id == Assignment.unit_id)
        .join(home, home.id == Unit.jurisdiction_id)
        .join(Incident, Incident.id == Assignment.incident_id)
        .join(asking, asking.id == Assignment.jurisdiction_id)
        .where(
            Assignment.mutual_aid.is_(True),
            Assignment.status.in_([AssignmentStatus.en_route, AssignmentStatus.on_scene]),
            principal.visible_clause("unit", "read", home.path),
        )
        .order_by(Assignment.id)
    )
    if unit_ids is not None:
        query = query.where(Assignment.unit_id.in_(list(unit_ids)))
    return [
        {
            "assignment_id": a.id,
            "unit_id": a.unit_id,
            "callsign": callsign,
            "status": a.status,
            "assigned_at": a.assigned_at,
            "incident_id": a.incident_id,
            "incident_type": kind,
            "incident_station_code": station,
            "lat": lat,
            "lon": lon,
        }
        for a, callsign, kind, lat, lon, station in db_session.execute(query).all()
    ]


# ---------------------------------------------------------------- figures


def _shift_of(at: datetime, zone: ZoneInfo) -> str:
    """Day shift 08:00–20:00, night shift 20:00–08:00, in the district's time zone."""
    hour = at.astimezone(zone).hour
    return "day" if 8 <= hour < 20 else "night"


def figures(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    *,
    group_by: str = "station",
    start: datetime | None = None,
    end: datetime | None = None,
) -> dict[str, Any]:
    """Response-time figures per incident (first arrival − received), CAD style.

    Share within each tier, median and 90th percentile (nearest rank), overall and per
    station, shift or incident type. Incidents dispatched but not yet reached count
    as missing. ``simulated_incidents`` says how many of the incidents counted are
    simulated (the demo's history), so a page can say so.
    """
    principal.require("dispatch", "read")
    if group_by not in ("station", "shift", "type"):
        raise InvalidInput("group_by is station, shift or type", field="group_by")
    query = (
        select(
            Incident.id,
            Incident.type,
            Incident.received_at,
            Jurisdiction.code,
            Assignment.arrived_at,
            Incident.simulated,
        )
        .join(Assignment, Assignment.incident_id == Incident.id)
        .join(Jurisdiction, Jurisdiction.id == Incident.jurisdiction_id)
        .where(principal.visible_clause("dispatch", "read", Jurisdiction.path))
        .where(Assignment.status != AssignmentStatus.cancelled)
    )
    if start is not None:
        query = query.where(Incident.received_at >= start)
    if end is not None:
        query = query.where(Incident.received_at < end)
    first: dict[int, tuple[str, datetime, str, datetime | None]] = {}
    simulated: set[int] = set()
    for incident_id, kind, received, station, arrived_at, is_simulated in db_session.execute(query):
        if is_simulated:
            simulated.add(incident_id)
        known = first.get(incident_id)
        if known is None or (
            arrived_at is not None and (known[3] is None or arrived_at < known[3])
        ):
            first[incident_id] = (kind, received, station, arrived_at)
    zone = ZoneInfo(settings.time_zone)
    response = np.array(
        [(a - r).total_seconds() if a is not None else math.nan for _, r, _, a in first.values()],
        dtype=np.float64,
    )
    if group_by == "station":
        keys = [s for _, _, s, _ in first.values()]
    elif group_by == "shift":
        keys = [_shift_of(r, zone) for _, r, _, _ in first.values()]
    else:
        keys = [k for k, _, _, _ in first.values()]
    overall = tiers.response_figures(response, settings.tiers_s)
    groups = tiers.response_figures_by(response, keys, settings.tiers_s) if keys else {}

    def row(name: str, fig: tiers.ResponseFigures) -> dict[str, Any]:
        return {
            "group": name,
            "count": fig.count,
            "missing": fig.missing,
            "share_within": {
                str(int(t)): (None if math.isnan(s) else round(s, 4))
                for t, s in zip(fig.tiers_s, fig.share_within, strict=True)
            },
            "median_s": fig.median_s,
            "p90_s": fig.p90_s,
        }

    return {
        "group_by": group_by,
        "tiers_s": list(settings.tiers_s),
        "overall": row("all", overall),
        "groups": [row(str(k), f) for k, f in sorted(groups.items(), key=lambda kv: str(kv[0]))],
        "simulated_incidents": len(simulated),
    }


# ---------------------------------------------------------------- live reach


def live_reach(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    city_name: str,
    *,
    days: int = 30,
    venue_weight: float = 2.0,
    with_layer: bool = True,
) -> dict[str, Any]:
    """Share of demand that available units reach within each tier from where they are now.

    Demand: the city's incidents of the last ``days`` days (weight 1 each) and its key
    venues (bars, pubs, nightclubs, karaoke, markets, internet cafés; ``venue_weight``
    each). Returns the shares and, per tier, the reach as GeoJSON polygons (the union
    over travel modes of what the units of that mode reach).
    """
    principal.require("unit", "read")
    city = cities.get_city(db_session, city_name)
    now = utcnow()
    visible = {r.unit.id for r in units.list_units(db_session, principal, city=city.name)}
    ready = [
        r
        for r in units.units_in_city(db_session, city.name)
        if r.unit.id in visible
        and r.unit.status is UnitStatus.available
        and not units.is_stale(r.unit, settings, now)
    ]
    since = now - timedelta(days=days)
    points = db_session.execute(
        select(Incident.lat, Incident.lon).where(
            Incident.city == city.name,
            Incident.received_at >= since,
            Incident.lat.is_not(None),
            Incident.lon.is_not(None),
        )
    ).all()
    venues = cities.places(db_session, city, list(KEY_VENUE_KINDS))
    lat = np.array([p[0] for p in points] + [v.lat for v in venues], dtype=np.float64)
    lon = np.array([p[1] for p in points] + [v.lon for v in venues], dtype=np.float64)
    weight = np.array([1.0] * len(points) + [venue_weight] * len(venues))
    best = np.full(lat.size, np.inf)
    features: dict[float, list[Any]] = {float(t): [] for t in settings.tiers_s}
    by_mode: dict[str, list[units.UnitRow]] = {}
    for row in ready:
        by_mode.setdefault(row.unit.mode.value, []).append(row)
    for mode, rows in by_mode.items():
        graph = cities.load_graph(settings, city, mode)
        sources = routing.snap(
            graph,
            np.array([r.unit.lat for r in rows], dtype=float),
            np.array([r.unit.lon for r in rows], dtype=float),
        ).node
        nearest = routing.nearest_source(graph, sources, cutoff_s=max(settings.tiers_s))
        if lat.size:
            demand = routing.snap(graph, lat, lon)
            best = np.minimum(
                best, nearest.time_s[demand.node] + demand.distance_m / ACCESS_SPEED_MS
            )
        if with_layer:
            layer = isochrones.reach_polygons(graph, sources, settings.tiers_s)
            for feature in layer["features"]:
                features[float(feature["properties"]["cutoff_s"])].append(
                    shape(feature["geometry"])
                )
    total = float(weight.sum())
    shares = {
        str(int(t)): (round(float(weight[best <= t].sum()) / total, 4) if total else None)
        for t in settings.tiers_s
    }
    layer_features = []
    for cutoff, geometries in features.items():
        if geometries:
            union = shapely.union_all(geometries)
            layer_features.append(
                {"type": "Feature", "geometry": mapping(union), "properties": {"cutoff_s": cutoff}}
            )
    return {
        "type": "FeatureCollection",
        "features": layer_features,
        "properties": {
            "city": city.name,
            "units": len(ready),
            "demand_points": int(lat.size),
            "demand_weight": total,
            "share_within": shares,
            "computed_at": now.astimezone(UTC).isoformat(),
            "attribution": "© OpenStreetMap contributors (ODbL)",
        },
    }
