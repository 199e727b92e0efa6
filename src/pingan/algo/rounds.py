"""Monthly inspection rounds (防火检查): which day each due site is visited, and in which order.

The model is a vehicle-routing problem with time windows (VRPTW) solved with OR-Tools
routing, one *vehicle* per working shift of the inspector (a day shift, or an evening
shift so that bars and KTVs open only at night can be visited). Places are the station
(depot, index 0) and the sites ``1..n``; ``c_ab`` is the road travel time in seconds from
place ``a`` to ``b`` (:func:`round_time_matrix`), ``s_i`` the time on site ``i``.

Time runs on one *month timeline*: seconds from midnight at the start of day 0 (the 1st).
A site's opening hours per weekday become, for every day of the month, windows on that
timeline; a window may cross midnight (a bar open 20:00-02:00), a site may be closed on
some weekdays or on given days. Let ``T_i`` be the start of the visit at site ``i`` and
``[o, e]`` the windows. For a shift ``v`` on day ``d_v`` from ``b_v`` to ``f_v``:

* ``T_j >= T_i + s_i + c_ij`` when ``j`` follows ``i`` on a shift (waiting allowed);
* the whole visit lies in one window: ``o <= T_i`` and ``T_i + s_i <= e``;
* the shift leaves the station at or after ``b_v`` and is back by ``f_v``;
* each site is visited at most once; ``x_i = 1`` if it is left out.

Minimise

    sum over shifts of sum of c_ab on its legs
    + sum over visited sites of  p_i * w_day * (d_v - d_first)  +  w_late * max(0, d_v - due_i)
    + sum over sites left out of  P * (1 + p_i)

where ``p_i >= 0`` is the site's priority (e.g. 2 for overdue hazards, 1 for open ones, 0
otherwise), ``w_day`` (``day_cost_s``) makes higher priorities come on earlier days,
``w_late`` (``late_cost_s``) charges each day past the site's due day, and ``P`` is far
above any travel and day cost, so a site is left out only when it cannot fit. Every site
left out is reported with its reason, never dropped silently:

* ``unreachable``: no road from or back to the station;
* ``closed``: none of its opening windows overlaps a shift of the month;
* ``window_too_short``: open during some shift, but a visit of ``s_i`` with the trip from and
  back to the station does not fit into any;
* ``no_capacity``: it fits alone, but the month's shifts are full.

Travel times are rounded up to whole seconds. The search starts from the cheapest of three
plans (:mod:`pingan.algo.round_baselines`): due-date order, nearest neighbour and nearest
neighbour within the highest priority left, the last two never outside a window, each
completed by inserting the sites it left out where they add least cost; then OR-Tools'
guided local search improves it within ``solver_time_limit_s``. The solver's
clock runs in ticks of 10 s during shifts only (travel and time on site rounded up,
windows inwards), so every plan is feasible to the second.

Examples
--------
>>> import numpy as np
>>> t = np.array([[0, 600, 600], [600, 0, 300], [600, 300, 0]])
>>> daytime = [[(9 * 3600, 18 * 3600)]] * 7
>>> bar = [[(20 * 3600, 26 * 3600)]] * 7  # open 20:00-02:00 every day
>>> shifts = [Shift(0, 9 * 3600, 18 * 3600), Shift(1, 18 * 3600, 26 * 3600)]
>>> plan = plan_round(t, [1800, 1800], [daytime, bar], shifts, first_weekday=0)
>>> [[v.site for v in d.visits] for d in plan.days]
[[0], [1]]
>>> plan.days[1].visits[0].start_s == 86400 + 20 * 3600
True
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import numpy as np
import numpy.typing as npt

from pingan.algo._round_instance import (
    REASONS,
    RoundInstance,
    RoundPlan,
    Unplaced,
    day_cost,
    prepare_round,
)
from pingan.algo._round_solver import solve_round
from pingan.algo._round_timeline import DAY_S, DayRoute, Opening, Shift, Visit, check_shifts
from pingan.algo.graph import FloatArray, RoadGraph
from pingan.algo.round_baselines import due_date_routes, nearest_neighbour_routes
from pingan.algo.routing import travel_time_matrix
from pingan.errors import InvalidInput

__all__ = [
    "DAY_S",
    "REASONS",
    "ROUND_MODES",
    "DayRoute",
    "Opening",
    "RoundInstance",
    "RoundPlan",
    "Shift",
    "Unplaced",
    "Visit",
    "day_cost",
    "month_shifts",
    "plan_round",
    "prepare_round",
    "round_time_matrix",
]

#: Networks a round can be planned on.
ROUND_MODES = ("car", "ebike")


def round_time_matrix(graph: RoadGraph, nodes: npt.ArrayLike) -> FloatArray:
    """Travel times between the station and the sites on a car or e-bike network.

    Parameters
    ----------
    graph
        The city's road graph of mode ``"car"`` or ``"ebike"``.
    nodes
        Graph node of the station first, then of each site (snap points with
        :func:`pingan.algo.routing.snap`).

    Returns
    -------
    ndarray, shape (n + 1, n + 1)
        ``out[a, b]``: seconds from place ``a`` to place ``b`` (0 is the station).
    """
    if graph.mode not in ROUND_MODES:
        raise InvalidInput(
            f"rounds are planned on the car or e-bike network, not {graph.mode!r}", field="mode"
        )
    places = np.asarray(nodes, dtype=np.int64).ravel()
    if places.size == 0:
        raise InvalidInput("nodes must hold at least the station", field="nodes")
    return travel_time_matrix(graph, places, places)


def month_shifts(
    n_days: int,
    first_weekday: int,
    *,
    working_weekdays: Collection[int] = (0, 1, 2, 3, 4),
    day_window_s: tuple[float, float] = (9 * 3600.0, 18 * 3600.0),
    evening_window_s: tuple[float, float] | None = None,
    evening_weekdays: Collection[int] = (),
    days_off: Collection[int] = (),
) -> tuple[Shift, ...]:
    """List the inspector's shifts of a month: one per working day.

    Parameters
    ----------
    n_days
        Days in the month.
    first_weekday
        Weekday of the 1st (0 = Monday).
    working_weekdays
        Weekdays worked.
    day_window_s
        The daytime shift, seconds from midnight (default 09:00-18:00).
    evening_window_s
        The evening shift (e.g. ``(18 * 3600, 26 * 3600)``, 18:00-02:00), worked instead
        of the day shift on ``evening_weekdays``.
    evening_weekdays
        Weekdays on which the evening shift is worked (needs ``evening_window_s``).
    days_off
        Days of the month (0-based) not worked (holidays, leave).
    """
    if evening_weekdays and evening_window_s is None:
        raise InvalidInput("evening_weekdays needs evening_window_s", field="evening_window_s")
    shifts = []
    for day in range(n_days):
        weekday = (first_weekday + day) % 7
        if weekday not in working_weekdays or day in days_off:
            continue
        window = day_window_s
        if evening_window_s is not None and weekday in evening_weekdays:
            window = evening_window_s
        shifts.append(Shift(day, window[0], window[1]))
    result = tuple(shifts)
    if result:
        check_shifts(result)
    return result


def plan_round(
    time_s: npt.ArrayLike,
    service_s: npt.ArrayLike,
    opening: Opening,
    shifts: Sequence[Shift],
    *,
    first_weekday: int,
    priority: npt.ArrayLike | None = None,
    due_day: npt.ArrayLike | None = None,
    closed_days: Mapping[int, Collection[int]] | None = None,
    day_cost_s: float = 1800.0,
    late_cost_s: float = 600.0,
    solver_time_limit_s: float = 5.0,
) -> RoundPlan:
    """Plan a month's inspection round (the model is in the module docstring).

    Parameters
    ----------
    time_s
        Square matrix of travel times in seconds, the station first then the sites
        (:func:`round_time_matrix`); ``inf`` where there is no road.
    service_s
        Seconds on site, per site (scalar or one per site).
    opening
        ``opening[site][weekday]`` (0 = Monday): the windows ``(open_s, close_s)`` of that
        weekday in seconds from its midnight; ``close_s`` may pass 86,400 (a bar open
        until 02:00); an empty list means closed that weekday.
    shifts
        The inspector's shifts (:func:`month_shifts`); one vehicle each.
    first_weekday
        Weekday of day 0 of the month (0 = Monday).
    priority
        Per site, >= 0; higher comes first (e.g. 2 overdue hazard, 1 open hazard, 0 none).
    due_day
        Per site, the day of the month (0-based; negative if already overdue) by which it
        is due; each day after it costs ``late_cost_s``.
    closed_days
        Site -> days of the month it is closed whatever its weekday hours say.
    day_cost_s
        Cost in travel seconds of putting a site off by one day, per priority level.
    late_cost_s
        Cost in travel seconds of each day a visit comes after its due day.
    solver_time_limit_s
        OR-Tools search time.

    Returns
    -------
    RoundPlan
        Per shift the ordered visits with their times, the total travel time, and every
        site not visited with its reason.
    """
    if day_cost_s < 0 or late_cost_s < 0 or solver_time_limit_s <= 0:
        raise InvalidInput("day_cost_s, late_cost_s must be >= 0 and the time limit > 0")
    service = np.asarray(service_s, dtype=np.float64)
    if service.ndim == 0:
        service = np.full(len(opening), float(service))
    instance = prepare_round(
        time_s,
        service,
        opening,
        shifts,
        first_weekday=first_weekday,
        priority=priority,
        due_day=due_day,
        closed_days=closed_days,
    )
    seeds = [
        due_date_routes(instance),
        nearest_neighbour_routes(instance, in_window_only=True),
        nearest_neighbour_routes(instance, in_window_only=True, by_priority=True),
    ]
    routes, status = solve_round(
        instance,
        seeds,
        day_cost_s=day_cost_s,
        late_cost_s=late_cost_s,
        time_limit_s=solver_time_limit_s,
    )
    return instance.plan("optimised", routes, status)
