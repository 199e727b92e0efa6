"""Hot-spot patrol loops: each group leaves its post, visits its hot spots, dwells, comes back.

Model (per group, solved with OR-Tools routing): places are the post (depot) and the group's
hot spots; ``c_ab`` is the travel time in seconds from place ``a`` to ``b`` and ``d_a`` the dwell
time at hot spot ``a`` (default 900 s, 15 minutes, after Koper's finding that about 15 minutes
of presence gives the longest residual deterrence). Minimise the travel time of one loop
post -> spots -> post subject to a time dimension: arrival at the next place = departure from
the previous + ``c_ab``, departure = arrival + ``d_a``, return to the post by ``shift_s``. A
hot spot that cannot fit is dropped (penalty far above any travel time) and reported.

Hot spots are assigned to groups first: to the nearest post by travel time, or (``balanced``)
by a minimum-total-travel-time assignment in which no post takes more than
``ceil(n_spots / n_posts)`` spots.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

from pingan.errors import Infeasible, InvalidInput

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

DEFAULT_DWELL_S = 900.0


@dataclass(frozen=True)
class GroupRoute:
    """One group's loop.

    Attributes
    ----------
    post
        Place index of the post.
    stops
        Place indices of the hot spots in visiting order.
    arrival_s, departure_s
        Offsets from the start of the shift, in seconds, per stop.
    return_s
        Offset at which the group is back at its post.
    travel_s, dwell_s
        Total travel and dwell time, seconds.
    dropped
        Assigned hot spots that did not fit into the shift.
    """

    post: int
    stops: tuple[int, ...]
    arrival_s: tuple[float, ...]
    departure_s: tuple[float, ...]
    return_s: float
    travel_s: float
    dwell_s: float
    dropped: tuple[int, ...]


def assign_hotspots(post_to_spot_s: npt.ArrayLike, *, balanced: bool = True) -> IntArray:
    """Group (row of ``post_to_spot_s``) of each hot spot (column).

    Parameters
    ----------
    post_to_spot_s
        Travel time in seconds from each post to each hot spot (``inf`` if unreachable).
    balanced
        If true, no post takes more than ``ceil(n_spots / n_posts)`` spots and the total
        travel time is minimal under that cap; else each spot goes to its nearest post.
    """
    times = np.asarray(post_to_spot_s, dtype=np.float64)
    if times.ndim != 2 or times.shape[0] == 0:
        raise InvalidInput("post_to_spot_s must be a matrix with at least one post")
    n_posts, n_spots = times.shape
    if n_spots == 0:
        return np.zeros(0, dtype=np.int64)
    if np.any(np.all(~np.isfinite(times), axis=0)):
        raise Infeasible("a hot spot cannot be reached from any post")
    if not balanced:
        return np.asarray(np.argmin(times, axis=0), dtype=np.int64)
    cap = math.ceil(n_spots / n_posts)
    big = float(np.nanmax(np.where(np.isfinite(times), times, 0.0))) * n_spots + 1e6
    cost = np.where(np.isfinite(times), times, big)
    expanded = np.repeat(cost, cap, axis=0)  # each post cap times
    rows, cols = linear_sum_assignment(expanded)
    group = np.empty(n_spots, dtype=np.int64)
    group[cols] = rows // cap
    return group


def _loop(
    times: FloatArray, dwell: FloatArray, shift_s: float, time_limit_s: float
) -> tuple[list[int], list[int]]:
    """Order of local places 1..m in one loop from place 0, and the dropped ones."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    m = times.shape[0]
    if m == 1:
        return [], []
    transit = np.rint(times + dwell[:, None]).astype(np.int64)
    np.fill_diagonal(transit, 0)
    manager = pywrapcp.RoutingIndexManager(m, 1, 0)
    routing = pywrapcp.RoutingModel(manager)

    def cost(i: int, j: int) -> int:
        a, b = manager.IndexToNode(i), manager.IndexToNode(j)
        return round(float(times[a, b]))

    def elapsed(i: int, j: int) -> int:
        return int(transit[manager.IndexToNode(i), manager.IndexToNode(j)])

    cost_cb = routing.RegisterTransitCallback(cost)
    time_cb = routing.RegisterTransitCallback(elapsed)
    routing.SetArcCostEvaluatorOfAllVehicles(cost_cb)
    horizon = math.floor(shift_s)
    routing.AddDimension(time_cb, 0, horizon, True, "time")
    penalty = int(transit.sum()) + 10**6
    for node in range(1, m):
        routing.AddDisjunction([manager.NodeToIndex(node)], penalty)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(max(int(time_limit_s * 1000), 10))
    solution = routing.SolveWithParameters(params)
    if solution is None:
        return [], list(range(1, m))
    order: list[int] = []
    index = routing.Start(0)
    while not routing.IsEnd(index):
        node = manager.IndexToNode(index)
        if node != 0:
            order.append(node)
        index = solution.Value(routing.NextVar(index))
    dropped = [n for n in range(1, m) if n not in set(order)]
    return order, dropped


