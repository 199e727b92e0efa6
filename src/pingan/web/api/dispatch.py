"""Rapid response routes: recommendation, assignments, mutual aid, figures and live reach.

The :mod:`pingan.dispatch` modules a route of the same name would hide are imported under
other names; the routes keep theirs (they name the OpenAPI operations).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from pingan.bounds import Id
from pingan.db import unit_of_work
from pingan.dispatch import assignments as unit_assignments
from pingan.dispatch import figures as response_figures
from pingan.dispatch import mutual_aid as aid
from pingan.dispatch import reach
from pingan.dispatch import recommend as recommendation
from pingan.dispatch.schemas import (
    AssignmentRead,
    DispatchIn,
    FiguresRead,
    MutualAidHelpRead,
    Recommendation,
)
from pingan.errors import Unauthenticated
from pingan.web.deps import (
    Credentials,
    PrincipalDep,
    SessionDep,
    SettingsDep,
    authenticate_credentials,
    request_credentials,
)

router = APIRouter(prefix="/api/v1", tags=["dispatch"])


@router.get("/incidents/{incident_id}/recommendation", response_model=Recommendation)
async def recommend(incident_id: Id, request: Request) -> Response:
    """Available units ranked by road travel time, grouped into the 1-3-5 minute tiers.

    The dispatcher's hot read: no synchronous dependencies (each one is a trip to the
    thread pool); authentication, the ranking and the answer's validation and
    serialisation (pydantic-core, one pass) run in one trip. The body is what the
    ``response_model`` would give (a test compares them)."""
    credentials = await request_credentials(request)
    if credentials is None:
        raise Unauthenticated("log in first (bearer token or session cookie)")
    body = await run_in_threadpool(_recommendation_json, request, credentials, incident_id)
    return Response(body, media_type="application/json")


def _recommendation_json(request: Request, credentials: Credentials, incident_id: int) -> bytes:
    state = request.app.state
    with unit_of_work(state.read_session_factory) as db_session:
        caller = authenticate_credentials(db_session, credentials)
        answer = recommendation.recommend(db_session, state.settings, caller, incident_id)
        return Recommendation.model_validate(answer).model_dump_json().encode("utf-8")


@router.post(
    "/incidents/{incident_id}/dispatch", response_model=list[AssignmentRead], status_code=201
)
def dispatch(
    incident_id: Id,
    body: DispatchIn,
    caller: PrincipalDep,
    db_session: SessionDep,
    settings: SettingsDep,
) -> list[dict[str, Any]]:
    return unit_assignments.dispatch(db_session, settings, caller, incident_id, body.unit_ids)


@router.get("/incidents/{incident_id}/assignments", response_model=list[AssignmentRead])
def assignments(
    incident_id: Id, caller: PrincipalDep, db_session: SessionDep
) -> list[dict[str, Any]]:
    return unit_assignments.assignments_of(db_session, caller, incident_id)


@router.post("/assignments/{assignment_id}/arrived", response_model=AssignmentRead)
def arrived(assignment_id: Id, caller: PrincipalDep, db_session: SessionDep) -> dict[str, Any]:
    return unit_assignments.arrived(db_session, caller, assignment_id)


@router.post("/assignments/{assignment_id}/cleared", response_model=AssignmentRead)
def cleared(assignment_id: Id, caller: PrincipalDep, db_session: SessionDep) -> dict[str, Any]:
    return unit_assignments.cleared(db_session, caller, assignment_id)


@router.get("/dispatch/mutual-aid", response_model=list[MutualAidHelpRead])
def mutual_aid(caller: PrincipalDep, db_session: SessionDep) -> list[dict[str, Any]]:
    """The caller's units now helping another station (mutual aid), oldest first."""
    return aid.mutual_aid_of_units(db_session, caller)


@router.get("/dispatch/figures", response_model=FiguresRead)
def figures(
    caller: PrincipalDep,
    db_session: SessionDep,
    settings: SettingsDep,
    group_by: Annotated[str, Query(pattern="^(station|shift|type)$")] = "station",
    start: Annotated[datetime | None, Query(alias="from")] = None,
    end: Annotated[datetime | None, Query(alias="to")] = None,
) -> dict[str, Any]:
    return response_figures.figures(
        db_session, settings, caller, group_by=group_by, start=start, end=end
    )


@router.get("/reach/live")
def live_reach(
    caller: PrincipalDep,
    db_session: SessionDep,
    settings: SettingsDep,
    city: Annotated[str, Query(min_length=1, max_length=64)],
    layer: bool = True,
) -> dict[str, Any]:
    """Share of demand within 60/180/300 s of available units now, with the reach polygons."""
    return reach.live_reach(db_session, settings, caller, city, with_layer=layer)
