"""Incident use cases: intake from every channel, lifecycle, notes, merge/split, reads.

Every channel ends in :func:`intake`: the text is checked, extracted
(:func:`pingan.algo.text.extract_report`), placed (a given point, else the point the
gazetteer finds for the place text), assigned to the jurisdiction whose boundary holds
the point (else the caller's), and stored as an :class:`Incident` with one
:class:`IncidentReport` and its stolen items. Functions ``flush()``; the request or
the CLI command commits once.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import bindparam, exists, func, or_, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.elements import ColumnElement

from pingan.algo.dedup import ReportPoint, find_duplicates
from pingan.algo.text import Extraction, GeoHit, extract_report
from pingan.audit import service as audit
from pingan.auth.principal import Principal
from pingan.config import Settings
from pingan.db import utcnow
from pingan.errors import Conflict, Forbidden, InvalidInput, NotFound, PinganError
from pingan.incidents import intake, privacy
from pingan.incidents.models import (
    Channel,
    ChatMessage,
    IdempotencyRecord,
    Incident,
    IncidentNote,
    IncidentReport,
    Status,
    StolenItem,
)
from pingan.incidents.schemas import (
    MAX_CHAT_CHARS,
    MAX_DESCRIPTION_CHARS,
    MAX_PUBLIC_NOTE_CHARS,
    IncidentRead,
    ItemIn,
    NoteRead,
    ReportCreate,
    ReportRead,
)
from pingan.jurisdictions import service as jurisdictions
from pingan.jurisdictions.models import Jurisdiction

Geocoder = Callable[[str], GeoHit | None]


class _Hit(Protocol):
    lat: float
    lon: float
    confidence: float


#: Allowed status changes. Confirming a draft makes it a real incident.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.received: frozenset({Status.confirmed, Status.rejected, Status.duplicate}),
    Status.confirmed: frozenset(
        {Status.dispatched, Status.resolved, Status.rejected, Status.duplicate}
    ),
    Status.dispatched: frozenset({Status.on_scene, Status.resolved, Status.confirmed}),
    Status.on_scene: frozenset({Status.resolved}),
    Status.resolved: frozenset({Status.closed, Status.on_scene}),
    Status.closed: frozenset(),
    Status.rejected: frozenset(),
    Status.duplicate: frozenset(),
}
CLOSED_STATUSES = frozenset({Status.resolved, Status.closed, Status.rejected, Status.duplicate})

#: Chat reports of one type in one jurisdiction join the same draft when
#: :func:`pingan.algo.dedup.find_duplicates` groups them: within this time and distance,
#: with similar words.
DEDUP_WINDOW = timedelta(hours=6)
DEDUP_RADIUS_M = 300.0


# --------------------------------------------------------------------------- helpers


def check_text(text: str | None, *, limit: int, field: str) -> str:
    """Refuse empty, over-long and word-less (emoji-only) text; return it stripped."""
    if text is None or not text.strip():
        raise InvalidInput("the text is empty", field=field)
    text = text.strip()
    if len(text) > limit:
        raise InvalidInput(
            f"the text has {len(text)} characters; at most {limit} are accepted", field=field
        )
    if not has_words(text):
        raise InvalidInput(
            "the text has no words (only emoji, symbols or punctuation)", field=field
        )
    if "\ufffd" in text:
        raise InvalidInput("the text is not valid UTF-8", field=field)
    return text


def _token() -> str:
    return secrets.token_urlsafe(16)


def _touch(incident: Incident) -> None:
    incident.updated_at = utcnow()


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


# --------------------------------------------------------------------------- intake


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
#: The largest amount the ``amount_yuan`` column holds (a 32-bit integer on PostgreSQL).
MAX_AMOUNT_YUAN = 2_147_483_647


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
    if geocode is None and not explicit_point:
        geocode = city_geocoder(db_session, settings, fallback_jurisdiction_id)
    extraction = extract_report(
        data.text,
        data.received_at,
        tz=settings.time_zone,
        geocode=None if explicit_point else geocode,
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


def _report_values(placed: Placed) -> dict[str, Any]:
    """Column values of the :class:`IncidentReport` row of a prepared report."""
    data, extraction = placed.data, placed.extraction
    return {
        "channel": data.channel,
        "received_at": data.received_at,
        "text": data.text,
        "type": data.type or extraction.type,
        "occurred_start": data.occurred_start
        or (extraction.time.start if extraction.time else None),
        "occurred_end": data.occurred_end or (extraction.time.end if extraction.time else None),
        "place_text": data.place_text or extraction.place,
        "lat": placed.lat,
        "lon": placed.lon,
        "reporter_name": data.reporter_name,
        "reporter_phone": data.reporter_phone
        or (extraction.phones[0] if extraction.phones else None),
        "reporter_user_id": data.reporter_user_id,
        "extraction": json.dumps(extraction.to_json(), ensure_ascii=False),
        "source_ref": data.source_ref,
    }


def _item_values(placed: Placed) -> list[dict[str, Any]]:
    """Column values of the :class:`StolenItem` rows: as given, else as extracted."""
    if placed.data.items is not None:
        return [item.model_dump() for item in placed.data.items]
    return [
        {
            "kind": i.kind,
            "brand": i.brand,
            "colour": i.colour,
            "plate": i.plate,
            "frame_number": None,
            "count": i.count,
            "value_yuan": None,
        }
        for i in placed.extraction.items
    ]


def _incident_values(placed: Placed, *, is_draft: bool) -> dict[str, Any]:
    """Column values of the new :class:`Incident` of a prepared report (no timestamps)."""
    data, extraction = placed.data, placed.extraction
    incident_type = data.type or extraction.type
    fraud_type = data.fraud_type or (extraction.fraud_type if incident_type == "fraud" else None)
    values: dict[str, Any] = {
        "jurisdiction_id": placed.jurisdiction.id,
        "type": incident_type,
        "fraud_type": fraud_type,
        "status": Status.received,
        "is_draft": is_draft,
        "simulated": data.simulated,
        "priority": 3,
        "occurred_start": data.occurred_start
        or (extraction.time.start if extraction.time else None),
        "occurred_end": data.occurred_end or (extraction.time.end if extraction.time else None),
        "received_at": data.received_at,
        "place_text": data.place_text or extraction.place,
        "lat": placed.lat,
        "lon": placed.lon,
        "geocode_confidence": placed.geocode_confidence,
        "city": placed.city,
        "description": data.text,
        "channel": data.channel,
        "reporter_name": data.reporter_name,
        "reporter_phone": data.reporter_phone
        or (extraction.phones[0] if extraction.phones else None),
        "reporter_user_id": data.reporter_user_id,
        "open311_key_id": data.open311_key_id,
        "amount_yuan": extraction.amount_yuan
        if extraction.amount_yuan is not None and extraction.amount_yuan <= MAX_AMOUNT_YUAN
        else None,
        "property_returned": False,
        "duplicate_of_id": None,
        "public_token": _token(),
    }
    start, end = values["occurred_start"], values["occurred_end"]
    if start is not None and end is not None and start > end:
        raise InvalidInput("occurred_start is after occurred_end", field="occurred_start")
    return values


def _store_report(
    db_session: Session, incident: Incident, placed: Placed, *, with_items: bool = True
) -> IncidentReport:
    report = IncidentReport(incident_id=incident.id, **_report_values(placed))
    db_session.add(report)
    db_session.flush()
    if with_items:
        for values in _item_values(placed):
            db_session.add(StolenItem(incident_id=incident.id, report_id=report.id, **values))
    return report


def store(
    db_session: Session,
    placed: Placed,
    *,
    principal: Principal | None,
    actor: str | None = None,
    is_draft: bool = False,
) -> tuple[Incident, IncidentReport]:
    """Write a prepared report as a new incident (with its report, items and audit row)."""
    incident = Incident(**_incident_values(placed, is_draft=is_draft), updated_at=utcnow())
    db_session.add(incident)
    db_session.flush()
    report = _store_report(db_session, incident, placed)
    audit.record(
        db_session,
        action="incident.create",
        object_type="incident",
        object_id=incident.id,
        principal=principal,
        actor=actor,
        jurisdiction_id=incident.jurisdiction_id,
    )
    return incident, report


def pending_report(
    placed: Placed,
    *,
    principal: Principal | None,
    actor: str | None = None,
    claim: intake.IdempotencyClaim | None = None,
) -> intake.PendingReport:
    """A prepared report as the rows :func:`pingan.incidents.intake.write_reports` writes."""
    incident = _incident_values(placed, is_draft=False)
    return intake.PendingReport(
        incident=incident,
        report=_report_values(placed),
        items=tuple(_item_values(placed)),
        audit=audit.AuditEntry.of(
            action="incident.create",
            object_type="incident",
            principal=principal,
            actor=actor,
            jurisdiction_id=incident["jurisdiction_id"],
        ),
        jurisdiction_code=placed.jurisdiction.code,
        claim=claim,
    )


def write_pending(db_session: Session, pending: intake.PendingReport) -> intake.Written:
    """Store one pending report: through the group-commit writer when the session is a
    SQLite snapshot (:func:`pingan.incidents.intake.use_snapshot`), else in the session's
    transaction (a concurrent twin key on PostgreSQL is re-checked after its winner)."""
    writer = intake.group_commit_writer(db_session)
    if writer is not None:
        # end the read snapshot first: its pooled connection must not sit idle while the
        # request waits (the pool would run dry under load and starve the writer)
        db_session.rollback()
        return writer.submit(pending)
    db_session.flush()
    for attempt in (1, 2):
        try:
            with db_session.begin_nested():
                outcome = intake.write_reports(db_session.connection(), [pending])[0]
            break
        except IntegrityError:
            # a concurrent request with this key committed first; the check now sees it
            if attempt == 2 or pending.claim is None:
                raise
    if isinstance(outcome, PinganError):
        raise outcome
    return outcome


def _body_sha256(body: ReportCreate) -> str:
    canonical = json.dumps(
        body.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CreateResult:
    body: dict[str, Any]
    replayed: bool
    incident_id: int


def create_report(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    body: ReportCreate,
    *,
    idempotency_key: str | None,
    geocode: Geocoder | None = None,
    simulated: bool = False,
) -> CreateResult:
    """File a citizen's report; idempotent per (caller, ``Idempotency-Key``).

    The same key with the same body returns the first result; with another body it
    raises :class:`InvalidInput`. The request only reads; the write goes through
    :func:`write_pending` (group commit on SQLite, see :mod:`pingan.incidents.intake`),
    which checks the key again under the write lock, so two concurrent requests with
    one key store one incident. ``simulated`` marks a demo record (never set by a client).
    """
    principal.require("report", "create")
    caller = f"user:{principal.user_id}"
    digest = _body_sha256(body)
    claim: intake.IdempotencyClaim | None = None
    if idempotency_key is not None:
        if not idempotency_key.strip() or len(idempotency_key) > 200:
            raise InvalidInput(
                "Idempotency-Key must have 1 to 200 characters", field="Idempotency-Key"
            )
        previous = _idempotent_answer(db_session, caller, idempotency_key, digest)
        if previous is not None:
            return previous
        claim = intake.IdempotencyClaim(caller, idempotency_key, digest)
    data = ReportInput(
        text=body.description,
        channel=Channel.api,
        received_at=utcnow(),
        type=body.type,
        fraud_type=body.fraud_type,
        lat=body.lat,
        lon=body.lon,
        place_text=body.place_text,
        occurred_start=body.occurred_start,
        occurred_end=body.occurred_end,
        reporter_name=body.reporter_name,
        reporter_phone=body.reporter_phone,
        reporter_user_id=principal.user_id,
        items=body.items,
        simulated=simulated,
    )
    fallback = default_jurisdiction(principal, "report", "create")
    placed = prepare(db_session, settings, data, fallback, geocode=geocode)
    written = write_pending(db_session, pending_report(placed, principal=principal, claim=claim))
    return CreateResult(written.answer, written.replayed, written.incident_id)


_FIND_KEY = select(
    IdempotencyRecord.body_sha256, IdempotencyRecord.incident_id, IdempotencyRecord.response
).where(IdempotencyRecord.caller == bindparam("caller"), IdempotencyRecord.key == bindparam("key"))


def _idempotent_answer(
    db_session: Session, caller: str, key: str, digest: str
) -> CreateResult | None:
    row = db_session.connection().execute(_FIND_KEY, {"caller": caller, "key": key}).first()
    if row is None:
        return None
    if row.body_sha256 != digest:
        raise InvalidInput(
            "this Idempotency-Key was already used with a different body",
            field="Idempotency-Key",
        )
    return CreateResult(json.loads(row.response), True, row.incident_id or 0)


# --------------------------------------------------------------------------- reading


def incident_json(
    db_session: Session,
    incident: Incident,
    *,
    sight: privacy.Sight,
    show_token: bool = False,
    report_count: int | None = None,
) -> dict[str, Any]:
    """The :class:`IncidentRead` body of an incident as a reader with ``sight`` may see it
    (personal data and plates through :func:`pingan.incidents.privacy.redact`)."""
    node = db_session.get(Jurisdiction, incident.jurisdiction_id)
    if report_count is None:
        report_count = (
            db_session.scalar(
                select(func.count(IncidentReport.id)).where(
                    IncidentReport.incident_id == incident.id
                )
            )
            or 0
        )
    redact, field = privacy.redact, privacy.Field
    read = IncidentRead(
        id=incident.id,
        type=incident.type,
        fraud_type=incident.fraud_type,
        status=incident.status,
        is_draft=incident.is_draft,
        priority=incident.priority,
        occurred_start=incident.occurred_start,
        occurred_end=incident.occurred_end,
        received_at=incident.received_at,
        place_text=redact(incident.place_text, sight),
        lat=incident.lat,
        lon=incident.lon,
        geocode_confidence=incident.geocode_confidence,
        description=redact(incident.description, sight) or "",
        channel=incident.channel,
        simulated=incident.simulated,
        reporter_name=redact(incident.reporter_name, sight, field.name),
        reporter_phone=redact(incident.reporter_phone, sight, field.phone),
        items=[
            {
                "kind": i.kind,
                "brand": i.brand,
                "colour": i.colour,
                "plate": redact(i.plate, sight, field.plate),
                "frame_number": i.frame_number,
                "count": i.count,
                "value_yuan": i.value_yuan,
            }
            for i in incident.items
        ],
        amount_yuan=incident.amount_yuan,
        property_returned=incident.property_returned,
        duplicate_of_id=incident.duplicate_of_id,
        report_count=report_count,
        jurisdiction_code=node.code if node else "",
        city=incident.city,
        public_token=incident.public_token if show_token else None,
        public_note=redact(incident.public_note, sight),
        updated_at=incident.updated_at,
    )
    return read.model_dump(mode="json")


def _holds_personal(incident: Incident) -> bool:
    """Whether any field of the incident holds personal data (or a plate)."""
    field = privacy.Field
    return (
        privacy.holds_personal(incident.reporter_name, field.name)
        or privacy.holds_personal(incident.reporter_phone, field.phone)
        or privacy.holds_personal(incident.description)
        or privacy.holds_personal(incident.place_text)
        or privacy.holds_personal(incident.public_note)
        or any(privacy.holds_personal(i.plate, field.plate) for i in incident.items)
    )


def _audit_personal_read(db_session: Session, principal: Principal, incident: Incident) -> None:
    """Record that ``principal`` (not the reporter) read the incident's personal data
    unmasked (callers check ``sight.sees_any`` and that there was personal data to see)."""
    audit.record(
        db_session,
        action="personal_data.read",
        object_type="incident",
        object_id=incident.id,
        principal=principal,
        jurisdiction_id=incident.jurisdiction_id,
    )


def _is_own(principal: Principal, incident: Incident) -> bool:
    return incident.reporter_user_id is not None and incident.reporter_user_id == principal.user_id


def _read_for(
    db_session: Session,
    principal: Principal,
    incident: Incident,
    path: str,
    report_count: int | None = None,
) -> dict[str, Any]:
    """An incident as ``principal`` may see it; unmasked personal data is audited."""
    own = _is_own(principal, incident)
    sight = privacy.sight_of(principal, path, own=own)
    body = incident_json(
        db_session, incident, sight=sight, show_token=own, report_count=report_count
    )
    if not own and sight.sees_any and _holds_personal(incident):
        _audit_personal_read(db_session, principal, incident)
    return body


def _load(db_session: Session, incident_id: int) -> tuple[Incident, str]:
    row = db_session.execute(
        select(Incident, Jurisdiction.path)
        .join(Jurisdiction, Jurisdiction.id == Incident.jurisdiction_id)
        .where(Incident.id == incident_id)
    ).first()
    if row is None:
        raise NotFound("no such incident")
    return row[0], row[1]


def _load_checked(
    db_session: Session, principal: Principal, incident_id: int, action: str
) -> Incident:
    incident, path = _load(db_session, incident_id)
    principal.check("incident", action, path)
    return incident


def get_incident(db_session: Session, principal: Principal, incident_id: int) -> dict[str, Any]:
    principal.require("incident", "read")
    incident, path = _load(db_session, incident_id)
    principal.check("incident", "read", path)
    return _read_for(db_session, principal, incident, path)


def report_status(db_session: Session, public_token: str) -> dict[str, Any]:
    """The citizen status page for a report's public token (no personal data)."""
    incident = db_session.scalar(select(Incident).where(Incident.public_token == public_token))
    if incident is None:
        raise NotFound("no report with this token")
    history = [
        {"status": n.to_status, "at": n.at.isoformat()}
        for n in incident.notes
        if n.kind == "status"
    ]
    return {
        "public_token": incident.public_token,
        "type": incident.type,
        "status": incident.status.value,
        "received_at": incident.received_at,
        "updated_at": incident.updated_at,
        "history": history,
        "public_note": privacy.redact(incident.public_note, privacy.NOBODY),
    }


