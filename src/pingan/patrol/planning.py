"""Make a patrol plan for a shift.

:func:`draft_plan` is the chief's use case up to the stored rows: it parses the request,
takes the demand for the shift window (:mod:`pingan.patrol.demand`) and the candidate posts
inside the area, stations the groups with :func:`pingan.algo.coverage.solve_coverage` (method
``auto``: greedy + swap with a Lagrangian bound, then the MILP while the time limit lasts),
lays hot-spot loops with dwell times (:mod:`pingan.algo.routes`), K workload-balanced beats
(:mod:`pingan.algo.beats`) and the plan's police visibility (:mod:`pingan.algo.visibility`),
and returns all of it as a frozen :class:`PlanDraft`. :func:`store_plan` writes a draft;
:func:`make_plan` does both. Activation is in :mod:`pingan.patrol.activation`.

Solving runs inline in the request or command, bounded by ``time_limit_s``. Long jobs belong
on a task queue (Dramatiq or Celery on Redis, see the design); until then the time limit keeps
a request bounded.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from pingan.algo import coverage as coverage_algo
from pingan.algo.graph import RoadGraph
from pingan.algo.routing import snap
from pingan.audit import service as audit
from pingan.city import service as cities
from pingan.city.models import City
from pingan.config import Settings
from pingan.errors import InvalidInput
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction
from pingan.patrol.activation import activate
from pingan.patrol.demand import (
    Area,
    Demand,
    ShiftWindow,
    local_day_start,
    plan_area,
    shift_demand,
)
from pingan.patrol.evaluation import tier_key
from pingan.patrol.layout import (
    PlannedRoutes,
    beat_outline,
    choose_hotspots,
    group_beats,
    loop_repeats,
    plan_beats,
    plan_routes,
    plan_visibility,
    thin_nodes,
)
from pingan.patrol.models import DayType, Plan, PlanBeat, PlanPost, PlanRoute, PlanStatus
from pingan.patrol.schemas import PlanCreate
from pingan.principal import Principal

IntArray = npt.NDArray[np.int64]
Progress = Callable[[str, float], None]


def _no_progress(stage: str, fraction: float) -> None:
    return None


@dataclass(frozen=True)
class PostDraft:
    """Where one group stands (1-based group number)."""

    group_no: int
    node: int
    lat: float
    lon: float
    fixed: bool


@dataclass(frozen=True)
class RouteDraft:
    """One group's loop; ``stops`` as :class:`pingan.patrol.models.PlanRoute` keeps them."""

    group_no: int
    stops: tuple[dict[str, Any], ...]
    travel_s: float
    dwell_s: float
    loop_s: float
    repeats: int
    dropped: tuple[int, ...]
    geometry: list[list[float]]


@dataclass(frozen=True)
class BeatDraft:
    """One beat: its outline (GeoJSON geometry), workload and size in road nodes."""

    beat_no: int
    outline: dict[str, Any]
    workload: float
    n_nodes: int


@dataclass(frozen=True)
class PlanDraft:
    """A solved plan, not stored yet: the columns of :class:`pingan.patrol.models.Plan` and
    its posts, loops and beats."""

    jurisdiction_id: int
    city: str
    name: str
    shift_start: str
    shift_end: str
    day_type: DayType
    groups: int
    mode: str
    radii_s: tuple[float, ...]
    tier_weights: tuple[float, ...]
    backup: bool
    backup_weight: float
    demand_weights: dict[str, float]
    type_weights: dict[str, float]
    demand_sources: dict[str, dict[str, Any]]
    #: Demand points as JSON text: {"nodes": [...], "weights": [...]}.
    demand: str
    n_candidates: int
    n_demand: int
    method: str
    solve_status: str
    objective: float
    bound: float
    gap: float
    seconds: float
    coverage: dict[str, float]
    backup_share: float
    visibility: dict[str, Any]
    beat_stats: dict[str, Any]
    notes: tuple[str, ...]
    posts: tuple[PostDraft, ...]
    routes: tuple[RouteDraft, ...]
    beats: tuple[BeatDraft, ...]
    #: Make the plan the active one when it is stored.
    activate: bool


# --------------------------------------------------------------------------- parsing


