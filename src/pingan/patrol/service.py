"""Patrol plans: make one for a shift, show it, activate it, and compare plans by simulation.

``make_plan`` is the chief's use case: demand for the shift window
(:mod:`pingan.patrol.demand`), candidate posts inside the area, stationing with
:func:`pingan.algo.coverage.solve_coverage` (method ``auto``: greedy + swap with a Lagrangian
bound, then the MILP while the time limit lasts), hot-spot loops with dwell times
(:mod:`pingan.algo.routes`), K workload-balanced beats (:mod:`pingan.algo.beats`) and the
plan's police visibility (:mod:`pingan.algo.visibility`); everything is stored.

Solving runs inline in the request or command, bounded by ``time_limit_s``. Long jobs belong
on a task queue (Dramatiq or Celery on Redis, see the design); until then the time limit keeps
a request bounded.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pingan.algo import coverage as coverage_algo
from pingan.algo.routing import snap
from pingan.audit import service as audit
from pingan.auth.principal import Principal
from pingan.city import service as cities
from pingan.city.models import City
from pingan.config import Settings
from pingan.errors import InvalidInput, NotFound
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction
from pingan.patrol import sheets
from pingan.patrol.demand import Demand, ShiftWindow, local_day_start, plan_area, shift_demand
from pingan.patrol.evaluation import (
    NAIVE_PLANS,
    grid_posts,
    posts_of,
    replay_incidents,
    simulate_posts,
    station_posts,
    tier_key,
)
from pingan.patrol.layout import (
    beat_outline,
    choose_hotspots,
    group_beats,
    loop_repeats,
    plan_beats,
    plan_routes,
    plan_visibility,
    thin_nodes,
)
from pingan.patrol.models import Plan, PlanBeat, PlanComparison, PlanPost, PlanRoute, PlanStatus
from pingan.patrol.schemas import CompareRequest, PlanCreate

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Progress = Callable[[str, float], None]


def _no_progress(stage: str, fraction: float) -> None:
    return None


def _resolve_jurisdiction(
    db_session: Session, city: City, station_code: str | None
) -> Jurisdiction:
    if station_code:
        return jurisdictions.get_by_code(db_session, station_code)
    return jurisdictions.get(db_session, city.jurisdiction_id)


def make_plan(
    db_session: Session,
    settings: Settings,
    principal: Principal | None,
    request: PlanCreate,
    *,
    actor: str = "cli",
    progress: Progress | None = None,
) -> Plan:
    """Make and store a plan (see the module docstring); inline, bounded by the time limit.

    ``principal`` is ``None`` for the command line run by the operator (audited as
    ``actor``).
    """
    report = progress or _no_progress
    started = time.perf_counter()
    city = cities.get_city(db_session, request.city)
    jurisdiction = _resolve_jurisdiction(db_session, city, request.station_code)
    if principal is not None:
        principal.require("plan", "write")
        principal.check("plan", "write", jurisdiction.path)
    window = ShiftWindow.parse(request.shift)
    radii = tuple(float(r) for r in (request.radii_s or settings.tiers_s))
    tier_weights = tuple(float(w) for w in (request.tier_weights or [1.0] * len(radii)))
    if len(tier_weights) != len(radii):
        raise InvalidInput("give one tier weight per radius", field="tier_weights")
    if any(b <= a for a, b in itertools.pairwise(radii)) or radii[0] <= 0:
        raise InvalidInput("radii must be positive and ascending", field="radii_s")
    tz = ZoneInfo(settings.time_zone)
    graph = cities.load_graph(settings, city, request.mode)
    area = plan_area(graph, jurisdiction, city)
    report("demand", 0.0)
    demand = shift_demand(
        db_session,
        graph,
        city,
        area,
        window,
        request.day_type,
        tz,
        weights=request.demand_weights,
        type_weights=request.type_weights,
        since=local_day_start(request.history_from, tz),
        until=local_day_start(
            request.history_to + timedelta(days=1) if request.history_to else None, tz
        ),
    )
    report("demand", 1.0)

    # candidates: the area's nodes (thinned on big networks) and the fixed posts
    fixed_nodes: list[int] = []
    if request.fixed_posts:
        fixed_nodes.extend(
            snap(
                graph, [p.lat for p in request.fixed_posts], [p.lon for p in request.fixed_posts]
            ).node.tolist()
        )
    notes = list(demand.notes)
    if request.fix_police_stations:
        stations = cities.places(db_session, city, ["police"])
        if stations:
            snapped = snap(graph, [p.lat for p in stations], [p.lon for p in stations]).node
            fixed_nodes.extend(int(n) for n in snapped if np.isin(n, area.nodes))
    fixed = np.unique(np.asarray(fixed_nodes, dtype=np.int64))
    if fixed.size > request.groups:
        raise InvalidInput(
            f"{fixed.size} fixed posts (police boxes and stations) exceed {request.groups} groups",
            field="groups",
        )
    candidates = thin_nodes(graph.x, graph.y, area.nodes, request.max_candidates)
    if candidates.size < area.nodes.size:
        notes.append(
            f"{candidates.size} of {area.nodes.size} road nodes are candidates (evenly spread)"
        )
    candidates = np.union1d(candidates, fixed)
    if request.groups > candidates.size:
        raise InvalidInput(
            f"{request.groups} groups but only {candidates.size} candidate posts", field="groups"
        )
    fixed_index = np.searchsorted(candidates, fixed)

    report("stationing", 0.0)
    pairs = coverage_algo.coverage_pairs(graph, demand.nodes, candidates, radii[-1])
    budget = max(request.time_limit_s - (time.perf_counter() - started), 1.0)
    result = coverage_algo.solve_coverage(
        pairs,
        demand.weight,
        request.groups,
        radii_s=radii,
        tier_weights=tier_weights,
        backup_weight=request.backup_weight if request.backup else 0.0,
        fixed_posts=fixed_index,
        method=request.method,
        time_limit_s=budget,
    )
    report("stationing", 1.0)
    post_nodes = candidates[np.asarray(result.posts, dtype=np.int64)]
    fixed_set = set(fixed.tolist())

    report("routes", 0.0)
    hotspot_limit = request.hotspots_per_group * request.groups
    score = demand.point_score(graph.n_nodes, _weights_used(demand))
    if score.sum() <= 0:
        score = demand.dense(graph.n_nodes)
    hotspots = choose_hotspots(graph, score, hotspot_limit)
    shift_s = window.length_s
    routed = plan_routes(graph, post_nodes, hotspots, request.dwell_s, shift_s)
    visibility = plan_visibility(routed.routes, post_nodes.size, hotspots.size, shift_s)
    report("routes", 1.0)

    report("beats", 0.0)
    beats = plan_beats(graph, area, demand.components["history"], request.groups)
    group_beat = group_beats(graph, area.nodes, beats.beat, post_nodes)
    report("beats", 0.5)

    plan = Plan(
        jurisdiction_id=jurisdiction.id,
        city=city.name,
        name=request.name or f"{city.name} {window.text} {request.day_type.value}",
        shift_start=window.start_text,
        shift_end=window.end_text,
        day_type=request.day_type,
        groups=request.groups,
        mode=request.mode,
        radii_s=list(radii),
        tier_weights=list(tier_weights),
        backup=request.backup,
        backup_weight=request.backup_weight if request.backup else 0.0,
        demand_weights={k: v["weight"] for k, v in demand.sources.items()},
        type_weights=dict(request.type_weights),
        demand_sources={k: dict(v) for k, v in demand.sources.items()},
        demand=json.dumps(
            {
                "nodes": demand.nodes.tolist(),
                "weights": [round(float(w), 9) for w in demand.weight],
            },
            separators=(",", ":"),
        ),
        n_candidates=int(candidates.size),
        n_demand=int(demand.nodes.size),
        method=result.method,
        solve_status=result.status,
        objective=float(result.objective),
        bound=float(result.bound),
        gap=float(result.gap),
        seconds=float(result.seconds),
        coverage={tier_key(r): float(s) for r, s in result.coverage_share.items()},
        backup_share=float(result.backup_share),
        visibility=visibility,
        beat_stats=beats.stats,
        notes=notes,
        status=PlanStatus.draft,
        created_by=principal.user_id if principal else None,
        created_by_name=principal.username if principal else actor,
    )
    db_session.add(plan)
    db_session.flush()
    for g, node in enumerate(post_nodes.tolist()):
        plan.posts.append(
            PlanPost(
                group_no=g + 1,
                node=int(node),
                lat=float(graph.lat[node]),
                lon=float(graph.lon[node]),
                fixed=int(node) in fixed_set,
            )
        )
        route = routed.routes[g]
        stops = []
        for order, (stop, arr, dep) in enumerate(
            zip(route.stops, route.arrival_s, route.departure_s, strict=True)
        ):
            node_s = int(routed.places[stop])
            stops.append(
                {
                    "order": order + 1,
                    "hotspot": int(stop - post_nodes.size) + 1,
                    "node": node_s,
                    "lat": round(float(graph.lat[node_s]), 6),
                    "lon": round(float(graph.lon[node_s]), 6),
                    "arrival_s": round(float(arr), 1),
                    "departure_s": round(float(dep), 1),
                    "dwell_s": round(float(dep - arr), 1),
                }
            )
        plan.routes.append(
            PlanRoute(
                group_no=g + 1,
                stops=stops,
                travel_s=round(float(route.travel_s), 1),
                dwell_s=round(float(route.dwell_s), 1),
                loop_s=round(float(route.return_s), 1),
                repeats=loop_repeats(route, shift_s),
                dropped=[int(s - post_nodes.size) + 1 for s in route.dropped],
                geometry=routed.geometry[g],
            )
        )
    beat_of_group = {int(b): g + 1 for g, b in enumerate(group_beat.tolist()) if b >= 0}
    for b in range(int(beats.beat.max()) + 1):
        members = np.flatnonzero(beats.beat == b)
        plan.beats.append(
            PlanBeat(
                beat_no=beat_of_group.get(b, len(post_nodes) + b + 1),
                outline=beat_outline(graph, area.nodes, members),
                workload=round(float(beats.workload[members].sum()), 6),
                n_nodes=int(members.size),
            )
        )
    if request.activate:
        _activate(db_session, plan)
    db_session.flush()
    audit.record(
        db_session,
        action="plan.create",
        object_type="plan",
        object_id=plan.id,
        principal=principal,
        actor=None if principal else actor,
        jurisdiction_id=jurisdiction.id,
    )
    report("beats", 1.0)
    return plan


def _weights_used(demand: Demand) -> dict[str, float]:
    return {k: float(v["weight"]) for k, v in demand.sources.items() if v.get("used")}


def _activate(db_session: Session, plan: Plan) -> None:
    """Make ``plan`` the active one of its jurisdiction, city, shift window and day type."""
    others = db_session.scalars(
        select(Plan).where(
            Plan.jurisdiction_id == plan.jurisdiction_id,
            Plan.city == plan.city,
            Plan.shift_start == plan.shift_start,
            Plan.shift_end == plan.shift_end,
            Plan.day_type == plan.day_type,
            Plan.status == PlanStatus.active,
            Plan.id != plan.id,
        )
    )
    for other in others:
        other.status = PlanStatus.draft
    plan.status = PlanStatus.active


def activate_plan(db_session: Session, principal: Principal, plan_id: int) -> Plan:
    plan, path = _load(db_session, plan_id)
    principal.check("plan", "write", path)
    _activate(db_session, plan)
    db_session.flush()
    audit.record(
        db_session,
        action="plan.activate",
        object_type="plan",
        object_id=plan.id,
        principal=principal,
        jurisdiction_id=plan.jurisdiction_id,
    )
    return plan


# --------------------------------------------------------------------------- read


def _load(db_session: Session, plan_id: int) -> tuple[Plan, str]:
    row = db_session.execute(
        select(Plan, Jurisdiction.path)
        .join(Jurisdiction, Jurisdiction.id == Plan.jurisdiction_id)
        .where(Plan.id == plan_id)
        .options(selectinload(Plan.posts), selectinload(Plan.routes), selectinload(Plan.beats))
    ).first()
    if row is None:
        raise NotFound("no such plan")
    return row[0], row[1]


def get_plan(db_session: Session, principal: Principal | None, plan_id: int) -> Plan:
    """A plan the caller may read (``None``: the operator at the command line)."""
    plan, path = _load(db_session, plan_id)
    if principal is not None:
        principal.check("plan", "read", path)
    return plan


def list_plans(
    db_session: Session,
    principal: Principal,
    *,
    city: str | None = None,
    status: PlanStatus | None = None,
    limit: int = 100,
) -> list[Plan]:
    query = (
        select(Plan)
        .join(Jurisdiction, Jurisdiction.id == Plan.jurisdiction_id)
        .where(principal.visible_clause("plan", "read", Jurisdiction.path))
        .order_by(Plan.created_at.desc(), Plan.id.desc())
        .limit(limit)
    )
    if city:
        query = query.where(Plan.city == city.lower())
    if status is not None:
        query = query.where(Plan.status == status)
    return list(db_session.scalars(query))


def active_plan(db_session: Session, principal: Principal, city: str) -> Plan | None:
    """The newest active plan of ``city`` the caller may read (for dashboards)."""
    found = list_plans(db_session, principal, city=city, status=PlanStatus.active, limit=1)
    return get_plan(db_session, principal, found[0].id) if found else None


def _station_code(db_session: Session, plan: Plan) -> str:
    return jurisdictions.get(db_session, plan.jurisdiction_id).code


def plan_json(db_session: Session, plan: Plan) -> dict[str, Any]:
    share = (plan.visibility or {}).get("share")
    return {
        "id": plan.id,
        "name": plan.name,
        "city": plan.city,
        "station_code": _station_code(db_session, plan),
        "shift": f"{plan.shift_start}-{plan.shift_end}",
        "day_type": plan.day_type,
        "groups": plan.groups,
        "status": plan.status,
        "coverage": dict(plan.coverage),
        "backup_share": plan.backup_share,
        "objective": plan.objective,
        "bound": plan.bound,
        "gap": plan.gap,
        "seconds": plan.seconds,
        "solve_status": plan.solve_status,
        "visibility_share": share,
        "created_by": plan.created_by_name,
        "created_at": plan.created_at,
    }


def plan_detail(db_session: Session, plan: Plan) -> dict[str, Any]:
    body = plan_json(db_session, plan)
    body.update(
        {
            "mode": plan.mode,
            "radii_s": list(plan.radii_s),
            "tier_weights": list(plan.tier_weights),
            "backup": plan.backup,
            "backup_weight": plan.backup_weight,
            "demand_weights": dict(plan.demand_weights),
            "type_weights": dict(plan.type_weights),
            "demand_sources": dict(plan.demand_sources),
            "n_candidates": plan.n_candidates,
            "n_demand": plan.n_demand,
            "method": plan.method,
            "visibility": dict(plan.visibility),
            "beat_stats": dict(plan.beat_stats),
            "notes": list(plan.notes),
            "posts": [
                {"group": p.group_no, "node": p.node, "lat": p.lat, "lon": p.lon, "fixed": p.fixed}
                for p in plan.posts
            ],
            "routes": [
                {
                    "group": r.group_no,
                    "stops": list(r.stops),
                    "travel_s": r.travel_s,
                    "dwell_s": r.dwell_s,
                    "loop_s": r.loop_s,
                    "repeats": r.repeats,
                    "dropped": list(r.dropped),
                }
                for r in plan.routes
            ],
            "beats": [
                {"beat": b.beat_no, "workload": b.workload, "n_nodes": b.n_nodes}
                for b in plan.beats
            ],
        }
    )
    return body


def plan_layer(db_session: Session, principal: Principal | None, plan_id: int) -> dict[str, Any]:
    """GeoJSON of the plan's posts, loops, stops and beats."""
    return sheets.plan_geojson(get_plan(db_session, principal, plan_id))


