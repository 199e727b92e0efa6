"""The hand-built tiny network (tests/data/tiny_network.osm) as an imported city.

Nodes on a 0.001-degree grid at the equator; one grid step is 111.19508 m.
A(0,0) B(0,0.001) C(0,0.002) D(0.001,0.001) as (lat, lon). Cars: A-B-C residential
two-way at 30 km/h (13.343 s a step), B→D one-way primary at 36 km/h (11.120 s),
D-E-C residential two-way (26.687 s); on foot (5 km/h) a step takes 80.060 s.
"""

from __future__ import annotations

import math
from pathlib import Path

import osmium

from pingan.city import service as cities
from pingan.config import Settings
from pingan.db import make_engine, make_session_factory, unit_of_work

TINY_OSM = Path(__file__).resolve().parents[1] / "data" / "tiny_network.osm"
STEP_M = 6_371_008.8 * math.pi / 180 * 1e-3
CAR_STEP_S = STEP_M / (30 / 3.6)
FOOT_STEP_S = STEP_M / (5 / 3.6)
POINTS = {"A": (0.0, 0.0), "B": (0.0, 0.001), "C": (0.0, 0.002), "D": (0.001, 0.001)}


def tiny_pbf(folder: Path) -> Path:
    path = folder / "tiny.osm.pbf"
    if not path.exists():
        with osmium.SimpleWriter(str(path)) as writer:
            for obj in osmium.FileProcessor(str(TINY_OSM)):
                writer.add(obj)
    return path


def import_tiny(settings: Settings, folder: Path, jurisdiction_code: str = "station-a") -> None:
    factory = make_session_factory(make_engine(settings.effective_database_url))
    with unit_of_work(factory) as session:
        cities.import_city(
            session, settings, tiny_pbf(folder), "tiny", jurisdiction_code=jurisdiction_code
        )
