"""Sites (场所): the ledger of buildings and venues with a fire-safety duty.

A site's point is geocoded through the city gazetteer from its address when none is
given; its station is the one named, else the point's, else the caller's; its grid is
the grid under that station holding the point. Responsible people and their phones are
personal data: read through the one masking function
(:func:`pingan.incidents.privacy.redact`), unmasked reads audited. Venues can be seeded
from the city's OSM places, marked with their source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.audit import service as audit
from pingan.city import service as cities
from pingan.city.models import City
from pingan.config import Settings
from pingan.db import utcnow
from pingan.errors import Conflict, Forbidden, InvalidInput, NotFound
from pingan.incidents import privacy
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction, Level
from pingan.ledgers.models import Site, SiteCategory, Source
from pingan.ledgers.schemas import SiteWrite
from pingan.principal import Principal

#: A geocoded address is taken from this confidence up.
MIN_GEOCODE_CONFIDENCE = 0.5
#: The personal fields of a site and what each is.
PERSONAL_FIELDS = (
    ("responsible_name", privacy.Field.name),
    ("responsible_phone", privacy.Field.phone),
    ("manager_name", privacy.Field.name),
    ("manager_phone", privacy.Field.phone),
)


def ledger_sight(principal: Principal, record_path: str) -> privacy.Sight:
    """The roles granted ``ledger.personal_data`` see names and phones whole."""
    return privacy.Sight(personal=principal.can("ledger", "personal_data", record_path))


def station_for(
    db_session: Session, principal: Principal, code: str | None, action: str = "write"
) -> Jurisdiction:
    """The station named by ``code``, else the caller's deepest ledger grant; checked."""
    if code:
        node = jurisdictions.get_by_code(db_session, code)
    else:
        grant = principal.deepest_grant("ledger", action)
        if grant is None:
            raise Forbidden(f"your roles do not allow {action} on ledger")
        node = jurisdictions.get(db_session, grant.jurisdiction_id)
    principal.check("ledger", action, node.path)
    return node


def cities_over(db_session: Session, node: Jurisdiction) -> list[City]:
    """The cities owned by ``node`` or a jurisdiction above or below it."""
    found = []
    for city in cities.list_cities(db_session):
        owner = jurisdictions.get(db_session, city.jurisdiction_id)
        if node.path.startswith(owner.path) or owner.path.startswith(node.path):
            found.append(city)
    return found


def geocode_address(
    db_session: Session, settings: Settings, node: Jurisdiction, address: str
) -> tuple[float, float] | None:
    """The point of ``address`` by the gazetteer of the station's city, if it is known."""
    if not address.strip():
        return None
    for city in cities_over(db_session, node):
        hit = cities.get_gazetteer(settings, city).geocode(address)
        if hit is not None and hit.confidence >= MIN_GEOCODE_CONFIDENCE:
            return hit.lat, hit.lon
    return None


@dataclass(frozen=True)
class Placed:
    station: Jurisdiction
    grid: Jurisdiction | None
    lat: float | None
    lon: float | None


def _grid_of(
    db_session: Session, station: Jurisdiction, code: str | None, point: tuple[float, float] | None
) -> Jurisdiction | None:
    if code:
        grid = jurisdictions.get_by_code(db_session, code)
        if grid.parent_id != station.id:
            raise InvalidInput(f"grid {code!r} is not under {station.code}", field="grid_code")
        return grid
    if point is None:
        return None
    node = jurisdictions.jurisdiction_for_point(db_session, *point)
    if node is not None and node.level is Level.grid and node.parent_id == station.id:
        return node
    return None


def place_site(
    db_session: Session, settings: Settings, principal: Principal, body: SiteWrite
) -> Placed:
    """Where a site lies: its point (given or geocoded), station (checked) and grid."""
    if (body.lat is None) != (body.lon is None):
        raise InvalidInput("give both lat and lon, or neither", field="lat")
    point = (body.lat, body.lon) if body.lat is not None and body.lon is not None else None
    station: Jurisdiction | None = None
    if body.jurisdiction_code:
        station = station_for(db_session, principal, body.jurisdiction_code)
    elif point is not None:
        found = jurisdictions.jurisdiction_for_point(db_session, *point)
        if found is not None and found.level is Level.grid and found.parent_id is not None:
            found = jurisdictions.get(db_session, found.parent_id)
        if found is not None and principal.can("ledger", "write", found.path):
            station = found
    if station is None:
        station = station_for(db_session, principal, None)
    if point is None:
        point = geocode_address(db_session, settings, station, body.address)
    grid = _grid_of(db_session, station, body.grid_code, point)
    return Placed(station, grid, *(point if point else (None, None)))


def _holds_personal(site: Site) -> bool:
    return any(privacy.holds_personal(getattr(site, name), kind) for name, kind in PERSONAL_FIELDS)


def site_json(
    site: Site, node: Jurisdiction, grid_code: str | None, sight: privacy.Sight
) -> dict[str, Any]:
    """A site as a reader with ``sight`` may see it."""
    personal = {
        name: privacy.redact(getattr(site, name), sight, kind) or ""
        for name, kind in PERSONAL_FIELDS
    }
    return {
        "id": site.id,
        "code": site.code,
        "name": site.name,
        "category": site.category,
        "address": site.address,
        "lat": site.lat,
        "lon": site.lon,
        "jurisdiction_code": node.code,
        "grid_code": grid_code,
        **personal,
        "opening_hours": site.opening_hours,
        "key_unit": site.key_unit,
        "source": site.source,
        "osm_id": site.osm_id,
    }