@dataclass(frozen=True)
class _Scope:
    """The parsed request: where, when and with which tiers."""

    city: City
    jurisdiction: Jurisdiction
    window: ShiftWindow
    radii: tuple[float, ...]
    tier_weights: tuple[float, ...]


def _resolve_jurisdiction(
    db_session: Session, city: City, station_code: str | None
) -> Jurisdiction:
    if station_code:
        return jurisdictions.get_by_code(db_session, station_code)
    return jurisdictions.get(db_session, city.jurisdiction_id)


def _tiers(request: PlanCreate, settings: Settings) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The response-time tiers (seconds, ascending) and their weights."""
    radii = tuple(float(r) for r in (request.radii_s or settings.tiers_s))
    tier_weights = tuple(float(w) for w in (request.tier_weights or [1.0] * len(radii)))
    if len(tier_weights) != len(radii):
        raise InvalidInput("give one tier weight per radius", field="tier_weights")
    if any(b <= a for a, b in itertools.pairwise(radii)) or radii[0] <= 0:
        raise InvalidInput("radii must be positive and ascending", field="radii_s")
    return radii, tier_weights


def _scope(
    db_session: Session, settings: Settings, principal: Principal | None, request: PlanCreate
) -> _Scope:
    city = cities.get_city(db_session, request.city)
    jurisdiction = _resolve_jurisdiction(db_session, city, request.station_code)
    if principal is not None:
        principal.require("plan", "write")
        principal.check("plan", "write", jurisdiction.path)
    window = ShiftWindow.parse(request.shift)
    radii, tier_weights = _tiers(request, settings)
    return _Scope(city, jurisdiction, window, radii, tier_weights)


def authorise(
    db_session: Session, settings: Settings, principal: Principal | None, request: PlanCreate
) -> Jurisdiction:
    """Check a plan request (its city, station, shift and tiers, and the caller's right to
    write plans there) before it is queued; the jurisdiction the plan will belong to."""
    return _scope(db_session, settings, principal, request).jurisdiction


# --------------------------------------------------------------------------- solving


def _demand(
    db_session: Session,
    settings: Settings,
    graph: RoadGraph,
    scope: _Scope,
    area: Area,
    request: PlanCreate,
) -> Demand:
    tz = ZoneInfo(settings.time_zone)
    until = request.history_to + timedelta(days=1) if request.history_to else None
    return shift_demand(
        db_session,
        graph,
        scope.city,
        area,
        scope.window,
        request.day_type,
        tz,
        weights=request.demand_weights,
        type_weights=request.type_weights,
        since=local_day_start(request.history_from, tz),
        until=local_day_start(until, tz),
    )


def _fixed_nodes(
    db_session: Session, graph: RoadGraph, city: City, area: Area, request: PlanCreate
) -> IntArray:
    """The graph nodes of the fixed posts: the chief's police boxes and, if asked, the city's
    police stations inside the area."""
    fixed_nodes: list[int] = []
    if request.fixed_posts:
        fixed_nodes.extend(
            snap(
                graph, [p.lat for p in request.fixed_posts], [p.lon for p in request.fixed_posts]
            ).node.tolist()
        )
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
    return fixed


def _candidates(
    graph: RoadGraph, area: Area, fixed: IntArray, request: PlanCreate, notes: list[str]
) -> IntArray:
    """Candidate posts: the area's nodes (thinned on big networks) and the fixed posts."""
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
    return candidates


def _weights_used(demand: Demand) -> dict[str, float]:
    return {k: float(v["weight"]) for k, v in demand.sources.items() if v.get("used")}


def _hotspots(graph: RoadGraph, demand: Demand, request: PlanCreate) -> IntArray:
    score = demand.point_score(graph.n_nodes, _weights_used(demand))
    if score.sum() <= 0:
        score = demand.dense(graph.n_nodes)
    return choose_hotspots(graph, score, request.hotspots_per_group * request.groups)


def _post_drafts(graph: RoadGraph, post_nodes: IntArray, fixed: IntArray) -> tuple[PostDraft, ...]:
    fixed_set = set(fixed.tolist())
    return tuple(
        PostDraft(
            group_no=g + 1,
            node=int(node),
            lat=float(graph.lat[node]),
            lon=float(graph.lon[node]),
            fixed=int(node) in fixed_set,
        )
        for g, node in enumerate(post_nodes.tolist())
    )


