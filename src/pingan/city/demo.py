"""Demo step: import the two bundled cities and give the demo stations their areas.

Central Helsinki is split at its median longitude: station A (东街) takes the east,
station B (西湖) the west, so that records on the map belong to one of them.
Coquimbo–La Serena belongs to the bureau.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.city import service
from pingan.city.models import City
from pingan.config import Settings
from pingan.jurisdictions import service as jurisdictions

DATA = Path(__file__).resolve().parents[3] / "data"
DEMO_CITIES: tuple[tuple[str, str, str], ...] = (
    ("helsinki", "osm/Helsinki.osm.pbf", "demo-sub"),
    ("coquimbo", "osm/coquimbo.osm.pbf", "demo-bureau"),
)


def data_file(relative: str) -> Path:
    path = DATA / relative
    if not path.exists():
        from pingan.errors import InvalidInput

        raise InvalidInput(f"{path}: bundled data file missing (run from a full checkout)")
    return path


def station_halves(city: City) -> tuple[dict, dict]:
    mid = (city.min_lon + city.max_lon) / 2

    def box(west: float, east: float) -> dict:
        ring = [
            [west, city.min_lat],
            [east, city.min_lat],
            [east, city.max_lat],
            [west, city.max_lat],
            [west, city.min_lat],
        ]
        return {"type": "Polygon", "coordinates": [ring]}

    return box(mid, city.max_lon), box(city.min_lon, mid)


def import_cities(db_session: Session, settings: Settings, progress) -> None:  # type: ignore[no-untyped-def]
    for name, relative, owner in DEMO_CITIES:
        existing = db_session.scalar(select(City).where(City.name == name))
        if existing is None or not service.city_dir(settings, name, existing.version).exists():
            result = service.import_city(
                db_session,
                settings,
                data_file(relative),
                name,
                jurisdiction_code=owner,
                progress=lambda stage, fraction, n=name: progress(f"{n}: {stage}", fraction),
            )
            existing = result.city
    helsinki = db_session.scalar(select(City).where(City.name == "helsinki"))
    if helsinki is not None:
        east, west = station_halves(helsinki)
        jurisdictions.set_boundary(
            db_session, jurisdictions.get_by_code(db_session, "station-a"), east
        )
        jurisdictions.set_boundary(
            db_session, jurisdictions.get_by_code(db_session, "station-b"), west
        )
