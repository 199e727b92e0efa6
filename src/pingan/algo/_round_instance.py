"""Checked inputs of an inspection round and the plan it gives (see :mod:`pingan.algo.rounds`)."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from pingan.algo._round_timeline import (
    DayRoute,
    IntArray,
    Interval,
    Opening,
    Shift,
    check_shifts,
    lone_visit_fits,
    schedule_shift,
    start_intervals,
)
from pingan.errors import InvalidInput

#: Reasons a site is left out of a plan.
REASONS = ("unreachable", "closed", "window_too_short", "no_capacity")


@dataclass(frozen=True)
class Unplaced:
    """A site the plan could not visit.

    Attributes
    ----------
    site
        Site index.
    reason
        One of :data:`REASONS`.
    detail
        The reason in words (English; the caller translates by ``reason``).
    """

    site: int
    reason: str
    detail: str


@dataclass(frozen=True)
class RoundPlan:
    """A month's round.

    Attributes
    ----------
    method
        ``"optimised"``, ``"due_date"`` or ``"nearest_neighbour"``.
    days
        One route per shift, in the order the shifts were given (a shift may stay empty).
    unplaced
        Sites not visited, with the reason, by site index.
    travel_s
        Total road travel time, seconds.
    violations
        Visits outside their site's opening windows (0 for the optimised plan).
    status
        The solver's status (``"ok"`` for the baselines).
    """

    method: str
    days: tuple[DayRoute, ...]
    unplaced: tuple[Unplaced, ...]
    travel_s: int
    violations: int
    status: str

    @property
    def visited(self) -> int:
        """Number of visits."""
        return sum(len(d.visits) for d in self.days)

    def day_of(self) -> dict[int, int]:
        """Site index -> day of the month of its visit."""
        return {v.site: d.day for d in self.days for v in d.visits}


@dataclass(frozen=True, eq=False)
class RoundInstance:
    """Checked inputs of a round, shared by the optimiser and the baselines.

    Attributes
    ----------
    travel_s
        Whole seconds between places (0 is the station), ``-1`` where unreachable.
    service_s, priority, due_day
        Per site: seconds on site, priority (>= 0), due day of the month.
    shifts
        The inspector's shifts.
    intervals
        Per site, allowed visit starts on the month timeline.
    allowed
        Per site, the shifts it fits into alone (empty for the unplaceable).
    unplaceable
        Sites that fit into no shift, with their reason.
    """

    travel_s: IntArray
    service_s: IntArray
    priority: IntArray
    due_day: IntArray
    shifts: tuple[Shift, ...]
    intervals: list[list[Interval]]
    allowed: list[list[int]]
    unplaceable: tuple[Unplaced, ...]

    @property
    def n_sites(self) -> int:
        """Number of sites."""
        return int(self.service_s.size)

    def schedule(self, routes: Sequence[Sequence[int]]) -> tuple[DayRoute, ...]:
        """Time the routes given as per-shift site orders."""
        return tuple(
            schedule_shift(k, shift, order, self.travel_s, self.service_s, self.intervals)
            for k, (shift, order) in enumerate(zip(self.shifts, routes, strict=True))
        )

    def plan(self, method: str, routes: Sequence[Sequence[int]], status: str) -> RoundPlan:
        """Assemble a plan: timed routes, and every site not visited with its reason."""
        days = self.schedule(routes)
        seen = {v.site for d in days for v in d.visits}
        out = {u.site: u for u in self.unplaceable}
        for site in range(self.n_sites):
            if site not in seen and site not in out:
                out[site] = Unplaced(
                    site,
                    "no_capacity",
                    "fits alone into a shift, but not beside the other visits of the month",
                )
        return RoundPlan(
            method=method,
            days=days,
            unplaced=tuple(out[s] for s in sorted(out)),
            travel_s=sum(d.travel_s for d in days),
            violations=sum(not v.in_window for d in days for v in d.visits),
            status=status,
        )


def _per_site(values: npt.ArrayLike | None, n: int, default: int, name: str) -> IntArray:
    if values is None:
        return np.full(n, default, dtype=np.int64)
    arr = np.asarray(values)
    if arr.shape != (n,) or (arr.size and not np.all(np.isfinite(arr))):
        raise InvalidInput(f"{name} needs one finite value per site", field=name)
    return np.asarray(np.rint(arr), dtype=np.int64)


def _travel(time_s: npt.ArrayLike) -> IntArray:
    times = np.asarray(time_s, dtype=np.float64)
    if times.ndim != 2 or times.shape[0] != times.shape[1] or times.shape[0] == 0:
        raise InvalidInput("time_s must be a square matrix, station first", field="time_s")
    if np.any(times < 0):
        raise InvalidInput("time_s must not be negative", field="time_s")
    out = np.where(np.isfinite(times), np.ceil(times), -1.0).astype(np.int64)
    np.fill_diagonal(out, 0)
    return out


def _reason(
    site: int, open_s: Sequence[Interval], shifts: Sequence[Shift], out: int, back: int
) -> Unplaced:
    """Tell why a site fits into no shift (``open_s``: its opening windows on the timeline)."""
    if out < 0 or back < 0:
        return Unplaced(site, "unreachable", "no road from the station to the site and back")
    overlaps = any(
        lo < shift.span[1] and hi > shift.span[0] for lo, hi in open_s for shift in shifts
    )
    if not overlaps:
        return Unplaced(site, "closed", "not open during any shift of the month")
    return Unplaced(
        site,
        "window_too_short",
        "open during some shift, but the visit with the trip there and back does not fit",
    )


def prepare_round(
    time_s: npt.ArrayLike,
    service_s: npt.ArrayLike,
    opening: Opening,
    shifts: Sequence[Shift],
    *,
    first_weekday: int,
    priority: npt.ArrayLike | None = None,
    due_day: npt.ArrayLike | None = None,
    closed_days: Mapping[int, Collection[int]] | None = None,
) -> RoundInstance:
    """Check a round's inputs and find, per site, the shifts it fits into alone.

    Parameters are those of :func:`plan_round`.
    """
    travel = _travel(time_s)
    n = travel.shape[0] - 1
    service = _per_site(service_s, n, 0, "service_s")
    if np.any(service < 0):
        raise InvalidInput("service_s must be >= 0", field="service_s")
    prio = _per_site(priority, n, 0, "priority")
    if np.any(prio < 0):
        raise InvalidInput("priority must be >= 0", field="priority")
    due = _per_site(due_day, n, 10**6, "due_day")
    if not shifts:
        raise InvalidInput("the inspector has no shift in the month", field="shifts")
    check_shifts(shifts)
    intervals = start_intervals(opening, service, shifts, first_weekday, closed_days)
    open_at = start_intervals(opening, service * 0, shifts, first_weekday, closed_days)
    allowed: list[list[int]] = []
    unplaceable = []
    for site in range(n):
        out, back = int(travel[0, site + 1]), int(travel[site + 1, 0])
        fits = []
        if out >= 0 and back >= 0:
            fits = [
                k
                for k, shift in enumerate(shifts)
                if lone_visit_fits(intervals[site], shift, out, back, int(service[site]))
            ]
        allowed.append(fits)
        if not fits:
            unplaceable.append(_reason(site, open_at[site], shifts, out, back))
    return RoundInstance(
        travel_s=travel,
        service_s=service,
        priority=prio,
        due_day=due,
        shifts=tuple(shifts),
        intervals=intervals,
        allowed=allowed,
        unplaceable=tuple(unplaceable),
    )


def day_cost(
    instance: RoundInstance, site: int, shift: int, day_cost_s: float, late_cost_s: float
) -> int:
    """Give the objective's day term for visiting ``site`` on ``shift`` (whole seconds)."""
    day = instance.shifts[shift].day
    first = min(s.day for s in instance.shifts)
    late = max(0, day - int(instance.due_day[site]))
    return math.ceil(int(instance.priority[site]) * day_cost_s * (day - first) + late_cost_s * late)
