"""The city through the API and the service: layers, geocoding, ETA, reach, atomic re-import."""

from __future__ import annotations

import shutil

import networkx as nx
import numpy as np
import pytest

from pingan.city import service
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory, unit_of_work
from pingan.errors import InvalidInput
from support.app import seeded_client, token_for

DATA_OSM = __import__("pathlib").Path(__file__).resolve().parents[2] / "data" / "osm"


def test_city_layers_and_counts(settings: Settings) -> None:
    client = seeded_client(settings)
    headers = token_for(client, settings, "citizen")
    city = client.get("/api/v1/cities/helsinki", headers=headers).json()
    assert city["places"]["pub"] >= 50
    assert city["places"]["nightclub"] >= 8
    assert city["modes"]["car"]["nodes"] > 500
    assert "OpenStreetMap" in city["attribution"]
    roads_low = client.get("/api/v1/cities/helsinki/roads.geojson?zoom=12", headers=headers)
    roads_high = client.get("/api/v1/cities/helsinki/roads.geojson?zoom=17", headers=headers)
    assert roads_low.headers["content-type"] == "application/geo+json"
    low, high = roads_low.json(), roads_high.json()
    assert 0 < len(low["features"]) < len(high["features"])
    assert {f["properties"]["highway"] for f in low["features"]} <= {
        "motorway",
        "trunk",
        "primary",
        "secondary",
        "motorway_link",
        "trunk_link",
        "primary_link",
        "secondary_link",
    }
    pubs = client.get("/api/v1/cities/helsinki/places.geojson?kinds=pub", headers=headers).json()
    assert len(pubs["features"]) == city["places"]["pub"]
    assert all(f["properties"]["kind"] == "pub" for f in pubs["features"])


def test_geocode_and_reverse(settings: Settings) -> None:
    client = seeded_client(settings)
    headers = token_for(client, settings, "dispatcher_a")
    hit = client.get(
        "/api/v1/cities/helsinki/geocode", params={"q": "Mannerheimintie"}, headers=headers
    )
    assert hit.status_code == 200, hit.text
    body = hit.json()
    assert body["matched"].startswith("Mannerheimintie")
    assert 60.15 < body["lat"] < 60.18
    assert 24.92 < body["lon"] < 24.96
    label = client.get(
        "/api/v1/cities/helsinki/reverse",
        params={"lat": body["lat"], "lon": body["lon"]},
        headers=headers,
    ).json()["label"]
    assert "Mannerheimintie" in label
    missing = client.get(
        "/api/v1/cities/helsinki/geocode", params={"q": "Zzyzx Road 99"}, headers=headers
    )
    assert missing.status_code == 404


