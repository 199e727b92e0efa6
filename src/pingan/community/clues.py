"""Clues (线索) handed in by volunteers and citizens, and the officer's triage.

A clue has text or photos (at least one), a place, a time, and optionally the incident or
series it is about. Its text goes through the text core
(:func:`pingan.algo.text.extract.extract_report`) so the place, the time and the items are
pre-filled when the submitter did not give them.

An officer of the clue's station triages it: *linked* to an incident or series (a case),
*useful* (kept on file), *duplicate* of another clue, or *rejected* with a reason. The
submitter sees the outcome on their own page, without other people's data; another station
sees nothing of it. Points are credited on the triage (:mod:`pingan.community.points`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.algo.text.extract import extract_report
from pingan.analytics.models import Series
from pingan.audit import service as audit
from pingan.community import points
from pingan.community.models import Clue, ClueStatus, Volunteer
from pingan.community.schemas import ClueTriage
from pingan.config import Settings
from pingan.db import utcnow
from pingan.errors import Conflict, InvalidInput, NotFound
from pingan.incidents import privacy
from pingan.incidents import reads as incident_reads
from pingan.incidents.models import Incident
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction, Level
from pingan.principal import Principal

MAX_CLUE_CHARS = 2_000
MAX_PHOTOS = 4

#: What the submitter reads for each outcome.
OUTCOME = {
    ClueStatus.new: "under_review",
    ClueStatus.linked: "linked_to_case",
    ClueStatus.useful: "useful",
    ClueStatus.duplicate: "duplicate",
    ClueStatus.rejected: "rejected",
}


@dataclass(frozen=True)
class ClueInput:
    """A clue as handed in (photos already checked as report photos are: kind and size)."""

    text: str | None = None
    place_text: str | None = None
    lat: float | None = None
    lon: float | None = None
    occurred_at: datetime | None = None
    incident_id: int | None = None
    series_id: int | None = None
    station_code: str | None = None
    #: (file extension, bytes) of each photo.
    photos: tuple[tuple[str, bytes], ...] = ()


def _station_for(db_session: Session, volunteer: Volunteer | None, data: ClueInput) -> int:
    """The clue's station: the volunteer's, else the one the place lies in, else the one
    named."""
    if volunteer is not None:
        return volunteer.jurisdiction_id
    if data.lat is not None and data.lon is not None:
        found = jurisdictions.jurisdiction_for_point(db_session, data.lat, data.lon)
        while found is not None and found.level is Level.grid and found.parent_id is not None:
            found = jurisdictions.get(db_session, found.parent_id)
        if found is not None and found.level is Level.station:
            return found.id
    if data.station_code:
        node = jurisdictions.get_by_code(db_session, data.station_code)
        if node.level is Level.station:
            return node.id
    raise InvalidInput("give the place on the map or the station", field="station_code")


def _prefill(settings: Settings, text: str | None, at: datetime) -> dict[str, Any]:
    if not text:
        return {}
    found = extract_report(text, at, tz=settings.time_zone)
    body = found.to_json()
    return {
        "type": body["type"],
        "place": body["place"],
        "time": body["time"],
        "items": body["items"],
    }


def _save_photos(settings: Settings, photos: tuple[tuple[str, bytes], ...]) -> list[dict[str, str]]:
    stored = []
    for extension, data in photos:
        token = secrets.token_urlsafe(16)
        folder = settings.data_dir / "clue-photos" / token
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"photo.{extension}").write_bytes(data)
        stored.append({"token": token, "ext": extension})
    return stored


def _check_refs(db_session: Session, data: ClueInput) -> None:
    if data.incident_id is not None and db_session.get(Incident, data.incident_id) is None:
        raise InvalidInput(f"no incident {data.incident_id}", field="incident_id")
    if data.series_id is not None and db_session.get(Series, data.series_id) is None:
        raise InvalidInput(f"no series {data.series_id}", field="series_id")


def submit_clue(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    data: ClueInput,
    *,
    now: datetime | None = None,
    simulated: bool = False,
) -> Clue:
    """Hand in a clue; one with neither text nor photo is refused (422)."""
    principal.require("clue", "create")
    text = (data.text or "").strip() or None
    if text is None and not data.photos:
        raise InvalidInput("a clue needs a text or a photo", field="text")
    if text is not None:
        text = privacy.check_text(text, limit=MAX_CLUE_CHARS, field="text")
    if len(data.photos) > MAX_PHOTOS:
        raise InvalidInput(f"at most {MAX_PHOTOS} photos", field="photos")
    if (data.lat is None) != (data.lon is None):
        raise InvalidInput("give both lat and lon, or neither", field="lat")
    _check_refs(db_session, data)
    at = now or utcnow()
    volunteer = db_session.scalar(select(Volunteer).where(Volunteer.user_id == principal.user_id))
    extracted = _prefill(settings, text, at)
    occurred = data.occurred_at
    if occurred is None and extracted.get("time"):
        occurred = datetime.fromisoformat(extracted["time"]["start"])
    clue = Clue(
        jurisdiction_id=_station_for(db_session, volunteer, data),
        submitted_by_id=principal.user_id,
        volunteer_id=volunteer.id if volunteer else None,
        text=text,
        photos=_save_photos(settings, data.photos),
        place_text=(data.place_text or "").strip() or extracted.get("place"),
        lat=data.lat,
        lon=data.lon,
        occurred_at=occurred,
        extracted=extracted,
        incident_id=data.incident_id,
        series_id=data.series_id,
        simulated=simulated,
        created_at=at,
    )
    db_session.add(clue)
    db_session.flush()
    return clue


def _load(db_session: Session, clue_id: int) -> tuple[Clue, Jurisdiction]:
    found = db_session.execute(
        select(Clue, Jurisdiction)
        .join(Jurisdiction, Jurisdiction.id == Clue.jurisdiction_id)
        .where(Clue.id == clue_id)
    ).first()
    if found is None:
        raise NotFound("no such clue")
    return found[0], found[1]


def _link_target(db_session: Session, principal: Principal, body: ClueTriage) -> None:
    if body.incident_id is None and body.series_id is None:
        raise InvalidInput("link the clue to an incident or a series", field="body.incident_id")
    if body.incident_id is not None:
        incident_reads.load_incident(db_session, principal, body.incident_id, "read")
    if body.series_id is not None:
        series = db_session.get(Series, body.series_id)
        if series is None:
            raise NotFound("no such series")
        principal.check(
            "clue", "triage", jurisdictions.get_ref(db_session, series.jurisdiction_id).path
        )


def _check_triage(db_session: Session, principal: Principal, clue: Clue, body: ClueTriage) -> None:
    if body.status is ClueStatus.new:
        raise InvalidInput("triage to linked, useful, duplicate or rejected", field="body.status")
    if body.status is ClueStatus.linked:
        _link_target(db_session, principal, body)
    if body.status is ClueStatus.duplicate:
        other = db_session.get(Clue, body.duplicate_of_id) if body.duplicate_of_id else None
        if other is None or other.id == clue.id or other.jurisdiction_id != clue.jurisdiction_id:
            raise InvalidInput("name the clue this one duplicates", field="body.duplicate_of_id")
    if body.status is ClueStatus.rejected and not (body.reason or "").strip():
        raise InvalidInput("a rejection needs its reason", field="body.reason")


def triage(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    clue_id: int,
    body: ClueTriage,
) -> Clue:
    """Record the officer's outcome (once) and credit the submitter's points for it."""
    principal.require("clue", "triage")
    clue, station = _load(db_session, clue_id)
    principal.check("clue", "triage", station.path)
    if clue.status is not ClueStatus.new:
        raise Conflict(f"clue {clue_id} is already triaged ({clue.status.value})", field="status")
    _check_triage(db_session, principal, clue, body)
    clue.status = body.status
    clue.linked_incident_id = body.incident_id if body.status is ClueStatus.linked else None
    clue.linked_series_id = body.series_id if body.status is ClueStatus.linked else None
    clue.duplicate_of_id = body.duplicate_of_id if body.status is ClueStatus.duplicate else None
    clue.reason = (body.reason or "").strip() or None
    clue.property_returned = body.property_returned and body.status is ClueStatus.linked
    clue.triaged_by_id = principal.user_id
    clue.triaged_at = utcnow()
    db_session.flush()
    if clue.volunteer_id is not None:
        points.credit_clue(db_session, settings, clue, principal.user_id)
    audit.record(
        db_session,
        action=f"clue.triage.{body.status.value}",
        object_type="clue",
        object_id=clue.id,
        principal=principal,
        jurisdiction_id=clue.jurisdiction_id,
    )
    return clue


def clue_json(
    db_session: Session, clue: Clue, station_code: str, sight: privacy.Sight, *, own: bool
) -> dict[str, Any]:
    """A clue as its reader may see it. The submitter (``own``) sees their words and the
    outcome, not the case it joined nor the clue it duplicates."""
    return {
        "id": clue.id,
        "station_code": station_code,
        "text": privacy.redact(clue.text, sight),
        "place_text": privacy.redact(clue.place_text, sight),
        "lat": clue.lat,
        "lon": clue.lon,
        "occurred_at": clue.occurred_at,
        "photos": len(clue.photos or []),
        "extracted": dict(clue.extracted or {}),
        "incident_id": clue.incident_id,
        "series_id": clue.series_id,
        "status": clue.status,
        "outcome": OUTCOME[clue.status],
        "linked_incident_id": None if own else clue.linked_incident_id,
        "linked_series_id": None if own else clue.linked_series_id,
        "duplicate_of_id": None if own else clue.duplicate_of_id,
        "reason": clue.reason,
        "created_at": clue.created_at,
        "triaged_at": clue.triaged_at,
        "points": points.points_of_clue(db_session, clue.id),
        "simulated": clue.simulated,
    }


def _staff_sight(principal: Principal, path: str) -> privacy.Sight:
    return privacy.Sight(personal=principal.can("incident", "personal_data", path))


def _audit_read(
    db_session: Session, principal: Principal, clue: Clue, sight: privacy.Sight
) -> None:
    if sight.sees_any and (
        privacy.holds_personal(clue.text) or privacy.holds_personal(clue.place_text)
    ):
        audit.record(
            db_session,
            action="personal_data.read",
            object_type="clue",
            object_id=clue.id,
            principal=principal,
            jurisdiction_id=clue.jurisdiction_id,
        )


def get_clue(db_session: Session, principal: Principal, clue_id: int) -> dict[str, Any]:
    """One clue: staff of its station, or its own submitter (anyone else: 404)."""
    clue, station = _load(db_session, clue_id)
    if clue.submitted_by_id == principal.user_id and principal.matching_grants("clue", "own"):
        return clue_json(db_session, clue, station.code, privacy.EVERYTHING, own=True)
    principal.check("clue", "read", station.path)
    sight = _staff_sight(principal, station.path)
    _audit_read(db_session, principal, clue, sight)
    return clue_json(db_session, clue, station.code, sight, own=False)


def my_clues(db_session: Session, principal: Principal, limit: int = 100) -> list[dict[str, Any]]:
    """The caller's own clues with their outcomes, newest first."""
    principal.require("clue", "own")
    rows = db_session.execute(
        select(Clue, Jurisdiction.code)
        .join(Jurisdiction, Jurisdiction.id == Clue.jurisdiction_id)
        .where(Clue.submitted_by_id == principal.user_id)
        .order_by(Clue.created_at.desc(), Clue.id.desc())
        .limit(limit)
    ).all()
    return [clue_json(db_session, c, code, privacy.EVERYTHING, own=True) for c, code in rows]