def _parse_since(since: str | None) -> datetime | None:
    if since is None or since == "":
        return None
    try:
        value = datetime.fromisoformat(since)
    except ValueError:
        raise InvalidInput("since must be an ISO 8601 time with offset", field="since") from None
    if value.tzinfo is None:
        raise InvalidInput("since needs a UTC offset (e.g. +08:00)", field="since")
    return value


def list_incidents(
    db_session: Session,
    principal: Principal,
    *,
    status: Sequence[Status] = (),
    incident_type: str | None = None,
    since: str | None = None,
    jurisdiction_code: str | None = None,
    is_draft: bool | None = None,
    offset: int = 0,
    limit: int = 50,
) -> dict[str, Any]:
    """A page of the incidents the caller may read, newest first."""
    principal.require("incident", "read")
    query = (
        select(Incident, Jurisdiction.path)
        .join(Jurisdiction, Jurisdiction.id == Incident.jurisdiction_id)
        .where(principal.visible_clause("incident", "read", Jurisdiction.path))
    )
    if jurisdiction_code:
        node = db_session.scalar(select(Jurisdiction).where(Jurisdiction.code == jurisdiction_code))
        if node is None or not any(
            node.path.startswith(g.jurisdiction_path) or g.jurisdiction_path.startswith(node.path)
            for g, _ in principal.matching_grants("incident", "read")
        ):
            raise NotFound("no such jurisdiction", field="jurisdiction")
        query = query.where(Jurisdiction.path.startswith(node.path, autoescape=True))
    if status:
        query = query.where(Incident.status.in_(list(status)))
    if incident_type:
        query = query.where(type_clause(incident_type))
    since_at = _parse_since(since)
    if since_at is not None:
        query = query.where(Incident.received_at >= since_at)
    if is_draft is not None:
        query = query.where(Incident.is_draft == is_draft)
    total = db_session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db_session.execute(
        query.options(selectinload(Incident.items))
        .order_by(Incident.received_at.desc(), Incident.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    counts = _report_counts(db_session, [r[0].id for r in rows])
    items = [
        _read_for(db_session, principal, inc, path, counts.get(inc.id, 0)) for inc, path in rows
    ]
    return {"items": items, "total": total, "offset": offset, "limit": limit}


def type_clause(incident_type: str) -> ColumnElement[bool]:
    """Incidents of ``incident_type`` or one of its subtypes (``theft`` takes ``theft.ebike``).

    The type is matched as written: ``%`` and ``_`` in it are plain characters, not LIKE
    wildcards (the prefix is escaped).
    """
    return or_(
        Incident.type == incident_type,
        Incident.type.startswith(incident_type + ".", autoescape=True),
    )


def _report_counts(db_session: Session, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = db_session.execute(
        select(IncidentReport.incident_id, func.count(IncidentReport.id))
        .where(IncidentReport.incident_id.in_(ids))
        .group_by(IncidentReport.incident_id)
    )
    return {int(incident_id): int(n) for incident_id, n in rows.all()}


def list_own_reports(db_session: Session, principal: Principal) -> list[dict[str, Any]]:
    """The caller's own reports (scope ``own``): a citizen sees only what they filed."""
    principal.require("report", "read")
    rows = db_session.execute(
        select(Incident, Jurisdiction.path)
        .join(Jurisdiction, Jurisdiction.id == Incident.jurisdiction_id)
        .where(
            principal.visible_clause(
                "report", "read", Jurisdiction.path, owner_column=Incident.reporter_user_id
            )
        )
        .order_by(Incident.received_at.desc(), Incident.id.desc())
        .limit(200)
    ).all()
    return [_read_for(db_session, principal, inc, path) for inc, path in rows]


def list_reports_of(
    db_session: Session, principal: Principal, incident_id: int
) -> list[dict[str, Any]]:
    """The :class:`ReportRead` bodies of an incident's reports; personal data in their text
    is masked unless the caller may see it (then the read is audited)."""
    incident, path = _load(db_session, incident_id)
    principal.check("incident", "read", path)
    own = _is_own(principal, incident)
    sight = privacy.sight_of(principal, path, own=own)
    reports = list(
        db_session.scalars(
            select(IncidentReport)
            .where(IncidentReport.incident_id == incident_id)
            .order_by(IncidentReport.id)
        )
    )
    bodies = [
        ReportRead(
            id=r.id,
            incident_id=r.incident_id,
            channel=r.channel,
            received_at=r.received_at,
            text=privacy.redact(r.text, sight) or "",
            type=r.type,
            place_text=privacy.redact(r.place_text, sight),
            source_ref=r.source_ref,
        ).model_dump(mode="json")
        for r in reports
    ]
    if (
        not own
        and sight.sees_any
        and any(
            privacy.holds_personal(r.text) or privacy.holds_personal(r.place_text) for r in reports
        )
    ):
        _audit_personal_read(db_session, principal, incident)
    return bodies


def encode_cursor(at: datetime, incident_id: int) -> str:
    return f"{int(at.timestamp() * 1_000_000)}-{incident_id}"


def decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    if not cursor:
        return None
    from datetime import UTC

    try:
        micros, incident_id = cursor.split("-", 1)
        at, last_id = datetime.fromtimestamp(int(micros) / 1_000_000, UTC), int(incident_id)
    except (ValueError, OverflowError, OSError):
        raise InvalidInput("cursor is malformed", field="cursor") from None
    if not 0 <= last_id < 2**63:
        raise InvalidInput("cursor is malformed", field="cursor")
    return at, last_id


def changes_since(
    db_session: Session, principal: Principal, cursor: str | None, *, limit: int = 200
) -> tuple[list[dict[str, Any]], str]:
    """Incidents the caller may read that changed after ``cursor``, oldest change first.

    The cursor is (updated_at, id) of the last change seen, so any number of workers
    can serve the same stream from the database alone. Without a cursor, the stream
    starts now (an empty list and the current cursor).
    """
    principal.require("incident", "read")
    visible = principal.visible_clause("incident", "read", Jurisdiction.path)
    after = decode_cursor(cursor)
    if after is None:
        # the caller's own latest change: the cursor must not carry another station's
        last = db_session.execute(
            select(Incident.updated_at, Incident.id)
            .join(Jurisdiction, Jurisdiction.id == Incident.jurisdiction_id)
            .where(visible)
            .order_by(Incident.updated_at.desc(), Incident.id.desc())
            .limit(1)
        ).first()
        return [], encode_cursor(last[0], last[1]) if last else encode_cursor(utcnow(), 0)
    at, last_id = after
    rows = db_session.execute(
        select(Incident, Jurisdiction.path)
        .join(Jurisdiction, Jurisdiction.id == Incident.jurisdiction_id)
        .where(visible)
        .where(tuple_(Incident.updated_at, Incident.id) > tuple_(at, last_id))
        .order_by(Incident.updated_at, Incident.id)
        .limit(limit)
    ).all()
    if not rows:
        return [], cursor or ""
    items = [_read_for(db_session, principal, inc, path) for inc, path in rows]
    last_incident = rows[-1][0]
    return items, encode_cursor(last_incident.updated_at, last_incident.id)


# --------------------------------------------------------------------------- lifecycle


def _note(
    db_session: Session,
    incident: Incident,
    principal: Principal,
    *,
    kind: str,
    text: str = "",
    from_status: Status | None = None,
    to_status: Status | None = None,
) -> IncidentNote:
    note = IncidentNote(
        incident_id=incident.id,
        kind=kind,
        text=text,
        from_status=from_status.value if from_status else None,
        to_status=to_status.value if to_status else None,
        author_id=principal.user_id,
        author=principal.username,
        at=utcnow(),
    )
    db_session.add(note)
    return note


def transition(
    db_session: Session,
    principal: Principal,
    incident_id: int,
    status: Status,
    note: str = "",
    *,
    public_note: str | None = None,
) -> Incident:
    """Move an incident along its lifecycle; an invalid step raises :class:`Conflict`.

    ``note`` is internal; ``public_note``, when given, becomes the incident's public status
    note (:func:`set_public_note`).
    """
    principal.require("incident", "write")
    incident = _load_checked(db_session, principal, incident_id, "write")
    if public_note is not None:
        _store_public_note(db_session, incident, principal, public_note)
    current = incident.status
    if status not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[current])) or "none"
        raise Conflict(
            f"an incident that is {current.value} cannot become {status.value} "
            f"(allowed: {allowed})",
            field="status",
        )
    incident.status = status
    if status is Status.confirmed:
        incident.is_draft = False
    _note(
        db_session,
        incident,
        principal,
        kind="status",
        text=note,
        from_status=current,
        to_status=status,
    )
    _touch(incident)
    db_session.flush()
    audit.record(
        db_session,
        action=f"incident.{status.value}",
        object_type="incident",
        object_id=incident.id,
        principal=principal,
        jurisdiction_id=incident.jurisdiction_id,
    )
    return incident


def _store_public_note(
    db_session: Session, incident: Incident, principal: Principal, text: str
) -> None:
    text = text.strip()
    if text:
        text = check_text(text, limit=MAX_PUBLIC_NOTE_CHARS, field="public_note")
    incident.public_note = text or None
    _note(db_session, incident, principal, kind="public", text=text)


def set_public_note(
    db_session: Session, principal: Principal, incident_id: int, text: str
) -> Incident:
    """Set (or clear, with an empty text) the status note the public sees (Open311
    ``status_notes``). It is written on purpose: internal notes are never shown."""
    principal.require("incident", "write")
    incident = _load_checked(db_session, principal, incident_id, "write")
    _store_public_note(db_session, incident, principal, text)
    _touch(incident)
    db_session.flush()
    audit.record(
        db_session,
        action="incident.public_note",
        object_type="incident",
        object_id=incident.id,
        principal=principal,
        jurisdiction_id=incident.jurisdiction_id,
    )
    return incident


def add_note(
    db_session: Session, principal: Principal, incident_id: int, text: str
) -> IncidentNote:
    principal.require("incident", "write")
    incident = _load_checked(db_session, principal, incident_id, "write")
    note = _note(
        db_session,
        incident,
        principal,
        kind="note",
        text=check_text(text, limit=4_000, field="text"),
    )
    _touch(incident)
    db_session.flush()
    audit.record(
        db_session,
        action="incident.note",
        object_type="incident",
        object_id=incident.id,
        principal=principal,
        jurisdiction_id=incident.jurisdiction_id,
    )
    return note


def list_notes(db_session: Session, principal: Principal, incident_id: int) -> list[dict[str, Any]]:
    """The :class:`NoteRead` bodies of an incident's notes; personal data in their text is
    masked unless the caller may see it (then the read is audited)."""
    principal.require("incident", "read")
    incident, path = _load(db_session, incident_id)
    principal.check("incident", "read", path)
    sight = privacy.sight_of(principal, path)
    notes = list(incident.notes)
    bodies = [note_json(n, sight) for n in notes]
    if sight.sees_any and any(privacy.holds_personal(n.text) for n in notes):
        _audit_personal_read(db_session, principal, incident)
    return bodies


def note_json(note: IncidentNote, sight: privacy.Sight) -> dict[str, Any]:
    """The :class:`NoteRead` body of a note as a reader with ``sight`` may see it."""
    return NoteRead(
        id=note.id,
        kind=note.kind,
        from_status=note.from_status,
        to_status=note.to_status,
        text=privacy.redact(note.text, sight) or "",
        author=note.author,
        at=note.at,
    ).model_dump(mode="json")


def _reassign(
    db_session: Session,
    models: tuple[type[Any], ...],
    column: str,
    value: int,
    incident_id: int,
) -> None:
    """Point the rows of ``models`` whose ``column`` equals ``value`` at ``incident_id``
    (merge moves whole incidents' rows, split moves one report's)."""
    for model in models:
        db_session.execute(
            model.__table__.update()
            .where(model.__table__.c[column] == value)
            .values(incident_id=incident_id)
        )


def merge(
    db_session: Session,
    principal: Principal,
    incident_id: int,
    other_ids: Sequence[int],
    note: str = "",
) -> Incident:
    """Fold other incidents into one: their reports and items move, they become duplicates."""
    principal.require("incident", "write")
    target = _load_checked(db_session, principal, incident_id, "write")
    if target.status is Status.duplicate:
        raise Conflict("a duplicate cannot take in other incidents", field="incident_id")
    others = []
    for other_id in dict.fromkeys(other_ids):
        if other_id == incident_id:
            raise InvalidInput("an incident cannot be merged into itself", field="other_ids")
        other = _load_checked(db_session, principal, other_id, "write")
        if other.status is Status.duplicate:
            raise Conflict(f"incident {other_id} is already a duplicate", field="other_ids")
        others.append(other)
    for other in others:
        _reassign(
            db_session,
            (IncidentReport, StolenItem, ChatMessage),
            "incident_id",
            other.id,
            target.id,
        )
        if target.lat is None and other.lat is not None:
            target.lat, target.lon = other.lat, other.lon
            target.geocode_confidence = other.geocode_confidence
        if target.place_text is None:
            target.place_text = other.place_text
        _widen_interval(target, other.occurred_start, other.occurred_end)
        previous = other.status
        other.status = Status.duplicate
        other.duplicate_of_id = target.id
        _note(
            db_session,
            other,
            principal,
            kind="merge",
            text=f"merged into {target.id}. {note}",
            from_status=previous,
            to_status=Status.duplicate,
        )
        _touch(other)
    _note(
        db_session,
        target,
        principal,
        kind="merge",
        text=f"took in {', '.join(str(o.id) for o in others)}. {note}".strip(),
    )
    _touch(target)
    db_session.flush()
    db_session.expire(target, ["reports", "items"])
    audit.record(
        db_session,
        action="incident.merge",
        object_type="incident",
        object_id=target.id,
        principal=principal,
        jurisdiction_id=target.jurisdiction_id,
    )
    return target


def _widen_interval(incident: Incident, start: datetime | None, end: datetime | None) -> None:
    """Keep the interval that all reports agree on when they overlap, else the union."""
    if start is None or end is None:
        return
    if incident.occurred_start is None or incident.occurred_end is None:
        incident.occurred_start, incident.occurred_end = start, end
        return
    low, high = max(incident.occurred_start, start), min(incident.occurred_end, end)
    if low <= high:
        incident.occurred_start, incident.occurred_end = low, high
    else:
        incident.occurred_start = min(incident.occurred_start, start)
        incident.occurred_end = max(incident.occurred_end, end)


def split(
    db_session: Session,
    principal: Principal,
    incident_id: int,
    report_ids: Sequence[int],
    note: str = "",
) -> Incident:
    """Move some reports (and their items) of an incident to a new incident."""
    principal.require("incident", "write")
    source = _load_checked(db_session, principal, incident_id, "write")
    wanted = list(dict.fromkeys(report_ids))
    reports = list(
        db_session.scalars(
            select(IncidentReport)
            .where(IncidentReport.incident_id == source.id)
            .order_by(IncidentReport.id)
        )
    )
    mine = {r.id: r for r in reports}
    missing = [rid for rid in wanted if rid not in mine]
    if missing:
        raise InvalidInput(
            f"report(s) {', '.join(map(str, missing))} do not belong to incident {incident_id}",
            field="report_ids",
        )
    if len(wanted) == len(reports):
        raise Conflict("a split must leave at least one report behind", field="report_ids")
    moving = [mine[rid] for rid in wanted]
    first = moving[0]
    new = Incident(
        jurisdiction_id=source.jurisdiction_id,
        type=first.type,
        fraud_type=source.fraud_type if first.type == "fraud" else None,
        status=Status.received,
        is_draft=source.is_draft,
        simulated=source.simulated,
        occurred_start=first.occurred_start,
        occurred_end=first.occurred_end,
        received_at=first.received_at,
        place_text=first.place_text,
        lat=first.lat,
        lon=first.lon,
        geocode_confidence=1.0 if first.lat is not None else 0.0,
        city=source.city,
        description=first.text,
        channel=first.channel,
        reporter_name=first.reporter_name,
        reporter_phone=first.reporter_phone,
        reporter_user_id=first.reporter_user_id,
        public_token=_token(),
        updated_at=utcnow(),
    )
    db_session.add(new)
    db_session.flush()
    for report in moving:
        report.incident_id = new.id
        _reassign(db_session, (StolenItem, ChatMessage), "report_id", report.id, new.id)
    _note(
        db_session,
        source,
        principal,
        kind="split",
        text=f"reports {', '.join(map(str, wanted))} moved to {new.id}. {note}".strip(),
    )
    _note(db_session, new, principal, kind="split", text=f"split from {source.id}. {note}".strip())
    _touch(source)
    db_session.flush()
    db_session.expire(source, ["reports", "items"])
    audit.record(
        db_session,
        action="incident.split",
        object_type="incident",
        object_id=new.id,
        principal=principal,
        jurisdiction_id=new.jurisdiction_id,
    )
    return new


# --------------------------------------------------------------------------- chat


@dataclass(frozen=True)
class ChatOutcome:
    message: ChatMessage
    incident: Incident | None
    joined_existing: bool
    extraction: Extraction


def _dedup_candidates(db_session: Session, placed: Placed, incident_type: str) -> list[Incident]:
    at = placed.data.received_at
    return list(
        db_session.scalars(
            select(Incident)
            .where(
                Incident.is_draft.is_(True),
                Incident.status == Status.received,
                Incident.channel == Channel.chat,
                Incident.jurisdiction_id == placed.jurisdiction.id,
                Incident.type == incident_type,
                Incident.received_at >= at - DEDUP_WINDOW,
                Incident.received_at <= at + DEDUP_WINDOW,
            )
            .order_by(Incident.received_at.desc())
            .limit(50)
        )
    )


#: A chat message that names no time tells of something shortly before it was sent.
RECENT = timedelta(minutes=30)


def _dedup_point(
    key: str,
    incident_type: str,
    text: str,
    start: datetime | None,
    end: datetime | None,
    sent_at: datetime,
    lat: float | None,
    lon: float | None,
    place: str | None,
    places: dict[str, int],
    origin: tuple[float, float] | None,
) -> ReportPoint:
    """A report as :func:`pingan.algo.dedup.find_duplicates` sees it.

    Points are projected to metres around ``origin``; a report with place words but no
    point gets a spot of its own per distinct place text, 1,000 km from the real points
    and from each other, so that the same words count as the same place and different
    words as different places.
    """
    x_m = y_m = None
    if lat is not None and lon is not None and origin is not None:
        from math import cos, radians

        y_m = (lat - origin[0]) * 111_320.0
        x_m = (lon - origin[1]) * 111_320.0 * cos(radians(origin[0]))
    elif place:
        index = places.setdefault(place, len(places) + 1)
        x_m, y_m = 1e6 * index, 1e6
    if start is None or end is None:
        start, end = sent_at - RECENT, sent_at
    return ReportPoint(key, incident_type, text, start, end, x_m=x_m, y_m=y_m)


def _find_draft(db_session: Session, placed: Placed, incident_type: str) -> Incident | None:
    """The draft that a chat report joins: one whose reports ``find_duplicates`` groups
    with it (same type, within :data:`DEDUP_RADIUS_M` and :data:`DEDUP_WINDOW`, similar
    words), among the drafts of its jurisdiction."""
    candidates = _dedup_candidates(db_session, placed, incident_type)
    if not candidates:
        return None
    by_id = {c.id: c for c in candidates}
    rows = list(
        db_session.scalars(
            select(IncidentReport)
            .where(IncidentReport.incident_id.in_(list(by_id)))
            .order_by(IncidentReport.id)
        )
    )
    places: dict[str, int] = {}
    origin = (placed.lat, placed.lon) if placed.lat is not None and placed.lon is not None else None
    if origin is None:
        origin = next(
            ((r.lat, r.lon) for r in rows if r.lat is not None and r.lon is not None), None
        )
    when = placed.extraction.time
    points = [
        _dedup_point(
            "new",
            incident_type,
            placed.data.text,
            when.start if when else None,
            when.end if when else None,
            placed.data.received_at,
            placed.lat,
            placed.lon,
            placed.data.place_text or placed.extraction.place,
            places,
            origin,
        )
    ]
    points += [
        _dedup_point(
            f"r{r.id}",
            incident_type,
            r.text,
            r.occurred_start,
            r.occurred_end,
            r.received_at,
            r.lat,
            r.lon,
            r.place_text,
            places,
            origin,
        )
        for r in rows
    ]
    owner = {f"r{r.id}": r.incident_id for r in rows}
    for group in find_duplicates(
        points, radius_m=DEDUP_RADIUS_M, window_s=DEDUP_WINDOW.total_seconds()
    ):
        if "new" in group.ids:
            joined = [owner[i] for i in group.ids if i != "new"]
            return by_id[joined[0]] if joined else None
    return None


def post_chat_message(
    db_session: Session,
    settings: Settings,
    principal: Principal,
    *,
    group: str,
    sender: str,
    sent_at: datetime,
    text: str,
    jurisdiction_code: str | None = None,
    source_ref: str | None = None,
    geocode: Geocoder | None = None,
    text_field: str = "text",
) -> ChatOutcome:
    """Take in one group-chat message.

    Every message is stored. Chatter (thanks, greetings, questions) makes no incident;
    a report becomes a draft incident, or joins a draft about the same event (same
    type, jurisdiction, within :data:`DEDUP_WINDOW` and :data:`DEDUP_RADIUS_M` or the
    same place words).
    """
    principal.require("chat", "write")
    if sent_at.tzinfo is None:
        raise InvalidInput("sent_at needs a UTC offset (e.g. +08:00)", field="sent_at")
    fallback = default_jurisdiction(principal, "chat", "write")
    if jurisdiction_code:
        node = jurisdictions.get_by_code(db_session, jurisdiction_code)
        principal.check("chat", "write", node.path)
        fallback = node.id
    data = ReportInput(
        text=text,
        channel=Channel.chat,
        received_at=sent_at,
        reporter_name=sender or None,
        source_ref=source_ref,
        text_limit=MAX_CHAT_CHARS,
        text_field=text_field,
    )
    placed = prepare(db_session, settings, data, fallback, geocode=geocode)
    if not principal.can("chat", "write", placed.jurisdiction.path):
        # as the CSV import: a place in another station's area is refused, not filed there
        raise InvalidInput(
            f"the place lies in {placed.jurisdiction.code}, outside your jurisdiction",
            field=text_field,
        )
    extraction = placed.extraction
    message = ChatMessage(
        jurisdiction_id=placed.jurisdiction.id,
        group_name=group,
        sender=sender,
        sent_at=sent_at,
        text=data.text,
        is_report=extraction.is_report,
        extraction=json.dumps(extraction.to_json(), ensure_ascii=False),
    )
    db_session.add(message)
    incident: Incident | None = None
    joined = False
    if extraction.is_report:
        incident = _find_draft(db_session, placed, extraction.type)
        joined = incident is not None
        if incident is None:
            incident, report = store(db_session, placed, principal=principal, is_draft=True)
        else:
            report = _store_report(db_session, incident, placed)
            if incident.lat is None and placed.lat is not None:
                incident.lat, incident.lon = placed.lat, placed.lon
                incident.geocode_confidence = placed.geocode_confidence
            if incident.place_text is None:
                incident.place_text = placed.extraction.place
            if placed.extraction.time is not None:
                _widen_interval(incident, placed.extraction.time.start, placed.extraction.time.end)
            _touch(incident)
            audit.record(
                db_session,
                action="incident.report_joined",
                object_type="incident",
                object_id=incident.id,
                principal=principal,
                jurisdiction_id=incident.jurisdiction_id,
            )
        message.incident_id = incident.id
        message.report_id = report.id
    db_session.flush()
    return ChatOutcome(message, incident, joined, extraction)


def store_chatter(
    db_session: Session,
    principal: Principal,
    *,
    group: str,
    sender: str,
    sent_at: datetime,
    text: str,
    jurisdiction_code: str | None = None,
) -> ChatMessage:
    """Keep a message without words (emoji, stickers) of a chat export as chatter."""
    principal.require("chat", "write")
    jurisdiction_id = default_jurisdiction(principal, "chat", "write")
    if jurisdiction_code:
        node = jurisdictions.get_by_code(db_session, jurisdiction_code)
        principal.check("chat", "write", node.path)
        jurisdiction_id = node.id
    message = ChatMessage(
        jurisdiction_id=jurisdiction_id,
        group_name=group,
        sender=sender,
        sent_at=sent_at,
        text=text,
        is_report=False,
    )
    db_session.add(message)
    db_session.flush()
    return message


def has_words(text: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def chat_message_json(outcome: ChatOutcome) -> dict[str, Any]:
    message = outcome.message
    return {
        "id": message.id,
        "group": message.group_name,
        "sender": message.sender,
        "sent_at": message.sent_at,
        "is_report": message.is_report,
        "type": outcome.extraction.type,
        "incident_id": message.incident_id,
        "joined_existing": outcome.joined_existing,
        "extraction": outcome.extraction.to_json(),
    }


def counts(db_session: Session) -> dict[str, int]:
    """Row counts of the incident tables (tests check nothing is stored half-way)."""
    return {
        "incident": db_session.scalar(select(func.count(Incident.id))) or 0,
        "incident_report": db_session.scalar(select(func.count(IncidentReport.id))) or 0,
        "stolen_item": db_session.scalar(select(func.count(StolenItem.id))) or 0,
        "chat_message": db_session.scalar(select(func.count(ChatMessage.id))) or 0,
        "idempotency_record": db_session.scalar(select(func.count(IdempotencyRecord.id))) or 0,
    }


def load_incident(
    db_session: Session, principal: Principal, incident_id: int, action: str = "read"
) -> Incident:
    """The incident row for another domain's use case (dispatch), checked against the caller.

    Added by the lead for ``pingan.dispatch``; other domains read incidents only through it.
    """
    principal.require("incident", action)
    return _load_checked(db_session, principal, incident_id, action)
