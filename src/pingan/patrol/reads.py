"""Patrol plans as they are read: one plan, a station's plans, the active plan, and their
JSON bodies, GeoJSON layer, printable group sheets and stored demand."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pingan.city import service as cities
from pingan.config import Settings
from pingan.errors import NotFound
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction
from pingan.patrol import sheets
from pingan.patrol.models import Plan, PlanStatus
from pingan.principal import Principal

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def load_plan(db_session: Session, plan_id: int) -> tuple[Plan, str]:
    """A plan with its posts, routes and beats, and its jurisdiction's path (no access check).

    Raises :class:`~pingan.errors.NotFound` for an unknown id.
    """
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
    plan, path = load_plan(db_session, plan_id)
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
    """The plans the caller may read, newest first."""
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
    """The plan's summary: shift, groups, status and the solver's report."""
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
    """The summary with the inputs, posts, loops and beats."""
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
