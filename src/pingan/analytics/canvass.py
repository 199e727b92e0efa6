"""Camera canvass: the cameras an offender could have passed on the way from the scene.

Cameras are the city's surveillance points (OSM ``man_made=surveillance``) and the cameras
users register; the checklist records footage requested and obtained per camera (audited).
A registered camera belongs to a station: a canvass lists the cameras of other stations too,
read-only and with only their point, view direction, keeper's role and station (ask that
station for the footage); reading or changing them directly is "no such camera".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.algo import routing
from pingan.analytics.history import FloatArray
from pingan.analytics.models import Camera, CanvassItem, FootageStatus, OwnerRole
from pingan.analytics.schemas import CameraCreate, CameraUpdate
from pingan.analytics.scope import jurisdiction_path, target_jurisdiction
from pingan.audit import service as audit
from pingan.city import service as cities
from pingan.city.models import City
from pingan.config import Settings
from pingan.db import utcnow
from pingan.errors import InvalidInput, NotFound
from pingan.incidents import reads
from pingan.incidents.models import Incident
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction
from pingan.principal import Principal

#: Travel modes of a camera canvass, in display order.
CANVASS_MODES = ("foot", "ebike", "car")
#: A camera farther than this from every road of a mode is not reachable in that mode.
CANVASS_MAX_SNAP_M = 150.0

# --------------------------------------------------------------------------- cameras, canvass


@dataclass(frozen=True)
class _Found:
    """A camera a canvass considers; another station's has no name or owner."""

    source: str
    ref: int
    name: str
    owner: str
    lat: float
    lon: float
    owner_role: OwnerRole | None = None
    direction_deg: float | None = None
    jurisdiction_code: str | None = None
    editable: bool = True


def camera_read(db_session: Session, camera: Camera) -> dict[str, Any]:
    return {
        "id": camera.id,
        "city": camera.city,
        "name": camera.name,
        "lat": camera.lat,
        "lon": camera.lon,
        "owner": camera.owner,
        "owner_role": camera.owner_role,
        "direction_deg": camera.direction_deg,
        "active": camera.active,
        "jurisdiction_code": jurisdictions.get(db_session, camera.jurisdiction_id).code,
    }


def register_camera(db_session: Session, principal: Principal, body: CameraCreate) -> Camera:
    """Register a camera (a shop's, a compound's) for canvasses; it belongs to the
    jurisdiction whose area holds it unless one is named."""
    principal.require("canvass", "write")
    city = cities.get_city(db_session, body.city)
    cities.check_inside(city, body.lat, body.lon, field="lat")
    default = jurisdictions.jurisdiction_for_point(db_session, body.lat, body.lon)
    if default is None:
        default = jurisdictions.get(db_session, city.jurisdiction_id)
    node = target_jurisdiction(db_session, principal, "canvass", body.jurisdiction_code, default)
    camera = Camera(
        jurisdiction_id=node.id,
        city=city.name,
        name=body.name,
        lat=body.lat,
        lon=body.lon,
        owner=body.owner,
        owner_role=body.owner_role,
        direction_deg=body.direction_deg,
        created_by=principal.username,
    )
    db_session.add(camera)
    db_session.flush()
    audit.record(
        db_session,
        action="camera.create",
        object_type="camera",
        object_id=camera.id,
        principal=principal,
        jurisdiction_id=node.id,
    )
    return camera


def get_camera(
    db_session: Session, principal: Principal, camera_id: int, action: str = "read"
) -> Camera:
    principal.require("canvass", action)
    camera = db_session.get(Camera, camera_id)
    if camera is None:
        raise NotFound("no such camera")
    principal.check("canvass", action, jurisdiction_path(db_session, camera.jurisdiction_id))
    return camera


def update_camera(
    db_session: Session, principal: Principal, camera_id: int, body: CameraUpdate
) -> Camera:
    camera = get_camera(db_session, principal, camera_id, "write")
    for name in ("name", "owner", "owner_role", "direction_deg", "active"):
        value = getattr(body, name)
        if value is not None:
            setattr(camera, name, value)
    db_session.flush()
    audit.record(
        db_session,
        action="camera.update",
        object_type="camera",
        object_id=camera.id,
        principal=principal,
        jurisdiction_id=camera.jurisdiction_id,
    )
    return camera


