"""Placing a report: check and extract its text, find its point and jurisdiction.

:func:`prepare` checks a report of any channel (:class:`ReportInput`), extracts it
(:func:`pingan.algo.text.extract_report`), places it (a given point, else the point the
gazetteer finds for the place text: :func:`city_geocoder`, else for a place without a name the
nearest feature of its kind in the caller's area: :func:`nearby_geocoder`) and assigns it to the
jurisdiction whose boundary holds the point, else the caller's
(:func:`default_jurisdiction`). Nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from pingan.algo.text import Extraction, GeoHit, extract_report
from pingan.config import Settings
from pingan.errors import Forbidden, InvalidInput, PinganError
from pingan.incidents.models import Channel
from pingan.incidents.privacy import check_text
from pingan.incidents.schemas import MAX_DESCRIPTION_CHARS, ItemIn
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction
from pingan.principal import Principal

Geocoder = Callable[[str], GeoHit | None]


class _Hit(Protocol):
    @property
    def lat(self) -> float: ...
    @property
    def lon(self) -> float: ...
    @property
    def confidence(self) -> float: ...


def default_jurisdiction(principal: Principal, resource: str, action: str) -> int:
    """The jurisdiction a caller's record falls to when its point does not say."""
    # the deepest grant: a station officer files into the station, not the bureau
    grant = principal.deepest_grant(resource, action)
    if grant is None:
        raise Forbidden(f"your roles do not allow {action} on {resource}")
    return grant.jurisdiction_id


def _any_geography(db_session: Session) -> bool:
    from pingan.city.models import City

    has_boundary = db_session.scalar(select(exists().where(Jurisdiction.boundary.is_not(None))))
    return bool(has_boundary) or bool(db_session.scalar(select(exists().where(City.id > 0))))


def locate(
    db_session: Session,
    lat: float | None,
    lon: float | None,
    fallback_jurisdiction_id: int,
    *,
    field: str = "lat",
) -> tuple[jurisdictions.JurisdictionRef, str | None]:
    """The jurisdiction (and city name) a point falls in.

    Raises
    ------
    InvalidInput
        The point lies outside every jurisdiction boundary and every city, while some exist.
    """
    if lat is None or lon is None:
        return jurisdictions.get_ref(db_session, fallback_jurisdiction_id), None
    from pingan.city import service as cities

    city = cities.city_for_point(db_session, lat, lon)
    node_id = jurisdictions.jurisdiction_id_for_point(db_session, lat, lon)
    if node_id is None and city is not None:
        node_id = city.jurisdiction_id
    if node_id is None:
        if _any_geography(db_session):
            raise InvalidInput(
                f"the point {lat:.6f},{lon:.6f} is outside the city (no jurisdiction or city "
                "of pingan contains it)",
                field=field,
            )
        node_id = fallback_jurisdiction_id
    return jurisdictions.get_ref(db_session, node_id), city.name if city is not None else None


def city_geocoder(db_session: Session, settings: Settings, jurisdiction_id: int) -> Geocoder:
    """Place text → point through the gazetteers of the cities around a jurisdiction.

    Cities whose jurisdiction lies on the path above or below ``jurisdiction_id`` are
    searched; the most confident hit wins. With no city imported it finds nothing.
    """
    from pingan.city import service as cities
    from pingan.city.models import City

    found: list[str] = []

    def city_names() -> list[str]:
        # looked up on the first place text only: most reports name none, or give a point
        if not found:
            node = jurisdictions.get_ref(db_session, jurisdiction_id)
            found.append(node.path)
            for name, path in db_session.execute(
                select(City.name, Jurisdiction.path).join(
                    Jurisdiction, Jurisdiction.id == City.jurisdiction_id
                )
            ):
                if node.path.startswith(path) or path.startswith(node.path):
                    found.append(name)
        return found[1:]

    def geocode(text: str) -> GeoHit | None:
        best: _Hit | None = None
        for name in city_names():
            try:
                hit = cities.geocode(db_session, settings, name, text)
            except (PinganError, OSError):  # a city whose files are missing finds nothing
                continue
            if hit is not None and (best is None or hit.confidence > best.confidence):
                best = hit
        return None if best is None else GeoHit(best.lat, best.lon, best.confidence)

    return geocode


