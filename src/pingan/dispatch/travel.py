"""Road travel times of units to a point, each on its own travel mode's network.

One reverse search from the point per mode (``routing.times_to``) gives every unit's time
at once. The legs off the network (unit to its nearest node, the point's nearest node to
the point) are walked at :data:`ACCESS_SPEED_MS`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sqlalchemy.orm import Session

from pingan.algo import routing
from pingan.city import service as cities
from pingan.config import Settings
from pingan.errors import Conflict
from pingan.incidents.models import Incident
from pingan.units import service as units

#: Walking pace for the short legs between a point and its nearest network node (m/s).
ACCESS_SPEED_MS = 1.4
#: Units further than this by road are listed as out of reach (s); used by the demo's
#: simulated history. Recommendations search to :func:`search_limit_s` instead.
SEARCH_LIMIT_S = 1800.0


def search_limit_s(settings: Settings) -> float:
    """How far (s) a recommendation searches: twice the last tier (600 s for 1-3-5).

    Units beyond it are still listed, as out of reach (no time). Halving the search
    from 1800 s halves a recommendation's cost on a city-sized network.
    """
    return 2.0 * float(max(settings.tiers_s))


def incident_point(incident: Incident) -> tuple[str, float, float]:
    """The incident's city and point; Conflict when it is not placed on a city map yet."""
    if incident.lat is None or incident.lon is None or not incident.city:
        raise Conflict(
            "the incident has no location on a city map yet; locate it first", field="location"
        )
    return incident.city, incident.lat, incident.lon


def travel_times(
    db_session: Session,
    settings: Settings,
    city_name: str,
    lat: float,
    lon: float,
    modes: Sequence[str],
    unit_lat: Sequence[float | None],
    unit_lon: Sequence[float | None],
) -> np.ndarray:
    """Road travel time (s) from each unit's position to the point on its mode's network.

    One reverse search from the point per mode present; units without a position get
    ``inf``.
    """
    city = cities.get_city(db_session, city_name)
    result = np.full(len(modes), np.inf)
    by_mode: dict[str, list[int]] = {}
    for index, mode in enumerate(modes):
        if unit_lat[index] is not None and unit_lon[index] is not None:
            by_mode.setdefault(mode, []).append(index)
    for mode, indices in by_mode.items():
        graph = cities.load_graph(settings, city, mode)
        target = routing.snap(graph, [lat], [lon])
        times = routing.times_to(graph, int(target.node[0]), cutoff_s=search_limit_s(settings))
        snapped = routing.snap(
            graph,
            np.array([unit_lat[i] for i in indices], dtype=np.float64),
            np.array([unit_lon[i] for i in indices], dtype=np.float64),
        )
        access = (snapped.distance_m + float(target.distance_m[0])) / ACCESS_SPEED_MS
        result[indices] = times[snapped.node] + access
    return result


def unit_travel_times(
    db_session: Session,
    settings: Settings,
    city_name: str,
    lat: float,
    lon: float,
    rows: Sequence[units.UnitRow],
) -> np.ndarray:
    """Road travel time (s) of each unit to the point, on its own mode's network."""
    return travel_times(
        db_session,
        settings,
        city_name,
        lat,
        lon,
        [r.unit.mode.value for r in rows],
        [r.unit.lat for r in rows],
        [r.unit.lon for r in rows],
    )
