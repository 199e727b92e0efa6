"""Drills (演练): the record of each drill, and per team the drills held and the mean time to
assemble.

A drill is held at a place of a station (a grid or the station itself). Its teams and
volunteers are referred to by id and must belong to that station. Functions ``flush()``;
the caller commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pingan.audit import service as audit
from pingan.community.group_schemas import DrillCreate
from pingan.community.groups import station_path
from pingan.community.models import Drill, DrillTeam, DrillVolunteer, Volunteer, VolunteerTeam
from pingan.errors import Forbidden, InvalidInput, NotFound
from pingan.incidents import privacy
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction, Level
from pingan.principal import Principal


def _place(db_session: Session, principal: Principal, code: str | None) -> Jurisdiction:
    if code is None:
        grant = principal.deepest_grant("drill", "write")
        if grant is None:
            raise Forbidden("your roles do not allow write on drill")
        node = jurisdictions.get(db_session, grant.jurisdiction_id)
    else:
        node = jurisdictions.get_by_code(db_session, code)
    if node.level not in (Level.grid, Level.station):
        raise InvalidInput(
            f"{node.code!r} is a {node.level.value}: a drill is held in a station or a grid",
            field="jurisdiction_code",
        )
    principal.check("drill", "write", node.path)
    return node


def _members_of_station(
    db_session: Session,
    model: type[Volunteer] | type[VolunteerTeam],
    ids: Sequence[int],
    station: str,
    field: str,
) -> None:
    """Every id names a record of ``model`` whose station is ``station``."""
    wanted = set(ids)
    if not wanted:
        return
    found = dict(
        db_session.execute(
            select(model.id, Jurisdiction.path)
            .join(Jurisdiction, Jurisdiction.id == model.jurisdiction_id)
            .where(model.id.in_(wanted))
        ).all()
    )
    for record_id in sorted(wanted):
        path = found.get(record_id)
        if path is None or not path.startswith(station):
            raise InvalidInput(f"no {field[:-4]} {record_id} in the drill's station", field=field)


def record_drill(
    db_session: Session, principal: Principal, data: DrillCreate, *, simulated: bool = False
) -> Drill:
    """Store one drill with its teams and volunteers."""
    principal.require("drill", "write")
    node = _place(db_session, principal, data.jurisdiction_code)
    station = station_path(node, db_session)
    _members_of_station(db_session, VolunteerTeam, data.team_ids, station, "team_ids")
    _members_of_station(db_session, Volunteer, data.volunteer_ids, station, "volunteer_ids")
    if (data.lat is None) != (data.lon is None):
        raise InvalidInput("give both lat and lon, or neither", field="lat")
    drill = Drill(
        jurisdiction_id=node.id,
        kind=data.kind,
        scenario=data.scenario.strip(),
        held_at=data.held_at.astimezone(UTC),
        place_text=data.place_text.strip(),
        lat=data.lat,
        lon=data.lon,
        police_count=data.police_count,
        venue_staff_count=data.venue_staff_count,
        assemble_s=data.assemble_s,
        first_action_s=data.first_action_s,
        outcome=data.outcome,
        lessons=data.lessons,
        simulated=simulated,
        created_by_id=principal.user_id or None,
    )
    db_session.add(drill)
    db_session.flush()
    db_session.add_all(
        DrillTeam(drill_id=drill.id, team_id=t) for t in dict.fromkeys(data.team_ids)
    )
    db_session.add_all(
        DrillVolunteer(drill_id=drill.id, volunteer_id=v) for v in dict.fromkeys(data.volunteer_ids)
    )
    db_session.flush()
    audit.record(
        db_session,
        action="drill.record",
        object_type="drill",
        object_id=drill.id,
        principal=principal,
        jurisdiction_id=node.id,
    )
    return drill


def drill_json(db_session: Session, principal: Principal, drill: Drill) -> dict[str, Any]:
    """A drill as ``principal`` may read it: names, phones and ID numbers in its texts are
    masked for roles without ``volunteer.personal_data``; an unmasked read of them is
    audited."""
    path = jurisdictions.get(db_session, drill.jurisdiction_id).path
    sight = privacy.Sight(personal=principal.can("volunteer", "personal_data", path))
    texts = {
        "scenario": drill.scenario,
        "place_text": drill.place_text,
        "outcome": drill.outcome,
        "lessons": drill.lessons,
    }
    if sight.personal and any(privacy.holds_personal(t) for t in texts.values()):
        audit.record(
            db_session,
            action="drill.read_personal",
            object_type="drill",
            object_id=drill.id,
            principal=principal,
            jurisdiction_id=drill.jurisdiction_id,
        )
    teams = db_session.execute(
        select(VolunteerTeam.id, VolunteerTeam.name)
        .join(DrillTeam, DrillTeam.team_id == VolunteerTeam.id)
        .where(DrillTeam.drill_id == drill.id)
        .order_by(VolunteerTeam.id)
    ).all()
    volunteers = db_session.scalars(
        select(DrillVolunteer.volunteer_id)
        .where(DrillVolunteer.drill_id == drill.id)
        .order_by(DrillVolunteer.volunteer_id)
    ).all()
    return {
        "id": drill.id,
        "kind": drill.kind,
        "scenario": privacy.redact(texts["scenario"], sight),
        "held_at": drill.held_at,
        "jurisdiction_code": jurisdictions.get(db_session, drill.jurisdiction_id).code,
        "place_text": privacy.redact(texts["place_text"], sight),
        "lat": drill.lat,
        "lon": drill.lon,
        "police_count": drill.police_count,
        "venue_staff_count": drill.venue_staff_count,
        "teams": [{"id": i, "name": n} for i, n in teams],
        "volunteer_ids": list(volunteers),
        "assemble_s": drill.assemble_s,
        "first_action_s": drill.first_action_s,
        "outcome": privacy.redact(texts["outcome"], sight),
        "lessons": privacy.redact(texts["lessons"], sight),
        "simulated": drill.simulated,
    }


def get_drill(db_session: Session, principal: Principal, drill_id: int) -> Drill:
    drill = db_session.get(Drill, drill_id)
    if drill is None:
        raise NotFound("no such drill")
    principal.check("drill", "read", jurisdictions.get(db_session, drill.jurisdiction_id).path)
    return drill


def list_drills(
    db_session: Session,
    principal: Principal,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[Drill], int]:
    """The caller's drills, newest first, and how many there are in all."""
    principal.require("drill", "read")
    query = (
        select(Drill)
        .join(Jurisdiction, Jurisdiction.id == Drill.jurisdiction_id)
        .where(principal.visible_clause("drill", "read", Jurisdiction.path))
    )
    if since is not None:
        query = query.where(Drill.held_at >= since)
    if until is not None:
        query = query.where(Drill.held_at < until)
    total = db_session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = db_session.scalars(
        query.order_by(Drill.held_at.desc(), Drill.id.desc()).limit(limit).offset(offset)
    )
    return list(page), total