def read_sites(
    db_session: Session, principal: Principal, rows: list[tuple[Site, Jurisdiction]]
) -> list[dict[str, Any]]:
    """Sites as ``principal`` may see them; one audit row per site read unmasked."""
    grids = {
        node.id: node.code
        for node in db_session.scalars(
            select(Jurisdiction).where(Jurisdiction.id.in_({s.grid_id for s, _ in rows}))
        )
    }
    out = []
    for site, node in rows:
        sight = ledger_sight(principal, node.path)
        if sight.sees_any and _holds_personal(site):
            audit.record(
                db_session,
                action="personal_data.read",
                object_type="ledger_site",
                object_id=site.id,
                principal=principal,
                jurisdiction_id=site.jurisdiction_id,
            )
        out.append(site_json(site, node, grids.get(site.grid_id or 0), sight))
    return out


def load_site(
    db_session: Session, principal: Principal, site_id: int, action: str = "read"
) -> tuple[Site, Jurisdiction]:
    """The site and its station, when ``principal`` may do ``action`` on it (else 404)."""
    found = db_session.execute(
        select(Site, Jurisdiction)
        .join(Jurisdiction, Jurisdiction.id == Site.jurisdiction_id)
        .where(Site.id == site_id)
    ).first()
    if found is None:
        raise NotFound("no such site")
    principal.check("ledger", action, found[1].path)
    return found[0], found[1]


def get_site(db_session: Session, principal: Principal, site_id: int) -> dict[str, Any]:
    principal.require("ledger", "read")
    return read_sites(db_session, principal, [load_site(db_session, principal, site_id)])[0]


def visible_sites(
    db_session: Session,
    principal: Principal,
    *,
    jurisdiction_code: str | None = None,
    category: SiteCategory | None = None,
) -> list[tuple[Site, Jurisdiction]]:
    """The sites of the caller's stations (of one subtree when a code is given), by code."""
    principal.require("ledger", "read")
    query = (
        select(Site, Jurisdiction)
        .join(Jurisdiction, Jurisdiction.id == Site.jurisdiction_id)
        .where(principal.visible_clause("ledger", "read", Jurisdiction.path))
        .order_by(Site.code)
    )
    if jurisdiction_code:
        node = jurisdictions.get_by_code(db_session, jurisdiction_code)
        principal.check("ledger", "read", node.path)
        query = query.where(Jurisdiction.path.startswith(node.path, autoescape=True))
    if category is not None:
        query = query.where(Site.category == category)
    return [(row[0], row[1]) for row in db_session.execute(query)]


def list_sites(
    db_session: Session,
    principal: Principal,
    *,
    jurisdiction_code: str | None = None,
    category: SiteCategory | None = None,
) -> list[dict[str, Any]]:
    rows = visible_sites(
        db_session, principal, jurisdiction_code=jurisdiction_code, category=category
    )
    return read_sites(db_session, principal, rows)


def _fields(body: SiteWrite, placed: Placed) -> dict[str, Any]:
    return {
        **body.model_dump(exclude={"jurisdiction_code", "grid_code", "lat", "lon", "code"}),
        "jurisdiction_id": placed.station.id,
        "grid_id": placed.grid.id if placed.grid else None,
        "lat": placed.lat,
        "lon": placed.lon,
    }


def add_site(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    body: SiteWrite,
    *,
    source: Source = Source.manual,
    placed: Placed | None = None,
    osm: tuple[str, int] | None = None,
) -> Site:
    """Store a new site (its code must be new: 409 otherwise); audited."""
    principal.require("ledger", "write")
    if db_session.scalar(select(Site.id).where(Site.code == body.code)) is not None:
        raise Conflict(f"site code {body.code!r} is already in the ledger", field="code")
    placed = placed or place_site(db_session, settings, principal, body)
    site = Site(code=body.code, source=source, **_fields(body, placed))
    if osm is not None:
        site.osm_type, site.osm_id = osm
    db_session.add(site)
    db_session.flush()
    audit.record(
        db_session,
        action="ledger.site.create",
        object_type="ledger_site",
        object_id=site.id,
        principal=principal,
        jurisdiction_id=site.jurisdiction_id,
    )
    return site


def update_site(
    db_session: Session, settings: Settings, principal: Principal, site_id: int, body: SiteWrite
) -> Site:
    """Edit a site in place (its source stays: a seeded venue stays marked as seeded)."""
    site, _node = load_site(db_session, principal, site_id, "write")
    if body.code != site.code and db_session.scalar(select(Site.id).where(Site.code == body.code)):
        raise Conflict(f"site code {body.code!r} is already in the ledger", field="code")
    placed = place_site(db_session, settings, principal, body)
    for name, value in _fields(body, placed).items():
        setattr(site, name, value)
    site.code = body.code
    site.updated_at = utcnow()
    db_session.flush()
    audit.record(
        db_session,
        action="ledger.site.update",
        object_type="ledger_site",
        object_id=site.id,
        principal=principal,
        jurisdiction_id=site.jurisdiction_id,
    )
    return site
