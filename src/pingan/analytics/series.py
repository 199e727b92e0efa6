"""Crime series: candidates among a type's incidents, stored series, confirm or reject.

Candidates are linked by place, time, time of day and the stolen items' brand and colour
(:func:`pingan.algo.series.link_series`); an analyst stores a candidate, confirms or rejects
it, and confirmed series are drawn on the map (members in time order and the line joining
them).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from pingan.algo.series import SeriesResult, link_series
from pingan.analytics.history import (
    MAX_ANALYSIS_EVENTS,
    FloatArray,
    counted,
    day_range,
    label,
    local_hours,
    occurred_at,
    of_type,
    project_utm,
)
from pingan.analytics.models import Series, SeriesMember, SeriesStatus
from pingan.analytics.schemas import SeriesCreate
from pingan.analytics.scope import jurisdiction_path
from pingan.audit import service as audit
from pingan.city import service as cities
from pingan.config import Settings
from pingan.db import utcnow
from pingan.errors import InvalidInput, NotFound
from pingan.incidents import privacy
from pingan.incidents.models import Incident, StolenItem
from pingan.jurisdictions.models import Jurisdiction
from pingan.principal import Principal

# --------------------------------------------------------------------------- series


@dataclass(frozen=True)
class _SeriesInput:
    incidents: list[Incident]
    times: list[dt.datetime | None]
    brand: list[str]
    colour: list[str]


def _series_input(db_session: Session, rows: Sequence[Incident]) -> _SeriesInput:
    ids = [r.id for r in rows]
    items: dict[int, tuple[str, str]] = {}
    if ids:
        for item in db_session.scalars(
            select(StolenItem).where(StolenItem.incident_id.in_(ids)).order_by(StolenItem.id)
        ):
            brand, colour = items.get(item.incident_id, ("", ""))
            items[item.incident_id] = (brand or item.brand or "", colour or item.colour or "")
    return _SeriesInput(
        incidents=list(rows),
        times=[r.occurred_start or r.received_at for r in rows],
        brand=[items.get(i, ("", ""))[0] for i in ids],
        colour=[items.get(i, ("", ""))[1] for i in ids],
    )


def _link(
    settings: Settings,
    data: _SeriesInput,
    *,
    threshold: float,
    max_distance_m: float,
    max_days: float,
) -> tuple[SeriesResult, FloatArray, FloatArray]:
    lon = np.array([r.lon for r in data.incidents], dtype=float)
    lat = np.array([r.lat for r in data.incidents], dtype=float)
    x, y = project_utm(lon, lat)
    t = local_hours([t for t in data.times if t is not None], settings.time_zone)
    result = link_series(
        x,
        y,
        t,
        {"brand": data.brand, "colour": data.colour},
        threshold=threshold,
        max_distance_m=max_distance_m,
        max_days=max_days,
    )
    return result, x, y


def _member_json(data: _SeriesInput, k: int) -> dict[str, Any]:
    incident = data.incidents[k]
    return {
        "incident_id": incident.id,
        "type": incident.type,
        "occurred_at": data.times[k],
        "lat": incident.lat,
        "lon": incident.lon,
        # series are analysis: personal data in the place text stays masked for everyone
        "place_text": privacy.redact(incident.place_text, privacy.NOBODY),
        "brand": data.brand[k] or None,
        "colour": data.colour[k] or None,
        "simulated": incident.simulated,
    }


def _link_json(data: _SeriesInput, link: Any) -> dict[str, Any]:
    return {
        "incident_ids": (data.incidents[link.i].id, data.incidents[link.j].id),
        "score": round(link.score, 4),
        "distance_m": round(link.distance_m, 1),
        "days_apart": round(link.days_apart, 3),
        "hour_gap_h": round(link.hour_gap_h, 2),
        "evidence": list(link.evidence),
    }


def _series_incidents(
    db_session: Session,
    visible: ColumnElement[bool],
    *,
    city: str | None,
    incident_type: str | None,
    ids: Sequence[int] | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> list[Incident]:
    occurred = occurred_at()
    query = (
        select(Incident)
        .join(Jurisdiction, Jurisdiction.id == Incident.jurisdiction_id)
        .where(visible, counted(), Incident.lat.is_not(None), Incident.lon.is_not(None))
        .order_by(occurred, Incident.id)
    )
    if city:
        query = query.where(Incident.city == city)
    if incident_type:
        query = query.where(of_type(incident_type))
    if ids is not None:
        query = query.where(Incident.id.in_(list(ids)))
    if start is not None:
        query = query.where(occurred >= start)
    if end is not None:
        query = query.where(occurred < end)
    return list(db_session.scalars(query.limit(MAX_ANALYSIS_EVENTS + 1)))


def _stored_sets(db_session: Session, principal: Principal) -> dict[frozenset[int], Series]:
    rows = db_session.execute(
        select(Series, SeriesMember.incident_id)
        .join(SeriesMember, SeriesMember.series_id == Series.id)
        .join(Jurisdiction, Jurisdiction.id == Series.jurisdiction_id)
        .where(principal.visible_clause("series", "read", Jurisdiction.path))
    ).all()
    members: dict[int, set[int]] = {}
    by_id: dict[int, Series] = {}
    for series, incident_id in rows:
        members.setdefault(series.id, set()).add(incident_id)
        by_id[series.id] = series
    return {frozenset(m): by_id[sid] for sid, m in members.items()}


def series_candidates(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    *,
    city: str,
    incident_type: str = "theft.ebike",
    start: dt.date | None = None,
    end: dt.date | None = None,
    threshold: float = 2.0,
    max_distance_m: float = 500.0,
    max_days: float = 30.0,
    limit: int = 20,
) -> list[dict[str, Any]]:
    """Candidate series among a type's incidents, best first, with the evidence of each link.

    Linked by place, time, time of day and the stolen items' brand and colour
    (:func:`pingan.algo.series.link_series`). A candidate whose members were already stored
    as a series carries that series' id and status.
    """
    principal.require("series", "read")
    lo, hi = day_range(settings, start, end)
    rows = _series_incidents(
        db_session,
        principal.visible_clause("series", "read", Jurisdiction.path),
        city=cities.get_city(db_session, city).name,
        incident_type=incident_type,
        start=lo,
        end=hi,
    )
    if len(rows) > MAX_ANALYSIS_EVENTS:
        raise InvalidInput(f"more than {MAX_ANALYSIS_EVENTS} incidents: narrow the dates", "from")
    if len(rows) < 2:
        return []
    data = _series_input(db_session, rows)
    result, _, _ = _link(
        settings, data, threshold=threshold, max_distance_m=max_distance_m, max_days=max_days
    )
    stored = _stored_sets(db_session, principal)
    out = []
    for candidate in result.series[:limit]:
        ids = frozenset(data.incidents[m].id for m in candidate.members)
        known = stored.get(ids)
        simulated = any(data.incidents[m].simulated for m in candidate.members)
        out.append(
            {
                "id": known.id if known else None,
                "status": known.status if known else SeriesStatus.candidate,
                "city": city.lower(),
                "type": incident_type,
                "name": known.name if known else "",
                "score": round(candidate.score, 4),
                "span_days": round(candidate.span_days, 3),
                "extent_m": round(candidate.extent_m, 1),
                "members": [_member_json(data, m) for m in candidate.members],
                "links": [_link_json(data, link) for link in candidate.links],
                "simulated": simulated,
                "label": label(simulated),
            }
        )
    return out


def _common_jurisdiction(db_session: Session, paths: Sequence[str]) -> Jurisdiction:
    parts = [p.strip("/").split("/") for p in paths]
    common: list[str] = []
    for level in zip(*parts, strict=False):
        if len(set(level)) != 1:
            break
        common.append(level[0])
    node = db_session.get(Jurisdiction, int(common[-1])) if common else None
    if node is None:
        raise InvalidInput("the incidents share no jurisdiction", field="incident_ids")
    return node


def _series_body(
    db_session: Session, settings: Settings, series: Series, rows: list[Incident]
) -> dict[str, Any]:
    data = _series_input(db_session, rows)
    members = list(range(len(rows)))
    result, x, y = _link(settings, data, threshold=-math.inf, max_distance_m=1e7, max_days=1e5)
    times = [t for t in data.times if t is not None]
    span = (max(times) - min(times)).total_seconds() / 86400 if times else 0.0
    extent = float(np.max(np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])))
    return {
        "id": series.id,
        "status": series.status,
        "city": series.city,
        "type": series.type,
        "name": series.name,
        "score": series.score,
        "span_days": round(span, 3),
        "extent_m": round(extent, 1),
        "members": [_member_json(data, m) for m in members],
        "links": [_link_json(data, link) for link in result.pairs],
        "note": series.note,
        "simulated": series.simulated,
        "label": label(series.simulated),
        "created_by": series.created_by,
        "decided_by": series.decided_by,
        "decided_at": series.decided_at,
    }


def create_series(
    db_session: Session,
    settings: Settings,
    principal: Principal | None,
    body: SeriesCreate,
    *,
    actor: str = "",
) -> Series:
    """Store a series of incidents (a candidate to review, or an analyst's decision)."""
    if principal is not None:
        principal.require("series", "write")
        visible = principal.visible_clause("series", "write", Jurisdiction.path)
    else:
        visible = true()
    ids = sorted(set(body.incident_ids))
    if len(ids) < 2:
        raise InvalidInput("a series needs at least two incidents", field="incident_ids")
    rows = _series_incidents(db_session, visible, city=None, incident_type=None, ids=ids)
    if len(rows) != len(ids):
        raise NotFound("no such incident")
    cities_of = {r.city for r in rows}
    data = _series_input(db_session, rows)
    result, _, _ = _link(settings, data, threshold=-math.inf, max_distance_m=1e7, max_days=1e5)
    scores = [p.score for p in result.pairs]
    node = _common_jurisdiction(
        db_session, [jurisdiction_path(db_session, r.jurisdiction_id) for r in rows]
    )
    who = principal.username if principal else actor
    decided = body.status is not SeriesStatus.candidate
    series = Series(
        jurisdiction_id=node.id,
        city=cities_of.pop() if len(cities_of) == 1 else None,
        type=rows[0].type,
        name=body.name or f"{rows[0].type} ×{len(rows)}",
        status=body.status,
        score=round(float(np.mean(scores)), 4) if scores else 0.0,
        evidence=json.dumps([_link_json(data, p) for p in result.pairs], ensure_ascii=False),
        note=body.note,
        simulated=any(r.simulated for r in rows),
        created_by=who[:64],
        decided_by=who[:64] if decided else None,
        decided_at=utcnow() if decided else None,
    )
    db_session.add(series)
    db_session.flush()
    for incident_id in ids:
        db_session.add(SeriesMember(series_id=series.id, incident_id=incident_id))
    db_session.flush()
    audit.record(
        db_session,
        action=f"series.{body.status.value}" if decided else "series.create",
        object_type="series",
        object_id=series.id,
        principal=principal,
        actor=actor or None,
        jurisdiction_id=node.id,
    )
    return series


def _load_series(
    db_session: Session, principal: Principal, series_id: int, action: str
) -> tuple[Series, list[Incident]]:
    principal.require("series", action)
    series = db_session.get(Series, series_id)
    if series is None:
        raise NotFound("no such series")
    principal.check("series", action, jurisdiction_path(db_session, series.jurisdiction_id))
    rows = list(
        db_session.scalars(
            select(Incident)
            .join(SeriesMember, SeriesMember.incident_id == Incident.id)
            .where(SeriesMember.series_id == series.id)
            .order_by(occurred_at(), Incident.id)
        )
    )
    return series, rows


def get_series(
    db_session: Session, settings: Settings, principal: Principal, series_id: int
) -> dict[str, Any]:
    series, rows = _load_series(db_session, principal, series_id, "read")
    return _series_body(db_session, settings, series, rows)


def decide_series(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    series_id: int,
    status: SeriesStatus,
    note: str = "",
) -> dict[str, Any]:
    """Confirm or reject a stored series (or put it back to candidate)."""
    series, rows = _load_series(db_session, principal, series_id, "write")
    series.status = status
    if note:
        series.note = note
    series.decided_by = principal.username if status is not SeriesStatus.candidate else None
    series.decided_at = utcnow() if status is not SeriesStatus.candidate else None
    db_session.flush()
    audit.record(
        db_session,
        action=f"series.{status.value}",
        object_type="series",
        object_id=series.id,
        principal=principal,
        jurisdiction_id=series.jurisdiction_id,
    )
    return _series_body(db_session, settings, series, rows)


def list_series(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    *,
    city: str | None = None,
    status: SeriesStatus | None = None,
) -> list[dict[str, Any]]:
    principal.require("series", "read")
    query = (
        select(Series)
        .join(Jurisdiction, Jurisdiction.id == Series.jurisdiction_id)
        .where(principal.visible_clause("series", "read", Jurisdiction.path))
        .order_by(Series.created_at.desc(), Series.id.desc())
        .limit(200)
    )
    if city:
        query = query.where(Series.city == city.lower())
    if status is not None:
        query = query.where(Series.status == status)
    out = []
    for series in db_session.scalars(query):
        _, rows = _load_series(db_session, principal, series.id, "read")
        out.append(_series_body(db_session, settings, series, rows))
    return out


def _series_features(body: dict[str, Any]) -> list[dict[str, Any]]:
    members = [m for m in body["members"] if m["lat"] is not None]
    props = {k: body[k] for k in ("id", "status", "type", "name", "score", "simulated", "label")}
    features: list[dict[str, Any]] = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [m["lon"], m["lat"]]},
            "properties": {
                **props,
                "role": "member",
                "order": k + 1,
                "incident_id": m["incident_id"],
                "occurred_at": m["occurred_at"].isoformat() if m["occurred_at"] else None,
                "brand": m["brand"],
                "colour": m["colour"],
            },
        }
        for k, m in enumerate(members)
    ]
    if len(members) >= 2:
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "LineString",
                    "coordinates": [[m["lon"], m["lat"]] for m in members],
                },
                "properties": {**props, "role": "sequence"},
            }
        )
    return features


def series_geojson(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    *,
    series_id: int | None = None,
    city: str | None = None,
    status: SeriesStatus | None = SeriesStatus.confirmed,
) -> dict[str, Any]:
    """One series, or every series of a city in ``status``, as map features: the members in
    time order (points) and the sequence joining them (a line)."""
    if series_id is not None:
        bodies = [get_series(db_session, settings, principal, series_id)]
    else:
        bodies = list_series(db_session, settings, principal, city=city, status=status)
    features = [f for body in bodies for f in _series_features(body)]
    simulated = any(b["simulated"] for b in bodies)
    return {
        "type": "FeatureCollection",
        "features": features,
        "properties": {"series": len(bodies), "simulated": simulated, "label": label(simulated)},
    }