def list_cameras(db_session: Session, principal: Principal, city: str) -> list[Camera]:
    principal.require("canvass", "read")
    return list(
        db_session.scalars(
            select(Camera)
            .join(Jurisdiction, Jurisdiction.id == Camera.jurisdiction_id)
            .where(
                principal.visible_clause("canvass", "read", Jurisdiction.path),
                Camera.city == city.lower(),
            )
            .order_by(Camera.id)
        )
    )


def _canvass_incident(
    db_session: Session, principal: Principal, incident_id: int, action: str
) -> tuple[Incident, City]:
    incident = _checked_incident(db_session, principal, incident_id, action)
    if incident.lat is None or incident.lon is None:
        raise InvalidInput("the incident has no location to canvass around", field="incident")
    city = None
    if incident.city:
        city = db_session.scalar(select(City).where(City.name == incident.city))
    if city is None:
        city = cities.city_for_point(db_session, incident.lat, incident.lon)
    if city is None:
        raise InvalidInput("the incident lies in no imported city", field="incident")
    return incident, city


def _checked_incident(
    db_session: Session, principal: Principal, incident_id: int, action: str
) -> Incident:
    principal.require("canvass", action)
    incident = reads.load_incident(db_session, principal, incident_id, "read")
    principal.check("canvass", action, jurisdiction_path(db_session, incident.jurisdiction_id))
    return incident


def canvass(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    incident_id: int,
    *,
    minutes: float = 5.0,
    modes: Sequence[str] = CANVASS_MODES,
) -> dict[str, Any]:
    """Cameras an offender could have passed within ``minutes`` of leaving the scene.

    For each mode the scene and every camera are snapped to the mode's network and one
    search from the scene's node (:func:`pingan.algo.routing.shortest_times`, cut off at
    ``minutes``) gives the earliest time the offender could be at each camera's node. A
    camera is listed when some mode reaches it, ordered by its earliest arrival over the modes
    (then by name), with the footage checklist's status.
    """
    if not 0 < minutes <= 60:
        raise InvalidInput("minutes must be in (0, 60]", field="minutes")
    unknown = [m for m in modes if m not in CANVASS_MODES]
    if unknown or not modes:
        raise InvalidInput(f"modes must be among {', '.join(CANVASS_MODES)}", field="modes")
    unplaced = _checked_incident(db_session, principal, incident_id, "read")
    if unplaced.lat is None or unplaced.lon is None:
        return {
            "incident_id": unplaced.id,
            "city": None,
            "scene": None,
            "minutes": minutes,
            "modes": [],
            "cameras": [],
            "counts": {s.value: 0 for s in FootageStatus},
            "note": "the incident has no location yet: place it to canvass around it",
        }
    incident, city = _canvass_incident(db_session, principal, incident_id, "read")
    found: list[_Found] = [
        _Found(
            "place", p.id, p.name_zh or p.name or p.name_en or f"camera {p.id}", "", p.lat, p.lon
        )
        for p in cities.places(db_session, city, ["surveillance"])
    ]
    for camera, code, path in db_session.execute(
        select(Camera, Jurisdiction.code, Jurisdiction.path)
        .join(Jurisdiction, Jurisdiction.id == Camera.jurisdiction_id)
        .where(Camera.city == city.name, Camera.active.is_(True))
        .order_by(Camera.id)
    ):
        own = principal.can("canvass", "read", path)
        found.append(
            _Found(
                "camera",
                camera.id,
                camera.name if own else "",
                camera.owner if own else "",
                camera.lat,
                camera.lon,
                camera.owner_role,
                camera.direction_deg,
                code,
                own and principal.can("canvass", "write", path),
            )
        )
    cutoff_s = minutes * 60.0
    arrival: dict[str, FloatArray] = {}
    snap_m = np.full(len(found), np.inf)
    if found:
        lat = np.array([f.lat for f in found])
        lon = np.array([f.lon for f in found])
        for mode in modes:
            try:
                graph = cities.load_graph(settings, city, mode)
            except NotFound:
                continue
            scene = routing.snap(
                graph, np.array([incident.lat], dtype=float), np.array([incident.lon], dtype=float)
            )
            times = routing.shortest_times(graph, int(scene.node[0]), cutoff_s)[0]
            at = routing.snap(graph, lat, lon)
            t = times[at.node]
            t[at.distance_m > CANVASS_MAX_SNAP_M] = np.inf
            arrival[mode] = t
            snap_m = np.minimum(snap_m, at.distance_m)
    items = {
        (i.source, i.camera_ref): i
        for i in db_session.scalars(
            select(CanvassItem).where(CanvassItem.incident_id == incident.id)
        )
    }
    listed: list[dict[str, Any]] = []
    for k, cam in enumerate(found):
        by_mode = {m: float(t[k]) for m, t in arrival.items() if math.isfinite(t[k])}
        if not by_mode:
            continue
        best_mode = min(by_mode, key=lambda m: (by_mode[m], CANVASS_MODES.index(m)))
        item = items.get((cam.source, cam.ref))
        listed.append(
            {
                "source": cam.source,
                "camera_id": cam.ref,
                "name": cam.name,
                "owner": cam.owner,
                "owner_role": cam.owner_role,
                "direction_deg": cam.direction_deg,
                "jurisdiction_code": cam.jurisdiction_code,
                "editable": cam.editable,
                "lat": cam.lat,
                "lon": cam.lon,
                "snap_m": round(float(snap_m[k]), 1),
                "arrival_s": {m: round(v, 3) for m, v in by_mode.items()},
                "earliest_s": round(by_mode[best_mode], 3),
                "earliest_mode": best_mode,
                "status": item.status if item else FootageStatus.none,
                "note": item.note if item else "",
                "updated_by": item.updated_by if item else None,
                "updated_at": item.updated_at if item else None,
            }
        )
    listed.sort(key=lambda c: (c["earliest_s"], c["name"], c["source"], c["camera_id"]))
    counts = {s.value: 0 for s in FootageStatus}
    for c in listed:
        counts[FootageStatus(c["status"]).value] += 1
    return {
        "incident_id": incident.id,
        "city": city.name,
        "scene": (incident.lat, incident.lon),
        "minutes": minutes,
        "modes": list(arrival),
        "cameras": listed,
        "counts": counts,
        "note": "",
    }