def group_sheet(
    db_session: Session, settings: Settings, principal: Principal | None, plan_id: int, group: int
) -> bytes:
    """The printable PDF sheet of one group (1-based)."""
    plan = get_plan(db_session, principal, plan_id)
    if not 1 <= group <= plan.groups:
        raise NotFound(f"plan {plan.id} has groups 1 to {plan.groups}")
    graph = cities.load_graph(settings, cities.get_city(db_session, plan.city), plan.mode)
    return sheets.group_sheet_pdf(plan, group, graph)


def plan_demand(plan: Plan) -> tuple[IntArray, FloatArray]:
    """The demand nodes and weights the plan was solved for."""
    data = json.loads(plan.demand or "{}")
    return (
        np.asarray(data.get("nodes", []), dtype=np.int64),
        np.asarray(data.get("weights", []), dtype=np.float64),
    )


def simulate_plan(
    db_session: Session,
    settings: Settings,
    principal: Principal | None,
    plan_id: int,
    date_from: date,
    date_to: date,
    *,
    seed: int = 0,
    service_median_s: float = 1200.0,
    turnout_s: float = 0.0,
) -> dict[str, Any]:
    """Replay the period's incidents in the plan's shift window against its posts
    (:func:`pingan.algo.simulate.simulate_response`; one unit per group, lognormal time on
    scene with the given median)."""
    plan = get_plan(db_session, principal, plan_id)
    city = cities.get_city(db_session, plan.city)
    graph = cities.load_graph(settings, city, plan.mode)
    replay = replay_incidents(db_session, settings, graph, city, plan, date_from, date_to)
    figures = simulate_posts(
        graph,
        replay,
        posts_of(plan),
        plan.radii_s,
        seed=seed,
        service_median_s=service_median_s,
        turnout_s=turnout_s,
    )
    return {
        "plan_id": plan.id,
        "name": plan.name,
        "period": {"from": date_from.isoformat(), "to": date_to.isoformat()},
        "simulated_incidents": replay.simulated,
        **figures,
    }


