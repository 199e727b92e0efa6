"""The OR-Tools routing model of an inspection round (the model is in :mod:`pingan.algo.rounds`)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from pingan.algo._round_instance import RoundInstance, day_cost
from pingan.algo._round_timeline import IntArray, Interval, Shift, earliest_start

#: The solver's clock ticks, seconds. Travel and time on site are rounded up to whole
#: ticks and windows inwards, so every plan it finds is feasible to the second (arc costs
#: stay in seconds).
TICK_S = 10


def _compress(shifts: Sequence[Shift]) -> tuple[list[tuple[int, int, int]], int]:
    """Shifts laid end to end on the solver's clock, in ticks of :data:`TICK_S`.

    Per shift ``(begin, end, offset)``: its span on the month timeline in seconds, and where
    it starts on the solver's clock; then the clock's length. The clock runs only during
    shifts (a route never spans two) and in ticks, which keeps the cumul domains small:
    OR-Tools removes a forbidden interval in time that grows with the size of the domain,
    and a month in seconds is 2.7 million values.
    """
    laid: list[tuple[int, int, int]] = []
    offset = 0
    for shift in shifts:
        begin, end = shift.span
        laid.append((begin, end, offset))
        offset += (end - begin) // TICK_S + 1
    return laid, offset


def _tick_windows(
    intervals: Sequence[Interval], laid: Sequence[tuple[int, int, int]]
) -> list[Interval]:
    """List a site's allowed visit starts on the solver's clock (rounded inwards to ticks)."""
    kept: list[Interval] = []
    for begin, end, offset in laid:
        for lo, hi in intervals:
            first = -((begin - max(lo, begin)) // TICK_S)  # ceil
            last = (min(hi, end) - begin) // TICK_S
            if first <= last:
                kept.append((offset + first, offset + last))
    return sorted(kept)


def _cumul_windows(dim: Any, index: int, kept: Sequence[Interval]) -> None:
    """Restrict a visit's start to ``kept`` (not empty)."""
    var = dim.CumulVar(index)
    var.SetRange(kept[0][0], kept[-1][1])
    for (_, hi), (lo, _) in itertools.pairwise(kept):
        if lo - 1 >= hi + 1:
            var.RemoveInterval(hi + 1, lo - 1)


def _repair(
    routes: Sequence[Sequence[int]],
    ticks: IntArray,
    windows: Sequence[Sequence[Interval]],
    laid: Sequence[tuple[int, int, int]],
) -> list[list[int]]:
    """Keep, per route of model nodes, the visits that stay feasible on the solver's clock."""
    repaired: list[list[int]] = []
    for route, (begin, end, offset) in zip(routes, laid, strict=True):
        last = offset + (end - begin) // TICK_S
        clock, here, kept = offset, 0, []
        for node in route:
            start = earliest_start(windows[node], clock + int(ticks[here, node]))
            if start is None or start + int(ticks[node, 0]) > last:
                continue
            clock, here = start, node
            kept.append(node)
        repaired.append(kept)
    return repaired


def _feasible(
    route: Sequence[int],
    ticks: IntArray,
    windows: Sequence[Sequence[Interval]],
    shift: tuple[int, int, int],
) -> bool:
    """Whether a route of model nodes keeps every window and the shift on the solver's clock."""
    begin, end, offset = shift
    clock, here = offset, 0
    for node in route:
        start = earliest_start(windows[node], clock + int(ticks[here, node]))
        if start is None:
            return False
        clock, here = start, node
    return clock + int(ticks[here, 0]) <= offset + (end - begin) // TICK_S


def _insert_left(
    routes: list[list[int]],
    left: Sequence[int],
    model: tuple[IntArray, Sequence[IntArray], Sequence[Sequence[Interval]], Sequence[list[int]]],
    laid: Sequence[tuple[int, int, int]],
) -> None:
    """Insert each node of ``left``, in turn, where it adds least cost and stays feasible.

    ``model`` is ``(ticks, travel + day terms per shift, windows, allowed shifts)``.
    """
    ticks, costs, windows, allowed = model
    for node in left:
        best: tuple[int, int, int] | None = None
        for vehicle in allowed[node]:
            path = [0, *routes[vehicle], 0]
            arc = costs[vehicle]
            for k, (a, b) in enumerate(itertools.pairwise(path)):
                extra = int(arc[a, node] + arc[node, b] - arc[a, b])
                if best is not None and extra >= best[0]:
                    continue
                trial = [*routes[vehicle][:k], node, *routes[vehicle][k:]]
                if _feasible(trial, ticks, windows, laid[vehicle]):
                    best = (extra, vehicle, k)
        if best is not None:
            routes[best[1]].insert(best[2], node)


def _seed_cost(
    routes: Sequence[Sequence[int]], travel: IntArray, terms: IntArray, penalties: Sequence[int]
) -> int:
    """Compute the objective of per-shift routes of model nodes."""
    cost = sum(penalties)
    for vehicle, route in enumerate(routes):
        path = [0, *route, 0]
        cost += sum(int(travel[a, b]) + int(terms[b, vehicle]) for a, b in itertools.pairwise(path))
        cost -= sum(penalties[node] for node in route)
    return cost


