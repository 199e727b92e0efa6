"""Plans judged by simulation: replay a period's incidents against one plan, or against
several plans and the naive ones side by side (the comparison is stored)."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from pingan.algo.graph import RoadGraph
from pingan.audit import service as audit
from pingan.city import service as cities
from pingan.city.models import City
from pingan.config import Settings
from pingan.errors import InvalidInput
from pingan.jurisdictions import service as jurisdictions
from pingan.patrol.demand import plan_area
from pingan.patrol.evaluation import (
    NAIVE_PLANS,
    grid_posts,
    posts_of,
    replay_incidents,
    simulate_posts,
    station_posts,
)
from pingan.patrol.models import Plan, PlanComparison
from pingan.patrol.reads import get_plan
from pingan.patrol.schemas import CompareRequest
from pingan.principal import Principal

IntArray = npt.NDArray[np.int64]
#: A contender of a comparison: label, plan id (None for a naive plan), posts, note.
Contender = tuple[str, int | None, IntArray, str]


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


def _other_plan(
    db_session: Session, principal: Principal | None, plan: Plan, request: CompareRequest
) -> Plan | None:
    """The second plan of the request, if any, checked to be of the same city."""
    if request.other_plan_id is None:
        return None
    other = get_plan(db_session, principal, request.other_plan_id)
    if other.city != plan.city:
        raise InvalidInput("plans of different cities cannot be compared", field="other_plan_id")
    return other


def _contenders(
    db_session: Session,
    graph: RoadGraph,
    city: City,
    plan: Plan,
    other: Plan | None,
    naive: list[str],
) -> list[Contender]:
    """The plans to replay: the plan, the other plan, then the naive plans asked for (with the
    first plan's K groups and area)."""
    contenders: list[Contender] = [(f"plan #{plan.id}", plan.id, posts_of(plan), plan.name)]
    if other is not None:
        contenders.append((f"plan #{other.id}", other.id, posts_of(other), other.name))
    area = plan_area(graph, jurisdictions.get(db_session, plan.jurisdiction_id), city)
    if "stations" in naive:
        nodes, note = station_posts(db_session, graph, city, area, plan.groups)
        contenders.append(("naive: station posts", None, nodes, note))
    if "grid" in naive:
        nodes = grid_posts(graph, area.nodes, plan.groups)
        contenders.append(("naive: uniform grid", None, nodes, f"{nodes.size} grid posts"))
    return contenders


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
    other = _other_plan(db_session, principal, plan, request)
    for name in request.naive:
        if name not in NAIVE_PLANS:
            raise InvalidInput(f"naive plans are {', '.join(NAIVE_PLANS)}", field="naive")
    city = cities.get_city(db_session, plan.city)
    graph = cities.load_graph(settings, city, plan.mode)
    replay = replay_incidents(
        db_session, settings, graph, city, plan, request.date_from, request.date_to
    )
    results = []
    for label, plan_id, posts, note in _contenders(
        db_session, graph, city, plan, other, list(request.naive)
    ):
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
    notes: list[str] = []
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
