"""Demo step: import the two bundled cities and give the demo stations their areas.

Central Helsinki is split at its median longitude: station A (东街) takes the east,
station B (西湖) the west, so that records on the map belong to one of them.
Coquimbo–La Serena belongs to the bureau. The extracts are package data
(:mod:`pingan.bundled`), so the demo runs from an installed wheel too.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from pingan.bundled import bundled_file
from pingan.city import service
from pingan.city.models import City
from pingan.config import Settings
from pingan.demo.accounts import Progress
from pingan.demo.units import demo_city
from pingan.jurisdictions import service as jurisdictions

#: (city name, bundled extract, owning jurisdiction).
DEMO_CITIES: tuple[tuple[str, str, str], ...] = (
    ("helsinki", "osm/Helsinki.osm.pbf", "demo-sub"),
    ("coquimbo", "osm/coquimbo.osm.pbf", "demo-bureau"),
)


def station_halves(city: City) -> tuple[dict[str, Any], dict[str, Any]]:
    """The east and west halves of the city's box, as GeoJSON polygons."""
    mid = (city.min_lon + city.max_lon) / 2

    def box(west: float, east: float) -> dict[str, Any]:
        ring = [
            [west, city.min_lat],
            [east, city.min_lat],
            [east, city.max_lat],
            [west, city.max_lat],
            [west, city.min_lat],
        ]
        return {"type": "Polygon", "coordinates": [ring]}

    return box(mid, city.max_lon), box(city.min_lon, mid)


def _named(progress: Progress, name: str) -> Progress:
    """``progress`` with each step named after the city."""

    def report(stage: str, fraction: float) -> None:
        progress(f"{name}: {stage}", fraction)

    return report


def import_cities(db_session: Session, settings: Settings, progress: Progress) -> None:
    """Import each demo city whose arrays are missing, then set the stations' areas."""
    for name, relative, owner in DEMO_CITIES:
        existing = demo_city(db_session, name)
        if existing is None or not service.city_dir(settings, name, existing.version).exists():
            service.import_city(
                db_session,
                settings,
                bundled_file(relative),
                name,
                jurisdiction_code=owner,
                progress=_named(progress, name),
            )
    helsinki = demo_city(db_session, "helsinki")
    if helsinki is not None:
        east, west = station_halves(helsinki)
        jurisdictions.set_boundary(
            db_session, jurisdictions.get_by_code(db_session, "station-a"), east
        )
        jurisdictions.set_boundary(
            db_session, jurisdictions.get_by_code(db_session, "station-b"), west
        )
