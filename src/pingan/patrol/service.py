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
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment
from scipy.sparse.csgraph import connected_components, dijkstra
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pingan.algo import beats as beats_algo
from pingan.algo import coverage as coverage_algo
from pingan.algo import routes as routes_algo
from pingan.algo.graph import RoadGraph
from pingan.algo.routing import path_coordinates, shortest_times, snap, times_to
from pingan.algo.simulate import LognormalServiceTime, simulate_response
from pingan.algo.tiers import nearest_rank_percentile
from pingan.algo.visibility import hotspot_visibility
from pingan.audit import service as audit
from pingan.auth.principal import Principal
from pingan.city import service as cities
from pingan.city.models import City
from pingan.config import Settings
from pingan.errors import InvalidInput, NotFound
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction
from pingan.patrol import sheets
from pingan.patrol.demand import (
    Area,
    Demand,
    ShiftWindow,
    history_rows,
    in_window,
    plan_area,
    shift_demand,
)
from pingan.patrol.models import (
    DayType,
    Plan,
    PlanBeat,
    PlanComparison,
    PlanPost,
    PlanRoute,
    PlanStatus,
)
from pingan.patrol.schemas import CompareRequest, PlanCreate

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Progress = Callable[[str, float], None]

#: Hot spots closer than this to a chosen one are not chosen again.
HOTSPOT_SEPARATION_M = 150.0
#: Wall-time budget for all OR-Tools loop searches of one plan, seconds.
ROUTE_BUDGET_S = 3.0
NAIVE_PLANS = ("stations", "grid")
#: Cap on the boundary moves of the beat partition: on Coquimbo (15,504 nodes, K = 75) each
#: thousand moves costs about 25 s and narrows max/mean workload by little (2.61 → 2.46).
BEAT_MOVES = 200


def _no_progress(stage: str, fraction: float) -> None:
    return None


def _tier_key(radius: float) -> str:
    return str(int(radius)) if float(radius).is_integer() else str(radius)


# --------------------------------------------------------------------------- candidates


def thin_nodes(x_m: FloatArray, y_m: FloatArray, nodes: IntArray, limit: int) -> IntArray:
    """At most ``limit`` of ``nodes`` spread evenly: one per square cell, the node nearest the
    cell's centre, with the cell side found by bisection."""
    if nodes.size <= limit:
        return np.sort(nodes)
    x, y = x_m[nodes], y_m[nodes]
    x0, y0 = float(x.min()), float(y.min())
    lo, hi = 1e-3, max(float(x.max() - x0), float(y.max() - y0), 1.0) * 2
    for _ in range(40):
        side = (lo + hi) / 2
        cells = np.unique(np.floor((x - x0) / side) * 1e7 + np.floor((y - y0) / side)).size
        if cells > limit:
            lo = side
        else:
            hi = side
    side = hi
    cx, cy = np.floor((x - x0) / side), np.floor((y - y0) / side)
    cell = cx * 1e7 + cy
    off = (x - (x0 + (cx + 0.5) * side)) ** 2 + (y - (y0 + (cy + 0.5) * side)) ** 2
    order = np.lexsort((off, cell))
    first = np.ones(order.size, dtype=bool)
    first[1:] = cell[order][1:] != cell[order][:-1]
    return np.sort(nodes[order[first]])


def grid_posts(graph: RoadGraph, area_nodes: IntArray, k: int) -> IntArray:
    """Naive posts on a uniform grid: about ``k`` equal squares over the area, a post at the
    node nearest the centre of each of the ``k`` squares holding most road nodes."""
    x, y = graph.x[area_nodes], graph.y[area_nodes]
    x0, y0 = float(x.min()), float(y.min())
    width, height = max(float(x.max() - x0), 1.0), max(float(y.max() - y0), 1.0)
    side = math.sqrt(width * height / k)
    posts: IntArray = np.zeros(0, dtype=np.int64)
    for _ in range(60):
        cx, cy = np.floor((x - x0) / side), np.floor((y - y0) / side)
        cell = cx * 1e7 + cy
        labels, inverse, counts = np.unique(cell, return_inverse=True, return_counts=True)
        if labels.size >= k or side < 1.0:
            off = (x - (x0 + (cx + 0.5) * side)) ** 2 + (y - (y0 + (cy + 0.5) * side)) ** 2
            busiest = np.argsort(-counts, kind="stable")[:k]
            chosen = []
            for label in busiest:
                members = np.flatnonzero(inverse == label)
                chosen.append(int(area_nodes[members[np.argmin(off[members])]]))
            posts = np.asarray(chosen, dtype=np.int64)
            break
        side *= 0.9
    return posts