def nearby_geocoder(db_session: Session, jurisdiction_id: int) -> Callable[[str], GeoHit | None]:
    """Generic kind (停车场 → ``parking``) → the nearest such OSM feature in the area.

    The area is the boundary of ``jurisdiction_id`` (the reporter's grid or station); the
    cities searched are those around it (as in :func:`city_geocoder`). Without a boundary
    nothing is found, and the place stays text.
    """
    from pingan.algo.text.spots import KIND_TAGS
    from pingan.city.models import City
    from pingan.city.nearby import nearest_in_area

    def geocode(kind: str) -> GeoHit | None:
        node = db_session.get(Jurisdiction, jurisdiction_id)
        if node is None or node.boundary is None:
            return None
        city_ids = [
            city_id
            for city_id, path in db_session.execute(
                select(City.id, Jurisdiction.path).join(
                    Jurisdiction, Jurisdiction.id == City.jurisdiction_id
                )
            )
            if node.path.startswith(path) or path.startswith(node.path)
        ]
        hit = nearest_in_area(db_session, city_ids, KIND_TAGS.get(kind, ()), node.boundary)
        return None if hit is None else GeoHit(hit.lat, hit.lon, hit.confidence)

    return geocode


@dataclass
class ReportInput:
    """One report from any channel, before extraction and placement."""

    text: str
    channel: Channel
    received_at: datetime
    type: str | None = None
    fraud_type: str | None = None
    lat: float | None = None
    lon: float | None = None
    place_text: str | None = None
    occurred_start: datetime | None = None
    occurred_end: datetime | None = None
    reporter_name: str | None = None
    reporter_phone: str | None = None
    reporter_user_id: int | None = None
    items: list[ItemIn] | None = None
    simulated: bool = False
    source_ref: str | None = None
    open311_key_id: int | None = None
    text_limit: int = MAX_DESCRIPTION_CHARS
    text_field: str = "description"
    point_field: str = "lat"
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Placed:
    """A checked, extracted and placed report, ready to store."""

    data: ReportInput
    extraction: Extraction
    jurisdiction: jurisdictions.JurisdictionRef
    city: str | None
    lat: float | None
    lon: float | None
    geocode_confidence: float


#: Longest reporter name, phone and place text (characters; the column lengths).
FIELD_LIMITS = {"reporter_name": 100, "reporter_phone": 32, "place_text": 300}


def prepare(
    db_session: Session,
    settings: Settings,
    data: ReportInput,
    fallback_jurisdiction_id: int,
    *,
    geocode: Geocoder | None = None,
) -> Placed:
    """Check, extract and place one report without writing anything.

    ``geocode`` turns place text into a point; by default the gazetteers of the cities
    around the fallback jurisdiction (pass ``lambda text: None`` for none).
    """
    data.text = check_text(data.text, limit=data.text_limit, field=data.text_field)
    for name, limit in FIELD_LIMITS.items():
        value = getattr(data, name)
        if value is not None and "\ufffd" in value:
            raise InvalidInput("the text is not valid UTF-8", field=name)
        if value is not None and len(value) > limit:
            raise InvalidInput(
                f"{name} has {len(value)} characters; at most {limit} are accepted", field=name
            )
    if (data.lat is None) != (data.lon is None):
        raise InvalidInput("give both lat and lon, or neither", field=data.point_field)
    if (
        data.lat is not None
        and data.lon is not None
        and not (-90 <= data.lat <= 90 and -180 <= data.lon <= 180)
    ):
        raise InvalidInput("lat must lie in [-90, 90] and lon in [-180, 180]", field="lat")
    explicit_point = data.lat is not None
    nearest = None
    if geocode is None and not explicit_point:
        geocode = city_geocoder(db_session, settings, fallback_jurisdiction_id)
        nearest = nearby_geocoder(db_session, fallback_jurisdiction_id)
    extraction = extract_report(
        data.text,
        data.received_at,
        tz=settings.time_zone,
        geocode=None if explicit_point else geocode,
        nearest=nearest,
    )
    lat, lon, confidence = data.lat, data.lon, 1.0 if explicit_point else 0.0
    if not explicit_point and extraction.location is not None:
        lat, lon = extraction.location
        confidence = extraction.geocode_confidence
    try:
        node, city = locate(db_session, lat, lon, fallback_jurisdiction_id, field=data.point_field)
    except InvalidInput:
        if explicit_point:
            raise
        # a geocoded point outside the district is ignored, not refused
        node, city = locate(db_session, None, None, fallback_jurisdiction_id)
        lat, lon, confidence = None, None, 0.0
    return Placed(data, extraction, node, city, lat, lon, confidence)