def _day_terms(
    instance: RoundInstance, sites: Sequence[int], day_cost_s: float, late_cost_s: float
) -> IntArray:
    """``out[node, shift]``: the objective's day term of visiting the node on the shift."""
    terms = np.zeros((len(sites) + 1, len(instance.shifts)), dtype=np.int64)
    for k, site in enumerate(sites, start=1):
        for shift in instance.allowed[site]:
            terms[k, shift] = day_cost(instance, site, shift, day_cost_s, late_cost_s)
    return terms


def _routes_of(routing: Any, manager: Any, solution: Any, sites: Sequence[int]) -> list[list[int]]:
    routes: list[list[int]] = []
    for vehicle in range(routing.vehicles()):
        order: list[int] = []
        index = routing.Start(vehicle)
        while not routing.IsEnd(index):
            node = manager.IndexToNode(index)
            if node:
                order.append(sites[node - 1])
            index = solution.Value(routing.NextVar(index))
        routes.append(order)
    return routes


def solve_round(
    instance: RoundInstance,
    seeds: Sequence[Sequence[Sequence[int]]],
    *,
    day_cost_s: float,
    late_cost_s: float,
    time_limit_s: float,
) -> tuple[list[list[int]], str]:
    """Per shift the order of sites (site indices), and the solver's status name.

    The cheapest of ``seeds`` (each per shift the site indices, in order; visits that do
    not fit are skipped) starts the search; sites that fit into no shift are left out of
    the model (the plan reports them).
    """
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    sites = [s for s in range(instance.n_sites) if instance.allowed[s]]
    n_shifts = len(instance.shifts)
    if not sites:
        return [[] for _ in range(n_shifts)], "nothing to place"
    places = np.array([0, *(s + 1 for s in sites)])
    laid, top = _compress(instance.shifts)
    travel = instance.travel_s[np.ix_(places, places)]
    travel = np.where(travel < 0, top * TICK_S, travel)
    service = np.concatenate([[0], instance.service_s[sites]])
    manager = pywrapcp.RoutingIndexManager(len(places), n_shifts, 0)
    routing = pywrapcp.RoutingModel(manager)
    ticks = -(-(travel + service[:, None]) // TICK_S)  # rounded up: the plan stays feasible
    time_cb = routing.RegisterTransitMatrix(ticks.tolist())
    terms = _day_terms(instance, sites, day_cost_s, late_cost_s)
    by_column: dict[bytes, int] = {}
    for vehicle in range(n_shifts):
        column = terms[:, vehicle]
        key = column.tobytes()
        if key not in by_column:
            by_column[key] = routing.RegisterTransitMatrix((travel + column[None, :]).tolist())
        routing.SetArcCostEvaluatorOfVehicle(by_column[key], vehicle)
    routing.AddDimension(time_cb, top, top, False, "time")
    dim = routing.GetDimensionOrDie("time")
    for vehicle, (begin, end, offset) in enumerate(laid):
        last = offset + (end - begin) // TICK_S
        dim.CumulVar(routing.Start(vehicle)).SetRange(offset, last)
        dim.CumulVar(routing.End(vehicle)).SetRange(offset, last)
    penalty = 10 * (int(travel.max()) * (len(places) + 1) + int(terms.max()) + 1)
    windows: list[list[Interval]] = [[]]
    for node, site in enumerate(sites, start=1):
        index = manager.NodeToIndex(node)
        windows.append(_tick_windows(instance.intervals[site], laid))
        if windows[node]:
            _cumul_windows(dim, index, windows[node])
        else:  # fits only by a few seconds, less than a tick: left out
            routing.ActiveVar(index).SetValue(0)
        routing.VehicleVar(index).SetValues([-1, *instance.allowed[site]])  # -1: left out
        routing.AddDisjunction([index], penalty * (1 + int(instance.priority[site])))
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    )
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(max(round(time_limit_s * 1000), 10))
    node_of = {site: node for node, site in enumerate(sites, start=1)}
    penalties = [0] + [penalty * (1 + int(instance.priority[site])) for site in sites]
    allowed = [[], *(instance.allowed[site] for site in sites)]
    costs = [travel + terms[:, vehicle][None, :] for vehicle in range(n_shifts)]
    by_priority = sorted(range(1, len(places)), key=lambda node: -penalties[node])
    candidates = []
    for seed in seeds:
        routes = _repair(
            [[node_of[s] for s in route if s in node_of] for route in seed], ticks, windows, laid
        )
        placed = {node for route in routes for node in route}
        left = [node for node in by_priority if node not in placed and windows[node]]
        _insert_left(routes, left, (ticks, costs, windows, allowed), laid)
        candidates.append(routes)
    seed = min(candidates, key=lambda routes: _seed_cost(routes, travel, terms, penalties))
    initial = routing.ReadAssignmentFromRoutes(seed, True)
    if initial is not None:
        solution = routing.SolveFromAssignmentWithParameters(initial, params)
    else:
        solution = routing.SolveWithParameters(params)
    status = routing_enums_pb2.RoutingSearchStatus.Value.Name(routing.status())
    if solution is None:
        return [[] for _ in range(n_shifts)], status
    return _routes_of(routing, manager, solution, sites), status