def list_clues(
    db_session: Session,
    principal: Principal,
    *,
    status: ClueStatus | None = None,
    team_id: int | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """The clues of the caller's stations (by status, by the submitter's team), newest
    first, masked as the caller may see them."""
    principal.require("clue", "read")
    query = (
        select(Clue, Jurisdiction)
        .join(Jurisdiction, Jurisdiction.id == Clue.jurisdiction_id)
        .where(principal.visible_clause("clue", "read", Jurisdiction.path))
        .order_by(Clue.created_at.desc(), Clue.id.desc())
        .limit(limit)
    )
    if status is not None:
        query = query.where(Clue.status == status)
    if team_id is not None:
        query = query.join(Volunteer, Volunteer.id == Clue.volunteer_id).where(
            Volunteer.team_id == team_id
        )
    out = []
    for clue, station in db_session.execute(query).all():
        sight = _staff_sight(principal, station.path)
        _audit_read(db_session, principal, clue, sight)
        out.append(clue_json(db_session, clue, station.code, sight, own=False))
    return out


def photo_path(
    db_session: Session, settings: Settings, principal: Principal, clue_id: int, index: int
) -> tuple[str, str]:
    """The file of the clue's photo ``index`` (readers of the clue only) and its extension."""
    get_clue(db_session, principal, clue_id)
    clue, _station = _load(db_session, clue_id)
    photos = clue.photos or []
    if not 0 <= index < len(photos):
        raise NotFound("no such photo")
    item = photos[index]
    path = settings.data_dir / "clue-photos" / item["token"] / f"photo.{item['ext']}"
    return str(path), item["ext"]
