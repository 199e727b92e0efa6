"""Observed police visibility (见警率): how often the plan's hot spots actually had a patrol
nearby, from the units' position reports (read through :mod:`pingan.units.service`)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from pingan.algo.visibility import hotspot_visibility, presence_from_positions
from pingan.config import Settings
from pingan.errors import InvalidInput
from pingan.patrol.models import Plan
from pingan.patrol.reads import get_plan
from pingan.principal import Principal
from pingan.units import service as units

FloatArray = npt.NDArray[np.float64]

MAX_VISIBILITY_DAYS = 92
#: Metres per degree of latitude (and of longitude at the equator).
METRES_PER_DEGREE = 111_320.0


def _check_period(first_day: date, last_day: date, radius_m: float) -> None:
    if last_day < first_day:
        raise InvalidInput("the last day comes before the first", field="to")
    if (last_day - first_day).days >= MAX_VISIBILITY_DAYS:
        raise InvalidInput(f"at most {MAX_VISIBILITY_DAYS} days at a time", field="to")
    if not 0 < radius_m <= 1000:
        raise InvalidInput("radius_m must be between 0 and 1000 m", field="radius_m")


def plan_hotspots(plan: Plan) -> dict[int, tuple[float, float]]:
    """The plan's hot spots by number (1-based) as (lat, lon), from its loops' stops."""
    spots: dict[int, tuple[float, float]] = {}
    for route in plan.routes:
        for stop in route.stops:
            spots.setdefault(int(stop["hotspot"]), (float(stop["lat"]), float(stop["lon"])))
    return spots


def shift_windows(
    plan: Plan, first_day: date, last_day: date, zone: ZoneInfo
) -> list[tuple[datetime, datetime]]:
    """The plan's shift window on each day ``first_day`` … ``last_day`` (a window that
    crosses midnight closes the next day)."""
    start_h, start_m = (int(v) for v in plan.shift_start.split(":"))
    end_h, end_m = (int(v) for v in plan.shift_end.split(":"))
    windows: list[tuple[datetime, datetime]] = []
    day = first_day
    while day <= last_day:
        opens = datetime(day.year, day.month, day.day, start_h, start_m, tzinfo=zone)
        closes = datetime(day.year, day.month, day.day, end_h, end_m, tzinfo=zone)
        if closes <= opens:
            closes += timedelta(days=1)
        windows.append((opens, closes))
        day += timedelta(days=1)
    return windows


class _LocalPlane:
    """An equirectangular projection to metres around (``lat0``, ``lon0``)."""

    def __init__(self, lat0: float, lon0: float) -> None:
        self.lat0, self.lon0 = lat0, lon0
        self.metres_per_deg_lon = METRES_PER_DEGREE * float(np.cos(np.radians(lat0)))

    def project(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
        la, lo = np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)
        return (lo - self.lon0) * self.metres_per_deg_lon, (la - self.lat0) * METRES_PER_DEGREE


def observed_visibility(
    db_session: Session,
    settings: Settings,
    principal: Principal | None,
    plan_id: int,
    first_day: date,
    last_day: date,
    *,
    radius_m: float = 100.0,
    max_gap_s: float = 120.0,
) -> dict[str, Any]:
    """Police visibility as it happened: the share of the plan's hot-spot-hours (each day's
    shift window, ``first_day`` … ``last_day`` inclusive, in the district's time zone) in
    which some unit of the plan's city reported a position within ``radius_m`` of the hot
    spot. A report makes its unit present until its next report, for at most
    ``max_gap_s`` seconds (see :func:`pingan.algo.visibility.presence_from_positions`).
    """
    _check_period(first_day, last_day, radius_m)
    plan = get_plan(db_session, principal, plan_id)
    spots = plan_hotspots(plan)
    keys = sorted(spots)
    windows = shift_windows(plan, first_day, last_day, ZoneInfo(settings.time_zone))
    origin = windows[0][0]
    body: dict[str, Any] = {
        "plan_id": plan.id,
        "from": first_day.isoformat(),
        "to": last_day.isoformat(),
        "radius_m": radius_m,
        "hotspots": len(keys),
        "positions": 0,
        "share": None,
        "time_share": None,
        "per_hotspot": [],
        "n_slots": 0,
        "planned_share": (plan.visibility or {}).get("share"),
    }
    if not keys:
        return body
    fixes = units.positions_in_city(
        db_session, plan.city, origin - timedelta(seconds=max_gap_s), windows[-1][1]
    )
    plane = _LocalPlane(
        float(np.mean([spots[k][0] for k in keys])), float(np.mean([spots[k][1] for k in keys]))
    )
    hx, hy = plane.project([spots[k][0] for k in keys], [spots[k][1] for k in keys])
    px, py = plane.project([f.lat for f in fixes], [f.lon for f in fixes])
    presence = presence_from_positions(
        hx,
        hy,
        [f.unit_id for f in fixes],
        [(f.at - origin).total_seconds() for f in fixes],
        px,
        py,
        radius_m=radius_m,
        max_gap_s=max_gap_s,
    )
    n = len(keys)
    window_start = [(opens - origin).total_seconds() for opens, _ in windows]
    window_end = [(closes - origin).total_seconds() for _, closes in windows]
    result = hotspot_visibility(
        n,
        np.repeat(np.arange(n), len(windows)),
        np.tile(window_start, n),
        np.tile(window_end, n),
        *presence,
    )
    body.update(
        {
            "positions": len(fixes),
            "share": round(result.share, 4),
            "time_share": round(result.time_share, 4),
            "per_hotspot": [round(v, 4) for v in result.per_hotspot],
            "n_slots": result.n_slots,
        }
    )
    return body
