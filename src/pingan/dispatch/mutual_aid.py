"""Mutual aid: which units the caller may send or see recommended, and where units help.

A unit is the caller's own when one of the caller's ``dispatch`` grants holds its home
station; it is lent (mutual aid) when the jurisdiction tree grants it
(:func:`pingan.jurisdictions.service.mutual_aid_granted`). A home station sees where its
lent units help (:func:`mutual_aid_of_units`), not the incidents' records.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from pingan.dispatch.models import Assignment, AssignmentStatus
from pingan.incidents.models import Incident
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction
from pingan.principal import Principal
from pingan.units.models import Unit


def unit_reach(
    db_session: Session,
    principal: Principal,
    action: str,
    unit_station_path: str,
    incident_path: str,
) -> str | None:
    """May the caller send (``write``) or see recommended (``read``) a unit to an incident?

    ``"own"`` when one of the caller's ``dispatch`` grants holds the unit's home station;
    ``"mutual_aid"`` when a grant holds the incident and the jurisdiction tree grants that
    grant's role mutual aid between its station and the unit's
    (:func:`pingan.jurisdictions.service.mutual_aid_granted`: by default, the dispatchers
    of one sub-bureau's stations); ``None`` otherwise: the unit stays hidden, as on its reads.
    """
    if principal.can("dispatch", action, unit_station_path):
        return "own"
    for grant, _scope in principal.matching_grants("dispatch", action):
        if incident_path.startswith(grant.jurisdiction_path) and jurisdictions.mutual_aid_granted(
            db_session, grant.role.value, grant.jurisdiction_path, unit_station_path
        ):
            return "mutual_aid"
    return None


def is_mutual_aid(unit_station_path: str, incident_path: str) -> bool:
    """A unit helps another station when its home station does not hold the incident."""
    return not incident_path.startswith(unit_station_path)


def mutual_aid_of_units(
    db_session: Session, principal: Principal, unit_ids: Sequence[int] | None = None
) -> list[dict[str, Any]]:
    """Active mutual-aid assignments of the units the caller may read (their home station's
    view: which of its units help where), oldest first; only ``unit_ids`` when given.

    The helping station sees where its unit goes (the incident's type, point and station),
    not the incident's record, which stays its own station's.
    """
    principal.require("unit", "read")
    home = aliased(Jurisdiction)
    asking = aliased(Jurisdiction)
    query = (
        select(Assignment, Unit.callsign, Incident.type, Incident.lat, Incident.lon, asking.code)
        .join(Unit, Unit.id == Assignment.unit_id)
        .join(home, home.id == Unit.jurisdiction_id)
        .join(Incident, Incident.id == Assignment.incident_id)
        .join(asking, asking.id == Assignment.jurisdiction_id)
        .where(
            Assignment.mutual_aid.is_(True),
            Assignment.status.in_([AssignmentStatus.en_route, AssignmentStatus.on_scene]),
            principal.visible_clause("unit", "read", home.path),
        )
        .order_by(Assignment.id)
    )
    if unit_ids is not None:
        query = query.where(Assignment.unit_id.in_(list(unit_ids)))
    return [
        {
            "assignment_id": a.id,
            "unit_id": a.unit_id,
            "callsign": callsign,
            "status": a.status,
            "assigned_at": a.assigned_at,
            "incident_id": a.incident_id,
            "incident_type": kind,
            "incident_station_code": station,
            "lat": lat,
            "lon": lon,
        }
        for a, callsign, kind, lat, lon, station in db_session.execute(query).all()
    ]
