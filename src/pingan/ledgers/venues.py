"""Venues seeded from the city's OpenStreetMap places (bars, pubs, nightclubs, KTVs,
cinemas, internet cafés, gaming centres, malls …), each marked with its source
(``osm``, and its OSM object) and editable afterwards like any site.

The city package keeps places by kind (:data:`pingan.city.osm.PLACE_TAGS`); a kind that
has a fire-safety duty maps to a site category here. Seeding is idempotent: a place
already in the ledger (by its code ``OSM-<type><id>``) is left as it is.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.city import service as cities
from pingan.city.models import Place
from pingan.config import Settings
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction, Level
from pingan.ledgers.models import Site, SiteCategory, Source
from pingan.ledgers.schemas import SiteWrite
from pingan.ledgers.sites import Placed, add_site
from pingan.principal import Principal

C = SiteCategory
#: City place kind → site category.
KIND_CATEGORY: dict[str, SiteCategory] = {
    "bar": C.bar,
    "pub": C.bar,
    "nightclub": C.nightclub,
    "karaoke_box": C.ktv,
    "cinema": C.cinema,
    "internet_cafe": C.internet_cafe,
    "gaming_centre": C.gaming,
    "amusement_arcade": C.gaming,
    "mall": C.mall,
    "hotel": C.hotel,
    "restaurant": C.restaurant,
    "hospital": C.hospital,
    "school": C.school,
}
#: Typical opening hours by category, used where the extract carries none.
TYPICAL_HOURS: dict[SiteCategory, str] = {
    C.bar: "17:00-02:00",
    C.nightclub: "21:00-04:00",
    C.ktv: "14:00-02:00",
    C.cinema: "10:00-24:00",
    C.internet_cafe: "24h",
    C.gaming: "10:00-22:00",
    C.mall: "10:00-22:00",
    C.hotel: "24h",
    C.restaurant: "11:00-22:00",
    C.hospital: "24h",
    C.school: "07:30-17:30",
}
#: Categories that are key units (消防安全重点单位) by default (公安部61号令: 商场、宾馆饭店、
#: 医院、学校、公共娱乐场所).
KEY_UNITS = frozenset({C.mall, C.hotel, C.hospital, C.school, C.nightclub, C.cinema})


def _station_of(
    db_session: Session, place: Place
) -> tuple[Jurisdiction, Jurisdiction | None] | None:
    """The station holding the place and its grid, or None outside every boundary."""
    node = jurisdictions.jurisdiction_for_point(db_session, place.lat, place.lon)
    if node is None:
        return None
    if node.level is Level.grid and node.parent_id is not None:
        return jurisdictions.get(db_session, node.parent_id), node
    return node, None


def _place_name(place: Place, category: SiteCategory) -> str:
    return (place.name_zh or place.name or place.name_en or f"{category.value} {place.osm_id}")[
        :200
    ]


def seed_venues(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    city_name: str,
    *,
    kinds: tuple[str, ...] = tuple(KIND_CATEGORY),
    limit: int | None = None,
) -> dict[str, Any]:
    """Add the city's places of ``kinds`` that lie in a station the caller may write, as
    sites marked ``osm``; the counts added by category."""
    principal.require("ledger", "write")
    city = cities.get_city(db_session, city_name)
    existing = set(db_session.scalars(select(Site.code).where(Site.source == Source.osm)))
    added: Counter[str] = Counter()
    for place in cities.places(db_session, city, list(kinds)):
        code = f"OSM-{place.osm_type}{place.osm_id}"
        category = KIND_CATEGORY.get(place.kind)
        if category is None or code in existing:
            continue
        where = _station_of(db_session, place)
        if where is None:
            continue
        station, grid = where
        if not principal.can("ledger", "write", station.path):
            continue
        body = SiteWrite(
            code=code,
            name=_place_name(place, category),
            category=category,
            address="",
            lat=place.lat,
            lon=place.lon,
            opening_hours=TYPICAL_HOURS.get(category, ""),
            key_unit=category in KEY_UNITS,
        )
        placed = Placed(station, grid, place.lat, place.lon)
        add_site(
            db_session,
            settings,
            principal,
            body,
            source=Source.osm,
            placed=placed,
            osm=(place.osm_type, place.osm_id),
        )
        existing.add(code)
        added[category.value] += 1
        if limit is not None and sum(added.values()) >= limit:
            break
    return {"city": city.name, "added": sum(added.values()), "by_category": dict(added)}
