"""The lifecycle of an incident: status changes, notes, merge and split.

Functions ``flush()``; the request or the CLI command commits once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pingan.audit import service as audit
from pingan.db import utcnow
from pingan.errors import Conflict, InvalidInput
from pingan.incidents import rows, writer
from pingan.incidents.models import (
    ChatMessage,
    Incident,
    IncidentNote,
    IncidentReport,
    Status,
    StolenItem,
)
from pingan.incidents.privacy import check_text
from pingan.incidents.reads import load_checked
from pingan.incidents.schemas import MAX_PUBLIC_NOTE_CHARS
from pingan.principal import Principal

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


def touch(incident: Incident) -> None:
    """Mark the incident changed now (the change stream's cursor moves past it)."""
    incident.updated_at = utcnow()


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
    incident = load_checked(db_session, principal, incident_id, "write")
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
    touch(incident)
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
    incident = load_checked(db_session, principal, incident_id, "write")
    _store_public_note(db_session, incident, principal, text)
    touch(incident)
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
    incident = load_checked(db_session, principal, incident_id, "write")
    note = _note(
        db_session,
        incident,
        principal,
        kind="note",
        text=check_text(text, limit=4_000, field="text"),
    )
    touch(incident)
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
    target = load_checked(db_session, principal, incident_id, "write")
    if target.status is Status.duplicate:
        raise Conflict("a duplicate cannot take in other incidents", field="incident_id")
    others = []
    for other_id in dict.fromkeys(other_ids):
        if other_id == incident_id:
            raise InvalidInput("an incident cannot be merged into itself", field="other_ids")
        other = load_checked(db_session, principal, other_id, "write")
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
        widen_interval(target, other.occurred_start, other.occurred_end)
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
        touch(other)
    _note(
        db_session,
        target,
        principal,
        kind="merge",
        text=f"took in {', '.join(str(o.id) for o in others)}. {note}".strip(),
    )
    touch(target)
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


def widen_interval(incident: Incident, start: datetime | None, end: datetime | None) -> None:
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
    source = load_checked(db_session, principal, incident_id, "write")
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
    db_session.flush()
    connection = db_session.connection()
    new_id = writer.insert_incidents(connection, [rows.split_incident(source, first)])[0]
    new = db_session.get_one(Incident, new_id)
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
    touch(source)
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
