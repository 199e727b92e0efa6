"""The OR-Tools routing model of an inspection round (the model is in :mod:`pingan.algo.rounds`)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from pingan.algo._round_instance import RoundInstance, day_cost
from pingan.algo._round_timeline import IntArray


def _cumul_windows(dim: Any, index: int, intervals: Sequence[tuple[int, int]], top: int) -> None:
    """Restrict a visit's start to the union of ``intervals`` (clipped to ``[0, top]``)."""
    kept = [(max(lo, 0), min(hi, top)) for lo, hi in intervals if hi >= 0 and lo <= top]
    var = dim.CumulVar(index)
    var.SetRange(kept[0][0], kept[-1][1])
    for (_, hi), (lo, _) in itertools.pairwise(kept):
        if lo - 1 >= hi + 1:
            var.RemoveInterval(hi + 1, lo - 1)


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
    start_routes: Sequence[Sequence[int]],
    *,
    day_cost_s: float,
    late_cost_s: float,
    time_limit_s: float,
) -> tuple[list[list[int]], str]:
    """Per shift the order of sites (site indices), and the solver's status name.

    ``start_routes`` (per shift, visits inside their windows) seeds the search; sites that
    fit into no shift are left out of the model (the plan reports them).
    """
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    sites = [s for s in range(instance.n_sites) if instance.allowed[s]]
    n_shifts = len(instance.shifts)
    if not sites:
        return [[] for _ in range(n_shifts)], "nothing to place"
    places = np.array([0, *(s + 1 for s in sites)])
    top = max(shift.span[1] for shift in instance.shifts) + 1
    travel = instance.travel_s[np.ix_(places, places)]
    travel = np.where(travel < 0, top, travel)
    service = np.concatenate([[0], instance.service_s[sites]])
    manager = pywrapcp.RoutingIndexManager(len(places), n_shifts, 0)
    routing = pywrapcp.RoutingModel(manager)
    time_cb = routing.RegisterTransitMatrix((travel + service[:, None]).tolist())
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
    for vehicle, shift in enumerate(instance.shifts):
        begin, end = shift.span
        dim.CumulVar(routing.Start(vehicle)).SetRange(begin, end)
        dim.CumulVar(routing.End(vehicle)).SetRange(begin, end)
    penalty = 10 * (int(travel.max()) * (len(places) + 1) + int(terms.max()) + 1)
    for node, site in enumerate(sites, start=1):
        index = manager.NodeToIndex(node)
        _cumul_windows(dim, index, instance.intervals[site], top)
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
    seed = [[node_of[s] for s in route if s in node_of] for route in start_routes]
    initial = routing.ReadAssignmentFromRoutes(seed, True)
    if initial is not None:
        solution = routing.SolveFromAssignmentWithParameters(initial, params)
    else:
        solution = routing.SolveWithParameters(params)
    status = routing_enums_pb2.RoutingSearchStatus.Value.Name(routing.status())
    if solution is None:
        return [[] for _ in range(n_shifts)], status
    return _routes_of(routing, manager, solution, sites), status