def _route_drafts(
    graph: RoadGraph, routed: PlannedRoutes, n_posts: int, shift_s: float
) -> tuple[RouteDraft, ...]:
    drafts = []
    for g in range(n_posts):
        route = routed.routes[g]
        stops = []
        for order, (stop, arr, dep) in enumerate(
            zip(route.stops, route.arrival_s, route.departure_s, strict=True)
        ):
            node_s = int(routed.places[stop])
            stops.append(
                {
                    "order": order + 1,
                    "hotspot": int(stop - n_posts) + 1,
                    "node": node_s,
                    "lat": round(float(graph.lat[node_s]), 6),
                    "lon": round(float(graph.lon[node_s]), 6),
                    "arrival_s": round(float(arr), 1),
                    "departure_s": round(float(dep), 1),
                    "dwell_s": round(float(dep - arr), 1),
                }
            )
        drafts.append(
            RouteDraft(
                group_no=g + 1,
                stops=tuple(stops),
                travel_s=round(float(route.travel_s), 1),
                dwell_s=round(float(route.dwell_s), 1),
                loop_s=round(float(route.return_s), 1),
                repeats=loop_repeats(route, shift_s),
                dropped=tuple(int(s - n_posts) + 1 for s in route.dropped),
                geometry=routed.geometry[g],
            )
        )
    return tuple(drafts)


def _beat_drafts(
    graph: RoadGraph,
    area: Area,
    beat: IntArray,
    workload: npt.NDArray[np.float64],
    group_beat: IntArray,
    n_posts: int,
) -> tuple[BeatDraft, ...]:
    """The beats, numbered after the group posted in them (beats without a group last)."""
    beat_of_group = {int(b): g + 1 for g, b in enumerate(group_beat.tolist()) if b >= 0}
    drafts = []
    for b in range(int(beat.max()) + 1):
        members = np.flatnonzero(beat == b)
        drafts.append(
            BeatDraft(
                beat_no=beat_of_group.get(b, n_posts + b + 1),
                outline=beat_outline(graph, area.nodes, members),
                workload=round(float(workload[members].sum()), 6),
                n_nodes=int(members.size),
            )
        )
    return tuple(drafts)


def draft_plan(
    db_session: Session,
    settings: Settings,
    principal: Principal | None,
    request: PlanCreate,
    *,
    progress: Progress | None = None,
) -> PlanDraft:
    """Parse and solve a plan (see the module docstring), bounded by the time limit.

    Nothing is stored; ``principal`` (``None`` for the operator at the command line) must
    be allowed to write plans of the jurisdiction.
    """
    report = progress or _no_progress
    started = time.perf_counter()
    scope = _scope(db_session, settings, principal, request)
    graph = cities.load_graph(settings, scope.city, request.mode)
    area = plan_area(graph, scope.jurisdiction, scope.city)
    report("demand", 0.0)
    demand = _demand(db_session, settings, graph, scope, area, request)
    report("demand", 1.0)

    fixed = _fixed_nodes(db_session, graph, scope.city, area, request)
    notes = list(demand.notes)
    candidates = _candidates(graph, area, fixed, request, notes)
    fixed_index = np.searchsorted(candidates, fixed)

    report("stationing", 0.0)
    pairs = coverage_algo.coverage_pairs(graph, demand.nodes, candidates, scope.radii[-1])
    backup_weight = request.backup_weight if request.backup else 0.0
    result = coverage_algo.solve_coverage(
        pairs,
        demand.weight,
        request.groups,
        radii_s=scope.radii,
        tier_weights=scope.tier_weights,
        backup_weight=backup_weight,
        fixed_posts=fixed_index.tolist(),
        method=request.method,
        time_limit_s=max(request.time_limit_s - (time.perf_counter() - started), 1.0),
    )
    report("stationing", 1.0)
    post_nodes = candidates[np.asarray(result.posts, dtype=np.int64)]

    report("routes", 0.0)
    hotspots = _hotspots(graph, demand, request)
    shift_s = scope.window.length_s
    routed = plan_routes(graph, post_nodes, hotspots, request.dwell_s, shift_s)
    visibility = plan_visibility(routed.routes, post_nodes.size, hotspots.size, shift_s)
    report("routes", 1.0)

    report("beats", 0.0)
    beats = plan_beats(graph, area, demand.components["history"], request.groups)
    group_beat = group_beats(graph, area.nodes, beats.beat, post_nodes)
    report("beats", 0.5)

    window = scope.window
    return PlanDraft(
        jurisdiction_id=scope.jurisdiction.id,
        city=scope.city.name,
        name=request.name or f"{scope.city.name} {window.text} {request.day_type.value}",
        shift_start=window.start_text,
        shift_end=window.end_text,
        day_type=request.day_type,
        groups=request.groups,
        mode=request.mode,
        radii_s=scope.radii,
        tier_weights=scope.tier_weights,
        backup=request.backup,
        backup_weight=backup_weight,
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
        notes=tuple(notes),
        posts=_post_drafts(graph, post_nodes, fixed),
        routes=_route_drafts(graph, routed, int(post_nodes.size), shift_s),
        beats=_beat_drafts(
            graph, area, beats.beat, beats.workload, group_beat, int(post_nodes.size)
        ),
        activate=request.activate,
    )