def station_posts(
    db_session: Session, graph: RoadGraph, city: City, area: Area, k: int
) -> tuple[IntArray, str]:
    """Naive posts at police stations: the K groups wait at the stations in the area, shared
    round-robin; with no station among the city's places, one stand-in station at the road
    node nearest the area's centre."""
    stations = cities.places(db_session, city, ["police"])
    nodes = np.zeros(0, dtype=np.int64)
    if stations:
        snapped = snap(graph, [p.lat for p in stations], [p.lon for p in stations]).node
        inside = np.isin(snapped, area.nodes)
        nodes = np.unique(snapped[inside])
    if nodes.size:
        note = f"{nodes.size} police station(s) from the city's places"
    else:
        cx, cy = graph.x[area.nodes].mean(), graph.y[area.nodes].mean()
        nearest = np.argmin((graph.x[area.nodes] - cx) ** 2 + (graph.y[area.nodes] - cy) ** 2)
        nodes = area.nodes[[nearest]]
        note = "no police station among the city's places: one stand-in at the area's centre"
    return nodes[np.arange(k) % nodes.size], note


def choose_hotspots(graph: RoadGraph, score: FloatArray, limit: int) -> IntArray:
    """Up to ``limit`` nodes of highest score, each at least HOTSPOT_SEPARATION_M from the
    ones chosen before."""
    order = np.argsort(-score, kind="stable")
    order = order[score[order] > 0]
    chosen: list[int] = []
    for node in order:
        if len(chosen) >= limit:
            break
        if chosen:
            dx = graph.x[chosen] - graph.x[node]
            dy = graph.y[chosen] - graph.y[node]
            if float(np.min(dx * dx + dy * dy)) < HOTSPOT_SEPARATION_M**2:
                continue
        chosen.append(int(node))
    return np.asarray(chosen, dtype=np.int64)


# --------------------------------------------------------------------------- make


@dataclass(frozen=True)
class _Routes:
    routes: tuple[routes_algo.GroupRoute, ...]
    places: IntArray  # graph node per place: posts first, then hot spots
    geometry: list[list[list[float]]]


def _path(pred: npt.NDArray[np.int32], row: int, source: int, target: int) -> list[int]:
    path = [target]
    node = target
    while node != source:
        node = int(pred[row, node])
        if node < 0:
            return [source, target]
        path.append(node)
    return path[::-1]


def _plan_routes(
    graph: RoadGraph,
    post_nodes: IntArray,
    hotspot_nodes: IntArray,
    dwell_s: float,
    shift_s: float,
) -> _Routes:
    places = np.concatenate([post_nodes, hotspot_nodes]).astype(np.int64)
    dist, pred = dijkstra(graph.csr, directed=True, indices=places, return_predecessors=True)
    times = np.asarray(dist[:, places], dtype=np.float64)
    p = post_nodes.size
    per_group = min(0.2, max(0.02, ROUTE_BUDGET_S / max(p, 1)))
    routes = routes_algo.plan_patrol_routes(
        times,
        np.arange(p),
        np.arange(p, places.size),
        dwell_s=dwell_s,
        shift_s=shift_s,
        solver_time_limit_s=per_group,
    )
    row_of = {int(n): i for i, n in reversed(list(enumerate(places)))}
    geometry: list[list[list[float]]] = []
    for route in routes:
        sequence = [route.post, *route.stops, route.post]
        line: list[list[float]] = []
        for a, b in itertools.pairwise(sequence):
            na, nb = int(places[a]), int(places[b])
            if na == nb:
                continue
            nodes = _path(pred, row_of[na], na, nb)
            coords = path_coordinates(graph, nodes) if len(nodes) > 1 else []
            start = 1 if line else 0
            line.extend([round(lon, 6), round(lat, 6)] for lon, lat in coords[start:])
        if not line:
            node = int(places[route.post])
            line = [[round(float(graph.lon[node]), 6), round(float(graph.lat[node]), 6)]]
        geometry.append(line)
    return _Routes(routes, places, geometry)