def set_canvass_item(
    db_session: Session,
    principal: Principal,
    incident_id: int,
    source: str,
    camera_id: int,
    status: FootageStatus,
    note: str = "",
) -> CanvassItem:
    """Record footage requested or obtained from one camera for an incident (audited)."""
    incident, city = _canvass_incident(db_session, principal, incident_id, "write")
    if source == "place":
        place = next(
            (p for p in cities.places(db_session, city, ["surveillance"]) if p.id == camera_id),
            None,
        )
        if place is None:
            raise NotFound("no such camera")
    elif source == "camera":
        camera = db_session.get(Camera, camera_id)
        if camera is None or camera.city != city.name:
            raise NotFound("no such camera")
        # another station's camera is listed read-only: its footage is that station's to give
        if not principal.can(
            "canvass", "write", jurisdiction_path(db_session, camera.jurisdiction_id)
        ):
            raise NotFound("no such camera")
    else:
        raise InvalidInput("source must be place or camera", field="source")
    item = db_session.scalar(
        select(CanvassItem).where(
            CanvassItem.incident_id == incident.id,
            CanvassItem.source == source,
            CanvassItem.camera_ref == camera_id,
        )
    )
    if item is None:
        item = CanvassItem(
            incident_id=incident.id,
            jurisdiction_id=incident.jurisdiction_id,
            source=source,
            camera_ref=camera_id,
        )
        db_session.add(item)
    item.status = status
    item.note = note
    item.updated_by = principal.username
    item.updated_at = utcnow()
    db_session.flush()
    audit.record(
        db_session,
        action=f"canvass.{status.value}",
        object_type="canvass_item",
        object_id=item.id,
        principal=principal,
        jurisdiction_id=incident.jurisdiction_id,
    )
    return item


def canvass_item_read(item: CanvassItem) -> dict[str, Any]:
    return {
        "incident_id": item.incident_id,
        "source": item.source,
        "camera_id": item.camera_ref,
        "status": item.status,
        "note": item.note,
        "updated_by": item.updated_by,
        "updated_at": item.updated_at,
    }