# --------------------------------------------------------------------------- storing


def store_plan(
    db_session: Session, draft: PlanDraft, principal: Principal | None, *, actor: str = "cli"
) -> Plan:
    """Store a drafted plan with its posts, loops and beats (activated if the draft says so)
    and audit it; flushed, not committed."""
    plan = Plan(
        jurisdiction_id=draft.jurisdiction_id,
        city=draft.city,
        name=draft.name,
        shift_start=draft.shift_start,
        shift_end=draft.shift_end,
        day_type=draft.day_type,
        groups=draft.groups,
        mode=draft.mode,
        radii_s=list(draft.radii_s),
        tier_weights=list(draft.tier_weights),
        backup=draft.backup,
        backup_weight=draft.backup_weight,
        demand_weights=dict(draft.demand_weights),
        type_weights=dict(draft.type_weights),
        demand_sources={k: dict(v) for k, v in draft.demand_sources.items()},
        demand=draft.demand,
        n_candidates=draft.n_candidates,
        n_demand=draft.n_demand,
        method=draft.method,
        solve_status=draft.solve_status,
        objective=draft.objective,
        bound=draft.bound,
        gap=draft.gap,
        seconds=draft.seconds,
        coverage=dict(draft.coverage),
        backup_share=draft.backup_share,
        visibility=draft.visibility,
        beat_stats=draft.beat_stats,
        notes=list(draft.notes),
        status=PlanStatus.draft,
        created_by=principal.user_id if principal else None,
        created_by_name=principal.username if principal else actor,
    )
    db_session.add(plan)
    db_session.flush()
    for post, route in zip(draft.posts, draft.routes, strict=True):
        plan.posts.append(
            PlanPost(
                group_no=post.group_no,
                node=post.node,
                lat=post.lat,
                lon=post.lon,
                fixed=post.fixed,
            )
        )
        plan.routes.append(
            PlanRoute(
                group_no=route.group_no,
                stops=list(route.stops),
                travel_s=route.travel_s,
                dwell_s=route.dwell_s,
                loop_s=route.loop_s,
                repeats=route.repeats,
                dropped=list(route.dropped),
                geometry=route.geometry,
            )
        )
    for beat in draft.beats:
        plan.beats.append(
            PlanBeat(
                beat_no=beat.beat_no,
                outline=beat.outline,
                workload=beat.workload,
                n_nodes=beat.n_nodes,
            )
        )
    if draft.activate:
        activate(db_session, plan)
    db_session.flush()
    audit.record(
        db_session,
        action="plan.create",
        object_type="plan",
        object_id=plan.id,
        principal=principal,
        actor=None if principal else actor,
        jurisdiction_id=draft.jurisdiction_id,
    )
    return plan


def make_plan(
    db_session: Session,
    settings: Settings,
    principal: Principal | None,
    request: PlanCreate,
    *,
    actor: str = "cli",
    progress: Progress | None = None,
) -> Plan:
    """Draft and store a plan (see the module docstring); inline, bounded by the time limit.

    ``principal`` is ``None`` for the command line run by the operator (audited as
    ``actor``).
    """
    draft = draft_plan(db_session, settings, principal, request, progress=progress)
    plan = store_plan(db_session, draft, principal, actor=actor)
    (progress or _no_progress)("beats", 1.0)
    return plan