def _repeats(route: routes_algo.GroupRoute, shift_s: float) -> int:
    if not route.stops or route.return_s <= 0:
        return 0
    return max(1, int(shift_s // route.return_s))


def _visibility(
    routes: Sequence[routes_algo.GroupRoute], n_posts: int, n_hotspots: int, shift_s: float
) -> dict[str, Any]:
    """Share of hot-spot-hours with a patrol present, each loop repeated while the shift
    lasts; every hot spot matters for the whole shift."""
    if n_hotspots == 0:
        return {"share": None, "time_share": None, "per_hotspot": [], "n_slots": 0}
    ph: list[int] = []
    ps: list[float] = []
    pe: list[float] = []
    for route in routes:
        for r in range(_repeats(route, shift_s)):
            shift = r * route.return_s
            for stop, arr, dep in zip(route.stops, route.arrival_s, route.departure_s, strict=True):
                start, end = arr + shift, min(dep + shift, shift_s)
                if start < end:
                    ph.append(stop - n_posts)
                    ps.append(start)
                    pe.append(end)
    result = hotspot_visibility(
        n_hotspots,
        np.arange(n_hotspots),
        np.zeros(n_hotspots),
        np.full(n_hotspots, shift_s),
        ph,
        ps,
        pe,
    )
    return {
        "share": result.share,
        "time_share": result.time_share,
        "per_hotspot": [round(v, 4) for v in result.per_hotspot],
        "n_slots": result.n_slots,
    }


@dataclass(frozen=True)
class _Beats:
    beat: IntArray  # per area node
    workload: FloatArray  # per area node
    stats: dict[str, Any]


def _beats(graph: RoadGraph, area: Area, incidents: FloatArray, k: int) -> _Beats:
    """K contiguous beats over the area's roads, workload = half incidents, half road km."""
    nodes = area.nodes
    sub = graph.csr[nodes][:, nodes]
    _n_comp, label = connected_components(sub, directed=False)
    main = np.flatnonzero(label == np.argmax(np.bincount(label)))

    lengths = sp.csr_matrix((graph.length_m, graph.head, graph.indptr), shape=graph.csr.shape)
    km = beats_algo.node_workload(lengths[nodes][:, nodes], np.zeros(nodes.size), per_km=1.0)
    inc = incidents[nodes]
    workload = 0.5 * km / max(float(km.sum()), 1e-9)
    if inc.sum() > 0:
        workload = workload + 0.5 * inc / float(inc.sum())
    k_eff = min(k, main.size)
    part = beats_algo.partition_beats(
        sub[main][:, main],
        workload[main],
        k_eff,
        graph.x[nodes][main],
        graph.y[nodes][main],
        max_moves=BEAT_MOVES,
    )
    beat = np.full(nodes.size, -1, dtype=np.int64)
    beat[main] = part
    if main.size < nodes.size:  # islands of the area join the beat of their nearest node
        from scipy.spatial import cKDTree

        rest = np.flatnonzero(beat < 0)
        tree = cKDTree(np.column_stack([graph.x[nodes][main], graph.y[nodes][main]]))
        _, nearest = tree.query(np.column_stack([graph.x[nodes][rest], graph.y[nodes][rest]]))
        beat[rest] = part[nearest]
    optimised = beats_algo.beat_stats(beat, workload)
    grid = beats_algo.square_grid_beats(graph.x[nodes], graph.y[nodes], k_eff)
    naive = beats_algo.beat_stats(grid, workload)
    stats = {
        "beats": int(beat.max()) + 1,
        "workload": "0.5 × share of incidents + 0.5 × share of road km",
        "optimised": {"max_over_mean": optimised.max_over_mean, "cv": optimised.cv},
        "square_grid": {
            "beats": int(grid.max()) + 1,
            "max_over_mean": naive.max_over_mean,
            "cv": naive.cv,
        },
    }
    return _Beats(beat, workload, stats)


def _beat_outline(graph: RoadGraph, area_nodes: IntArray, members: IntArray) -> dict[str, Any]:
    import shapely
    from shapely.geometry import mapping

    x, y = graph.x[area_nodes[members]], graph.y[area_nodes[members]]
    geom = beats_algo.beat_outlines(
        np.zeros(members.size, dtype=np.int64), x, y, concave_ratio=0.3
    )[0]
    geom = geom.buffer(20.0) if geom.geom_type != "Polygon" else geom.buffer(10.0)

    def to_lonlat(xy: FloatArray) -> FloatArray:
        lat, lon = graph.unproject(xy[:, 0], xy[:, 1])
        return np.round(np.column_stack([lon, lat]), 6)

    return dict(mapping(shapely.transform(geom, to_lonlat)))


def _group_beats(
    graph: RoadGraph, area_nodes: IntArray, beat: IntArray, post_nodes: IntArray
) -> IntArray:
    """Beat of each group: one beat per group, minimum total distance post → beat centre."""
    n_beats = int(beat.max()) + 1
    cx = np.bincount(beat, weights=graph.x[area_nodes], minlength=n_beats)
    cy = np.bincount(beat, weights=graph.y[area_nodes], minlength=n_beats)
    count = np.maximum(np.bincount(beat, minlength=n_beats), 1)
    cx, cy = cx / count, cy / count
    cost = np.hypot(graph.x[post_nodes][:, None] - cx[None, :], graph.y[post_nodes][:, None] - cy)
    rows, cols = linear_sum_assignment(cost)
    out = np.full(post_nodes.size, -1, dtype=np.int64)
    out[rows] = cols
    return out


def _resolve_jurisdiction(
    db_session: Session, city: City, station_code: str | None
) -> Jurisdiction:
    if station_code:
        return jurisdictions.get_by_code(db_session, station_code)
    return jurisdictions.get(db_session, city.jurisdiction_id)


def _local_bound(day: date | None, tz: ZoneInfo) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day, datetime.min.time(), tz).astimezone(UTC)


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
        since=_local_bound(request.history_from, tz),
        until=_local_bound(
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
    routed = _plan_routes(graph, post_nodes, hotspots, request.dwell_s, shift_s)
    visibility = _visibility(routed.routes, post_nodes.size, hotspots.size, shift_s)
    report("routes", 1.0)

    report("beats", 0.0)
    beats = _beats(graph, area, demand.components["history"], request.groups)
    group_beat = _group_beats(graph, area.nodes, beats.beat, post_nodes)
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
        coverage={_tier_key(r): float(s) for r, s in result.coverage_share.items()},
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
                repeats=_repeats(route, shift_s),
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
                outline=_beat_outline(graph, area.nodes, members),
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


# --------------------------------------------------------------------------- simulation


@dataclass(frozen=True)
class _Replay:
    """Incidents of a period inside a plan's shift window, on the graph."""

    nodes: IntArray
    time_s: FloatArray
    priority: FloatArray
    simulated: int
    period_s: tuple[float, float]


def _replay_incidents(
    db_session: Session,
    settings: Settings,
    graph: RoadGraph,
    city: City,
    plan: Plan,
    date_from: date,
    date_to: date,
) -> _Replay:
    if date_to < date_from:
        raise InvalidInput("the period must end on or after its start", field="date_to")
    tz = ZoneInfo(settings.time_zone)
    jurisdiction = jurisdictions.get(db_session, plan.jurisdiction_id)
    window = ShiftWindow.parse(f"{plan.shift_start}-{plan.shift_end}")
    start = _local_bound(date_from, tz)
    # shifts that start on the last day run past midnight
    end = _local_bound(date_to + timedelta(days=2), tz)
    rows = history_rows(db_session, city, jurisdiction, since=start, until=end)
    picked = in_window(rows, window, DayType(plan.day_type), tz)
    keep = [i for i, day in enumerate(picked.shift_days) if date_from <= day <= date_to]
    if not keep:
        raise InvalidInput(
            f"no incidents of {city.name} in {jurisdiction.code} during "
            f"{window.text} on {plan.day_type}s between {date_from} and {date_to}",
            field="date_from",
        )
    chosen = [picked.rows[i] for i in keep]
    assert start is not None
    times = np.array([(r.received_at - start).total_seconds() for r in chosen])
    nodes = snap(graph, [r.lat for r in chosen], [r.lon for r in chosen]).node
    period_end = (_local_bound(date_to + timedelta(days=1), tz) - start).total_seconds()  # type: ignore[operator]
    return _Replay(
        nodes=nodes,
        time_s=times,
        priority=np.array([float(r.priority) for r in chosen]),
        simulated=sum(r.simulated for r in chosen),
        period_s=(0.0, max(period_end + window.length_s, float(times.max()))),
    )


def _simulate(
    graph: RoadGraph,
    replay: _Replay,
    post_nodes: IntArray,
    tiers: Sequence[float],
    *,
    seed: int,
    service_median_s: float,
    turnout_s: float,
) -> dict[str, Any]:
    forward = shortest_times(graph, post_nodes)
    back = times_to(graph, post_nodes)
    back = back.reshape(post_nodes.size, graph.n_nodes)
    result = simulate_response(
        replay.time_s,
        replay.nodes,
        np.arange(post_nodes.size),
        forward,
        LognormalServiceTime(median_s=service_median_s, sigma=0.5),
        return_time_s=back,
        incident_priority=replay.priority,
        turnout_s=turnout_s,
        tiers_s=tiers,
        seed=seed,
    )
    figures = result.figures
    response = result.response_s[~np.isnan(result.response_s)]
    edges = [0.0, 60.0, 180.0, 300.0, 600.0, 900.0, math.inf]
    counts = np.histogram(response, bins=edges)[0] if response.size else np.zeros(6)
    return {
        "posts": int(np.unique(post_nodes).size),
        "groups": int(post_nodes.size),
        "incidents": int(replay.nodes.size),
        "served": figures.count,
        "unserved": result.unserved,
        "queued": result.queued,
        "share_within": {
            _tier_key(t): (None if math.isnan(s) else round(s, 6))
            for t, s in zip(figures.tiers_s, figures.share_within, strict=True)
        },
        "median_s": figures.median_s,
        "p90_s": figures.p90_s,
        "mean_s": figures.mean_s,
        "percentiles_s": {
            f"p{p}": (nearest_rank_percentile(response, p) if response.size else None)
            for p in (10, 25, 50, 75, 90, 95)
        },
        "histogram": {
            "edges_s": ["0", "60", "180", "300", "600", "900", "inf"],
            "counts": [int(c) for c in counts],
        },
        "utilisation_mean": round(float(result.utilisation.mean()), 6),
    }


def _posts_of(plan: Plan) -> IntArray:
    return np.asarray(
        [p.node for p in sorted(plan.posts, key=lambda p: p.group_no)], dtype=np.int64
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
    replay = _replay_incidents(db_session, settings, graph, city, plan, date_from, date_to)
    figures = _simulate(
        graph,
        replay,
        _posts_of(plan),
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
    replay = _replay_incidents(
        db_session, settings, graph, city, plan, request.date_from, request.date_to
    )
    jurisdiction = jurisdictions.get(db_session, plan.jurisdiction_id)
    area = plan_area(graph, jurisdiction, city)
    contenders: list[tuple[str, int | None, IntArray, str]] = [
        (f"plan #{plan.id}", plan.id, _posts_of(plan), plan.name)
    ]
    if other is not None:
        contenders.append((f"plan #{other.id}", other.id, _posts_of(other), other.name))
    notes: list[str] = []
    if "stations" in request.naive:
        nodes, note = station_posts(db_session, graph, city, area, plan.groups)
        contenders.append(("naive: station posts", None, nodes, note))
    if "grid" in request.naive:
        nodes = grid_posts(graph, area.nodes, plan.groups)
        contenders.append(("naive: uniform grid", None, nodes, f"{nodes.size} grid posts"))
    results = []
    for label, plan_id, posts, note in contenders:
        figures = _simulate(
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
