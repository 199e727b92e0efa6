"""The columns of an incident, its report and its stolen items, and the one answer body.

Every channel that makes an incident (the API, Open311, the web form, the CSV import,
chat, :func:`pingan.incidents.lifecycle.split` and the simulated history) builds its row
with :func:`incident_columns`, so that every row sets the same columns the same way, and
hands it to the one writer (:mod:`pingan.incidents.writer`). Every :class:`IncidentRead`
body, the reporter's answer and every later read, is built by :func:`incident_read`.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pingan.audit import service as audit
from pingan.errors import InvalidInput
from pingan.incidents import privacy
from pingan.incidents.models import Channel, Incident, IncidentReport, Status
from pingan.incidents.schemas import IncidentRead, ItemRead
from pingan.principal import Principal

if TYPE_CHECKING:
    from pingan.incidents.placement import Placed

#: The largest amount the ``amount_yuan`` column holds (a 32-bit integer on PostgreSQL).
MAX_AMOUNT_YUAN = 2_147_483_647
#: The columns of a :class:`~pingan.incidents.models.StolenItem` a reader sees.
ITEM_FIELDS = ("kind", "brand", "colour", "plate", "frame_number", "count", "value_yuan")


def new_token() -> str:
    """A fresh public token (the citizen's key to the status page)."""
    return secrets.token_urlsafe(16)


def incident_columns(
    *,
    jurisdiction_id: int,
    type: str,
    channel: Channel,
    received_at: datetime,
    description: str,
    fraud_type: str | None = None,
    status: Status = Status.received,
    is_draft: bool = False,
    simulated: bool = False,
    occurred_start: datetime | None = None,
    occurred_end: datetime | None = None,
    place_text: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    geocode_confidence: float = 0.0,
    city: str | None = None,
    reporter_name: str | None = None,
    reporter_phone: str | None = None,
    reporter_user_id: int | None = None,
    open311_key_id: int | None = None,
    amount_yuan: int | None = None,
    public_token: str | None = None,
) -> dict[str, Any]:
    """Every column of a new :class:`Incident` but its id and timestamps (the writer's).

    A new incident is never returned, merged or noted in public: ``priority`` 3, no
    ``duplicate_of_id``, no ``public_note``.

    Raises
    ------
    InvalidInput
        ``occurred_start`` is after ``occurred_end``.
    """
    if occurred_start is not None and occurred_end is not None and occurred_start > occurred_end:
        raise InvalidInput("occurred_start is after occurred_end", field="occurred_start")
    return {
        "jurisdiction_id": jurisdiction_id,
        "type": type,
        "fraud_type": fraud_type,
        "status": status,
        "is_draft": is_draft,
        "simulated": simulated,
        "priority": 3,
        "occurred_start": occurred_start,
        "occurred_end": occurred_end,
        "received_at": received_at,
        "place_text": place_text,
        "lat": lat,
        "lon": lon,
        "geocode_confidence": geocode_confidence,
        "city": city,
        "description": description,
        "channel": channel,
        "reporter_name": reporter_name,
        "reporter_phone": reporter_phone,
        "reporter_user_id": reporter_user_id,
        "open311_key_id": open311_key_id,
        "amount_yuan": amount_yuan,
        "property_returned": False,
        "duplicate_of_id": None,
        "public_token": public_token or new_token(),
        "public_note": None,
    }


def report_columns(placed: Placed) -> dict[str, Any]:
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


def item_columns(placed: Placed) -> list[dict[str, Any]]:
    """Column values of the :class:`~pingan.incidents.models.StolenItem` rows: as given,
    else as extracted."""
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


def placed_incident(placed: Placed, *, is_draft: bool) -> dict[str, Any]:
    """The :class:`Incident` columns of a prepared report (its first report's values)."""
    data, extraction = placed.data, placed.extraction
    report = report_columns(placed)
    incident_type = report["type"]
    amount = extraction.amount_yuan
    return incident_columns(
        jurisdiction_id=placed.jurisdiction.id,
        type=incident_type,
        fraud_type=data.fraud_type or (extraction.fraud_type if incident_type == "fraud" else None),
        is_draft=is_draft,
        simulated=data.simulated,
        occurred_start=report["occurred_start"],
        occurred_end=report["occurred_end"],
        received_at=data.received_at,
        place_text=report["place_text"],
        lat=placed.lat,
        lon=placed.lon,
        geocode_confidence=placed.geocode_confidence,
        city=placed.city,
        description=data.text,
        channel=data.channel,
        reporter_name=data.reporter_name,
        reporter_phone=report["reporter_phone"],
        reporter_user_id=data.reporter_user_id,
        open311_key_id=data.open311_key_id,
        amount_yuan=amount if amount is not None and amount <= MAX_AMOUNT_YUAN else None,
    )


def split_incident(source: Incident, first: IncidentReport) -> dict[str, Any]:
    """The :class:`Incident` columns of a split: the first moved report's values, the
    source's jurisdiction, city, draft and simulated marks."""
    return incident_columns(
        jurisdiction_id=source.jurisdiction_id,
        type=first.type,
        fraud_type=source.fraud_type if first.type == "fraud" else None,
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
    )


@dataclass(frozen=True)
class IdempotencyClaim:
    """An Idempotency-Key as the caller sent it, with the SHA-256 of the canonical body."""

    caller: str
    key: str
    body_sha256: str


@dataclass(frozen=True)
class PendingReport:
    """One checked, extracted and placed report, as the rows it becomes (no ids yet).

    ``incident`` and ``report`` hold column values of :class:`Incident` and
    :class:`IncidentReport` (without ids, ``created_at`` and ``updated_at``); ``items``
    those of its :class:`~pingan.incidents.models.StolenItem` rows; ``audit`` the
    ``incident.create`` event (its ``object_id`` is set when the incident id is known).
    """

    incident: dict[str, Any]
    report: dict[str, Any]
    items: tuple[dict[str, Any], ...]
    audit: audit.AuditEntry
    jurisdiction_code: str
    claim: IdempotencyClaim | None = None


@dataclass(frozen=True)
class Written:
    """The outcome of one pending report: its incident, report and the reporter's answer."""

    incident_id: int
    public_token: str
    answer: dict[str, Any]
    replayed: bool
    report_id: int = 0


def pending_report(
    placed: Placed,
    *,
    principal: Principal | None,
    actor: str | None = None,
    claim: IdempotencyClaim | None = None,
    is_draft: bool = False,
) -> PendingReport:
    """A prepared report as the rows :func:`pingan.incidents.writer.write` writes."""
    incident = placed_incident(placed, is_draft=is_draft)
    return PendingReport(
        incident=incident,
        report=report_columns(placed),
        items=tuple(item_columns(placed)),
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


def columns_of(incident: Incident) -> dict[str, Any]:
    """The column values of a stored incident (for :func:`incident_read`)."""
    return {column.key: getattr(incident, column.key) for column in Incident.__table__.columns}


def incident_read(
    columns: Mapping[str, Any],
    items: Sequence[Mapping[str, Any]],
    *,
    report_count: int,
    jurisdiction_code: str,
    sight: privacy.Sight,
    show_token: bool,
    type_uncertain: bool = False,
) -> dict[str, Any]:
    """The :class:`IncidentRead` body of an incident's columns as a reader with ``sight``
    may see it (personal data and plates through :func:`pingan.incidents.privacy.redact`).

    ``columns`` hold every column of the incident, id and ``updated_at`` included; the
    reporter's answer on intake and every later read are built here.
    """
    redact, field = privacy.redact, privacy.Field
    read = IncidentRead(
        id=columns["id"],
        type=columns["type"],
        fraud_type=columns["fraud_type"],
        status=columns["status"],
        is_draft=columns["is_draft"],
        priority=columns["priority"],
        occurred_start=columns["occurred_start"],
        occurred_end=columns["occurred_end"],
        received_at=columns["received_at"],
        place_text=redact(columns["place_text"], sight),
        lat=columns["lat"],
        lon=columns["lon"],
        geocode_confidence=columns["geocode_confidence"],
        description=redact(columns["description"], sight) or "",
        channel=columns["channel"],
        simulated=columns["simulated"],
        reporter_name=redact(columns["reporter_name"], sight, field.name),
        reporter_phone=redact(columns["reporter_phone"], sight, field.phone),
        items=[
            ItemRead.model_validate(
                {name: item.get(name) for name in ITEM_FIELDS}
                | {"plate": redact(item.get("plate"), sight, field.plate)}
            )
            for item in items
        ],
        amount_yuan=columns["amount_yuan"],
        property_returned=columns["property_returned"],
        duplicate_of_id=columns["duplicate_of_id"],
        report_count=report_count,
        jurisdiction_code=jurisdiction_code,
        city=columns["city"],
        public_token=columns["public_token"] if show_token else None,
        public_note=redact(columns["public_note"], sight),
        updated_at=columns["updated_at"],
        type_uncertain=type_uncertain,
    )
    return read.model_dump(mode="json")