def test_eta_matches_networkx_and_bad_points_are_refused(settings: Settings) -> None:
    client = seeded_client(settings)
    headers = token_for(client, settings, "dispatcher_a")
    origin, destination = "60.1699,24.9384", "60.1650,24.9450"
    response = client.get(
        "/api/v1/cities/helsinki/eta",
        params={"from": origin, "to": destination, "mode": "car"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    eta = response.json()
    graph = service.load_graph(settings, _city(settings), "car")
    from pingan.algo.routing import snap

    snapped = snap(graph, [60.1699, 60.1650], [24.9384, 24.9450])
    reference = nx.DiGraph()
    tail = graph.tail
    for edge in range(graph.n_edges):
        reference.add_edge(int(tail[edge]), int(graph.head[edge]), weight=float(graph.time_s[edge]))
    expected = nx.dijkstra_path_length(reference, int(snapped.node[0]), int(snapped.node[1]))
    assert eta["travel_time_s"] == pytest.approx(expected, abs=1e-3)
    assert eta["path"][0] == pytest.approx((graph.lat[snapped.node[0]], graph.lon[snapped.node[0]]))
    outside = client.get(
        "/api/v1/cities/helsinki/eta",
        params={"from": "31.23,121.47", "to": destination},
        headers=headers,
    )
    assert outside.status_code == 422
    assert outside.json()["field"] == "from"
    garbled = client.get(
        "/api/v1/cities/helsinki/eta", params={"from": "sixty", "to": destination}, headers=headers
    )
    assert garbled.status_code == 422


def test_reach_polygons_hold_exactly_the_reachable_nodes(settings: Settings) -> None:
    import shapely
    from shapely.geometry import shape

    client = seeded_client(settings)
    headers = token_for(client, settings, "dispatcher_a")
    collection = client.get(
        "/api/v1/cities/helsinki/reach",
        params={"at": "60.1675,24.9420", "cutoffs": "60,180"},
        headers=headers,
    ).json()
    assert [f["properties"]["cutoff_s"] for f in collection["features"]] == [60, 180]
    graph = service.load_graph(settings, _city(settings), "car")
    from pingan.algo.routing import shortest_times, snap

    source = int(snap(graph, [60.1675], [24.9420]).node[0])
    times = shortest_times(graph, [source])[0]
    points = shapely.points(graph.lon, graph.lat)
    for feature in collection["features"]:
        polygon = shape(feature["geometry"])
        inside = shapely.covers(polygon, points)
        within = times <= feature["properties"]["cutoff_s"]
        assert feature["properties"]["node_count"] == int(within.sum())
        assert np.array_equal(inside, within)


def _city(settings: Settings):  # type: ignore[no-untyped-def]
    factory = make_session_factory(make_engine(settings.effective_database_url))
    with unit_of_work(factory) as session:
        return service.get_city(session, "helsinki")


@pytest.mark.parametrize("content", [b"", b"this is not a protocol buffer at all\n", "truncate"])
def test_corrupt_reimport_keeps_the_old_city(settings: Settings, tmp_path, content) -> None:
    own = settings.model_copy(update={"data_dir": tmp_path / "own"})
    factory = make_session_factory(make_engine(own.effective_database_url))
    with unit_of_work(factory) as session:
        service.import_city(session, own, DATA_OSM / "test.osm.pbf", "testcity")
    before = _eta(own, factory)
    bad = tmp_path / "bad.osm.pbf"
    if content == "truncate":
        raw = (DATA_OSM / "test.osm.pbf").read_bytes()
        bad.write_bytes(raw[: len(raw) // 3])
    else:
        bad.write_bytes(content)
    with pytest.raises(InvalidInput, match=r"bad\.osm\.pbf"), unit_of_work(factory) as session:
        service.import_city(session, own, bad, "testcity")
    assert _eta(own, factory) == before
    with unit_of_work(factory) as session:
        city = service.get_city(session, "testcity")
        assert (service.city_dir(own, "testcity", city.version) / "car.npz").exists()
    assert len(list((own.cities_dir / "testcity").iterdir())) == 1


def test_reimport_replaces_the_city(settings: Settings, tmp_path) -> None:
    own = settings.model_copy(update={"data_dir": tmp_path / "own"})
    factory = make_session_factory(make_engine(own.effective_database_url))
    with unit_of_work(factory) as session:
        first = service.import_city(
            session, own, DATA_OSM / "test.osm.pbf", "testcity"
        ).city.version
    with unit_of_work(factory) as session:
        city = service.import_city(session, own, DATA_OSM / "test.osm.pbf", "testcity").city
    service.remove_stale_versions(own, city)
    assert city.version != first
    assert [p.name for p in (own.cities_dir / "testcity").iterdir()] == [city.version]
    shutil.rmtree(own.data_dir)


def _eta(settings: Settings, factory) -> float:  # type: ignore[no-untyped-def]
    with unit_of_work(factory) as session:
        city = service.get_city(session, "testcity")
        graph = service.load_graph(settings, city, "car")
        a, b = 0, graph.n_nodes - 1
        origin = (float(graph.lat[a]), float(graph.lon[a]))
        destination = (float(graph.lat[b]), float(graph.lon[b]))
        return service.eta(session, settings, "testcity", origin, destination)["travel_time_s"]


@pytest.mark.parametrize("cutoffs", ["", "nan", "-5", "9000", ",".join(["60"] * 11), "sixty"])
def test_bad_cutoffs_are_refused(settings: Settings, cutoffs: str) -> None:
    client = seeded_client(settings)
    headers = token_for(client, settings, "dispatcher_a")
    response = client.get(
        "/api/v1/cities/helsinki/reach",
        params={"at": "60.1675,24.9420", "cutoffs": cutoffs},
        headers=headers,
    )
    assert response.status_code == 422
    assert response.json()["field"] == "cutoffs"
