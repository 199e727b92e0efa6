"""Outreach on foot: who lives within a walk of the stalls, and where the next stalls go.

Residents
---------
A zone ``z`` (polygon in lon/lat, ``P_z`` residents) puts its residents on the walking
network: ``P_z / n_z`` on each of the ``n_z`` network nodes inside it, or all of ``P_z`` on
the node nearest its representative point when no node lies inside
(:func:`spread_population`). The result is a list of *resident points*
``(node, zone, people)``.

Reach
-----
With ``t_v`` the walking time in seconds from node ``v`` to the nearest stall (multi-source
Dijkstra on the foot graph, which ignores one-way rules, so the walk to a stall takes as long
as the walk from it) and a walking limit ``W``::

    reached_z = sum over points p of zone z with t_{node(p)} <= W of people_p
    share_z   = reached_z / P_z        (0 when P_z = 0)

(:func:`zone_reach`). A stall at the node ``s`` itself has ``t_s = 0``.

Suggestions
-----------
Demand points ``i`` (fraud victims' places, weight ``w_i``) already within ``W`` of this
month's stalls are discounted to 0; the rest keep ``w_i``. The ``k`` sites among the
candidates are chosen with the maximal covering location model of
:func:`pingan.algo.coverage.solve_coverage` (one tier of radius ``W``, weight 1)::

    maximise   sum_i w'_i y_i
    subject to y_i <= sum_{j : t_ij <= W} x_j,   sum_j x_j = k,   x_j in {0, 1}

where ``w'_i = w_i [t_i > W]``. Each covered demand point is credited to the nearest chosen
site (:func:`suggest_sites`); sites credited nothing are dropped, so fewer than ``k`` come
back when the uncovered demand runs out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
import shapely
from scipy.spatial import cKDTree

from pingan.algo import coverage
from pingan.algo.graph import RoadGraph
from pingan.algo.isochrones import reach_times
from pingan.errors import InvalidInput

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Walking limit by default: 10 minutes, about 830 m at 5 km/h.
DEFAULT_WALK_S = 600.0


@dataclass(frozen=True)
class ResidentPoints:
    """Residents on the network.

    Point ``p`` puts ``people[p]`` of zone ``zone[p]`` on node ``node[p]``.
    """

    node: IntArray
    zone: IntArray
    people: FloatArray


@dataclass(frozen=True)
class ZoneReach:
    """Residents per zone, those within the walking limit of a stall, and their share.

    Attributes
    ----------
    people, reached, share
        One value per zone (in the order the zones were given).
    walk_times_s
        Per network node, walking seconds to the nearest stall (``inf`` beyond the limit).
    """

    people: FloatArray
    reached: FloatArray
    share: FloatArray
    walk_times_s: FloatArray

    @property
    def total_share(self) -> float:
        """Reached residents over all residents of the zones (0 when there are none)."""
        total = float(self.people.sum())
        return float(self.reached.sum()) / total if total > 0 else 0.0


@dataclass(frozen=True)
class SiteSuggestion:
    """The chosen sites and the demand each one covers.

    Attributes
    ----------
    sites
        Indices into the candidates, best first (most demand credited).
    covered_weight
        Per site, the demand weight credited to it (not reached by the stalls before).
    covered_demand
        Per site, the indices of the demand points credited to it.
    already_reached
        Per demand point, whether this month's stalls reach it already.
    total_weight, open_weight
        Demand weight in all, and the part not reached by this month's stalls.
    """

    sites: tuple[int, ...]
    covered_weight: tuple[float, ...]
    covered_demand: tuple[IntArray, ...]
    already_reached: BoolArray
    total_weight: float
    open_weight: float


def _checked_walk(walk_s: float) -> float:
    if not (np.isfinite(walk_s) and walk_s > 0):
        raise InvalidInput("the walking limit must be a positive number of seconds", field="walk_s")
    return float(walk_s)


def spread_population(
    lon: npt.ArrayLike,
    lat: npt.ArrayLike,
    zones: Sequence[shapely.Geometry],
    population: npt.ArrayLike,
) -> ResidentPoints:
    """Put each zone's residents on the network nodes inside it (module docstring).

    Parameters
    ----------
    lon, lat
        Network nodes in degrees.
    zones
        Zone polygons in lon/lat; a node inside several counts for the first.
    population
        Residents per zone (``>= 0``).

    Returns
    -------
    ResidentPoints
        Points in zone order; zones with no residents put none.
    """
    node_lon = np.asarray(lon, dtype=np.float64)
    node_lat = np.asarray(lat, dtype=np.float64)
    people = np.asarray(population, dtype=np.float64)
    if people.shape != (len(zones),):
        raise InvalidInput("give one population per zone", field="population")
    if not np.all(np.isfinite(people)) or (people.size and people.min() < 0):
        raise InvalidInput("populations must be finite and >= 0", field="population")
    zone_of = np.full(node_lon.size, -1, dtype=np.int64)
    if zones and node_lon.size:
        tree = shapely.STRtree(list(zones))
        point_idx, zone_idx = tree.query(shapely.points(node_lon, node_lat), predicate="within")
        # The first zone of each node: visit the pairs by decreasing zone, last write wins.
        order = np.argsort(-zone_idx, kind="stable")
        zone_of[point_idx[order]] = zone_idx[order]
    inside = np.flatnonzero(zone_of >= 0)
    count = np.bincount(zone_of[inside], minlength=len(zones))
    nodes: list[IntArray] = [inside]
    owners: list[IntArray] = [zone_of[inside]]
    weights: list[FloatArray] = [people[zone_of[inside]] / count[zone_of[inside]]]
    orphans = np.flatnonzero((count == 0) & (people > 0))
    if orphans.size and node_lon.size:
        anchor = shapely.point_on_surface([zones[int(z)] for z in orphans])
        # Degrees of longitude shrink with the cosine of the latitude.
        scale = np.cos(np.radians(float(node_lat.mean())))
        tree_xy = cKDTree(np.column_stack([node_lon * scale, node_lat]))
        _, nearest = tree_xy.query(
            np.column_stack([shapely.get_x(anchor) * scale, shapely.get_y(anchor)])
        )
        nodes.append(np.asarray(nearest, dtype=np.int64))
        owners.append(orphans.astype(np.int64))
        weights.append(people[orphans])
    node = np.concatenate(nodes)
    zone = np.concatenate(owners)
    weight = np.concatenate(weights)
    keep = weight > 0
    order = np.argsort(zone[keep], kind="stable")
    return ResidentPoints(node[keep][order], zone[keep][order], weight[keep][order])


def walk_times(graph: RoadGraph, stall_nodes: npt.ArrayLike, walk_s: float) -> FloatArray:
    """Time the walk from every node to the nearest stall, in seconds.

    Nodes beyond ``walk_s`` get ``inf`` (all of them when there is no stall).
    """
    limit = _checked_walk(walk_s)
    stalls = np.unique(np.asarray(stall_nodes, dtype=np.int64).ravel())
    if stalls.size == 0:
        return np.full(graph.n_nodes, np.inf)
    return reach_times(graph, stalls, limit)


def zone_reach(
    residents: ResidentPoints, n_zones: int, times_s: FloatArray, walk_s: float
) -> ZoneReach:
    """Residents per zone within ``walk_s`` of a stall, given the nodes' walking times.

    Parameters
    ----------
    residents
        From :func:`spread_population`.
    n_zones
        Number of zones.
    times_s
        Per node, walking seconds to the nearest stall (:func:`walk_times`).
    walk_s
        Walking limit in seconds.

    Returns
    -------
    ZoneReach
    """
    limit = _checked_walk(walk_s)
    times = np.asarray(times_s, dtype=np.float64)
    if residents.node.size and residents.node.max() >= times.size:
        raise InvalidInput("resident points name nodes beyond the walking times", field="times_s")
    people = np.bincount(residents.zone, weights=residents.people, minlength=n_zones)
    near = times[residents.node] <= limit
    reached = np.bincount(
        residents.zone[near], weights=residents.people[near], minlength=n_zones
    ).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(people > 0, reached / people, 0.0)
    return ZoneReach(people.astype(np.float64), reached, np.clip(share, 0.0, 1.0), times)


def stall_reach(
    graph: RoadGraph,
    residents: ResidentPoints,
    n_zones: int,
    stall_nodes: npt.ArrayLike,
    walk_s: float = DEFAULT_WALK_S,
) -> ZoneReach:
    """:func:`zone_reach` of the stalls at ``stall_nodes`` on the foot ``graph``.

    Examples
    --------
    With no stall nobody is reached: ``stall_reach(graph, residents, n, []).total_share``
    is 0.0.
    """
    return zone_reach(residents, n_zones, walk_times(graph, stall_nodes, walk_s), walk_s)


def _credit(pairs: sp.csr_matrix, chosen: IntArray) -> tuple[IntArray, IntArray]:
    """Credit each demand point covered by a chosen site to the nearest one.

    Returns the points and, for each, the position of its site in ``chosen``.
    """
    sub = pairs[:, chosen].tocoo()
    if sub.nnz == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    order = np.lexsort((sub.col, sub.data, sub.row))
    rows, cols = sub.row[order], sub.col[order]
    first = np.concatenate([[True], rows[1:] != rows[:-1]])
    return rows[first].astype(np.int64), cols[first].astype(np.int64)


def suggest_sites(
    graph: RoadGraph,
    demand_nodes: npt.ArrayLike,
    demand_weight: npt.ArrayLike,
    candidate_nodes: npt.ArrayLike,
    stall_times_s: FloatArray,
    k: int,
    walk_s: float = DEFAULT_WALK_S,
    *,
    time_limit_s: float = 10.0,
) -> SiteSuggestion:
    """Choose up to ``k`` stall sites covering the demand this month's stalls miss.

    Parameters
    ----------
    graph
        The foot network.
    demand_nodes, demand_weight
        Demand points (nodes) and their weights (``>= 0``), e.g. fraud victims' places.
    candidate_nodes
        Nodes of the candidate sites.
    stall_times_s
        Per node, walking seconds to the nearest stall of this month (:func:`walk_times`).
    k
        Number of sites wanted (``>= 1``).
    walk_s
        Walking limit in seconds.
    time_limit_s
        Budget of the coverage solver.

    Returns
    -------
    SiteSuggestion
        See the module docstring for the model.
    """
    limit = _checked_walk(walk_s)
    if k < 1:
        raise InvalidInput("k must be at least 1", field="k")
    nodes = np.asarray(demand_nodes, dtype=np.int64).ravel()
    weight = np.asarray(demand_weight, dtype=np.float64).ravel()
    candidates = np.asarray(candidate_nodes, dtype=np.int64).ravel()
    if weight.shape != nodes.shape:
        raise InvalidInput("give one weight per demand point", field="demand_weight")
    if not np.all(np.isfinite(weight)) or (weight.size and weight.min() < 0):
        raise InvalidInput("demand weights must be finite and >= 0", field="demand_weight")
    reached = np.asarray(stall_times_s, dtype=np.float64)[nodes] <= limit
    open_weight = np.where(reached, 0.0, weight)
    empty = SiteSuggestion((), (), (), reached, float(weight.sum()), float(open_weight.sum()))
    if candidates.size == 0 or not (open_weight > 0).any():
        return empty
    pairs = coverage.coverage_pairs(graph, nodes, candidates, limit)
    result = coverage.solve_coverage(
        pairs,
        open_weight,
        min(int(k), int(candidates.size)),
        radii_s=(limit,),
        tier_weights=(1.0,),
        time_limit_s=time_limit_s,
    )
    chosen = np.asarray(result.posts, dtype=np.int64)
    points, site_pos = _credit(pairs.tocsr(), chosen)
    credited = open_weight[points] > 0
    points, site_pos = points[credited], site_pos[credited]
    gained = np.bincount(site_pos, weights=open_weight[points], minlength=chosen.size)
    order = [int(s) for s in np.argsort(-gained, kind="stable") if gained[s] > 0]
    return SiteSuggestion(
        sites=tuple(int(chosen[s]) for s in order),
        covered_weight=tuple(float(gained[s]) for s in order),
        covered_demand=tuple(points[site_pos == s] for s in order),
        already_reached=reached,
        total_weight=float(weight.sum()),
        open_weight=float(open_weight.sum()),
    )
