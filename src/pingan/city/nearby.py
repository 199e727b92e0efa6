"""Places without names on the map: the nearest OSM feature of a kind inside an area.

A report that says only 停车场 or "the night market" names a kind of place, not one place.
Inside the reporter's area (a grid or station boundary) the feature of that kind nearest to
the area's centre is the best guess; its confidence falls with the number of such features
in the area (:func:`kind_confidence`). Outside any boundary, or with no such feature, there
is no point and the place stays text.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from shapely.geometry import Point, shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.city.models import Place
from pingan.city.osm import PLACE_TAGS

#: Confidence of the only feature of a kind in the area; several share it (see below).
SOLE_CONFIDENCE = 0.6
#: Lowest confidence given to a nearest feature among many.
MIN_CONFIDENCE = 0.15


@dataclass(frozen=True)
class NearbyHit:
    """The feature chosen for a generic place: its point, kind, name and confidence."""

    lat: float
    lon: float
    confidence: float
    kind: str
    name: str
    candidates: int


def place_kinds(osm_tags: tuple[str, ...]) -> list[str]:
    """Map OSM tags (``amenity=parking``) to the place kinds the city import keeps."""
    kinds: list[str] = []
    for tag in osm_tags:
        key, _, value = tag.partition("=")
        kind = PLACE_TAGS.get((key, value))
        if kind is not None and kind not in kinds:
            kinds.append(kind)
    return kinds


def kind_confidence(candidates: int) -> float:
    """Confidence of the nearest of ``candidates`` features: 0.6 alone, 0.6/√n among n."""
    if candidates <= 0:
        return 0.0
    return round(max(MIN_CONFIDENCE, SOLE_CONFIDENCE / math.sqrt(candidates)), 3)


def nearest_in_area(
    db_session: Session, city_ids: list[int], osm_tags: tuple[str, ...], boundary: str
) -> NearbyHit | None:
    """Find the feature of the tags' kinds inside ``boundary`` nearest to its centre.

    Parameters
    ----------
    db_session
        Session.
    city_ids
        Cities whose imported places are searched.
    osm_tags
        Tags of the kind (:data:`pingan.algo.text.spots.KIND_TAGS`); the first tag's kind
        is preferred (a 烧烤摊 is fast food before it is a restaurant).
    boundary
        The area as GeoJSON text (a jurisdiction's boundary).

    Returns
    -------
    NearbyHit or None
        None when no feature of the kind lies inside the area.
    """
    kinds = place_kinds(osm_tags)
    if not kinds or not city_ids:
        return None
    area = shape(json.loads(boundary))
    minx, miny, maxx, maxy = area.bounds
    rows = db_session.execute(
        select(Place.kind, Place.name, Place.name_zh, Place.lat, Place.lon).where(
            Place.city_id.in_(city_ids),
            Place.kind.in_(kinds),
            Place.lat.between(miny, maxy),
            Place.lon.between(minx, maxx),
        )
    ).all()
    for kind in kinds:
        inside = [r for r in rows if r.kind == kind and area.contains(Point(r.lon, r.lat))]
        if not inside:
            continue
        centre = area.centroid
        scale = math.cos(math.radians(centre.y))
        best = min(
            inside, key=lambda r: ((r.lon - centre.x) * scale) ** 2 + (r.lat - centre.y) ** 2
        )
        return NearbyHit(
            best.lat,
            best.lon,
            kind_confidence(len(inside)),
            kind,
            best.name_zh or best.name,
            len(inside),
        )
    return None
