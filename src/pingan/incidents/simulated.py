"""Bulk loading of a **simulated** incident history (the demo's; never an evaluation).

The demo cities have maps but no police records, so ``pingan demo`` writes two simulated
years of incidents (see :mod:`pingan.algo.synth`) with the same columns as real ones
(:func:`pingan.incidents.rows.incident_columns`), with ``simulated=True``, a description
that says so ("（模拟）"), and a public token starting with
:data:`SIMULATED_TOKEN_PREFIX` (which is how a later run of the demo knows the history is
already there). Rows go in through the one writer
(:func:`pingan.incidents.writer.insert_incidents`, bulk: one plain ``executemany`` per
batch): thousands of incidents take well under a second.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import shape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pingan.audit import service as audit
from pingan.errors import InvalidInput
from pingan.incidents import rows, writer
from pingan.incidents.models import Channel, Incident, IncidentReport, Status
from pingan.jurisdictions.models import Jurisdiction

#: Public tokens of simulated history start with this.
SIMULATED_TOKEN_PREFIX = "sim-"
#: Every simulated description carries one of these marks.
SIMULATED_MARKS = ("模拟", "simulated")
#: Rows per INSERT statement.
BATCH = writer.BULK_BATCH


@dataclass(frozen=True)
class SimulatedRecord:
    """One simulated incident, ready to store (times are timezone-aware)."""

    received_at: datetime
    occurred_start: datetime
    occurred_end: datetime
    lat: float
    lon: float
    type: str
    description: str
    jurisdiction_id: int
    status: Status = Status.closed
    place_text: str | None = None


def simulated_history_start(db_session: Session, city: str) -> datetime | None:
    """When the city's simulated history starts (its earliest occurrence), or ``None``."""
    found: datetime | None = db_session.scalar(
        select(func.min(Incident.occurred_start)).where(
            Incident.city == city,
            Incident.simulated.is_(True),
            Incident.public_token.startswith(SIMULATED_TOKEN_PREFIX),
        )
    )
    return found


def count_simulated_history(db_session: Session, city: str) -> int:
    return int(
        db_session.scalar(
            select(func.count(Incident.id)).where(
                Incident.city == city,
                Incident.simulated.is_(True),
                Incident.public_token.startswith(SIMULATED_TOKEN_PREFIX),
            )
        )
        or 0
    )


def has_report_with_ref(db_session: Session, source_ref: str) -> bool:
    """Whether a report with this source reference is stored (how the demo's live
    incidents, ``demo:live:…``, are written once)."""
    found = db_session.scalar(
        select(IncidentReport.id).where(IncidentReport.source_ref == source_ref).limit(1)
    )
    return found is not None


def jurisdictions_for_points(
    db_session: Session, lat: npt.ArrayLike, lon: npt.ArrayLike, fallback_id: int
) -> npt.NDArray[np.int64]:
    """Per point, the deepest jurisdiction whose boundary covers it, else ``fallback_id``.

    The same rule as :func:`pingan.jurisdictions.service.jurisdiction_for_point`, for
    many points at once.
    """
    lat_arr = np.asarray(lat, dtype=np.float64)
    lon_arr = np.asarray(lon, dtype=np.float64)
    out = np.full(lat_arr.shape, fallback_id, dtype=np.int64)
    depth = np.full(lat_arr.shape, -1, dtype=np.int64)
    rows = db_session.execute(
        select(Jurisdiction.id, Jurisdiction.path, Jurisdiction.boundary).where(
            Jurisdiction.boundary.is_not(None)
        )
    ).all()
    for node_id, path, boundary in rows:
        if not boundary:
            continue
        geometry = shape(json.loads(boundary))
        shapely.prepare(geometry)
        inside = shapely.covers(geometry, shapely.points(lon_arr, lat_arr))
        deeper = inside & (path.count("/") > depth)
        out[deeper] = node_id
        depth[deeper] = path.count("/")
    return out


def add_simulated_history(
    db_session: Session,
    city: str,
    records: Sequence[SimulatedRecord],
    *,
    channel: Channel = Channel.hotline,
    actor: str = "demo",
) -> list[int]:
    """Insert simulated incidents of one city; returns their ids in the records' order.

    Every description must say it is simulated. One audit row records the load.
    """
    for index, record in enumerate(records):
        if not any(mark in record.description for mark in SIMULATED_MARKS):
            raise InvalidInput(
                "a simulated incident's description must say so (模拟 / simulated)",
                field=f"records.{index}.description",
            )
    columns = [
        rows.incident_columns(
            jurisdiction_id=r.jurisdiction_id,
            type=r.type,
            status=r.status,
            simulated=True,
            occurred_start=r.occurred_start,
            occurred_end=r.occurred_end,
            received_at=r.received_at,
            place_text=r.place_text,
            lat=r.lat,
            lon=r.lon,
            geocode_confidence=1.0,
            city=city,
            description=r.description,
            channel=channel,
            public_token=SIMULATED_TOKEN_PREFIX + rows.new_token(),
        )
        for r in records
    ]
    ids = writer.insert_incidents(db_session.connection(), columns, bulk=True)
    if ids:
        audit.record(
            db_session,
            action="incident.simulated_history",
            object_type="city",
            object_id=city,
            actor=actor,
        )
    return ids