def compare_plans(
    db_session: Session,
    settings: Settings,
    principal: Principal | None,
    request: CompareRequest,
    *,
    actor: str = "cli",
) -> dict[str, Any]:
    """Replay the same incidents against each plan and the naive plans; store and return the
    side-by-side figures. Naive plans get the first plan's K groups and area."""
    plan = get_plan(db_session, principal, request.plan_id)
    other = (
        get_plan(db_session, principal, request.other_plan_id)
        if request.other_plan_id is not None
        else None
    )
    if other is not None and other.city != plan.city:
        raise InvalidInput("plans of different cities cannot be compared", field="other_plan_id")
    for name in request.naive:
        if name not in NAIVE_PLANS:
            raise InvalidInput(f"naive plans are {', '.join(NAIVE_PLANS)}", field="naive")
    city = cities.get_city(db_session, plan.city)
    graph = cities.load_graph(settings, city, plan.mode)
    replay = replay_incidents(
        db_session, settings, graph, city, plan, request.date_from, request.date_to
    )
    jurisdiction = jurisdictions.get(db_session, plan.jurisdiction_id)
    area = plan_area(graph, jurisdiction, city)
    contenders: list[tuple[str, int | None, IntArray, str]] = [
        (f"plan #{plan.id}", plan.id, posts_of(plan), plan.name)
    ]
    if other is not None:
        contenders.append((f"plan #{other.id}", other.id, posts_of(other), other.name))
    notes: list[str] = []
    if "stations" in request.naive:
        nodes, note = station_posts(db_session, graph, city, area, plan.groups)
        contenders.append(("naive: station posts", None, nodes, note))
    if "grid" in request.naive:
        nodes = grid_posts(graph, area.nodes, plan.groups)
        contenders.append(("naive: uniform grid", None, nodes, f"{nodes.size} grid posts"))
    results = []
    for label, plan_id, posts, note in contenders:
        figures = simulate_posts(
            graph,
            replay,
            posts,
            plan.radii_s,
            seed=request.seed,
            service_median_s=request.service_median_s,
            turnout_s=request.turnout_s,
        )
        results.append({"label": label, "plan_id": plan_id, "note": note, **figures})
    if replay.simulated:
        notes.append(
            f"{replay.simulated} of {replay.nodes.size} incidents are simulated: "
            "a demonstration, not an evaluation"
        )
    body = {
        "period": {"from": request.date_from.isoformat(), "to": request.date_to.isoformat()},
        "shift": f"{plan.shift_start}-{plan.shift_end}",
        "day_type": str(plan.day_type),
        "incidents": int(replay.nodes.size),
        "simulated_incidents": replay.simulated,
        "tiers_s": [float(t) for t in plan.radii_s],
        "service_median_s": request.service_median_s,
        "turnout_s": request.turnout_s,
        "seed": request.seed,
        "plans": results,
        "notes": notes,
    }
    comparison = PlanComparison(
        jurisdiction_id=plan.jurisdiction_id,
        plan_id=plan.id,
        other_plan_id=other.id if other else None,
        period_from=request.date_from.isoformat(),
        period_to=request.date_to.isoformat(),
        result=body,
        created_by=principal.user_id if principal else None,
        created_by_name=principal.username if principal else actor,
    )
    db_session.add(comparison)
    db_session.flush()
    audit.record(
        db_session,
        action="plan.compare",
        object_type="plan_comparison",
        object_id=comparison.id,
        principal=principal,
        actor=None if principal else actor,
        jurisdiction_id=plan.jurisdiction_id,
    )
    return {"id": comparison.id, **body}


