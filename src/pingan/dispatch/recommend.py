"""Recommendation: the units the caller may send to an incident, ranked by road time into tiers.

Units of another station (mutual aid, :mod:`pingan.dispatch.mutual_aid`) say so; units the
caller may neither send nor borrow are not listed.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from typing import Any

from sqlalchemy.orm import Session

from pingan.algo import tiers
from pingan.config import Settings
from pingan.db import utcnow
from pingan.dispatch.mutual_aid import is_mutual_aid, unit_reach
from pingan.dispatch.travel import incident_point, travel_times
from pingan.incidents import reads
from pingan.jurisdictions import service as jurisdictions
from pingan.principal import Principal
from pingan.units import service as units

#: Who makes each tier count as met: tier 1 by posts and volunteers already on the spot,
#: tiers 2 and 3 by anyone (the 1-3-5 promise).
TIER_KINDS: tuple[frozenset[str] | None, ...] = (
    frozenset({"key_unit_post", "volunteer_team", "foot_patrol", "ebike_patrol"}),
    None,
    None,
)


def recommend(
    db_session: Session, settings: Settings, principal: Principal, incident_id: int
) -> dict[str, Any]:
    """The units the caller may send, of the incident's city, ranked by road time and grouped
    into the tiers. Units of another station (mutual aid) say so (``mutual_aid``); units
    outside the caller's stations and mutual-aid grants are not listed."""
    principal.require("dispatch", "read")
    incident = reads.load_incident(db_session, principal, incident_id, "read")
    city_name, lat, lon = incident_point(incident)
    incident_path = jurisdictions.get_ref(db_session, incident.jurisdiction_id).path
    every = units.unit_briefs(db_session, city_name)
    reach = {
        path: unit_reach(db_session, principal, "read", path, incident_path)
        for path in {b.station_path for b in every}
    }
    briefs = [b for b in every if reach[b.station_path] is not None]
    now = utcnow()
    ages = [
        (now - b.last_seen_at).total_seconds()
        if b.last_seen_at is not None and b.lat is not None
        else math.nan
        for b in briefs
    ]
    eligible, reasons = tiers.unit_eligibility(
        [b.status for b in briefs], ages, settings.position_stale_s
    )
    times = travel_times(
        db_session,
        settings,
        city_name,
        lat,
        lon,
        [b.mode for b in briefs],
        [b.lat for b in briefs],
        [b.lon for b in briefs],
    )
    ranking = tiers.rank_units(
        times,
        [b.id for b in briefs],
        [b.kind for b in briefs],
        tiers_s=settings.tiers_s,
        eligible=eligible,
        reasons=reasons,
        tier_kinds=TIER_KINDS if len(settings.tiers_s) == 3 else None,
    )
    by_id: dict[Hashable, units.UnitBrief] = {b.id: b for b in briefs}

    def finite(value: float) -> float | None:
        return round(float(value), 1) if math.isfinite(value) else None

    return {
        "incident_id": incident.id,
        "tiers_s": list(ranking.tiers_s),
        "units": [
            {
                "unit_id": u.unit_id,
                "callsign": by_id[u.unit_id].callsign,
                "kind": u.kind,
                "mode": by_id[u.unit_id].mode,
                "station_code": by_id[u.unit_id].station_code,
                "mutual_aid": is_mutual_aid(by_id[u.unit_id].station_path, incident_path),
                "travel_time_s": finite(u.travel_time_s),
                "tier": u.tier,
                "rank": u.rank,
            }
            for u in ranking.ranked
        ],
        "by_tier": {
            str(int(t)): [u.unit_id for u in group]
            for t, group in zip(ranking.tiers_s, ranking.by_tier, strict=False)
        },
        "met": {str(int(t)): met for t, met in zip(ranking.tiers_s, ranking.met, strict=True)},
        "ineligible": [
            {
                "unit_id": u.unit_id,
                "callsign": by_id[u.unit_id].callsign,
                "station_code": by_id[u.unit_id].station_code,
                "mutual_aid": is_mutual_aid(by_id[u.unit_id].station_path, incident_path),
                "reason": u.reason,
                "travel_time_s": finite(u.travel_time_s),
            }
            for u in ranking.ineligible
        ],
    }
