"""Incident history as every analysis reads it.

Incidents are only read: rejected, duplicate and draft incidents are left out of every
analysis (:func:`counted`); incidents marked ``simulated`` count as history, and whatever is
computed from them says so (``simulated`` and the label "simulated data", :func:`label`).

Times: analyses work on the local clock of ``settings.time_zone`` (an incident at 23:30 local
is a night-time incident whatever its UTC offset), as hours since 1970-01-01 local midnight.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray
from pyproj import Transformer
from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import Session

from pingan.algo import hotspots as hs
from pingan.analytics.schemas import SIMULATED_LABEL
from pingan.config import Settings
from pingan.errors import InvalidInput
from pingan.incidents.models import Incident, Status
from pingan.incidents.reads import type_clause
from pingan.jurisdictions.models import Jurisdiction

FloatArray = NDArray[np.float64]

#: Incidents in these states are not counted or analysed.
EXCLUDED_STATUSES = (Status.rejected, Status.duplicate)
#: Most incidents one Knox test or series search takes.
MAX_ANALYSIS_EVENTS = 20_000


def label(simulated: bool) -> str | None:
    """The label of a result computed from simulated incidents (``None`` otherwise)."""
    return SIMULATED_LABEL if simulated else None


@dataclass(frozen=True)
class History:
    """Incidents as arrays, sorted by time; ``time_h`` on the local clock."""

    ids: NDArray[np.int64]
    time_h: FloatArray
    lat: FloatArray
    lon: FloatArray
    type: NDArray[np.str_]
    simulated: NDArray[np.bool_]
    paths: tuple[str, ...]

    def __len__(self) -> int:
        return int(self.ids.size)


def local_hours(times: Sequence[dt.datetime], tz: str) -> FloatArray:
    """Aware times → hours since 1970-01-01 00:00 on the local clock of ``tz``."""
    zone = ZoneInfo(tz)
    epoch = dt.datetime(1970, 1, 1)
    return np.array(
        [(t.astimezone(zone).replace(tzinfo=None) - epoch).total_seconds() / 3600 for t in times],
        dtype=float,
    )


def local_midnight(day: dt.date, tz: str) -> dt.datetime:
    """Local midnight starting ``day`` as an aware UTC time."""
    return dt.datetime.combine(day, dt.time(), tzinfo=ZoneInfo(tz)).astimezone(dt.UTC)


def day_range(
    settings: Settings, start: dt.date | None, end: dt.date | None
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Local days ``start`` … ``end`` (inclusive) as a UTC ``[from, to)`` range."""
    if start and end and end < start:
        raise InvalidInput("to is before from", field="to")
    lo = local_midnight(start, settings.time_zone) if start else None
    hi = local_midnight(end + dt.timedelta(days=1), settings.time_zone) if end else None
    return lo, hi


def occurred_at() -> ColumnElement[dt.datetime]:
    """When an incident happened: its occurrence start, else when it was received."""
    return func.coalesce(Incident.occurred_start, Incident.received_at)


def of_type(incident_type: str | None) -> ColumnElement[bool]:
    """Incidents of ``incident_type`` or its subtypes; every incident when no type is given."""
    if not incident_type:
        return true()
    return type_clause(incident_type)


def counted() -> ColumnElement[bool]:
    """Incidents that analyses count: not rejected, not duplicates, not drafts."""
    return Incident.status.not_in(EXCLUDED_STATUSES) & Incident.is_draft.is_(False)


def project_utm(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Degrees → metres in the UTM zone of the points' mean."""
    epsg = hs.utm_epsg(float(np.mean(lon)), float(np.mean(lat)))
    tr = Transformer.from_crs(4326, epsg, always_xy=True)
    x, y = tr.transform(lon, lat)
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def load_history(
    db_session: Session,
    settings: Settings,
    *,
    city: str,
    visible: ColumnElement[bool],
    incident_type: str | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> History:
    """The city's placed incidents that ``visible`` keeps, in ``[start, end)``."""
    occurred = occurred_at()
    query = (
        select(
            Incident.id,
            occurred,
            Incident.lat,
            Incident.lon,
            Incident.type,
            Incident.simulated,
            Jurisdiction.path,
        )
        .join(Jurisdiction, Jurisdiction.id == Incident.jurisdiction_id)
        .where(
            visible,
            counted(),
            of_type(incident_type),
            Incident.city == city,
            Incident.lat.is_not(None),
            Incident.lon.is_not(None),
        )
        .order_by(occurred, Incident.id)
    )
    if start is not None:
        query = query.where(occurred >= start)
    if end is not None:
        query = query.where(occurred < end)
    rows = db_session.execute(query).all()
    return History(
        ids=np.array([r[0] for r in rows], dtype=np.int64),
        time_h=local_hours([r[1] for r in rows], settings.time_zone),
        lat=np.array([r[2] for r in rows], dtype=float),
        lon=np.array([r[3] for r in rows], dtype=float),
        type=np.array([r[4] for r in rows], dtype=np.str_),
        simulated=np.array([bool(r[5]) for r in rows], dtype=bool),
        paths=tuple(r[6] for r in rows),
    )
