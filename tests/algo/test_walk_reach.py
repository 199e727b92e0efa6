"""Outreach on foot, on the real Coquimbo network and its 133 population zones: who lives
within a walk of the stalls, and where next week's stalls go."""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from pingan.algo.graph import RoadGraph
from pingan.algo.outreach import (
    ResidentPoints,
    spread_population,
    stall_reach,
    suggest_sites,
    walk_times,
)
from pingan.algo.routing import snap
from pingan.bundled import bundled_file
from pingan.city.osm import OsmExtract, build_graphs
from pingan.config import DEFAULT_SPEEDS_KMH
from pingan.errors import InvalidInput

#: People walk at 5 km/h on the foot network's streets.
WALK_MS = 5 / 3.6


@pytest.fixture(scope="module")
def foot(coquimbo_extract: OsmExtract) -> RoadGraph:
    return build_graphs(coquimbo_extract, DEFAULT_SPEEDS_KMH, ("foot",))["foot"].graph


@pytest.fixture(scope="module")
def zones() -> tuple[list[shapely.Geometry], np.ndarray]:
    collection = json.loads(bundled_file("zones/coquimbo_zones.geojson").read_text("utf-8"))
    polygons = [shape(f["geometry"]) for f in collection["features"]]
    people = np.array([float(f["properties"]["population"] or 0) for f in collection["features"]])
    return polygons, people


@pytest.fixture(scope="module")
def residents(foot: RoadGraph, zones) -> ResidentPoints:
    polygons, people = zones
    return spread_population(foot.lon, foot.lat, polygons, people)


def _node_near(graph: RoadGraph, point: shapely.Point) -> int:
    return int(snap(graph, point.y, point.x).node[0])


def _metres(graph: RoadGraph, a: int, b: np.ndarray) -> np.ndarray:
    return np.hypot(graph.x[b] - graph.x[a], graph.y[b] - graph.y[a])


def test_every_resident_of_every_zone_lands_on_the_network(residents, zones) -> None:
    polygons, people = zones
    per_zone = np.bincount(residents.zone, weights=residents.people, minlength=len(polygons))
    np.testing.assert_allclose(per_zone, people, rtol=1e-9)
    assert residents.people.sum() == pytest.approx(451_900, rel=0.01)  # data/README.md


def test_a_stall_at_a_zone_raises_its_share_and_a_far_zone_stays_at_zero(
    foot, zones, residents
) -> None:
    polygons, people = zones
    zone = int(np.argmax(people))
    stall = _node_near(foot, polygons[zone].point_on_surface())
    before = stall_reach(foot, residents, len(polygons), [])
    after = stall_reach(foot, residents, len(polygons), [stall], walk_s=600.0)
    assert before.total_share == 0.0
    assert before.share.max() == 0.0
    assert after.share[zone] > 0.0
    # the farthest zone, kilometres away, stays at 0
    centres = shapely.centroid(polygons)
    here = polygons[zone].point_on_surface()
    far = int(np.argmax(shapely.distance(centres, here)))
    assert after.share[far] == 0.0
    assert people[far] > 0
    # the zone's reached residents are exactly its points on nodes within 600 s on foot
    mine = residents.zone == zone
    near = after.walk_times_s[residents.node[mine]] <= 600.0
    assert after.reached[zone] == pytest.approx(residents.people[mine][near].sum())
    assert after.share[zone] == pytest.approx(after.reached[zone] / people[zone])


def test_the_walk_follows_the_streets(foot, zones) -> None:
    polygons, _ = zones
    stall = _node_near(foot, polygons[0].point_on_surface())
    times = walk_times(foot, [stall], 600.0)
    reached = np.flatnonzero(times <= 600.0)
    # nobody is reached farther than 10 minutes at 5 km/h as the crow flies (833 m) ...
    assert _metres(foot, stall, reached).max() <= 600.0 * WALK_MS + 1e-6
    # ... and the walk along the streets is never shorter than the straight line
    assert np.all(times[reached] * WALK_MS >= _metres(foot, stall, reached) - 1e-6)
    assert times[stall] == 0.0


