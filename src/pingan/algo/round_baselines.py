"""Baselines for monthly inspection rounds: due-date order, and a nearest-neighbour tour.

Both fill the shifts one after another in time order and take only sites that fit alone
into some shift (the others are reported as in the optimised plan):

* **due-date order** (:func:`due_date_round`): the list sorted by priority (highest first),
  then due day, then site index. In each shift, walk down the remaining list and visit every
  site that can still be visited inside its opening window with time to get back to the
  station by the shift's end; the others wait for a later shift. No visit is outside its
  window.
* **nearest neighbour** (:func:`nearest_neighbour_round`): from where the inspector is, go
  to the nearest remaining site (by travel time) that can be visited inside its window and
  still get back in time. When none can, the nearest that can be visited on arrival and
  still get back in time, outside its window (counted as a violation): "respecting windows
  where possible". When none fits at all, the shift ends.

A visit waits for its site to open when it arrives early.
"""

from __future__ import annotations

from collections.abc import Sequence

from pingan.algo._round_instance import RoundInstance, RoundPlan
from pingan.algo._round_timeline import earliest_start


def _due_order(instance: RoundInstance) -> list[int]:
    sites = [s for s in range(instance.n_sites) if instance.allowed[s]]
    return sorted(sites, key=lambda s: (-int(instance.priority[s]), int(instance.due_day[s]), s))


def _visit_end(
    instance: RoundInstance, here: int, clock: int, site: int, end: int, in_window: bool
) -> int | None:
    """End of a visit from ``here`` at ``clock``, or ``None`` if it cannot be back by ``end``."""
    arrival = clock + int(instance.travel_s[here, site + 1])
    if in_window:
        start = earliest_start(instance.intervals[site], arrival)
        if start is None:
            return None
    else:
        start = arrival
    done = start + int(instance.service_s[site])
    return done if done + int(instance.travel_s[site + 1, 0]) <= end else None


def _shift_order(instance: RoundInstance) -> list[int]:
    return sorted(range(len(instance.shifts)), key=lambda k: instance.shifts[k].span)


def due_date_routes(instance: RoundInstance) -> list[list[int]]:
    """Per shift, the sites of the due-date baseline in visiting order."""
    queue = _due_order(instance)
    routes: list[list[int]] = [[] for _ in instance.shifts]
    for k in _shift_order(instance):
        clock, end = instance.shifts[k].span
        here = 0
        waiting: list[int] = []
        for site in queue:
            done = _visit_end(instance, here, clock, site, end, in_window=True)
            if done is None:
                waiting.append(site)
                continue
            routes[k].append(site)
            clock, here = done, site + 1
        queue = waiting
    return routes


def _nearest(
    instance: RoundInstance,
    here: int,
    clock: int,
    left: Sequence[int],
    end: int,
    in_window: bool,
    by_priority: bool,
) -> tuple[int, int] | None:
    """Find the nearest site of ``left`` that fits, with the end of its visit."""
    best: tuple[int, int, int, int] | None = None
    for site in left:
        done = _visit_end(instance, here, clock, site, end, in_window)
        rank = -int(instance.priority[site]) if by_priority else 0
        leg = int(instance.travel_s[here, site + 1])
        if done is not None and (best is None or (rank, leg) < best[:2]):
            best = (rank, leg, site, done)
    return None if best is None else (best[2], best[3])


def nearest_neighbour_routes(
    instance: RoundInstance, *, by_priority: bool = False, in_window_only: bool = False
) -> list[list[int]]:
    """Per shift, the sites of the nearest-neighbour baseline in visiting order.

    With ``by_priority`` the nearest site of the highest priority that fits is taken (a
    start for the optimiser, not the baseline); with ``in_window_only`` no visit falls
    outside its window (the shift ends instead).
    """
    left = _due_order(instance)
    routes: list[list[int]] = [[] for _ in instance.shifts]
    for k in _shift_order(instance):
        clock, end = instance.shifts[k].span
        here = 0
        while left:
            step = _nearest(instance, here, clock, left, end, True, by_priority)
            if step is None and not in_window_only:
                step = _nearest(instance, here, clock, left, end, False, by_priority)
            if step is None:
                break
            site, clock = step
            here = site + 1
            routes[k].append(site)
            left.remove(site)
    return routes


def due_date_round(instance: RoundInstance) -> RoundPlan:
    """Plan the round in due-date order (see the module docstring)."""
    return instance.plan("due_date", due_date_routes(instance), "ok")


def nearest_neighbour_round(instance: RoundInstance) -> RoundPlan:
    """Plan the round as a nearest-neighbour tour (see the module docstring)."""
    return instance.plan("nearest_neighbour", nearest_neighbour_routes(instance), "ok")
