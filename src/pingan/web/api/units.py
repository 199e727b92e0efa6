from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from pingan.bounds import Id
from pingan.units import service
from pingan.units.models import UnitStatus
from pingan.units.schemas import (
    PositionBatch,
    PositionBatchResult,
    PositionIn,
    StatusChange,
    UnitCreate,
    UnitRead,
)
from pingan.web.deps import PrincipalDep, SessionDep, SettingsDep

router = APIRouter(prefix="/api/v1/units", tags=["units"])


@router.get("", response_model=list[UnitRead])
def list_units(
    caller: PrincipalDep,
    db_session: SessionDep,
    settings: SettingsDep,
    city: str | None = None,
    status: UnitStatus | None = None,
) -> list[dict[str, Any]]:
    rows = service.list_units(db_session, caller, city=city, status=status)
    return [service.unit_json(r, settings) for r in rows]


@router.post("", response_model=UnitRead, status_code=201)
def create_unit(
    body: UnitCreate, caller: PrincipalDep, db_session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    return service.unit_json(service.create_unit(db_session, caller, body), settings)


@router.get("/{unit_id}", response_model=UnitRead)
def get_unit(
    unit_id: Id, caller: PrincipalDep, db_session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    return service.unit_json(service.get_unit(db_session, caller, unit_id), settings)


@router.post("/{unit_id}/status", response_model=UnitRead)
def set_status(
    unit_id: Id,
    body: StatusChange,
    caller: PrincipalDep,
    db_session: SessionDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    return service.unit_json(service.set_status(db_session, caller, unit_id, body.status), settings)


@router.post("/{unit_id}/position", response_model=UnitRead)
def report_position(
    unit_id: Id,
    body: PositionIn,
    caller: PrincipalDep,
    db_session: SessionDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    return service.unit_json(service.report_position(db_session, caller, unit_id, body), settings)


@router.post("/positions", response_model=PositionBatchResult)
def report_positions(
    body: PositionBatch, caller: PrincipalDep, db_session: SessionDep
) -> PositionBatchResult:
    return PositionBatchResult(
        accepted=service.report_positions(db_session, caller, body.positions)
    )
