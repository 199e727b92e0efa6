"""Patrol plans over HTTP.

Making a plan is a background job (:mod:`pingan.patrol.jobs`): ``POST`` answers 202 with the
job. Comparing plans still runs inline, bounded by the period's size.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from pingan.bounds import Count, Id
from pingan.jobs import service as jobs
from pingan.patrol import activation, compare, reads, visibility
from pingan.patrol import jobs as plan_jobs
from pingan.patrol.models import PlanStatus
from pingan.patrol.schemas import CompareRequest, PlanCreate, PlanDetail, PlanRead
from pingan.web.deps import PlanReader, PlanWriter, SessionDep, SettingsDep

router = APIRouter(prefix="/api/v1/plans", tags=["plans"])


@router.post("", status_code=202)
def make_plan(
    body: PlanCreate,
    caller: PlanWriter,
    db_session: SessionDep,
    settings: SettingsDep,
    response: Response,
) -> dict[str, Any]:
    """Queue a plan solve for a shift: 202 with the job (``Location``: its URL). The job's
    ``result_url`` names the plan once solved (within ``time_limit_s`` of solving)."""
    job = plan_jobs.submit_plan(db_session, settings, caller, body, actor=caller.username)
    response.headers["Location"] = f"/api/v1/jobs/{job.id}"
    return jobs.job_json(job)


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
