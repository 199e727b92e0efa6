"""The fire-safety and venue ledgers' API (消防台账): sites, control rooms, duty records,
inspections, hazards, training, spreadsheets, the officer's home and the chief's panels."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Header, Query, Response, UploadFile
from pydantic import BaseModel, Field

from pingan.auth import service as auth
from pingan.bounds import Id
from pingan.db import utcnow
from pingan.errors import NotFound
from pingan.incidents.imports import parse_mapping
from pingan.ledgers import (
    control_rooms,
    duty,
    export,
    hazards,
    inspections,
    rounds,
    sites,
    summary,
    training,
    venues,
    workbook,
)
from pingan.ledgers.models import SiteCategory
from pingan.ledgers.schemas import (
    ControlRoomWrite,
    HazardUpdate,
    InspectionWrite,
    ReinspectionWrite,
    ShiftWrite,
    SiteWrite,
    TaskWrite,
    TrainingWrite,
)
from pingan.principal import Principal
from pingan.web.deps import SessionDep, SettingsDep, allowed, audited_read
from pingan.web.photos import check_photo

router = APIRouter(prefix="/api/v1/ledgers", tags=["ledgers"])

LedgerReader = Annotated[Principal, allowed("ledger", "read")]
LedgerWriter = Annotated[Principal, allowed("ledger", "write")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Code = Annotated[str | None, Query(max_length=64)]
#: The phone form's key for sending an inspection once.
IdempotencyKey = Annotated[
    str | None, Header(alias="Idempotency-Key", max_length=64, pattern=r"^[A-Za-z0-9_-]{8,64}$")
]


class SeedVenues(BaseModel):
    city: str = Field(max_length=64)


# ------------------------------------------------------------------ sites and rooms


@router.get("/sites")
@audited_read
def list_sites(
    caller: LedgerReader,
    db_session: SessionDep,
    jurisdiction: Code = None,
    category: SiteCategory | None = None,
) -> list[dict[str, Any]]:
    """Sites of the caller's stations (names and phones masked unless the role may see
    them)."""
    return sites.list_sites(db_session, caller, jurisdiction_code=jurisdiction, category=category)


@router.post("/sites", status_code=201)
def create_site(
    body: SiteWrite, caller: LedgerWriter, db_session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    """A site; its point is geocoded through the city gazetteer when absent."""
    site = sites.add_site(db_session, settings, caller, body)
    return sites.get_site(db_session, caller, site.id)


@router.get("/sites/{site_id}")
@audited_read
def get_site(site_id: Id, caller: LedgerReader, db_session: SessionDep) -> dict[str, Any]:
    return sites.get_site(db_session, caller, site_id)


@router.put("/sites/{site_id}")
def update_site(
    site_id: Id,
    body: SiteWrite,
    caller: LedgerWriter,
    db_session: SessionDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    sites.update_site(db_session, settings, caller, site_id, body)
    return sites.get_site(db_session, caller, site_id)


@router.get("/sites/{site_id}/checklist")
def site_checklist(site_id: Id, caller: LedgerReader, db_session: SessionDep) -> dict[str, Any]:
    """The checklist of the site's category, with its earlier violations."""
    return inspections.site_checklist(db_session, caller, site_id)


@router.get("/sites/{site_id}/inspections")
@audited_read
def site_inspections(
    site_id: Id, caller: LedgerReader, db_session: SessionDep
) -> list[dict[str, Any]]:
    return inspections.site_inspections(db_session, caller, site_id)


@router.get("/sites/{site_id}/training")
def site_training(
    site_id: Id, caller: LedgerReader, db_session: SessionDep
) -> list[dict[str, Any]]:
    return training.site_sessions(db_session, caller, site_id)


@router.get("/sites/{site_id}/hazards")
@audited_read
def site_hazards(site_id: Id, caller: LedgerReader, db_session: SessionDep) -> list[dict[str, Any]]:
    sites.load_site(db_session, caller, site_id)
    return hazards.hazard_rows(db_session, caller, site_ids=[site_id])


@router.get("/sites/{site_id}/control-rooms")
@audited_read
def site_rooms(site_id: Id, caller: LedgerReader, db_session: SessionDep) -> list[dict[str, Any]]:
    sites.load_site(db_session, caller, site_id)
    return control_rooms.list_rooms(db_session, caller, site_id=site_id)