def team_figures(
    db_session: Session,
    principal: Principal,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[dict[str, Any]]:
    """Per visible team: the drills it took part in and their mean time to assemble (s);
    teams without drills show 0 and None."""
    principal.require("drill", "read")
    joined = select(DrillTeam.team_id, Drill.assemble_s).join(Drill, Drill.id == DrillTeam.drill_id)
    if since is not None:
        joined = joined.where(Drill.held_at >= since)
    if until is not None:
        joined = joined.where(Drill.held_at < until)
    held = joined.subquery()
    rows = db_session.execute(
        select(
            VolunteerTeam.id,
            VolunteerTeam.name,
            func.count(held.c.team_id),
            func.avg(held.c.assemble_s),
        )
        .join(Jurisdiction, Jurisdiction.id == VolunteerTeam.jurisdiction_id)
        .outerjoin(held, held.c.team_id == VolunteerTeam.id)
        .where(principal.visible_clause("drill", "read", Jurisdiction.path))
        .group_by(VolunteerTeam.id, VolunteerTeam.name)
        .order_by(VolunteerTeam.id)
    ).all()
    return [
        {
            "team_id": team_id,
            "team_name": name,
            "drills": count,
            "mean_assemble_s": round(float(mean), 1) if mean is not None else None,
        }
        for team_id, name, count, mean in rows
    ]
