"""Police visibility at a campaign's focus places in their focus hours (重点部位见警率).

The same measure as a patrol plan's observed visibility at its hot spots
(:mod:`pingan.patrol.visibility`, computed by :func:`pingan.algo.visibility.hotspot_visibility`
and :func:`~pingan.algo.visibility.presence_from_positions`), with the focus places as the
hot spots and their focus hours as the windows: each day's window (``hours_from`` …
``hours_to``, closing the next day when it crosses midnight) is cut into hours from its opening; an
hour is *seen* when some unit of the place's city reported a position within the place's
radius (a report stands for its unit until its next report, at most :data:`MAX_GAP_S`).

The figure is the share of focus-place-hours seen. Its 95% interval is the Wilson interval
of seen hours out of all hours, the hours taken as trials (nights are not independent,
so the interval is if anything too narrow; it says how far the share can move, not more).
With no position report in the place's city during its focus hours there is no value:
an absent GPS feed is not an absent police.

Beside the measured figure, :func:`planned_share` gives what the active patrol plans
promise at the place in its focus hours, from their loops' stops.

A focus place counts for the covered jurisdiction whose area holds it
(:func:`pingan.jurisdictions.service.jurisdiction_for_point`); a place inside none of them
counts for each. A polygon place is measured at its point and radius.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy.orm import Session

from pingan.algo.visibility import hotspot_visibility, presence_from_positions
from pingan.campaigns.models import FocusPlace
from pingan.city import service as cities
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction
from pingan.patrol.models import Plan
from pingan.units import service as units

#: A position report stands for its unit for at most this long (as the plans' measure).
MAX_GAP_S = 120.0
#: Days of positions read at a time.
CHUNK_DAYS = 31
SLOT_S = 3600.0
METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class PlaceVisibility:
    """Seen and all focus hours of one place (slot-length weighted, in hours)."""

    place_id: int
    name: str
    seen_h: float
    hours: float
    positions: int


def places_of(
    db_session: Session,
    node: Jurisdiction,
    covered: Sequence[Jurisdiction],
    places: Sequence[FocusPlace],
) -> list[FocusPlace]:
    """The focus places that count for ``node`` (see the module)."""
    mine = []
    for place in places:
        found = jurisdictions.jurisdiction_for_point(db_session, place.lat, place.lon)
        owners = [c for c in covered if found is not None and found.path.startswith(c.path)]
        if not owners or node in owners:
            mine.append(place)
    return mine


def focus_windows(
    place: FocusPlace, first_day: dt.date, last_day: dt.date, zone: ZoneInfo
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The place's focus window on each day ``first_day`` … ``last_day`` (wall clock)."""
    opens_at = dt.time(place.hours_from // 60, place.hours_from % 60)
    closes_at = dt.time(place.hours_to // 60, place.hours_to % 60)
    out = []
    day = first_day
    while day <= last_day:
        opens = dt.datetime.combine(day, opens_at, zone)
        closes = dt.datetime.combine(day, closes_at, zone)
        if closes <= opens:
            closes = dt.datetime.combine(day + dt.timedelta(days=1), closes_at, zone)
        out.append((opens, closes))
        day += dt.timedelta(days=1)
    return out


@dataclass(frozen=True)
class NightVisibility:
    """One focus window of one place: its hours, the hours seen, the positions reported in
    the city during it."""

    day: dt.date
    opens: dt.datetime
    closes: dt.datetime
    hours: float
    seen_h: float
    positions: int


def place_nights(
    db_session: Session, place: FocusPlace, first_day: dt.date, last_day: dt.date, zone: ZoneInfo
) -> list[NightVisibility]:
    """Each focus window of ``place`` over ``first_day`` … ``last_day``, with the hours seen
    (positions read once per :data:`CHUNK_DAYS` days)."""
    city = cities.city_for_point(db_session, place.lat, place.lon)
    per_lon = METRES_PER_DEGREE * float(np.cos(np.radians(place.lat)))
    out: list[NightVisibility] = []
    lo = first_day
    while lo <= last_day:
        hi = min(last_day, lo + dt.timedelta(days=CHUNK_DAYS - 1))
        windows = focus_windows(place, lo, hi, zone)
        origin = windows[0][0]
        since = origin - dt.timedelta(seconds=MAX_GAP_S)
        fixes = (
            []
            if city is None
            else units.positions_in_city(db_session, city.name, since, windows[-1][1])
        )
        times = np.asarray([(f.at - origin).total_seconds() for f in fixes], dtype=np.float64)
        presence = presence_from_positions(
            [0.0],
            [0.0],
            [f.unit_id for f in fixes],
            times,
            [(f.lon - place.lon) * per_lon for f in fixes],
            [(f.lat - place.lat) * METRES_PER_DEGREE for f in fixes],
            radius_m=place.radius_m,
            max_gap_s=MAX_GAP_S,
        )
        for index, (opens, closes) in enumerate(windows):
            start = (opens - origin).total_seconds()
            end = (closes - origin).total_seconds()
            length = end - start
            result = hotspot_visibility(1, [0], [start], [end], *presence, slot_s=SLOT_S)
            inside = int(np.count_nonzero((times >= start - MAX_GAP_S) & (times <= end)))
            out.append(
                NightVisibility(
                    lo + dt.timedelta(days=index),
                    opens,
                    closes,
                    round(length / SLOT_S, 4),
                    round(result.share * length / SLOT_S, 4),
                    inside,
                )
            )
        lo = hi + dt.timedelta(days=1)
    return out


def place_visibility(
    db_session: Session, place: FocusPlace, first_day: dt.date, last_day: dt.date, zone: ZoneInfo
) -> PlaceVisibility:
    """Seen and all focus hours of ``place`` over ``first_day`` … ``last_day``."""
    nights = place_nights(db_session, place, first_day, last_day, zone)
    return PlaceVisibility(
        place.id,
        place.name,
        round(sum(n.seen_h for n in nights), 4),
        round(sum(n.hours for n in nights), 4),
        sum(n.positions for n in nights),
    )


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def planned_share(place: FocusPlace, plans: Sequence[Plan]) -> float | None:
    """The share of one night's focus hours at ``place`` that the plans' loops promise a
    patrol within its radius (the plans' own measure, :func:`pingan.algo.visibility.
    hotspot_visibility`, on their stored stops: each loop repeated while its shift lasts;
    shifts opening the day before, the day and the day after the night are all counted);
    ``None`` without a plan."""
    if not plans:
        return None
    day = 86_400.0
    opens = place.hours_from * 60.0
    closes = place.hours_to * 60.0 + (day if place.hours_to <= place.hours_from else 0.0)
    per_lon = METRES_PER_DEGREE * float(np.cos(np.radians(place.lat)))
    starts: list[float] = []
    ends: list[float] = []
    for plan in plans:
        shift_open = _minutes(plan.shift_start) * 60.0
        shift_s = (_minutes(plan.shift_end) * 60.0 - shift_open) % day or day
        for route in plan.routes:
            near = [
                s
                for s in route.stops
                if math.hypot(
                    (float(s["lon"]) - place.lon) * per_lon,
                    (float(s["lat"]) - place.lat) * METRES_PER_DEGREE,
                )
                <= place.radius_m
            ]
            for offset in (-day, 0.0, day):
                for r in range(max(route.repeats, 0)):
                    loop = shift_open + offset + r * route.loop_s
                    for stop in near:
                        start = loop + float(stop["arrival_s"])
                        end = min(loop + float(stop["departure_s"]), shift_open + offset + shift_s)
                        if start < end:
                            starts.append(start)
                            ends.append(end)
    result = hotspot_visibility(
        1, [0], [opens], [closes], [0] * len(starts), starts, ends, slot_s=SLOT_S
    )
    return round(result.share, 4)
