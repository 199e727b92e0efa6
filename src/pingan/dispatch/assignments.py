"""Assignments: a unit sent to an incident (dispatch), its arrival and its clearing.

Dispatch sends units en route and moves the incident to dispatched; the first arrival puts
it on scene; the last unit cleared resolves it. Each step is audited.
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.algo import tiers
from pingan.audit import service as audit
from pingan.config import Settings
from pingan.db import utcnow
from pingan.dispatch.models import Assignment, AssignmentStatus
from pingan.dispatch.mutual_aid import is_mutual_aid, unit_reach
from pingan.dispatch.travel import incident_point, unit_travel_times
from pingan.errors import Conflict, InvalidInput, NotFound
from pingan.incidents import lifecycle, reads
from pingan.incidents.models import Status
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction
from pingan.principal import Principal
from pingan.units import service as units
from pingan.units.models import Unit, UnitStatus


def _assignment_json(assignment: Assignment, callsign: str) -> dict[str, Any]:
    return {
        "id": assignment.id,
        "incident_id": assignment.incident_id,
        "unit_id": assignment.unit_id,
        "callsign": callsign,
        "mutual_aid": assignment.mutual_aid,
        "status": assignment.status,
        "assigned_at": assignment.assigned_at,
        "arrived_at": assignment.arrived_at,
        "cleared_at": assignment.cleared_at,
        "predicted_travel_s": assignment.predicted_travel_s,
        "predicted_tier": assignment.predicted_tier,
        "response_s": assignment.response_s,
    }


def dispatch(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    incident_id: int,
    unit_ids: list[int],
) -> list[dict[str, Any]]:
    """Send units to an incident: the units go en route, the incident becomes dispatched.

    Each unit must be the caller's own or one the jurisdiction tree lets the caller borrow
    (:func:`unit_reach`); any other unit is "no such unit" (404), as on its reads. A unit
    of another station is recorded as mutual aid and audited in its home station too.
    """
    principal.require("dispatch", "write")
    incident = reads.load_incident(db_session, principal, incident_id, "write")
    city_name, lat, lon = incident_point(incident)
    incident_path = jurisdictions.get_ref(db_session, incident.jurisdiction_id).path
    if len(set(unit_ids)) != len(unit_ids):
        raise InvalidInput("a unit is listed twice", field="body.unit_ids")
    in_city = {r.unit.id: r for r in units.units_in_city(db_session, city_name)}
    rows = []
    for index, unit_id in enumerate(unit_ids):
        field = f"body.unit_ids.{index}"
        row = in_city.get(unit_id)
        if row is None:
            try:
                units.get_unit(db_session, principal, unit_id)
            except NotFound:
                raise NotFound("no such unit", field=field) from None
            raise InvalidInput(f"unit {unit_id} does not serve {city_name}", field=field)
        if unit_reach(db_session, principal, "write", row.station_path, incident_path) is None:
            raise NotFound("no such unit", field=field)
        if row.unit.status is not UnitStatus.available:
            raise Conflict(f"unit {row.unit.callsign} is {row.unit.status.value}", field=field)
        rows.append(row)
    if incident.status is Status.received:
        lifecycle.transition(
            db_session, principal, incident.id, Status.confirmed, "confirmed at dispatch"
        )
    if incident.status is Status.confirmed:
        lifecycle.transition(
            db_session,
            principal,
            incident.id,
            Status.dispatched,
            "dispatched "
            + ", ".join(
                r.unit.callsign
                + (
                    f" (mutual aid, {r.station_code})"
                    if is_mutual_aid(r.station_path, incident_path)
                    else ""
                )
                for r in rows
            ),
        )
    elif incident.status not in (Status.dispatched, Status.on_scene):
        raise Conflict(
            f"an incident that is {incident.status.value} cannot take units", field="status"
        )
    times = unit_travel_times(db_session, settings, city_name, lat, lon, rows)
    now = utcnow()
    made = []
    for row, time_s in zip(rows, times, strict=True):
        units.move_status(row.unit, UnitStatus.en_route)
        mutual_aid = is_mutual_aid(row.station_path, incident_path)
        assignment = Assignment(
            incident_id=incident.id,
            unit_id=row.unit.id,
            jurisdiction_id=incident.jurisdiction_id,
            mutual_aid=mutual_aid,
            status=AssignmentStatus.en_route,
            assigned_at=now,
            en_route_at=now,
            predicted_travel_s=float(time_s) if math.isfinite(time_s) else None,
            predicted_tier=tiers.tier_of(float(time_s), settings.tiers_s),
            updated_at=now,
        )
        db_session.add(assignment)
        db_session.flush()
        audit.record(
            db_session,
            action="dispatch.assign",
            object_type="assignment",
            object_id=assignment.id,
            principal=principal,
            jurisdiction_id=incident.jurisdiction_id,
        )
        if mutual_aid:  # the helping station's auditor sees it too
            audit.record(
                db_session,
                action="dispatch.mutual_aid",
                object_type="assignment",
                object_id=assignment.id,
                principal=principal,
                jurisdiction_id=row.unit.jurisdiction_id,
            )
        made.append(_assignment_json(assignment, row.unit.callsign))
    return made


def _load_assignment(
    db_session: Session, principal: Principal, assignment_id: int
) -> tuple[Assignment, Unit]:
    principal.require("dispatch", "write")
    row = db_session.execute(
        select(Assignment, Unit, Jurisdiction.path)
        .join(Unit, Unit.id == Assignment.unit_id)
        .join(Jurisdiction, Jurisdiction.id == Assignment.jurisdiction_id)
        .where(Assignment.id == assignment_id)
    ).first()
    if row is None:
        raise NotFound("no such assignment")
    principal.check("dispatch", "write", row[2])
    return row[0], row[1]


def arrived(db_session: Session, principal: Principal, assignment_id: int) -> dict[str, Any]:
    assignment, unit = _load_assignment(db_session, principal, assignment_id)
    if assignment.status is not AssignmentStatus.en_route:
        raise Conflict(f"the assignment is {assignment.status.value}, not en route", field="status")
    incident = reads.load_incident(db_session, principal, assignment.incident_id, "write")
    now = utcnow()
    assignment.status = AssignmentStatus.on_scene
    assignment.arrived_at = now
    assignment.response_s = round((now - incident.received_at).total_seconds(), 3)
    assignment.updated_at = now
    units.move_status(unit, UnitStatus.on_scene)
    if incident.status is Status.dispatched:
        lifecycle.transition(
            db_session, principal, incident.id, Status.on_scene, f"{unit.callsign} arrived"
        )
    db_session.flush()
    audit.record(
        db_session,
        action="dispatch.arrived",
        object_type="assignment",
        object_id=assignment.id,
        principal=principal,
        jurisdiction_id=assignment.jurisdiction_id,
    )
    return _assignment_json(assignment, unit.callsign)


def cleared(db_session: Session, principal: Principal, assignment_id: int) -> dict[str, Any]:
    """The unit leaves the scene and is available again; the last one out resolves the incident."""
    assignment, unit = _load_assignment(db_session, principal, assignment_id)
    if assignment.status not in (AssignmentStatus.en_route, AssignmentStatus.on_scene):
        raise Conflict(f"the assignment is already {assignment.status.value}", field="status")
    now = utcnow()
    assignment.status = (
        AssignmentStatus.cleared if assignment.arrived_at else AssignmentStatus.cancelled
    )
    assignment.cleared_at = now
    assignment.updated_at = now
    units.move_status(unit, UnitStatus.available)
    db_session.flush()
    active = db_session.scalar(
        select(Assignment.id).where(
            Assignment.incident_id == assignment.incident_id,
            Assignment.status.in_([AssignmentStatus.en_route, AssignmentStatus.on_scene]),
        )
    )
    incident = reads.load_incident(db_session, principal, assignment.incident_id, "write")
    if active is None and incident.status is Status.on_scene:
        lifecycle.transition(
            db_session, principal, incident.id, Status.resolved, f"cleared by {unit.callsign}"
        )
    audit.record(
        db_session,
        action="dispatch.cleared",
        object_type="assignment",
        object_id=assignment.id,
        principal=principal,
        jurisdiction_id=assignment.jurisdiction_id,
    )
    return _assignment_json(assignment, unit.callsign)


def assignments_of(
    db_session: Session, principal: Principal, incident_id: int
) -> list[dict[str, Any]]:
    principal.require("dispatch", "read")
    reads.load_incident(db_session, principal, incident_id, "read")
    rows = db_session.execute(
        select(Assignment, Unit.callsign)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(Assignment.incident_id == incident_id)
        .order_by(Assignment.id)
    ).all()
    return [_assignment_json(a, callsign) for a, callsign in rows]