@router.post("/venues/seed", status_code=201)
def seed_venues(
    body: SeedVenues, caller: LedgerWriter, db_session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    """Add the city's OSM venues (bars, pubs, KTVs …) in the caller's stations, marked osm."""
    return venues.seed_venues(db_session, settings, caller, body.city)


@router.get("/control-rooms")
@audited_read
def list_rooms(caller: LedgerReader, db_session: SessionDep) -> list[dict[str, Any]]:
    return control_rooms.list_rooms(db_session, caller)


@router.post("/control-rooms", status_code=201)
def create_room(
    body: ControlRoomWrite, caller: LedgerWriter, db_session: SessionDep
) -> dict[str, Any]:
    room = control_rooms.add_room(db_session, caller, body)
    return control_rooms.get_room(db_session, caller, room.id)


@router.get("/control-rooms/{room_id}")
@audited_read
def get_room(room_id: Id, caller: LedgerReader, db_session: SessionDep) -> dict[str, Any]:
    return control_rooms.get_room(db_session, caller, room_id)


@router.put("/control-rooms/{room_id}")
def update_room(
    room_id: Id, body: ControlRoomWrite, caller: LedgerWriter, db_session: SessionDep
) -> dict[str, Any]:
    control_rooms.update_room(db_session, caller, room_id, body)
    return control_rooms.get_room(db_session, caller, room_id)


@router.get("/control-rooms/{room_id}/shifts")
@audited_read
def room_shifts(room_id: Id, caller: LedgerReader, db_session: SessionDep) -> list[dict[str, Any]]:
    return duty.room_shifts(db_session, caller, room_id)


@router.post("/shifts", status_code=201)
def record_shift(
    body: ShiftWrite, caller: LedgerWriter, db_session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    """A shift's duty record after GB 25506; the answer carries the flags it earned."""
    shift = duty.record_shift(db_session, settings, caller, body)
    return {"id": shift.id, "flags": shift.flags, "flagged": shift.flagged}


# ------------------------------------------------------------------ inspections


@router.post("/inspections", status_code=201)
def record_inspection(
    body: InspectionWrite,
    caller: LedgerWriter,
    db_session: SessionDep,
    settings: SettingsDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> dict[str, Any]:
    """An inspection from the phone form. Sent again with the same ``Idempotency-Key``
    (after a lost connection), the first one answers 200 and nothing is stored twice."""
    inspection, created = inspections.record_inspection(
        db_session, settings, caller, body, idempotency_key=idempotency_key
    )
    if not created:
        response.status_code = 200
    opened = hazards.hazard_rows(db_session, caller, site_ids=[inspection.site_id])
    return {
        "id": inspection.id,
        "created": created,
        "hazards": [h["id"] for h in opened if h["inspection_id"] == inspection.id],
    }


@router.post("/inspections/{inspection_id}/photos", status_code=201)
async def add_photo(
    inspection_id: Id,
    caller: LedgerWriter,
    db_session: SessionDep,
    settings: SettingsDep,
    photo: Annotated[UploadFile, File()],
) -> dict[str, int]:
    """A photo of an inspection: JPEG, PNG or WebP up to 5 MB, checked as incident photos."""
    data = await photo.read()
    extension = check_photo(data)
    count = inspections.attach_photo(db_session, settings, caller, inspection_id, data, extension)
    return {"photos": count}


@router.post("/tasks", status_code=201)
def create_task(
    body: TaskWrite, caller: LedgerWriter, db_session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    """A recurring patrol or check: one task with its occurrences."""
    task = inspections.add_task(db_session, settings, caller, body)
    return inspections.task_json(db_session, caller, task.id)


@router.get("/tasks/{task_id}")
def get_task(task_id: Id, caller: LedgerReader, db_session: SessionDep) -> dict[str, Any]:
    return inspections.task_json(db_session, caller, task_id)


# ------------------------------------------------------------------ hazards


@router.get("/hazards")
@audited_read
def list_hazards(
    caller: LedgerReader,
    db_session: SessionDep,
    state: Literal["open", "overdue", "major", "closed"] | None = None,
) -> list[dict[str, Any]]:
    """Hazards of the caller's stations, overdue and major first."""
    return hazards.hazard_rows(db_session, caller, state=state)


@router.get("/hazards/{hazard_id}")
@audited_read
def get_hazard(hazard_id: Id, caller: LedgerReader, db_session: SessionDep) -> dict[str, Any]:
    return hazards.get_hazard(db_session, caller, hazard_id)


@router.patch("/hazards/{hazard_id}")
def update_hazard(
    hazard_id: Id, body: HazardUpdate, caller: LedgerWriter, db_session: SessionDep
) -> dict[str, Any]:
    """The rectification plan (measures, department, person, funding, safeguards), or
    ``status: rectifying``."""
    return hazards.update_hazard(db_session, caller, hazard_id, body)


@router.post("/hazards/{hazard_id}/close")
def close_hazard(hazard_id: Id, caller: LedgerWriter, db_session: SessionDep) -> dict[str, Any]:
    """Close on a newer inspection that passed the item; 409 when there is none."""
    return hazards.close_hazard(db_session, caller, hazard_id)


@router.post("/hazards/{hazard_id}/reinspection")
def reinspect(
    hazard_id: Id,
    body: ReinspectionWrite,
    caller: LedgerWriter,
    db_session: SessionDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    """A re-inspection's outcome; not (fully) corrected: new deadline, escalated."""
    return hazards.reinspect(db_session, settings, caller, hazard_id, body)


# ------------------------------------------------------------------ training


@router.post("/training", status_code=201)
def record_training(
    body: TrainingWrite, caller: LedgerWriter, db_session: SessionDep
) -> dict[str, Any]:
    session = training.record_session(db_session, caller, body)
    return {"id": session.id}


@router.post("/training/{session_id}/photos", status_code=201)
async def add_training_photo(
    session_id: Id,
    caller: LedgerWriter,
    db_session: SessionDep,
    settings: SettingsDep,
    photo: Annotated[UploadFile, File()],
) -> dict[str, int]:
    """A photo of a session: JPEG, PNG or WebP up to 5 MB, checked as incident photos."""
    data = await photo.read()
    extension = check_photo(data)
    count = training.attach_photo(db_session, settings, caller, session_id, data, extension)
    return {"photos": count}


@router.get("/compliance")
def compliance(
    caller: LedgerReader, db_session: SessionDep, settings: SettingsDep
) -> list[dict[str, Any]]:
    """Per site: the last drill and training and whether each is within its interval."""
    today = summary.local_today(settings)
    return training.compliance(db_session, settings, caller, today)


# ------------------------------------------------------------------ pages' summaries


@router.get("/home")
@audited_read
def officer_home(
    caller: LedgerReader, db_session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    """Due inspections, overdue and major hazards, expiring certificates, flagged rooms."""
    return summary.officer_home(db_session, settings, caller)


@router.get("/figures")
def chief_figures(
    caller: LedgerReader,
    db_session: SessionDep,
    settings: SettingsDep,
    start: date | None = Query(default=None, alias="from"),
    end: date | None = Query(default=None, alias="to"),
) -> dict[str, Any]:
    """Control rooms surveyed vs registered; hazards found, rectified on time, overdue;
    drills held."""
    return summary.chief_figures(db_session, settings, caller, start=start, end=end)


# ------------------------------------------------------------------ the monthly round


@router.get("/rounds")
def monthly_round(
    caller: LedgerReader,
    db_session: SessionDep,
    settings: SettingsDep,
    inspector: Annotated[str, Query(max_length=64)],
    month: Annotated[str, Query(pattern=r"^\d{4}-\d{2}$")],
    mode: Literal["car", "ebike"] = "car",
) -> dict[str, Any]:
    """The inspector's round for a month: due sites (open and overdue hazards first), the
    days and order to visit them within their opening hours, and any left out with why."""
    try:
        user = auth.get_user(db_session, inspector)
    except NotFound:
        raise NotFound(f"no inspector {inspector!r}") from None
    who = auth.principal_for(db_session, user, client_addr=None)
    return rounds.plan_month(
        db_session, settings, caller, inspector=who, month=month, mode=mode, now=utcnow()
    )


# ------------------------------------------------------------------ spreadsheets


@router.post("/import/{kind}", status_code=201)
async def import_ledger(
    kind: Literal["sites", "control_rooms", "operators", "shifts"],
    caller: LedgerWriter,
    db_session: SessionDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File()],
    mapping: Annotated[str, Form(max_length=4000)] = "",
    jurisdiction_code: Annotated[str | None, Form(max_length=64)] = None,
) -> dict[str, Any]:
    """XLSX or CSV, columns mapped as ``name=单位名称,code=编号``: all rows or none; a bad
    cell is named by sheet, line and column."""
    raw = await file.read()
    return workbook.import_rows(
        db_session,
        settings,
        caller,
        kind,
        raw,
        parse_mapping(mapping) if mapping.strip() else {},
        jurisdiction_code=jurisdiction_code,
    )


@router.get("/export.xlsx", response_class=Response)
@audited_read
def export_ledger(
    caller: LedgerReader,
    db_session: SessionDep,
    settings: SettingsDep,
    jurisdiction: Code = None,
    start: date | None = Query(default=None, alias="from"),
    end: date | None = Query(default=None, alias="to"),
) -> Response:
    """The ledger workbook (sites, control rooms, operators, duty flags, inspections,
    hazards, drills) of a jurisdiction and period; strings always text."""
    data = export.export_workbook(
        db_session, settings, caller, jurisdiction_code=jurisdiction, start=start, end=end
    )
    return Response(
        data,
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="ledgers.xlsx"'},
    )
