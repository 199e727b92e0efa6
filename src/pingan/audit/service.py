"""Writing and verifying the audit chain.

Each row's hash is SHA-256 over the previous row's hash and the row's own fields
in a canonical JSON form. Editing any field, deleting or reordering rows, or
truncating the tail breaks the chain, and :func:`verify_chain` says where.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.orm import Session

from pingan.audit.models import AuditEvent, AuditHead
from pingan.auth.principal import Principal
from pingan.db import utcnow

GENESIS = "0" * 64


def _digest(prev_hash: str, fields: dict[str, object]) -> str:
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


#: The fields each row's hash covers, in addition to the previous row's hash.
HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor",
    "role",
    "jurisdiction_id",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "client_addr",
)


def _canonical(values: dict[str, Any]) -> dict[str, object]:
    fields = {name: values[name] for name in HASHED_FIELDS}
    fields["at"] = values["at"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return fields


def _fields(event: AuditEvent) -> dict[str, object]:
    return _canonical({name: getattr(event, name) for name in HASHED_FIELDS})


def record(
    db_session: Session,
    *,
    action: str,
    object_type: str,
    object_id: object = "",
    outcome: str = "ok",
    principal: Principal | None = None,
    actor: str | None = None,
    role: str | None = None,
    jurisdiction_id: int | None = None,
    client_addr: str | None = None,
) -> AuditEvent:
    """Append one row to the chain (in the caller's transaction)."""
    # populate_existing: the head may have been moved by record_many (Core) in this session
    head = db_session.scalar(
        select(AuditHead)
        .where(AuditHead.id == 1)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS)
        db_session.add(head)
        db_session.flush()
    at = utcnow()
    event = AuditEvent(
        seq=head.seq + 1,
        at=at,
        actor_id=principal.user_id if principal else None,
        actor=(principal.username if principal else actor) or "anonymous",
        role=role or (principal.primary_role() if principal else "none"),
        jurisdiction_id=jurisdiction_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        outcome=outcome,
        client_addr=(client_addr or (principal.client_addr if principal else None) or "")[:64],
        prev_hash=head.hash,
    )
    event.hash = _digest(event.prev_hash, _fields(event))
    db_session.add(event)
    head.seq = event.seq
    head.hash = event.hash
    db_session.flush()
    return event


@dataclass(frozen=True)
class AuditEntry:
    """One event for :func:`record_many`, with its actor already resolved."""

    action: str
    object_type: str
    object_id: str
    actor_id: int | None
    actor: str
    role: str
    jurisdiction_id: int | None
    client_addr: str
    outcome: str = "ok"

    @classmethod
    def of(
        cls,
        *,
        action: str,
        object_type: str,
        object_id: object = "",
        outcome: str = "ok",
        principal: Principal | None = None,
        actor: str | None = None,
        role: str | None = None,
        jurisdiction_id: int | None = None,
        client_addr: str | None = None,
    ) -> AuditEntry:
        """The entry :func:`record` would write for the same arguments."""
        addr = client_addr or (principal.client_addr if principal else None) or ""
        return cls(
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            actor_id=principal.user_id if principal else None,
            actor=(principal.username if principal else actor) or "anonymous",
            role=role or (principal.primary_role() if principal else "none"),
            jurisdiction_id=jurisdiction_id,
            client_addr=addr[:64],
            outcome=outcome,
        )


# built once: constructing a statement costs more than running it
_HEAD_FOR_UPDATE = (
    select(AuditHead.__table__.c.seq, AuditHead.__table__.c.hash)
    .where(AuditHead.__table__.c.id == 1)
    .with_for_update()
)
_INSERT_EVENTS = insert(AuditEvent.__table__)
_MOVE_HEAD = update(AuditHead.__table__).where(AuditHead.__table__.c.id == 1)


def record_many(connection: Connection, entries: Sequence[AuditEntry]) -> list[int]:
    """Append several rows to the chain with Core statements; return their ``seq`` numbers.

    One ``SELECT … FOR UPDATE`` of the head, one multi-row ``INSERT`` and one ``UPDATE``
    of the head, whatever the number of entries: the batch is chained exactly as
    ``len(entries)`` calls of :func:`record` would chain it. Runs in the connection's
    transaction (a session's: ``db_session.connection()``; flush the session first).
    """
    if not entries:
        return []
    table = AuditHead.__table__
    head = connection.execute(_HEAD_FOR_UPDATE).first()
    if head is None:
        connection.execute(insert(table), {"id": 1, "seq": 0, "hash": GENESIS})
        seq, prev = 0, GENESIS
    else:
        seq, prev = head.seq, head.hash
    rows: list[dict[str, Any]] = []
    at = utcnow()
    for entry in entries:
        seq += 1
        row: dict[str, Any] = {
            "seq": seq,
            "at": at,
            "actor_id": entry.actor_id,
            "actor": entry.actor,
            "role": entry.role,
            "jurisdiction_id": entry.jurisdiction_id,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "outcome": entry.outcome,
            "client_addr": entry.client_addr,
            "prev_hash": prev,
        }
        prev = row["hash"] = _digest(prev, _canonical(row))
        rows.append(row)
    connection.execute(_INSERT_EVENTS, rows)
    connection.execute(_MOVE_HEAD, {"seq": seq, "hash": prev})
    return [row["seq"] for row in rows]


@dataclass(frozen=True)
class ChainReport:
    rows: int
    ok: bool
    first_bad_seq: int | None
    reason: str


def verify_chain(db_session: Session) -> ChainReport:
    """Walk the chain in order and report the first broken link, if any."""
    prev = GENESIS
    expected_seq = 1
    count = 0
    for event in db_session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).yield_per(2000):
        count += 1
        if event.seq != expected_seq:
            return ChainReport(count, False, expected_seq, f"row {expected_seq} is missing")
        if event.prev_hash != prev:
            return ChainReport(
                count, False, event.seq, f"row {event.seq} does not follow its predecessor"
            )
        if _digest(prev, _fields(event)) != event.hash:
            return ChainReport(count, False, event.seq, f"row {event.seq} was altered")
        prev = event.hash
        expected_seq += 1
    head = db_session.get(AuditHead, 1)
    if head is not None and (head.seq != expected_seq - 1 or head.hash != prev):
        return ChainReport(
            count, False, expected_seq, f"rows after {expected_seq - 1} were removed"
        )
    return ChainReport(count, True, None, f"{count} rows, chain intact")


