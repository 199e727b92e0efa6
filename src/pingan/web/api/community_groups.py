"""Routes of drills (演练) and of the police–citizen group chats (警民群): the registry, its
CSV import, each week's health and the groups waiting for an officer's answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, UploadFile

from pingan.bounds import Count, Id
from pingan.community import drills, group_health, groups
from pingan.community.group_schemas import (
    ChatGroupCreate,
    ChatGroupPage,
    ChatGroupRead,
    ChatGroupUpdate,
    DrillCreate,
    DrillPage,
    DrillRead,
    GroupHealthRead,
    GroupImportResult,
    TeamDrillFigures,
    UnansweredGroup,
)
from pingan.db import utcnow
from pingan.principal import Principal
from pingan.web.deps import SessionDep, SettingsDep, allowed, audited_read

router = APIRouter(prefix="/api/v1/community", tags=["community"])

DrillReader = Annotated[Principal, allowed("drill", "read")]
DrillWriter = Annotated[Principal, allowed("drill", "write")]
GroupReader = Annotated[Principal, allowed("chat_group", "read")]
GroupWriter = Annotated[Principal, allowed("chat_group", "write")]


@router.post("/drills", status_code=201, response_model=DrillRead)
def record_drill(body: DrillCreate, caller: DrillWriter, db_session: SessionDep) -> Any:
    drill = drills.record_drill(db_session, caller, body)
    return drills.drill_json(db_session, caller, drill)


@router.get("/drills", response_model=DrillPage)
@audited_read
def list_drills(
    caller: DrillReader,
    db_session: SessionDep,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Count = 0,
) -> Any:
    items, total = drills.list_drills(
        db_session, caller, since=since, until=until, limit=limit, offset=offset
    )
    return {"items": [drills.drill_json(db_session, caller, d) for d in items], "total": total}


@router.get("/drills/teams", response_model=list[TeamDrillFigures])
def drill_team_figures(
    caller: DrillReader,
    db_session: SessionDep,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Any:
    """Per team: drills held and the mean time to assemble (seconds)."""
    return drills.team_figures(db_session, caller, since=since, until=until)


@router.get("/drills/{drill_id}", response_model=DrillRead)
@audited_read
def get_drill(drill_id: Id, caller: DrillReader, db_session: SessionDep) -> Any:
    return drills.drill_json(db_session, caller, drills.get_drill(db_session, caller, drill_id))


@router.post("/groups", status_code=201, response_model=ChatGroupRead)
def register_group(body: ChatGroupCreate, caller: GroupWriter, db_session: SessionDep) -> Any:
    group = groups.register_group(db_session, caller, body)
    return groups.group_json(db_session, group)


@router.get("/groups", response_model=ChatGroupPage)
def list_groups(
    caller: GroupReader,
    db_session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Count = 0,
) -> Any:
    """The caller's groups by grid and name, a page at a time."""
    items = groups.visible_groups(db_session, caller)
    page = items[offset : offset + limit]
    return {"items": [groups.group_json(db_session, g) for g in page], "total": len(items)}


@router.post("/groups/import", status_code=201, response_model=GroupImportResult)
async def import_groups(
    caller: GroupWriter, db_session: SessionDep, file: Annotated[UploadFile, File()]
) -> Any:
    """A registry as CSV (platform, external_id, name, grid, officer, member_count,
    created_on, officer_senders; or 平台, 群号, 群名, 网格, 负责民警, 成员数, 建群日期, 民警昵称):
    all or nothing, a bad row named by line and column."""
    raw = await file.read()
    return groups.import_groups(db_session, caller, raw)


@router.get("/groups/health", response_model=GroupHealthRead)
def group_health_week(
    caller: GroupReader,
    db_session: SessionDep,
    settings: SettingsDep,
    week: Annotated[str | None, Query(max_length=8, description="ISO week, e.g. 2026-W28")] = None,
) -> Any:
    """Each group's figures for the week (default: this week)."""
    chosen = week or group_health.current_week(utcnow(), settings.time_zone)
    return group_health.week_health(db_session, caller, chosen, settings.time_zone)


@router.get("/groups/unanswered", response_model=list[UnansweredGroup])
def unanswered_groups(caller: GroupReader, db_session: SessionDep) -> Any:
    """Groups where citizens asked in the last 7 days and no officer has written since."""
    return group_health.unanswered_groups(db_session, caller)


@router.get("/groups/{group_id}", response_model=ChatGroupRead)
def get_group(group_id: Id, caller: GroupReader, db_session: SessionDep) -> Any:
    return groups.group_json(db_session, groups.get_group(db_session, caller, group_id))


@router.patch("/groups/{group_id}", response_model=ChatGroupRead)
def update_group(
    group_id: Id, body: ChatGroupUpdate, caller: GroupWriter, db_session: SessionDep
) -> Any:
    return groups.group_json(db_session, groups.update_group(db_session, caller, group_id, body))
