"""The month timeline of an inspection round: shifts, opening windows, schedules.

Times are integer seconds from midnight at the start of day 0 of the month (the
*month timeline*); a day's clock time ``c`` on day ``d`` is ``d * 86400 + c``. Windows and
shifts may end after midnight (``end_s > 86400``), so a bar open 20:00-02:00 on a Friday
is one window ``(72000, 93600)`` of that Friday.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from pingan.errors import InvalidInput

DAY_S = 86_400

#: ``opening[site][weekday]``: the site's windows ``(open_s, close_s)`` on that weekday
#: (0 = Monday), seconds from that day's midnight; an empty list: closed that weekday.
Opening = Sequence[Sequence[Sequence[tuple[float, float]]]]

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Shift:
    """One working shift of the inspector: a vehicle of the routing model.

    Attributes
    ----------
    day
        Day of the month, 0-based (0 is the 1st).
    start_s, end_s
        Leaves the station at or after ``start_s`` and is back by ``end_s``, seconds from
        that day's midnight; ``end_s`` may exceed 86,400 (an evening shift to 02:00).
    """

    day: int
    start_s: float
    end_s: float

    @property
    def span(self) -> tuple[int, int]:
        """Start and end on the month timeline, whole seconds."""
        base = self.day * DAY_S
        return base + math.ceil(self.start_s), base + math.floor(self.end_s)


Interval = tuple[int, int]


def check_shifts(shifts: Sequence[Shift]) -> None:
    """Refuse empty, reversed, over-long or overlapping shifts."""
    spans = sorted(s.span for s in shifts)
    for shift in shifts:
        if shift.day < 0 or not 0 <= shift.start_s < shift.end_s <= 2 * DAY_S:
            raise InvalidInput(
                f"shift on day {shift.day} must have 0 <= start_s < end_s <= 172800",
                field="shifts",
            )
    for (_, end), (start, _) in itertools.pairwise(spans):
        if start < end:
            raise InvalidInput("shifts must not overlap", field="shifts")


def _merge(raw: list[Interval]) -> list[Interval]:
    """Union of closed intervals, sorted, touching ones joined."""
    merged: list[Interval] = []
    for lo, hi in sorted(raw):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def start_intervals(
    opening: Opening,
    service_s: IntArray,
    shifts: Sequence[Shift],
    first_weekday: int,
    closed_days: Mapping[int, Collection[int]] | None = None,
) -> list[list[Interval]]:
    """Per site, the month-timeline intervals in which a visit may *start*.

    A visit started at ``t`` lasts until ``t + service_s``, and the whole visit must lie
    inside one opening window (windows that touch, such as a 24-hour site's days, are
    joined first). Only windows of days from the day before the first shift to the day
    of the last are considered.

    Parameters
    ----------
    opening
        ``opening[site][weekday]``: windows ``(open_s, close_s)`` in seconds from that
        day's midnight (``close_s`` up to 172,800).
    service_s
        Whole seconds on site, per site.
    shifts
        The inspector's shifts.
    first_weekday
        Weekday of day 0 (0 = Monday).
    closed_days
        Site -> days of the month (0-based) it is closed whatever its weekday hours say.
    """
    if len(opening) != service_s.size:
        raise InvalidInput("opening needs one entry per site", field="opening")
    if not 0 <= first_weekday <= 6:
        raise InvalidInput("first_weekday must be 0 (Monday) .. 6", field="first_weekday")
    first = min(s.day for s in shifts) - 1
    last = max(s.day for s in shifts)
    closed = closed_days or {}
    out: list[list[Interval]] = []
    for site, week in enumerate(opening):
        if len(week) != 7:
            raise InvalidInput(f"site {site}: opening needs 7 weekdays", field="opening")
        raw: list[Interval] = []
        for day in range(max(first, 0), last + 1):
            if day in closed.get(site, ()):
                continue
            for open_s, close_s in week[(first_weekday + day) % 7]:
                if not 0 <= open_s < close_s <= 2 * DAY_S:
                    raise InvalidInput(
                        f"site {site}: window ({open_s}, {close_s}) must have "
                        "0 <= open_s < close_s <= 172800",
                        field="opening",
                    )
                raw.append((day * DAY_S + math.ceil(open_s), day * DAY_S + math.floor(close_s)))
        need = int(service_s[site])
        out.append([(lo, hi - need) for lo, hi in _merge(raw) if hi - need >= lo])
    return out


def earliest_start(intervals: Sequence[Interval], at: int) -> int | None:
    """Find the earliest allowed start at or after ``at`` (``None`` if there is none)."""
    for lo, hi in intervals:
        if at <= hi:
            return max(at, lo)
    return None


def inside(intervals: Sequence[Interval], start: int) -> bool:
    """Whether a visit starting at ``start`` lies inside an opening window."""
    return any(lo <= start <= hi for lo, hi in intervals)


def lone_visit_fits(
    intervals: Sequence[Interval], shift: Shift, out_s: int, back_s: int, service_s: int
) -> bool:
    """Whether the site alone fits into ``shift``: out from the station, visit, back."""
    begin, end = shift.span
    start = earliest_start(intervals, begin + out_s)
    return start is not None and start + service_s + back_s <= end


@dataclass(frozen=True)
class Visit:
    """One visit of a round.

    Attributes
    ----------
    site
        Site index (position in the sites' arrays).
    arrival_s, start_s, end_s
        Arrival, start and end of the visit on the month timeline (seconds from day 0's
        midnight); ``start_s > arrival_s`` when the inspector waits for the site to open.
    in_window
        Whether the whole visit lies inside one of the site's opening windows (always
        true in an optimised plan; baselines may break it).
    """

    site: int
    arrival_s: int
    start_s: int
    end_s: int
    in_window: bool


@dataclass(frozen=True)
class DayRoute:
    """The visits of one shift, in order.

    Attributes
    ----------
    shift
        Index of the shift in the ``shifts`` given.
    day
        Day of the month (0-based).
    visits
        The visits in order.
    leave_s, return_s
        Leaves the station and is back, month timeline seconds (equal when no visit).
    travel_s
        Road travel time of the shift, seconds (station -> sites -> station).
    """

    shift: int
    day: int
    visits: tuple[Visit, ...]
    leave_s: int
    return_s: int
    travel_s: int


def schedule_shift(
    index: int,
    shift: Shift,
    order: Sequence[int],
    travel_s: IntArray,
    service_s: IntArray,
    intervals: Sequence[Sequence[Interval]],
) -> DayRoute:
    """Time a shift's visits in a fixed order, each started as early as allowed.

    Each visit starts at the earliest allowed start at or after arrival (waiting for
    the site to open) if that still leaves time to get back to the station by the
    shift's end; else it starts on arrival and is marked outside its window. Leaving
    the station is then put off as late as the first visit allows.
    Row and column 0 of ``travel_s`` are the station, ``site + 1`` the sites.
    """
    begin, end = shift.span
    clock = begin
    here = 0
    visits: list[Visit] = []
    travel = 0
    for site in order:
        leg = int(travel_s[here, site + 1])
        travel += leg
        arrival = clock + leg
        start = earliest_start(intervals[site], arrival)
        back_s = int(travel_s[site + 1, 0])
        ok = start is not None and start + int(service_s[site]) + back_s <= end
        start = start if ok and start is not None else arrival
        clock = start + int(service_s[site])
        visits.append(Visit(site, arrival, start, clock, ok))
        here = site + 1
    back = int(travel_s[here, 0]) if visits else 0
    leave = begin
    if visits:
        first = visits[0]
        out = int(travel_s[0, first.site + 1])
        leave = max(begin, first.start_s - out)
        visits[0] = Visit(first.site, leave + out, first.start_s, first.end_s, first.in_window)
    return DayRoute(index, shift.day, tuple(visits), leave, clock + back, travel + back)
