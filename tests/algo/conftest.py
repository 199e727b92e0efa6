"""Road-network fixtures for the routing core (graph, routing, isochrones, gazetteer).

Graphs are built once per session: the hand-built tiny network (arrays written out
below, the same network as tests/data/tiny_network.osm), and the real Helsinki and
Coquimbo extracts in data/osm/.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pingan.algo.graph import RoadGraph, build_graph
from pingan.city.osm import OsmExtract, build_graphs, read_extract
from pingan.config import DEFAULT_SPEEDS_KMH

OSM_DIR = Path(__file__).resolve().parents[2] / "data" / "osm"

#: One grid step of 0.001 degrees at the equator, in metres (haversine, R = 6371008.8 m).
STEP_M = 6_371_008.8 * np.pi / 180 * 1e-3

# Tiny network: nodes A..G on a 0.001-degree grid at the equator (see tiny_network.osm).
TINY_NODES = {  # name: (osm id, lat, lon)
    "A": (1, 0.0, 0.0),
    "B": (2, 0.0, 0.001),
    "C": (3, 0.0, 0.002),
    "D": (4, 0.001, 0.001),
    "E": (5, 0.001, 0.002),
    "F": (6, -0.001, 0.002),
    "G": (7, -0.001, 0.0),
}
TINY_WAYS = [  # (node names, tags)
    ("ABC", {"highway": "residential", "name": "Harbour Road", "name:zh": "水产路"}),
    ("BD", {"highway": "primary", "oneway": "yes", "maxspeed": "36"}),
    ("DEC", {"highway": "residential"}),
    ("AD", {"highway": "footway"}),
    ("CF", {"highway": "service", "access": "no"}),
    ("AG", {"highway": "tertiary", "oneway": "yes"}),
]


def tiny_arrays() -> dict[str, object]:
    """The tiny network as ``build_graph`` keyword arguments."""
    names = list(TINY_NODES)
    order = {name: i for i, name in enumerate(names)}
    offsets = [0]
    refs: list[int] = []
    for nodes, _ in TINY_WAYS:
        refs.extend(order[n] for n in nodes)
        offsets.append(len(refs))
    keys = sorted({k for _, tags in TINY_WAYS for k in tags})
    return {
        "node_lat": np.array([TINY_NODES[n][1] for n in names]),
        "node_lon": np.array([TINY_NODES[n][2] for n in names]),
        "node_osm_id": np.array([TINY_NODES[n][0] for n in names]),
        "way_offsets": np.array(offsets),
        "way_nodes": np.array(refs),
        "way_tags": {k: np.array([tags.get(k, "") for _, tags in TINY_WAYS]) for k in keys},
    }


def node_of(graph: RoadGraph, name: str) -> int:
    """Graph index of a tiny-network node by its letter."""
    hits = np.flatnonzero(graph.osm_id == TINY_NODES[name][0])
    assert hits.size == 1, name
    return int(hits[0])


@pytest.fixture(scope="session")
def tiny_graphs() -> dict[str, RoadGraph]:
    return {
        mode: build_graph(**tiny_arrays(), mode=mode, speeds_kmh=DEFAULT_SPEEDS_KMH).graph  # type: ignore[arg-type]
        for mode in ("car", "ebike", "foot")
    }


@pytest.fixture(scope="session")
def helsinki_extract() -> OsmExtract:
    return read_extract(OSM_DIR / "Helsinki.osm.pbf")


@pytest.fixture(scope="session")
def helsinki_graphs(helsinki_extract: OsmExtract) -> dict[str, RoadGraph]:
    results = build_graphs(helsinki_extract, DEFAULT_SPEEDS_KMH)
    return {mode: result.graph for mode, result in results.items()}


@pytest.fixture(scope="session")
def coquimbo_extract() -> OsmExtract:
    return read_extract(OSM_DIR / "coquimbo.osm.pbf")


@pytest.fixture(scope="session")
def step_m() -> float:
    """One 0.001-degree grid step of the tiny network, in metres."""
    return float(STEP_M)


@pytest.fixture(scope="session")
def tiny_node():  # type: ignore[no-untyped-def]
    """``tiny_node(graph, "A")``: graph index of a tiny-network node."""
    return node_of


@pytest.fixture(scope="session")
def tiny_inputs() -> dict[str, object]:
    """The tiny network as ``build_graph`` keyword arguments."""
    return tiny_arrays()
