"""Response-time figures (first arrival − received), CAD style, per station, shift or type."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.algo import tiers
from pingan.config import Settings
from pingan.dispatch.models import Assignment, AssignmentStatus
from pingan.errors import InvalidInput
from pingan.incidents.models import Incident
from pingan.jurisdictions.models import Jurisdiction
from pingan.principal import Principal


def _shift_of(at: datetime, zone: ZoneInfo) -> str:
    """Day shift 08:00–20:00, night shift 20:00–08:00, in the district's time zone."""
    hour = at.astimezone(zone).hour
    return "day" if 8 <= hour < 20 else "night"


def figures(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    *,
    group_by: str = "station",
    start: datetime | None = None,
    end: datetime | None = None,
) -> dict[str, Any]:
    """Response-time figures per incident (first arrival − received), CAD style.

    Share within each tier, median and 90th percentile (nearest rank), overall and per
    station, shift or incident type. Incidents dispatched but not yet reached count
    as missing. ``simulated_incidents`` says how many of the incidents counted are
    simulated (the demo's history), so a page can say so.
    """
    principal.require("dispatch", "read")
    if group_by not in ("station", "shift", "type"):
        raise InvalidInput("group_by is station, shift or type", field="group_by")
    query = (
        select(
            Incident.id,
            Incident.type,
            Incident.received_at,
            Jurisdiction.code,
            Assignment.arrived_at,
            Incident.simulated,
        )
        .join(Assignment, Assignment.incident_id == Incident.id)
        .join(Jurisdiction, Jurisdiction.id == Incident.jurisdiction_id)
        .where(principal.visible_clause("dispatch", "read", Jurisdiction.path))
        .where(Assignment.status != AssignmentStatus.cancelled)
    )
    if start is not None:
        query = query.where(Incident.received_at >= start)
    if end is not None:
        query = query.where(Incident.received_at < end)
    first: dict[int, tuple[str, datetime, str, datetime | None]] = {}
    simulated: set[int] = set()
    for incident_id, kind, received, station, arrived_at, is_simulated in db_session.execute(query):
        if is_simulated:
            simulated.add(incident_id)
        known = first.get(incident_id)
        if known is None or (
            arrived_at is not None and (known[3] is None or arrived_at < known[3])
        ):
            first[incident_id] = (kind, received, station, arrived_at)
    zone = ZoneInfo(settings.time_zone)
    response = np.array(
        [(a - r).total_seconds() if a is not None else math.nan for _, r, _, a in first.values()],
        dtype=np.float64,
    )
    if group_by == "station":
        keys = [s for _, _, s, _ in first.values()]
    elif group_by == "shift":
        keys = [_shift_of(r, zone) for _, r, _, _ in first.values()]
    else:
        keys = [k for k, _, _, _ in first.values()]
    overall = tiers.response_figures(response, settings.tiers_s)
    groups = tiers.response_figures_by(response, keys, settings.tiers_s) if keys else {}

    def row(name: str, fig: tiers.ResponseFigures) -> dict[str, Any]:
        return {
            "group": name,
            "count": fig.count,
            "missing": fig.missing,
            "share_within": {
                str(int(t)): (None if math.isnan(s) else round(s, 4))
                for t, s in zip(fig.tiers_s, fig.share_within, strict=True)
            },
            "median_s": fig.median_s,
            "p90_s": fig.p90_s,
        }

    return {
        "group_by": group_by,
        "tiers_s": list(settings.tiers_s),
        "overall": row("all", overall),
        "groups": [row(str(k), f) for k, f in sorted(groups.items(), key=lambda kv: str(kv[0]))],
        "simulated_incidents": len(simulated),
    }