def test_a_longer_walk_reaches_at_least_as_many(foot, zones, residents) -> None:
    polygons, _ = zones
    stalls = [_node_near(foot, polygons[z].point_on_surface()) for z in (3, 40, 90)]
    shares = [
        stall_reach(foot, residents, len(polygons), stalls, walk_s=w).share for w in (300, 600)
    ]
    assert np.all(shares[1] >= shares[0])
    assert shares[1].sum() > shares[0].sum()


def _cluster(graph: RoadGraph, centre: int, radius_m: float) -> np.ndarray:
    return np.flatnonzero(_metres(graph, centre, np.arange(graph.n_nodes)) <= radius_m)


def test_suggestions_go_where_outreach_has_not_been(foot, zones) -> None:
    polygons, people = zones
    heavy_zone, light_zone = np.argsort(-people)[:2]
    heavy = _cluster(foot, _node_near(foot, polygons[heavy_zone].point_on_surface()), 150)
    light = _cluster(foot, _node_near(foot, polygons[light_zone].point_on_surface()), 150)
    assert heavy.size
    assert light.size
    assert not np.intersect1d(heavy, light).size
    nodes = np.concatenate([heavy, light])
    weight = np.concatenate([np.full(heavy.size, 3.0), np.full(light.size, 1.0)])
    candidates = np.arange(0, foot.n_nodes, 7)  # every 7th node of the city
    none = walk_times(foot, [], 600.0)

    first = suggest_sites(foot, nodes, weight, candidates, none, k=1, walk_s=300.0)
    assert len(first.sites) == 1
    site = int(candidates[first.sites[0]])
    # with no stall yet the site goes to the heavy cluster
    assert walk_times(foot, [site], 300.0)[heavy].min() <= 300.0
    assert first.open_weight == first.total_weight == pytest.approx(weight.sum())

    # this month's stall at the heavy cluster: its demand is discounted, the site moves away
    stall = walk_times(foot, heavy, 300.0)
    second = suggest_sites(foot, nodes, weight, candidates, stall, k=1, walk_s=300.0)
    assert second.already_reached[: heavy.size].all()
    assert second.open_weight == pytest.approx(light.size * 1.0)
    (credited,) = second.covered_demand
    assert credited.size
    assert np.all(credited >= heavy.size)
    assert second.covered_weight[0] == pytest.approx(credited.size * 1.0)
    moved = int(candidates[second.sites[0]])
    assert walk_times(foot, [moved], 300.0)[light].min() <= 300.0


def test_no_suggestion_when_all_demand_is_reached(foot) -> None:
    nodes = np.array([100, 101, 102])
    stall = walk_times(foot, nodes, 300.0)
    result = suggest_sites(foot, nodes, [1.0, 1.0, 1.0], np.arange(50), stall, k=3, walk_s=300)
    assert result.sites == ()
    assert result.open_weight == 0.0
    assert result.total_weight == 3.0


def test_k_sites_at_most_and_best_first(foot, zones, residents) -> None:
    polygons, _ = zones
    nodes = residents.node
    candidates = np.unique(
        [_node_near(foot, polygons[z].point_on_surface()) for z in range(len(polygons))]
    )
    none = walk_times(foot, [], 600.0)
    result = suggest_sites(foot, nodes, residents.people, candidates, none, k=4)
    assert len(result.sites) == 4
    assert list(result.covered_weight) == sorted(result.covered_weight, reverse=True)
    # each demand point is credited to one site only
    credited = np.concatenate(result.covered_demand)
    assert np.unique(credited).size == credited.size
    assert sum(result.covered_weight) == pytest.approx(residents.people[credited].sum())


def test_bad_inputs(foot) -> None:
    with pytest.raises(InvalidInput, match="walking limit"):
        walk_times(foot, [1], -5.0)
    with pytest.raises(InvalidInput, match="one population per zone"):
        spread_population([0.0], [0.0], [shapely.box(0, 0, 1, 1)], [1.0, 2.0])
    with pytest.raises(InvalidInput, match="k must be at least 1"):
        suggest_sites(foot, [1], [1.0], [2], walk_times(foot, [], 60), k=0)
