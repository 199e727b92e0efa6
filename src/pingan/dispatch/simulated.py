"""Bulk loading of **simulated** assignments (the demo's replayed history; never an evaluation).

The demo replays its simulated incident history (:mod:`pingan.incidents.simulated`) against
its units and stores one cleared assignment per served incident, with one Core ``INSERT``
per batch, so that the chief's dashboard has response figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from pingan.db import utcnow
from pingan.dispatch.models import Assignment, AssignmentStatus
from pingan.incidents.models import Incident
from pingan.incidents.simulated import BATCH


@dataclass(frozen=True)
class SimulatedAssignment:
    """One simulated, cleared assignment (times are timezone-aware)."""

    incident_id: int
    unit_id: int
    jurisdiction_id: int
    mutual_aid: bool
    assigned_at: datetime
    arrived_at: datetime
    cleared_at: datetime
    predicted_travel_s: float
    predicted_tier: int
    response_s: float


def add_simulated_assignments(
    db_session: Session, assignments: Sequence[SimulatedAssignment]
) -> int:
    """Insert cleared simulated assignments (en route when assigned); returns how many."""
    stamp = utcnow()
    values = [
        {
            "incident_id": a.incident_id,
            "unit_id": a.unit_id,
            "jurisdiction_id": a.jurisdiction_id,
            "mutual_aid": a.mutual_aid,
            "status": AssignmentStatus.cleared,
            "assigned_at": a.assigned_at,
            "en_route_at": a.assigned_at,
            "arrived_at": a.arrived_at,
            "cleared_at": a.cleared_at,
            "predicted_travel_s": a.predicted_travel_s,
            "predicted_tier": a.predicted_tier,
            "response_s": a.response_s,
            "updated_at": stamp,
        }
        for a in assignments
    ]
    table = cast(Table, Assignment.__table__)
    for start in range(0, len(values), BATCH):
        db_session.execute(insert(table), values[start : start + BATCH])
    return len(values)


def count_simulated_assignments(db_session: Session, city: str) -> int:
    """Assignments of the city's simulated incidents."""
    return int(
        db_session.scalar(
            select(func.count(Assignment.id))
            .join(Incident, Incident.id == Assignment.incident_id)
            .where(Incident.city == city, Incident.simulated.is_(True))
        )
        or 0
    )