def plan_patrol_routes(
    time_s: npt.ArrayLike,
    posts: Sequence[int],
    hotspots: Sequence[int],
    *,
    dwell_s: float | npt.ArrayLike = DEFAULT_DWELL_S,
    shift_s: float = 6 * 3600.0,
    assignment: npt.ArrayLike | None = None,
    balanced: bool = True,
    solver_time_limit_s: float = 1.0,
) -> tuple[GroupRoute, ...]:
    """Plan one loop per group through its hot spots with dwell times, within the shift.

    Parameters
    ----------
    time_s
        Square matrix of travel times in seconds between places (e.g. from
        ``travel_time_matrix`` over the post and hot-spot nodes).
    posts
        Place index of each group's post.
    hotspots
        Place indices of the hot spots.
    dwell_s
        Dwell time at each hot spot in seconds (scalar or one per hot spot).
    shift_s
        Shift length in seconds; each loop ends back at its post by then.
    assignment
        Group (index into ``posts``) of each hot spot; computed with
        :func:`assign_hotspots` when not given.
    balanced
        Passed to :func:`assign_hotspots`.
    solver_time_limit_s
        OR-Tools search time per group.
    """
    times = np.asarray(time_s, dtype=np.float64)
    if times.ndim != 2 or times.shape[0] != times.shape[1]:
        raise InvalidInput("time_s must be a square matrix", field="time_s")
    post_idx = np.asarray(posts, dtype=np.int64).ravel()
    spot_idx = np.asarray(hotspots, dtype=np.int64).ravel()
    n = times.shape[0]
    for name, arr in (("posts", post_idx), ("hotspots", spot_idx)):
        if arr.size and (arr.min() < 0 or arr.max() >= n):
            raise InvalidInput(f"place index out of range 0..{n - 1}", field=name)
    dwell = np.broadcast_to(np.asarray(dwell_s, dtype=np.float64), spot_idx.shape).copy()
    if np.any(dwell < 0) or shift_s <= 0:
        raise InvalidInput("dwell_s must be >= 0 and shift_s > 0")
    if assignment is None:
        group = assign_hotspots(times[np.ix_(post_idx, spot_idx)], balanced=balanced)
    else:
        group = np.asarray(assignment, dtype=np.int64).ravel()
        if group.size != spot_idx.size or (
            group.size and (group.min() < 0 or group.max() >= post_idx.size)
        ):
            raise InvalidInput("assignment must give a group for each hot spot", field="assignment")
    routes = []
    for g, post in enumerate(post_idx):
        mine = np.flatnonzero(group == g)
        places = np.concatenate([[post], spot_idx[mine]])
        sub = times[np.ix_(places, places)]
        sub = np.where(np.isfinite(sub), sub, 10.0 * shift_s)
        local_dwell = np.concatenate([[0.0], dwell[mine]])
        order, dropped = _loop(sub, local_dwell, shift_s, solver_time_limit_s)
        clock = 0.0
        prev = 0
        arrivals: list[float] = []
        departures: list[float] = []
        travel = 0.0
        for node in order:
            travel += sub[prev, node]
            clock += sub[prev, node]
            arrivals.append(clock)
            clock += local_dwell[node]
            departures.append(clock)
            prev = node
        travel += sub[prev, 0] if order else 0.0
        clock += sub[prev, 0] if order else 0.0
        routes.append(
            GroupRoute(
                post=int(post),
                stops=tuple(int(places[i]) for i in order),
                arrival_s=tuple(arrivals),
                departure_s=tuple(departures),
                return_s=clock,
                travel_s=travel,
                dwell_s=float(local_dwell[order].sum()) if order else 0.0,
                dropped=tuple(int(places[i]) for i in dropped),
            )
        )
    return tuple(routes)


def routes_geojson(
    routes: Sequence[GroupRoute],
    place_node: npt.ArrayLike,
    node_lon: npt.ArrayLike,
    node_lat: npt.ArrayLike,
    *,
    path: Callable[[int, int], Sequence[int]] | None = None,
) -> dict[str, Any]:
    """GeoJSON FeatureCollection of the loops (LineString per group) and stops (Points).

    Parameters
    ----------
    routes
        From :func:`plan_patrol_routes`.
    place_node
        Graph node of each place.
    node_lon, node_lat
        Node coordinates in degrees.
    path
        Optional ``path(node_a, node_b)`` giving the node sequence of the road path (both
        ends included); without it, legs are straight lines between stops.
    """
    nodes = np.asarray(place_node, dtype=np.int64)
    lon = np.asarray(node_lon, dtype=np.float64)
    lat = np.asarray(node_lat, dtype=np.float64)
    features: list[dict[str, Any]] = []
    for g, route in enumerate(routes):
        sequence = [route.post, *route.stops, route.post]
        line: list[int] = [int(nodes[route.post])]
        for a, b in itertools.pairwise(sequence):
            na, nb = int(nodes[a]), int(nodes[b])
            leg = list(path(na, nb)) if path is not None else [na, nb]
            line.extend(int(v) for v in leg[1:])
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "LineString",
                    "coordinates": [[float(lon[v]), float(lat[v])] for v in line],
                },
                "properties": {
                    "group": g,
                    "kind": "loop",
                    "travel_s": route.travel_s,
                    "dwell_s": route.dwell_s,
                    "return_s": route.return_s,
                },
            }
        )
        for order, (stop, arr, dep) in enumerate(
            zip(route.stops, route.arrival_s, route.departure_s, strict=True)
        ):
            v = int(nodes[stop])
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [float(lon[v]), float(lat[v])]},
                    "properties": {
                        "group": g,
                        "kind": "stop",
                        "order": order + 1,
                        "arrival_s": arr,
                        "departure_s": dep,
                    },
                }
            )
    return {"type": "FeatureCollection", "features": features}