def list_events(
    db_session: Session,
    principal: Principal,
    *,
    limit: int = 100,
    before_seq: int | None = None,
    action: str | None = None,
) -> list[AuditEvent]:
    """The newest events the caller may read: those of jurisdictions in the subtrees where
    they hold the auditor role; events tied to no jurisdiction (logins, account changes)
    only for auditors of a whole tree (a root jurisdiction)."""
    from sqlalchemy import and_, or_

    from pingan.jurisdictions.models import Jurisdiction

    principal.require("audit", "read")
    whole_tree = any(
        grant.jurisdiction_path.count("/") == 2
        for grant, _scope in principal.matching_grants("audit", "read")
    )
    visible = principal.visible_clause("audit", "read", Jurisdiction.path)
    unplaced = and_(AuditEvent.jurisdiction_id.is_(None), whole_tree)
    query = (
        select(AuditEvent)
        .outerjoin(Jurisdiction, Jurisdiction.id == AuditEvent.jurisdiction_id)
        .where(or_(visible, unplaced) if whole_tree else visible)
        .order_by(AuditEvent.seq.desc())
        .limit(limit)
    )
    if before_seq is not None:
        query = query.where(AuditEvent.seq < before_seq)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db_session.scalars(query))


def count(db_session: Session) -> int:
    return db_session.scalar(select(func.count(AuditEvent.id))) or 0
