"""Reading incidents: one incident, pages, a caller's own reports, notes, the change stream.

Every body is an :class:`~pingan.incidents.schemas.IncidentRead` built by
:func:`pingan.incidents.rows.incident_read`, with personal data masked unless the
reader may see it (:mod:`pingan.incidents.privacy`); a read of unmasked personal data by
another than the reporter is audited.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func, or_, select, tuple_
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.elements import ColumnElement

from pingan.audit import service as audit
from pingan.audit.appender import appender_for
from pingan.db import SQLITE_BEGIN
from pingan.errors import InvalidInput, NotFound
from pingan.incidents import privacy, rows
from pingan.incidents.models import (
    ChatMessage,
    IdempotencyRecord,
    Incident,
    IncidentNote,
    IncidentReport,
    Status,
    StolenItem,
)
from pingan.incidents.schemas import NoteRead, ReportRead
from pingan.jurisdictions.models import Jurisdiction
from pingan.principal import Principal


def incident_json(
    db_session: Session,
    incident: Incident,
    *,
    sight: privacy.Sight,
    show_token: bool = False,
    report_count: int | None = None,
    jurisdiction_code: str | None = None,
    type_uncertain: bool | None = None,
) -> dict[str, Any]:
    """The :class:`~pingan.incidents.schemas.IncidentRead` body of an incident as a reader
    with ``sight`` may see it (:func:`pingan.incidents.rows.incident_read`).

    ``report_count``, ``jurisdiction_code`` and ``type_uncertain`` may be given when the
    caller read them for many incidents at once (:func:`_read_all`); else each is queried."""
    if jurisdiction_code is None:
        node = db_session.get(Jurisdiction, incident.jurisdiction_id)
        jurisdiction_code = node.code if node else ""
    if type_uncertain is None:
        type_uncertain = incident.is_draft and _type_uncertain(db_session, incident.id)
    if report_count is None:
        report_count = (
            db_session.scalar(
                select(func.count(IncidentReport.id)).where(
                    IncidentReport.incident_id == incident.id
                )
            )
            or 0
        )
    return rows.incident_read(
        rows.columns_of(incident),
        [{name: getattr(i, name) for name in rows.ITEM_FIELDS} for i in incident.items],
        report_count=report_count,
        jurisdiction_code=jurisdiction_code,
        sight=sight,
        show_token=show_token,
        type_uncertain=type_uncertain,
    )


def _type_uncertain(db_session: Session, incident_id: int) -> bool:
    """Whether the text classifier was unsure of the type of a draft's first report."""
    stored = db_session.scalar(
        select(IncidentReport.extraction)
        .where(IncidentReport.incident_id == incident_id)
        .order_by(IncidentReport.id)
        .limit(1)
    )
    return _uncertain_in(stored)


def _drafts_uncertain(db_session: Session, incidents: Sequence[Incident]) -> dict[int, bool]:
    """:func:`_type_uncertain` of many incidents in one query (False for non-drafts)."""
    drafts = [i.id for i in incidents if i.is_draft]
    out = {i.id: False for i in incidents}
    if not drafts:
        return out
    first = (
        select(func.min(IncidentReport.id))
        .where(IncidentReport.incident_id.in_(drafts))
        .group_by(IncidentReport.incident_id)
    )
    found = db_session.execute(
        select(IncidentReport.incident_id, IncidentReport.extraction).where(
            IncidentReport.id.in_(first)
        )
    )
    for incident_id, stored in found.all():
        out[int(incident_id)] = _uncertain_in(stored)
    return out


def _codes_of(db_session: Session, incidents: Sequence[Incident]) -> dict[int, str]:
    """The code of each incident's jurisdiction, in one query."""
    ids = {i.jurisdiction_id for i in incidents}
    if not ids:
        return {}
    found = db_session.execute(
        select(Jurisdiction.id, Jurisdiction.code).where(Jurisdiction.id.in_(ids))
    )
    return {int(node_id): code for node_id, code in found.all()}


def _uncertain_in(stored: str | None) -> bool:
    if not stored:
        return False
    try:
        return bool(json.loads(stored).get("type_uncertain", False))
    except (ValueError, AttributeError):
        return False


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


def _read_all(
    db_session: Session,
    principal: Principal,
    found: Sequence[Any],
    report_counts: dict[int, int] | None = None,
    *,
    grouped: bool = False,
) -> list[dict[str, Any]]:
    """Each ``(incident, path)`` as :func:`_read_for` reads it, with the unmasked personal
    reads audited together at the end: the chain's head is locked once for the batch and
    only until the commit (a live board reads on every change; locking the head at its
    first row held it through the whole batch, stalling every writer behind it).

    ``grouped`` (the live stream's reads): on PostgreSQL, and in a read (deferred)
    transaction on SQLite, the rows go through the process's :mod:`pingan.audit.appender`,
    one transaction for the reads of many boards."""
    items: list[dict[str, Any]] = []
    seen: list[Incident] = []
    # what each body needs beyond its row, read for the whole batch in three queries (a
    # board reads every change: four queries an incident were most of a busy worker's time)
    incidents = [incident for incident, _path in found]
    if report_counts is None:
        report_counts = _report_counts(db_session, [i.id for i in incidents])
    codes = _codes_of(db_session, incidents)
    uncertain = _drafts_uncertain(db_session, incidents)
    for incident, path in found:
        own = _is_own(principal, incident)
        sight = privacy.sight_of(principal, path, own=own)
        items.append(
            incident_json(
                db_session,
                incident,
                sight=sight,
                show_token=own,
                report_count=report_counts.get(incident.id, 0),
                jurisdiction_code=codes.get(incident.jurisdiction_id, ""),
                type_uncertain=uncertain[incident.id],
            )
        )
        if not own and sight.sees_any and _holds_personal(incident):
            seen.append(incident)
    if seen:
        db_session.flush()
        entries = [
            audit.AuditEntry.of(
                action="personal_data.read",
                object_type="incident",
                object_id=incident.id,
                principal=principal,
                jurisdiction_id=incident.jurisdiction_id,
            )
            for incident in seen
        ]
        if grouped and _holds_no_write_lock(db_session):
            bind = db_session.get_bind()
            assert isinstance(bind, Engine)
            appender_for(bind).append(entries)
        else:
            audit.record_many(db_session.connection(), entries)
    return items


