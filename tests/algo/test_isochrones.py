"""Reach polygons hold exactly the nodes within their cut-off."""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely
import shapely.geometry

from pingan.algo.isochrones import reach_polygons, reach_times
from pingan.errors import InvalidInput


def inside(feature: dict, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return shapely.contains_xy(shapely.geometry.shape(feature["geometry"]), lon, lat)


@pytest.mark.parametrize("mode", ["car", "foot"])
def test_exactly_the_reachable_nodes_helsinki(helsinki_graphs, mode: str) -> None:
    graph = helsinki_graphs[mode]
    rng = np.random.default_rng(42)
    for source in rng.choice(graph.n_nodes, 4, replace=False):
        collection = reach_polygons(graph, int(source))
        times = reach_times(graph, int(source), 300.0)
        assert [f["properties"]["cutoff_s"] for f in collection["features"]] == [60, 180, 300]
        for feature in collection["features"]:
            cutoff = feature["properties"]["cutoff_s"]
            reachable = times <= cutoff
            np.testing.assert_array_equal(inside(feature, graph.lon, graph.lat), reachable)
            assert feature["properties"]["node_count"] == int(reachable.sum())
            assert feature["properties"]["unseparated"] == 0


def test_several_sources_and_growing_areas(helsinki_graphs) -> None:
    graph = helsinki_graphs["car"]
    sources = [10, 400, 800]
    collection = reach_polygons(graph, sources, cutoffs_s=(30, 90))
    times = reach_times(graph, sources, 90.0)
    small, large = collection["features"]
    assert small["properties"]["area_m2"] < large["properties"]["area_m2"]
    for feature in (small, large):
        reachable = times <= feature["properties"]["cutoff_s"]
        np.testing.assert_array_equal(inside(feature, graph.lon, graph.lat), reachable)
    json.dumps(collection)  # plain JSON


def test_tiny_partial_edges(tiny_graphs, tiny_node) -> None:
    car = tiny_graphs["car"]
    a = tiny_node(car, "A")
    # Within 20 s from A: A (0 s) and B (13.3 s); D (24.5 s) and C (26.7 s) are not,
    # although the band along the partly driven B -> D and B -> C edges comes close.
    feature = reach_polygons(car, a, cutoffs_s=[20])["features"][0]
    assert feature["properties"]["node_count"] == 2
    assert inside(feature, car.lon, car.lat).tolist() == [
        n in (a, tiny_node(car, "B")) for n in range(car.n_nodes)
    ]
    geometry = shapely.geometry.shape(feature["geometry"])
    # Along A -> B -> C the band reaches 20 s x 8.33 m/s = 166.7 m (+ buffer) from A.
    assert geometry.contains(shapely.Point(0.0014, 0.0))
    assert not geometry.contains(shapely.Point(0.0017, 0.0))


def test_bad_input(tiny_graphs) -> None:
    with pytest.raises(InvalidInput, match="cutoffs_s"):
        reach_polygons(tiny_graphs["car"], 0, cutoffs_s=[-5])
    with pytest.raises(InvalidInput, match="source nodes"):
        reach_polygons(tiny_graphs["car"], 17)
