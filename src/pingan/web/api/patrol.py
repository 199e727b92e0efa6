"""Patrol plans over HTTP.

Making and comparing plans run inline in the request, bounded by the request's
``time_limit_s`` (plans) or the period's size (comparisons); the design moves such long jobs
to a task queue (Dramatiq or Celery on Redis) later.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from pingan.bounds import Count, Id
from pingan.patrol import activation, compare, planning, reads, visibility
from pingan.patrol.models import PlanStatus
from pingan.patrol.schemas import CompareRequest, PlanCreate, PlanDetail, PlanRead
from pingan.web.deps import PlanReader, PlanWriter, SessionDep, SettingsDep

router = APIRouter(prefix="/api/v1/plans", tags=["plans"])


@router.post("", response_model=PlanDetail, status_code=201)
def make_plan(
    body: PlanCreate, caller: PlanWriter, db_session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    """Make a plan for a shift (inline, within ``time_limit_s`` of solving)."""
    plan = planning.make_plan(db_session, settings, caller, body)
    return reads.plan_detail(db_session, plan)


@router.get("", response_model=list[PlanRead])
def list_plans(
    caller: PlanReader,
    db_session: SessionDep,
    city: str | None = None,
    status: PlanStatus | None = None,
) -> list[dict[str, Any]]:
    plans = reads.list_plans(db_session, caller, city=city, status=status)
    return [reads.plan_json(db_session, p) for p in plans]


@router.post("/compare")
def compare_plans(
    body: CompareRequest, caller: PlanWriter, db_session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    """Replay a period's incidents against the plans and naive plans (inline)."""
    return compare.compare_plans(db_session, settings, caller, body)


@router.get("/{plan_id}.geojson")
def plan_geojson(plan_id: Id, caller: PlanReader, db_session: SessionDep) -> JSONResponse:
    return JSONResponse(
        reads.plan_layer(db_session, caller, plan_id), media_type="application/geo+json"
    )


@router.get("/{plan_id}/sheets/{group}.pdf")
def group_sheet(
    plan_id: Id, group: Count, caller: PlanReader, db_session: SessionDep, settings: SettingsDep
) -> Response:
    pdf = reads.group_sheet(db_session, settings, caller, plan_id, group)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="plan-{plan_id}-group-{group}.pdf"'},
    )


@router.get("/{plan_id}", response_model=PlanDetail)
def get_plan(plan_id: Id, caller: PlanReader, db_session: SessionDep) -> dict[str, Any]:
    return reads.plan_detail(db_session, reads.get_plan(db_session, caller, plan_id))


@router.get("/{plan_id}/visibility")
def observed_visibility(
    plan_id: Id,
    caller: PlanReader,
    db_session: SessionDep,
    settings: SettingsDep,
    first_day: Annotated[date, Query(alias="from")],
    last_day: Annotated[date, Query(alias="to")],
    radius_m: Annotated[float, Query(gt=0, le=1000)] = 100.0,
) -> dict[str, Any]:
    """见警率 as it happened: the share of the plan's hot-spot-hours in which a unit's
    position reports put a patrol within ``radius_m`` of the hot spot."""
    return visibility.observed_visibility(
        db_session, settings, caller, plan_id, first_day, last_day, radius_m=radius_m
    )


@router.post("/{plan_id}/activate", response_model=PlanRead)
def activate_plan(plan_id: Id, caller: PlanWriter, db_session: SessionDep) -> dict[str, Any]:
    """Make this plan the active one for its station, city, shift and day type."""
    return reads.plan_json(db_session, activation.activate_plan(db_session, caller, plan_id))