def _holds_no_write_lock(db_session: Session) -> bool:
    """Whether another transaction may append to the chain while this one is open: always on
    PostgreSQL (row locks), on SQLite only in a deferred (read) transaction."""
    connection = db_session.connection()
    if connection.dialect.name == "postgresql":
        return True
    return bool(connection.get_execution_options().get(SQLITE_BEGIN) == "DEFERRED")


def _load(db_session: Session, incident_id: int) -> tuple[Incident, str]:
    row = db_session.execute(
        select(Incident, Jurisdiction.path)
        .join(Jurisdiction, Jurisdiction.id == Incident.jurisdiction_id)
        .where(Incident.id == incident_id)
    ).first()
    if row is None:
        raise NotFound("no such incident")
    return row[0], row[1]


def load_checked(
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


def _parse_since(since: str | None, field: str = "since") -> datetime | None:
    if since is None or since == "":
        return None
    try:
        value = datetime.fromisoformat(since)
    except ValueError:
        raise InvalidInput(f"{field} must be an ISO 8601 time with offset", field=field) from None
    if value.tzinfo is None:
        raise InvalidInput(f"{field} needs a UTC offset (e.g. +08:00)", field=field)
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
    occurred_from: str | None = None,
    occurred_to: str | None = None,
    counted: bool | None = None,
) -> dict[str, Any]:
    """A page of the incidents the caller may read, newest first.

    ``occurred_from`` / ``occurred_to`` keep incidents that happened in ``[from, to)`` (their
    occurrence start, else when received: the time the analyses count by); ``counted``
    keeps only what the analyses count (not rejected, not a duplicate, not a draft), so a
    campaign brief's figure links to exactly the records behind it."""
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
    occurred = func.coalesce(Incident.occurred_start, Incident.received_at)
    occurred_lo = _parse_since(occurred_from, "occurred_from")
    if occurred_lo is not None:
        query = query.where(occurred >= occurred_lo)
    occurred_hi = _parse_since(occurred_to, "occurred_to")
    if occurred_hi is not None:
        query = query.where(occurred < occurred_hi)
    if counted:
        query = query.where(
            Incident.status.not_in((Status.rejected, Status.duplicate)),
            Incident.is_draft.is_(False),
        )
    total = db_session.scalar(select(func.count()).select_from(query.subquery())) or 0
    found = db_session.execute(
        query.options(selectinload(Incident.items))
        .order_by(Incident.received_at.desc(), Incident.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    counts = _report_counts(db_session, [r[0].id for r in found])
    items = _read_all(db_session, principal, found, counts)
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
    found = db_session.execute(
        select(IncidentReport.incident_id, func.count(IncidentReport.id))
        .where(IncidentReport.incident_id.in_(ids))
        .group_by(IncidentReport.incident_id)
    )
    return {int(incident_id): int(n) for incident_id, n in found.all()}


def list_own_reports(db_session: Session, principal: Principal) -> list[dict[str, Any]]:
    """The caller's own reports (scope ``own``): a citizen sees only what they filed."""
    principal.require("report", "read")
    found = db_session.execute(
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
    return [_read_for(db_session, principal, inc, path) for inc, path in found]


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


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def encode_cursor(at: datetime, incident_id: int) -> str:
    return f"{int(at.timestamp() * 1_000_000)}-{incident_id}"


def decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    if not cursor:
        return None
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
    changes = keyed_changes_since(db_session, principal, cursor, limit=limit)
    return changes.items, changes.cursor


@dataclass(frozen=True)
class Changes:
    """A read of changes: the bodies, each one's position, the cursor after them, and
    whether the read stopped at its limit (more changes may follow the cursor)."""

    items: list[dict[str, Any]]
    keys: list[tuple[int, int]]
    cursor: str
    truncated: bool


def cursor_key(cursor: str) -> tuple[int, int]:
    """A cursor as comparable integers: (microseconds since the epoch, incident id)."""
    micros, _sep, incident_id = cursor.partition("-")
    return int(micros), int(incident_id)


def keyed_changes_since(
    db_session: Session, principal: Principal, cursor: str | None, *, limit: int = 200
) -> Changes:
    """:func:`changes_since` with each change's position (for streams that share a read)."""
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
        if last is None:  # nothing yet: every incident that appears is a change
            return Changes([], [], encode_cursor(_EPOCH, 0), False)
        return Changes([], [], encode_cursor(last[0], last[1]), False)
    at, last_id = after
    found = db_session.execute(
        select(Incident, Jurisdiction.path)
        .options(selectinload(Incident.items))
        .join(Jurisdiction, Jurisdiction.id == Incident.jurisdiction_id)
        .where(visible)
        .where(tuple_(Incident.updated_at, Incident.id) > tuple_(at, last_id))
        .order_by(Incident.updated_at, Incident.id)
        .limit(limit)
    ).all()
    if not found:
        return Changes([], [], cursor or "", False)
    items = _read_all(db_session, principal, found, grouped=True)
    positions = [encode_cursor(row[0].updated_at, row[0].id) for row in found]
    return Changes(items, [cursor_key(c) for c in positions], positions[-1], len(found) == limit)


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
    return load_checked(db_session, principal, incident_id, action)
