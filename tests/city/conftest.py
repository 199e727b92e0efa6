"""Fixtures for the OSM reader: the hand-built network written as a real .osm.pbf."""

from __future__ import annotations

from pathlib import Path

import osmium
import pytest

TEST_DATA = Path(__file__).resolve().parents[1] / "data"
OSM_DIR = Path(__file__).resolve().parents[2] / "data" / "osm"


@pytest.fixture(scope="session")
def osm_dir() -> Path:
    return OSM_DIR


@pytest.fixture(scope="session")
def tiny_pbf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/data/tiny_network.osm converted to PBF with pyosmium's writer."""
    path = tmp_path_factory.mktemp("osm") / "tiny.osm.pbf"
    with osmium.SimpleWriter(str(path)) as writer:
        for obj in osmium.FileProcessor(str(TEST_DATA / "tiny_network.osm")):
            if obj.is_node():
                writer.add_node(obj)
            elif obj.is_way():
                writer.add_way(obj)
    return path