# ------------------------------------------------------------- observed visibility (见警率)

MAX_VISIBILITY_DAYS = 92


def observed_visibility(
    db_session: Session,
    settings: Settings,
    principal: Principal | None,
    plan_id: int,
    first_day: date,
    last_day: date,
    *,
    radius_m: float = 100.0,
    max_gap_s: float = 120.0,
) -> dict[str, Any]:
    """Police visibility as it happened: the share of the plan's hot-spot-hours (each day's
    shift window, ``first_day`` … ``last_day`` inclusive, in the district's time zone) in
    which some unit of the plan's city reported a position within ``radius_m`` of the hot
    spot. A report makes its unit present until its next report, for at most
    ``max_gap_s`` seconds (see :func:`pingan.algo.visibility.presence_from_positions`).
    """
    from datetime import datetime

    from pingan.algo.visibility import hotspot_visibility, presence_from_positions
    from pingan.units.models import PositionReport, Unit

    if last_day < first_day:
        raise InvalidInput("the last day comes before the first", field="to")
    if (last_day - first_day).days >= MAX_VISIBILITY_DAYS:
        raise InvalidInput(f"at most {MAX_VISIBILITY_DAYS} days at a time", field="to")
    if not 0 < radius_m <= 1000:
        raise InvalidInput("radius_m must be between 0 and 1000 m", field="radius_m")
    plan = get_plan(db_session, principal, plan_id)
    spots: dict[int, tuple[float, float]] = {}
    for route in plan.routes:
        for stop in route.stops:
            spots.setdefault(int(stop["hotspot"]), (float(stop["lat"]), float(stop["lon"])))
    keys = sorted(spots)
    zone = ZoneInfo(settings.time_zone)
    start_h, start_m = (int(v) for v in plan.shift_start.split(":"))
    end_h, end_m = (int(v) for v in plan.shift_end.split(":"))
    windows: list[tuple[datetime, datetime]] = []
    day = first_day
    while day <= last_day:
        opens = datetime(day.year, day.month, day.day, start_h, start_m, tzinfo=zone)
        closes = datetime(day.year, day.month, day.day, end_h, end_m, tzinfo=zone)
        if closes <= opens:
            closes += timedelta(days=1)
        windows.append((opens, closes))
        day += timedelta(days=1)
    origin = windows[0][0]
    body: dict[str, Any] = {
        "plan_id": plan.id,
        "from": first_day.isoformat(),
        "to": last_day.isoformat(),
        "radius_m": radius_m,
        "hotspots": len(keys),
        "positions": 0,
        "share": None,
        "time_share": None,
        "per_hotspot": [],
        "n_slots": 0,
        "planned_share": (plan.visibility or {}).get("share"),
    }
    if not keys:
        return body
    rows = db_session.execute(
        select(PositionReport.unit_id, PositionReport.at, PositionReport.lat, PositionReport.lon)
        .join(Unit, Unit.id == PositionReport.unit_id)
        .where(
            Unit.city == plan.city,
            PositionReport.at >= origin - timedelta(seconds=max_gap_s),
            PositionReport.at <= windows[-1][1],
        )
    ).all()
    lat0 = float(np.mean([spots[k][0] for k in keys]))
    lon0 = float(np.mean([spots[k][1] for k in keys]))
    metres_per_deg_lon = 111_320.0 * float(np.cos(np.radians(lat0)))

    def project(lat: npt.ArrayLike, lon: npt.ArrayLike) -> tuple[npt.NDArray[np.float64], ...]:
        la, lo = np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)
        return (lo - lon0) * metres_per_deg_lon, (la - lat0) * 111_320.0

    hx, hy = project([spots[k][0] for k in keys], [spots[k][1] for k in keys])
    px, py = project([r[2] for r in rows], [r[3] for r in rows])
    presence = presence_from_positions(
        hx,
        hy,
        [r[0] for r in rows],
        [(r[1] - origin).total_seconds() for r in rows],
        px,
        py,
        radius_m=radius_m,
        max_gap_s=max_gap_s,
    )
    n = len(keys)
    window_start = [(opens - origin).total_seconds() for opens, _ in windows]
    window_end = [(closes - origin).total_seconds() for _, closes in windows]
    result = hotspot_visibility(
        n,
        np.repeat(np.arange(n), len(windows)),
        np.tile(window_start, n),
        np.tile(window_end, n),
        *presence,
    )
    body.update(
        {
            "positions": len(rows),
            "share": round(result.share, 4),
            "time_share": round(result.time_share, 4),
            "per_hotspot": [round(v, 4) for v in result.per_hotspot],
            "n_slots": result.n_slots,
        }
    )
    return body
